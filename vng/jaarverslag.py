"""The Financieel Jaarverslag of one year, built once for the command line and Fava.

``build_jaarverslag(books, group_file, year, staging)`` computes every entity of the
group (``vng.build``: worker processes and the cache), consolidates, and writes the
JSON, the PDF, the workbook and one auditfile per entity into ``staging``.
``vng jaarverslag`` renames those files into its ``--out`` folder; the Fava page
serves them as its downloads, so both hand out the same files for the same books.

``group_path(books, explicit)`` is how both find the group file: the one given, else
``ledger/groep/groep.beancount`` for the embedded books, else none (the books alone).
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from statements.errors import StatementError
from statements.render.json import jaarrekening_json
from statements.table import StatementTable
from vng.build import (
    Taak,
    Uitkomst,
    beside,
    cached_document,
    cached_outputs,
    cached_sheets,
    document_key,
    outputs_key,
    run,
    store_document,
    store_outputs,
    store_sheets,
)
from vng.output import write_atomic, write_unsynced
from vng.voortgang import Voortgang, stil

if TYPE_CHECKING:
    from statements.render.rapport import Report

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BOOKS = os.path.join(ROOT, "ledger", "vereniging", "main.beancount")
DEFAULT_GROUP = os.path.join(ROOT, "ledger", "groep", "groep.beancount")


class BuildError(Exception):
    """The build cannot be made; ``errors`` are ``file:line: reason`` lines."""

    def __init__(self, errors: tuple[str, ...]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def group_path(books: str, explicit: str | None = None) -> str:
    """The group file of ``books``: ``explicit`` when given, the embedded group for
    the embedded books, else "" (the books are reported alone)."""
    if explicit is not None:
        return explicit
    return DEFAULT_GROUP if os.path.abspath(books) == DEFAULT_BOOKS else ""


def plan(
    books: str,
    group_file: str,
    year: int,
    full: bool,
    xaf: str = "4.0",
    balances: bool = False,
) -> tuple[list[Taak], Any, str]:
    """The tasks of a build: one per entity of the group (the reporting entity among
    them), or the books alone; ``balances``: each with its trial balance, and the
    reporting entity's ondertekening and texts (the Fava page before its downloads).
    Returns (tasks, group or None, the reporting key)."""
    own = os.path.abspath(books)
    today = datetime.date.today() if full or not year else None
    if not group_file:
        alone = Taak("eigen", books, year, "", bool(year), full, today, xaf=xaf, balances=balances)
        return [alone], None, "eigen"
    from statements.consolidatie import read_group

    group = read_group(group_file)
    reporting = next((e.key for e in group.entities if e.books_path == own), "")
    taken = [
        Taak(
            e.key,
            e.books_path,
            year,
            group_file,
            bool(year) and e.key == reporting,
            full,
            today,
            xaf=xaf,
            balances=balances,
        )
        for e in group.entities
    ]
    if not reporting:
        reporting = "eigen"
        taken.insert(
            0,
            Taak(reporting, books, year, "", bool(year), full, today, xaf=xaf, balances=balances),
        )
    return taken, group, reporting


def to_compute(books: str, group_file: str, year: int) -> int:
    """How many entities a full build of ``year`` computes (the others are in the
    cache); every one of them when the group cannot be read (the build reports it)."""
    from vng.build import to_compute as missing

    try:
        taken, _, _ = plan(books, group_file, year, True, balances=True)
    except StatementError:
        return sys.maxsize
    return len(missing(taken))


def compute_entities(
    books: str,
    group_file: str,
    year: int,
    full: bool,
    staging: str = "",
    xaf: str = "4.0",
    voortgang: Voortgang | None = None,
    balances: bool = False,
    eerder: Callable[[dict[str, Uitkomst], Any, str], None] | None = None,
) -> tuple[dict[str, Uitkomst], Any, str]:
    """Every entity computed: (results, group or None, the reporting key); raises
    ``BuildError`` with every entity's errors. ``voortgang`` shows their phases;
    ``balances`` as for ``plan``; ``eerder`` is given what the entities have before
    their grootboek, the group and the reporting key, as soon as every entity has it
    (``vng.build.run``)."""
    if not os.path.exists(books):
        raise BuildError((f"{books}:0: boeken niet gevonden",))
    try:
        taken, group, reporting = plan(books, group_file, year, full, xaf, balances)
    except StatementError as exc:
        raise BuildError(tuple(exc.lines())) from exc
    ahead = None if eerder is None else lambda found: eerder(found, group, reporting)
    # the page waits for the statements: the reporting books' task sent ahead even alone
    results = run(
        [dataclasses.replace(t, staging=staging) for t in taken], voortgang, ahead, balances
    )
    errors = tuple(error for taak in taken for error in results[taak.key].errors)
    if errors:
        raise BuildError(errors)
    return results, group, reporting


def group_statements(
    results: dict[str, Uitkomst], group: Any, reporting: str, year: int
) -> tuple[StatementTable, ...]:
    """The reporting entity's statements, followed by the group's when there is one."""
    tables = results[reporting].tables
    if group is None:
        return tables
    from statements.consolidatie import build_geconsolideerd

    figures: dict[Any, Any] = {}
    for result in results.values():
        figures.update(result.figures)
    return tables + build_geconsolideerd(group, figures, year)


def report_of(
    own: Uitkomst, year: int, tables: tuple[StatementTable, ...], books: str = ""
) -> Report:
    """What the document needs of the reporting entity's books besides its tables: the
    texts, their figures filled from ``tables``, the place and the day it was made up.
    ``books`` names the books in an error; raises ``BuildError`` when the computation
    of the books gave no settings (the books were not computed)."""
    from statements.render.rapport import Report, Section
    from statements.verslag import fill

    settings = own.settings
    if settings is None:
        raise BuildError(_not_computed(own, books, "instellingen (vng-entiteit)"))
    return Report(
        settings.entity_name,
        year,
        settings.voorwoord.get(year, ""),
        settings.entity.get("plaats", ""),
        tuple(Section(s.key, s.title, s.text) for s in fill(own.teksten, tables, year)),
        own.opgemaakt,
    )


def _not_computed(own: Uitkomst, books: str, what: str) -> tuple[str, ...]:
    """The error of books whose computation lacks ``what``: its own errors, else
    that ``what`` is missing, at the books."""
    return own.errors or (
        f"{books or own.key}:0: de berekening van de boeken van {own.key} gaf geen {what}; "
        "het jaarverslag kan niet worden opgemaakt",
    )


def slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split()) or "entiteit"


@dataclass(frozen=True)
class Jaarverslag:
    year: int
    entity: str
    # output name -> the file in staging (JSON, PDF, XLSX, XAFs, the journals beside the XLSX)
    files: dict[str, str]
    auditfiles: dict[str, str]  # entity name -> output name of its auditfile
    results: dict[str, Uitkomst]
    reporting: str
    tables: tuple[StatementTable, ...] = ()  # when asked for, or made anyway


def build_statements(
    books: str, group_file: str, year: int, voortgang: Voortgang | None = None
) -> Jaarverslag:
    """What the Fava page shows of the jaarverslag, without its files: every entity's
    figures and trial balance, the reporting entity's statements, ondertekening and
    texts, and the group's statements; as ``build_jaarverslag`` computes them, at the
    cost of the statements alone (no grootboek, auditfile, journal-entry tests, PDF or
    workbook). Raises ``BuildError`` as it does."""
    results, group, reporting = compute_entities(
        books, group_file, year, False, "", voortgang=voortgang, balances=True
    )
    own = results[reporting]
    if own.settings is None or own.ondertekening is None:
        raise BuildError(_not_computed(own, books, "instellingen of ondertekening"))
    try:
        made = group_statements(results, group, reporting, year)
    except StatementError as exc:
        raise BuildError(tuple(exc.lines())) from exc
    return Jaarverslag(year, own.settings.entity_name, {}, {}, results, reporting, made)


def _outputs(
    books: str,
    year: int,
    results: dict[str, Uitkomst],
    group: Any,
    reporting: str,
    journals: dict[str, str],
    ahead: _Ahead,
    voortgang: Voortgang,
    tick: Callable[[str], None],
) -> tuple[tuple[StatementTable, ...], tuple[str | bytes, bytes, bytes], str]:
    """The group's statements, and the JSON, the PDF and the workbook made of them:
    (statements, contents, the PDF's document key)."""
    from statements.render.rapport import PdfError
    from statements.render.xlsx import EntityLedgers, SheetMemo, render_xlsx

    own = results[reporting]
    assert own.settings is not None and own.ondertekening is not None
    name = own.settings.entity_name
    for result in results.values():
        result.complete()
    assert own.ledger is not None
    try:
        voortgang.fase("consolidatie")
        made = ahead.made or group_statements(results, group, reporting, year)
        tick("consolidatie")
        voortgang.fase("opmaak")
        others = [
            EntityLedgers(r.ledger, r.prior, r.sheets)
            for k, r in results.items()
            if k != reporting and r.settings and r.ledger and r.settings.entity_name != name
        ]
        ledgers = [EntityLedgers(own.ledger, own.prior, own.sheets), *others]
        analyses = [r.analysis for r in (own, *results.values()) if r.analysis is not None]
        analyses = list({a.entity: a for a in analyses}.values())
        # the PDF is set in a process of its own while the workbook is made here (or
        # was, while the entities' grootboeks were made); a document with the same
        # content as the last one is that one
        document, pdf_key = ahead.document_of(own, made) or _document(own, year, made, books)
        known = cached_document(pdf_key)
        pdf = ahead.pdf(pdf_key) if known is None else (lambda: known)
        if pdf is None:
            pdf = beside(lambda: _render_pdf(document))
        # the sheets of the last workbook whose content is unchanged are taken from it
        memo = SheetMemo(cached_sheets())
        workbook = render_xlsx(ledgers, made, analyses, journals, memo)
        store_sheets(memo.made, dict(memo.known))
        contents = (jaarrekening_json(year, name, made), pdf(), workbook)
        tick("opmaak")
    except StatementError as exc:
        raise BuildError(tuple(exc.lines())) from exc
    except PdfError as exc:
        raise BuildError((f"{books}:0: {exc}",)) from exc
    return made, contents, pdf_key


Document = tuple["Report", tuple[StatementTable, ...]]


def _document(
    own: Uitkomst, year: int, made: tuple[StatementTable, ...], books: str
) -> tuple[Document, str]:
    """What the PDF shows (the report and its statements), and its key."""
    assert own.ondertekening is not None  # the callers report books without it
    document = (report_of(own, year, made, books), (*made, own.ondertekening))
    return document, document_key("pdf", document)


def _render_pdf(document: Document) -> bytes:
    # the typesetter is loaded only for a document not set before
    from statements.render.pdf import render_pdf

    return render_pdf(*document)


class _Ahead:
    """What a build does with the entities' statements while their grootboeks, auditfiles
    and journal-entry tests are still being made (``vng.build.run``'s ``eerder``): the
    group's statements, the Fava page's first answer (``statements``), and the PDF, set
    in a process of its own unless the same document was set before."""

    def __init__(
        self, books: str, year: int, statements: Callable[[Jaarverslag], None] | None
    ) -> None:
        self.books, self.year, self.statements = books, year, statements
        self.made: tuple[StatementTable, ...] = ()
        self._pdf: tuple[str, Callable[[], bytes]] | None = None
        # the reporting entity's result the statements were made of, their document
        self._document: tuple[Uitkomst, Document, str] | None = None

    def __call__(self, found: dict[str, Uitkomst], group: Any, reporting: str) -> None:
        own = found[reporting]
        if own.settings is None or own.ondertekening is None:
            return  # the build reports it
        try:
            made = group_statements(found, group, reporting, self.year)
            document, key = _document(own, self.year, made, self.books)
        except (StatementError, BuildError):
            return  # computed again after the entities, and reported then
        self.made = made
        self._document = (own, document, key)
        if self.statements is not None:
            name = own.settings.entity_name
            self.statements(Jaarverslag(self.year, name, {}, {}, found, reporting, made))
        if cached_document(key) is None:
            self._pdf = (key, beside(lambda: _render_pdf(document)))

    def document_of(
        self, own: Uitkomst, made: tuple[StatementTable, ...]
    ) -> tuple[Document, str] | None:
        """The document made ahead and its key, when it was made of this result of the
        reporting entity and these statements (a single entity computed in the build's
        own process: its result is the one told ahead)."""
        if self._document is None or self._document[0] is not own or made is not self.made:
            return None
        return self._document[1], self._document[2]

    def pdf(self, key: str) -> Callable[[], bytes] | None:
        """The PDF set ahead, when it is of the document ``key``."""
        if self._pdf is None or self._pdf[0] != key:
            return None
        found, self._pdf = self._pdf[1], None
        return found

    def __enter__(self) -> _Ahead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """The end of a PDF set ahead that the build did not take (its process ends)."""
        if self._pdf is not None:
            waiting, self._pdf = self._pdf[1], None
            try:
                waiting()
            except Exception:  # noqa: BLE001, S110 - the build's own PDF is the one that counts
                pass


def build_jaarverslag(
    books: str,
    group_file: str,
    year: int,
    staging: str,
    tick: Callable[[str], None] = lambda phase: None,
    tables: bool = False,
    xaf: str = "4.0",
    voortgang: Voortgang | None = None,
    statements: Callable[[Jaarverslag], None] | None = None,
    synced: bool = True,
) -> Jaarverslag:
    """The whole Financieel Jaarverslag, written into ``staging``; ``tables`` asks for
    the statements too when the outputs come from the cache; ``voortgang`` shows the
    entities' phases and the build's. ``statements`` is given what the Fava page shows
    before the files are there (as ``build_statements`` returns it, every entity with
    its trial balance), as soon as the entities' statements are computed. Without
    ``synced`` the JSON, the PDF and the workbook are left in ``staging`` unsynced, for
    a caller that syncs them as it moves them into place. Raises ``BuildError``.

    Python's cyclic garbage collector is paused in this process while it builds: the
    results read from the cache, the ledgers and the workbook are millions of objects
    and hardly a cycle, and its full passes over them took a sixth of a rebuild after
    a change of one dochter (its workers collect as before)."""
    from vng.schrijven import no_collection

    voortgang = voortgang or stil()
    with no_collection(), _Ahead(books, year, statements) as ahead:
        results, group, reporting = compute_entities(
            books,
            group_file,
            year,
            True,
            staging,
            xaf,
            voortgang,
            balances=statements is not None,
            eerder=ahead,
        )
        tick("entiteiten")
        own = results[reporting]
        settings = own.settings
        ondertekening = own.ondertekening
        if settings is None or ondertekening is None:
            raise BuildError(_not_computed(own, books, "instellingen of ondertekening"))
        names = [
            f"jaarrekening-{year}.json",
            f"financieel-jaarverslag-{year}.pdf",
            f"werkmap-accountant-{year}.xlsx",
        ]
        auditfiles: dict[str, str] = {}
        xaf_files: dict[str, str] = {}
        for key, result in results.items():
            if key == "eigen" and len(results) > 1:
                continue  # the reporting books outside the group: no auditfile of their own
            assert result.settings is not None and result.xaf_path
            name = f"auditfile-{slug(result.settings.entity_name)}-{year}.xaf"
            auditfiles[result.settings.entity_name] = name
            xaf_files[name] = result.xaf_path
        # the journal of books too large for the workbook, beside it (written by the tasks)
        journals: dict[str, str] = {}  # entity -> the name of its journal's file
        journal_files: dict[str, str] = {}
        for result in results.values():
            if result.journal_path and result.journal_name and result.settings is not None:
                journals[result.settings.entity_name] = result.journal_name
                journal_files[result.journal_name] = result.journal_path
        # the same books, group, year and program as the last build: the same outputs
        key = outputs_key(results, str(year), reporting, *names, *sorted(journal_files))
        staged = cached_outputs(key, names, staging)
        made: tuple[StatementTable, ...] = ()
        if staged is None:
            made, contents, pdf_key = _outputs(
                books, year, results, group, reporting, journals, ahead, voortgang, tick
            )
            staged = {}
            write = write_atomic if synced else write_unsynced
            for name, content in zip(names, contents, strict=True):
                staged[name] = os.path.join(staging, f"uitvoer-{name}")
                write(staged[name], content)
            store_outputs(key, staged)
            store_document(pdf_key, staged[names[1]])
        else:
            voortgang.fase("uitvoer uit de cache")
            tick("consolidatie")
            tick("opmaak")
            if tables:
                made = ahead.made or group_statements(results, group, reporting, year)
        files = {**{n: staged[n] for n in names}, **xaf_files, **journal_files}
        return Jaarverslag(year, settings.entity_name, files, auditfiles, results, reporting, made)
