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
    document_key,
    outputs_key,
    run,
    store_document,
    store_outputs,
)
from vng.output import write_atomic
from vng.voortgang import Voortgang, stil

if TYPE_CHECKING:
    from statements.render.pdf import Report

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


def compute_entities(
    books: str,
    group_file: str,
    year: int,
    full: bool,
    staging: str = "",
    xaf: str = "4.0",
    voortgang: Voortgang | None = None,
    balances: bool = False,
) -> tuple[dict[str, Uitkomst], Any, str]:
    """Every entity computed: (results, group or None, the reporting key); raises
    ``BuildError`` with every entity's errors. ``voortgang`` shows their phases;
    ``balances`` as for ``plan``."""
    if not os.path.exists(books):
        raise BuildError((f"{books}:0: boeken niet gevonden",))
    try:
        taken, group, reporting = plan(books, group_file, year, full, xaf, balances)
    except StatementError as exc:
        raise BuildError(tuple(exc.lines())) from exc
    results = run([dataclasses.replace(t, staging=staging) for t in taken], voortgang)
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
    from statements.render.pdf import Report, Section
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


def build_jaarverslag(
    books: str,
    group_file: str,
    year: int,
    staging: str,
    tick: Callable[[str], None] = lambda phase: None,
    tables: bool = False,
    xaf: str = "4.0",
    voortgang: Voortgang | None = None,
) -> Jaarverslag:
    """The whole Financieel Jaarverslag, written into ``staging``; ``tables`` asks for
    the statements too when the outputs come from the cache; ``voortgang`` shows the
    entities' phases and the build's. Raises ``BuildError``."""
    voortgang = voortgang or stil()
    results, group, reporting = compute_entities(
        books, group_file, year, True, staging, xaf, voortgang
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
        from statements.render.pdf import PdfError, render_pdf
        from statements.render.xlsx import EntityLedgers, render_xlsx

        for result in results.values():
            result.complete()
        assert own.ledger is not None
        try:
            voortgang.fase("consolidatie")
            made = group_statements(results, group, reporting, year)
            tick("consolidatie")
            voortgang.fase("opmaak")
            report = report_of(own, year, made, books)
            others = [
                EntityLedgers(r.ledger, r.prior, r.sheets)
                for k, r in results.items()
                if k != reporting
                and r.settings
                and r.ledger
                and r.settings.entity_name != settings.entity_name
            ]
            ledgers = [EntityLedgers(own.ledger, own.prior, own.sheets), *others]
            analyses = [r.analysis for r in (own, *results.values()) if r.analysis is not None]
            analyses = list({a.entity: a for a in analyses}.values())
            # the PDF is set in a process of its own while the workbook is made here;
            # a document with the same content as the last one is that one
            document = (report, (*made, ondertekening))
            pdf_key = document_key("pdf", document)
            known = cached_document(pdf_key)
            pdf: Callable[[], bytes] = (
                beside(lambda: render_pdf(*document)) if known is None else lambda: known
            )
            workbook = render_xlsx(ledgers, made, analyses, journals)
            contents: tuple[str | bytes, ...] = (
                jaarrekening_json(year, settings.entity_name, made),
                pdf(),
                workbook,
            )
            tick("opmaak")
        except StatementError as exc:
            raise BuildError(tuple(exc.lines())) from exc
        except PdfError as exc:
            raise BuildError((f"{books}:0: {exc}",)) from exc
        staged = {}
        for name, content in zip(names, contents, strict=True):
            staged[name] = os.path.join(staging, f"uitvoer-{name}")
            write_atomic(staged[name], content)
        store_outputs(key, staged)
        store_document(pdf_key, staged[names[1]])
    else:
        voortgang.fase("uitvoer uit de cache")
        tick("consolidatie")
        tick("opmaak")
        if tables:
            made = group_statements(results, group, reporting, year)
    files = {**{n: staged[n] for n in names}, **xaf_files, **journal_files}
    return Jaarverslag(year, settings.entity_name, files, auditfiles, results, reporting, made)
