"""Computing the entities of the group: each in its own process, two at a time, and
from a cache keyed on the content of the books.

Per entity a task loads and checks the books (all of beancount's checks and the
project's), and computes what the jaarrekening needs of them: the figures the
consolidation reads, for the reporting entity its own statements, and for the full
jaarverslag its auditfile and its trial balance; for the Fava page before its downloads
(``balances``) the trial balance alone, without the grootboek and the auditfile. Only
those results travel back to the main process; the postings stay in the process that
loaded them, which ends when its entity is done (its memory with it). The largest books start first.

The cache holds the results of books that had no errors, under a key made of the
SHA-256 of every file of the books (the main file, everything it includes, the lock
files of adopted years), the group file, the task and the program itself. Books
whose content is unchanged are therefore not loaded again: their results are those
of the same books checked before, errors included (there were none). Any change, in
one byte of one file, is a different key and a full load with every check.
``VNG_CACHE`` names the cache folder (default ``~/.cache/vng-jaarrekening``);
``VNG_CACHE=uit`` switches it off. ``VNG_PROCESSEN`` sets the number of processes.

A full task sends what it has computed before its grootboek ahead of its final result
(``Voorlopig``: the figures, the statements, the texts): once every task has that or
its result, the build goes on with the consolidation and the PDF (``run``'s
``eerder``) while the grootboek, the auditfile and the journal-entry tests are still
being made, and the Fava page shows the statements of a change without waiting for its
downloads and without a load of the books of its own.

While it runs, each task reports its phases (laden, cijfers, staten, proefbalans,
grootboek, auditfile) to the main process over the pipe of its result, and the main process
shows them with the cache's hits (``vng.voortgang``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import gc
import hashlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from statements.errors import StatementError
from statements.grootboek import Grootboek, build_grootboek, summarised
from statements.table import StatementTable
from vng.auteurs import Auteurs
from vng.vastlegging import dies_with_us
from vng.voortgang import INTERVAL, Melding, Voortgang, stil
from vng_accounts.books import Books, load_books
from vng_accounts.errors import format_error
from vng_accounts.groep import check_references
from vng_accounts.guard import read_sources
from vng_accounts.parse_cache import PartCache
from vng_accounts.plugins import PROJECT_PLUGINS
from vng_accounts.settings import Settings

if TYPE_CHECKING:
    from statements.render.xlsx import SheetPart

# above this many posting lines in the year, the workbook carries the trial balance of
# an entity but not its grootboekkaarten and journaal (the auditfile has them)
WORKBOOK_LINES = 10_000


@dataclass(frozen=True)
class Taak:
    key: str
    path: str
    year: int
    group_file: str = ""  # the figures for the consolidation when given
    reporting: bool = False  # the entity's own statements
    full: bool = False  # its auditfile and ledger for the workbook
    today: datetime.date | None = None  # the auditfile's date of creation
    staging: str = ""  # the folder the auditfile is written to (not part of the key)
    xaf: str = "4.0"  # the version of the auditfile: 4.0 or 3.2
    # what the Fava page shows without the downloads: the trial balance of the year (the
    # accounts behind every line) and, reporting, the ondertekening and the texts
    balances: bool = False


@dataclass
class Uitkomst:
    key: str
    errors: tuple[str, ...] = ()
    directives: int = 0
    settings: Settings | None = None
    figures: dict[tuple[str, int], Any] = field(default_factory=dict)
    tables: tuple[StatementTable, ...] = ()
    ondertekening: StatementTable | None = None
    opgemaakt: datetime.date | None = None  # the day the jaarrekening was made up
    teksten: tuple[Any, ...] = ()  # the report's texts in the books (vng_accounts.teksten)
    # the year's grootboek without its entries (a full task: those are rows in
    # ``sheets``, or in the journal beside the workbook), or its proefbalans (balances)
    ledger: Grootboek | None = None
    prior: Grootboek | None = None  # the trial balance of the year before, for the workbook
    analysis: Any = None  # the journal-entry tests of the year (statements.journaalposten)
    # its journaal and grootboekkaarten rows for the workbook (statements.render.xlsx)
    sheets: Any = None
    xaf_path: str = ""  # the auditfile, written and validated
    journal_path: str = ""  # the journal as CSV, for books too large for the workbook
    # per account its line in the group's balance and staat van baten en lasten ("" for
    # none): what the Fava page opens behind a line of the geconsolideerde jaarrekening
    group_lines: tuple[tuple[str, str, str], ...] = ()
    journal_name: str = ""  # the output name of that journal
    from_cache: bool = False
    content_key: str = ""  # the cache key of the books and the task; "" when unknown
    # from the cache: the ledgers and the analysis as stored, unpickled only when a
    # build needs them (``complete``); empty when they are here
    heavy: bytes = b""

    def complete(self) -> Uitkomst:
        """This result with its ledgers and analysis, unpickled if not yet."""
        if self.heavy:
            self.ledger, self.prior, self.analysis, self.sheets = pickle.loads(self.heavy)
            self.heavy = b""
        return self


@dataclass(frozen=True)
class Voorlopig:
    """A full task's result as far as it goes before the grootboek: the figures, the
    statements, the texts and (``Taak.balances``) the trial balance. A worker sends
    it ahead of its final result, so the build can go on with them meanwhile."""

    uitkomst: Uitkomst


Eerder = Callable[[Uitkomst], None]
"""Told of a full task's result ahead of the rest (``Voorlopig``)."""


def entity_tables(
    books: Books, year: int, names: dict[str, str] | None = None
) -> tuple[StatementTable, ...]:
    """The statements of one entity: enkelvoudig, specifications, verloop, WNT;
    ``names`` the group's entities by key."""
    from statements.bestuursverslag import build_bestuursverslag
    from statements.enkelvoudig import build_enkelvoudig
    from statements.ggu import build_ggu
    from statements.specificaties import build_specificaties
    from statements.verloop import build_verlopen
    from statements.wnt import build_wnt

    enkelvoudig = build_enkelvoudig(books, year, names)
    return (
        enkelvoudig
        + build_specificaties(books, year)
        + build_ggu(books, year)
        + build_verlopen(books, year, names)
        + build_wnt(books, year)
        + build_bestuursverslag(books, year, enkelvoudig[1], names)
    )


def _load(path: str, cache: PartCache | None = None) -> Books:
    # beancount's load makes millions of objects and no garbage cycles worth
    # collecting: the collector stays off while it runs (and after it, when it was
    # off before: a build's own process), and what it made is frozen out of later
    # collections
    collecting = gc.isenabled()
    gc.disable()
    try:
        return load_books(path, cache=cache)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def group_lines(books: Books) -> tuple[tuple[str, str, str], ...]:
    """(account, its line in the group's balance, in its staat van baten en lasten)."""
    from vng_accounts.layouts import GECONSOLIDEERD_BALANS, GECONSOLIDEERD_BATEN_LASTEN

    return tuple(
        (
            account,
            spec.lines.get(GECONSOLIDEERD_BALANS.id) or "",
            spec.lines.get(GECONSOLIDEERD_BATEN_LASTEN.id) or "",
        )
        for account, spec in sorted(books.chart.accounts.items())
    )


Melden = Callable[[Melding], None]


@contextmanager
def _fase(taak: Taak, fase: str, melden: Melden | None) -> Iterator[None]:
    """Report ``fase`` of ``taak``'s entity as begun and, unless it raises, as done."""
    if melden is None:
        yield
        return
    melden(Melding(taak.key, fase))
    start = time.perf_counter()
    yield
    melden(Melding(taak.key, fase, time.perf_counter() - start))


def compute(
    taak: Taak,
    melden: Melden | None = None,
    eerder: Eerder | None = None,
    spare: bool = False,
) -> Uitkomst:
    """Load one entity's books and compute what ``taak`` asks of them; ``melden`` is
    told of each phase as it begins and ends, ``eerder`` of a full task's result as
    far as it goes before the grootboek (not when the books have errors). ``spare``:
    a core and the memory for a second process are free (its auditfile is made in
    one beside the rest)."""
    if not os.path.exists(taak.path):
        return Uitkomst(taak.key, (f"{taak.path}:0: boeken niet gevonden",))
    auteurs = Auteurs()
    # the files are parsed by parts kept in the cache; a full build writes the parts
    # it lacks, in a process beside, waited for when the entity is done
    folder = cache_folder()
    parts = None if folder is None else PartCache(folder, write=taak.full)
    done = False
    try:
        out = _compute(taak, melden, auteurs, eerder, spare, parts)
        done = True
        return out
    finally:
        auteurs.close()
        if parts is not None:
            parts.finish(wait=done)


def _compute(
    taak: Taak,
    melden: Melden | None,
    auteurs: Auteurs,
    eerder: Eerder | None,
    spare: bool,
    parts: PartCache | None = None,
) -> Uitkomst:
    from statements.grootboek import build_proefbalans, company_ids
    from statements.render.auditfile import AuditfileError, render_auditfile, start_auditfile
    from vng_accounts.vaststelling import jaarrekening_date

    if taak.full:  # who booked each line: git reads the files while beancount loads them
        files = [path for path, _ in read_sources(taak.path)[0]]
        auteurs.start(files)
        if parts is not None:  # and the parts the cache lacks are written beside
            parts.start(files)
    with _fase(taak, "laden", melden):
        books = _load(taak.path, parts)
    out = Uitkomst(taak.key, directives=len(books.entries), settings=books.settings)
    if books.errors:
        out.errors = tuple(format_error(e) for e in books.errors)
        return out
    # what follows makes hundreds of thousands of objects (the ledger's lines, the
    # workbook's rows) and no garbage cycles worth a collection: the collector, which
    # would walk them again and again, waits until the entity is done
    collecting = gc.isenabled()
    gc.disable()
    # with a core to spare, a full task's figures and statements are computed in a
    # process beside its grootboek, auditfile and journal-entry tests
    statements: Callable[[], dict[str, Any]] | None = None
    try:
        if spare and taak.full and eerder is None:
            statements = beside(lambda: _statements_apart(taak, books))
        elif not _statements(taak, books, out, melden):
            return out
        balances = None
        if taak.balances and (not taak.full or eerder is not None):
            with _fase(taak, "proefbalans", melden):
                balances = build_proefbalans(books, taak.year)
            if not taak.full:
                out.ledger = balances
        if taak.full and eerder is not None:
            eerder(dataclasses.replace(out, ledger=balances))
        if taak.full:
            with _fase(taak, "grootboek", melden):
                # 4.0 asks the KvK and BTW numbers of the books (an error names the setting)
                company = company_ids(books) if taak.xaf == "4.0" else books.settings.entity
                ledger = build_grootboek(books, taak.year, auteurs, auteurs.tijd)
                closing = jaarrekening_date(books.entries, taak.year)
                out.prior = build_proefbalans(books, taak.year - 1)
                # the postings are in the ledger now; their memory goes back as the
                # books go (no collection: the books, frozen after the load, hold no
                # garbage cycles, and a pass over the ledger took 0,7 s at 1M lines)
                del books
            with _fase(taak, "auditfile", melden):
                out.xaf_path = os.path.join(taak.staging, f"{taak.key}.xaf")
                created = taak.today or datetime.date.today()
                xaf = (ledger, company, created, out.xaf_path, taak.xaf)
                lines = sum(len(e.lines) for e in ledger.entries)
                out.ledger = ledger if lines <= WORKBOOK_LINES else summarised(ledger)
                kept = out.ledger

                def auditfile_and_grootboek() -> SheetPart | None:
                    from statements.render.xlsx import grootboek_rows

                    render_auditfile(*xaf)
                    return grootboek_rows(kept)

                # with a core to spare the auditfile is written and validated, and the
                # workbook's grootboekkaarten made, beside the journal-entry tests and the
                # journaal's rows; its error is raised here. What both import (the
                # workbook's modules, openpyxl and numpy: a quarter of a second) is
                # imported here first, once, not by each of them. Else the auditfile
                # is written first and validated beside them (by a fresh process that
                # shares no memory), its error raised here
                if spare:
                    import_ahead(True)
                written = beside(auditfile_and_grootboek) if spare else None
                validation = None if spare else start_auditfile(*xaf)
                try:
                    _journal_tests_and_rows(taak, out, ledger, closing, lines, written is None)
                except BaseException:
                    if written is not None:  # the process beside ends before this error goes on
                        with contextlib.suppress(Exception):
                            written()
                    if validation is not None:
                        validation.stop()
                    raise
                if written is None:
                    assert validation is not None
                    validation.wait()
                else:
                    try:
                        made = written()
                    except RuntimeError as exc:  # the process beside ended without a word
                        raise AuditfileError(str(exc)) from exc
                    assert out.sheets is not None
                    out.sheets = dataclasses.replace(out.sheets, grootboekkaarten=made)
                if out.ledger.turnover is None:
                    # its entries are rows of the workbook now: the result (and the
                    # cache, and a rebuild that reads it) holds the trial balance
                    out.ledger = summarised(out.ledger)
        if statements is not None:
            waiting, statements = statements, None
            with _fase(taak, "staten", melden):
                for name, value in waiting().items():
                    setattr(out, name, value)
    except StatementError as exc:
        out.errors = tuple(exc.lines())
    except AuditfileError as exc:
        out.errors = (f"{taak.path}:0: {exc}",)
    finally:
        if statements is not None:  # the process beside ends before the error goes on
            with contextlib.suppress(Exception):
                statements()
        if collecting:
            gc.enable()
    return out


# what ``_statements`` gives a task's result
_STATEMENTS = (
    "errors",
    "figures",
    "group_lines",
    "tables",
    "ondertekening",
    "opgemaakt",
    "teksten",
)


def _statements_apart(taak: Taak, books: Books) -> dict[str, Any]:
    """``_statements`` in a process of its own: what it gives the result."""
    found = Uitkomst(taak.key)
    _statements(taak, books, found, None)
    return {name: getattr(found, name) for name in _STATEMENTS}


def _statements(taak: Taak, books: Books, out: Uitkomst, melden: Melden | None) -> bool:
    """The entity's figures for the group and, for the reporting entity, its
    statements, ondertekening and texts, into ``out``; False when the books name an
    entity the group does not have (``out.errors`` says so)."""
    from statements.consolidatie import check_years, consolidation_years, entity_figures, read_group
    from statements.wnt import build_ondertekening
    from vng_accounts.teksten import read_teksten
    from vng_accounts.vaststelling import jaarrekening_date

    names: dict[str, str] = {}
    if taak.group_file:
        with _fase(taak, "cijfers", melden):
            group = read_group(taak.group_file)
            wrong = check_references(group, taak.key, books.entries)
            if wrong:
                out.errors = tuple(format_error(e) for e in wrong)
                return False
            years = (
                consolidation_years(taak.year)
                if taak.year
                else check_years(group, books, taak.today)
            )
            out.figures = entity_figures(group, taak.key, books, years)
            names = {e.key: e.name for e in group.entities}
            out.group_lines = group_lines(books)
    if taak.reporting:
        with _fase(taak, "staten", melden):
            out.tables = entity_tables(books, taak.year, names)
            if taak.full or taak.balances:
                out.ondertekening = build_ondertekening(books, taak.year)
                made_up = jaarrekening_date(books.entries, taak.year)
                if made_up is not None and made_up.kind == "opgemaakt":
                    out.opgemaakt = made_up.date
                out.teksten = read_teksten(books.entries)[0]
    return True


def _journal_tests_and_rows(
    taak: Taak, out: Uitkomst, ledger: Grootboek, closing: Any, lines: int, grootboek: bool
) -> None:
    """The journal-entry tests of the entity's ledger (of ``lines`` posting lines) and
    what the workbook shows of it (its grootboekkaarten when ``grootboek``), into
    ``out``; for books too large for a worksheet, their journal beside it."""
    from statements.journaalposten import analyse
    from statements.render.xlsx import entity_sheets, kept_analysis

    out.analysis = analyse(ledger, closing)
    assert out.ledger is not None
    # its sheets made here, beside the others (without the journal and the
    # grootboekkaarten of books too large for a worksheet)
    out.sheets = entity_sheets(out.ledger, out.analysis, taak.reporting, grootboek)
    if lines > WORKBOOK_LINES:  # its journal beside the workbook instead
        from statements.render.xlsx import journal_file, write_journal_csv

        out.journal_path = os.path.join(taak.staging, f"{taak.key}-journaal.csv")
        out.journal_name = journal_file(ledger.entity, taak.year)
        write_journal_csv(ledger, out.analysis, out.journal_path)
    # what the workbook still needs of the analysis: its journal's signals
    # and the hits made into rows here stay behind
    out.analysis = kept_analysis(out.analysis, out.sheets)


# --- the cache ---------------------------------------------------------------------

_PROGRAM: list[str] = []


def _program() -> str:
    """The program's own version: every source file of the packages that compute."""
    if not _PROGRAM:
        import beancount

        digest = hashlib.sha256(f"{beancount.__version__} {sys.version}".encode())
        root = Path(__file__).resolve().parent.parent
        for package in ("statements", "vng_accounts"):
            for path in sorted((root / package).rglob("*.py")):
                digest.update(path.name.encode() + path.read_bytes())
        digest.update(Path(__file__).read_bytes())  # what a task's result holds
        _PROGRAM.append(digest.hexdigest())
    return _PROGRAM[0]


def cache_folder() -> Path | None:
    setting = os.environ.get("VNG_CACHE", "")
    if setting == "uit":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vng-jaarrekening"


def _key(
    taak: Taak,
    files: list[tuple[str, str]],
    history: str | None = None,
    group: list[tuple[str, str]] | None = None,
) -> tuple[str, str]:
    """(slot, key): the slot names the task, the key its content; ``history`` the
    books' ``_history`` and ``group`` the files of its group file when they are known
    already."""
    digest = hashlib.sha256(_program().encode())
    # a full task's result is the same with or without ``balances`` (only what it sends
    # ahead differs): one key for both
    plain = dataclasses.replace(taak, staging="", balances=taak.balances and not taak.full)
    digest.update(repr(plain).encode())
    for path, sha in files:
        digest.update(f"{path}\0{sha}\n".encode())
    if taak.group_file:
        if group is None:
            group = read_sources(taak.group_file)[0]
        for path, sha in group:
            digest.update(f"group {path}\0{sha}\n".encode())
    if taak.full:  # the auditfile names who booked each line: the books' git history
        if history is None:
            history = _history(taak.path, [path for path, _ in files])
        digest.update(history.encode())
    # a slot per kind of task as well: the Fava page's build without its downloads and
    # the full build after it keep each other's results
    kind = "volledig" if taak.full else "pagina" if taak.balances else "cijfers"
    slot = hashlib.sha256(f"{os.path.abspath(taak.path)} {taak.key} {taak.year} {kind}".encode())
    return slot.hexdigest()[:20], digest.hexdigest()


def _history(path: str, files: list[str]) -> str:
    """The last commit of the books' files and which of them are not committed: the
    same content with another history (a change committed since) has other users in
    its auditfile. A commit of other books (another entity's, through Fava or an
    import) leaves it as it is."""
    return _histories([(path, files)])[0]


def _histories(books: list[tuple[str, list[str]]]) -> list[str]:
    """``_history`` of each of the books (main file, its files), git asked for all of
    them at once."""
    asked = [_ask_history(path, files) for path, files in books]
    return [_answer(running) for running in asked]


def _ask_history(path: str, files: list[str]) -> list[subprocess.Popen[str] | None]:
    """Git started on what ``_history`` asks of the books ``path`` (its ``files``)."""
    folder = os.path.dirname(os.path.abspath(path))
    running: list[subprocess.Popen[str] | None] = []
    for args in (["log", "-1", "--format=%H", "--"], ["status", "--porcelain", "--"]):
        try:
            running.append(
                subprocess.Popen(
                    ["git", "-C", folder, *args, *files],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                    # a build reads the books beside a writer's commit: git status
                    # must not take the index's lock to refresh it, or that commit fails
                    env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
                )
            )
        except OSError:
            running.append(None)
    return running


def _answer(running: list[subprocess.Popen[str] | None]) -> str:
    """``_history`` as git answers what ``_ask_history`` started."""
    parts: list[str | None] = []
    for process in running:
        if process is None:
            parts.append(None)
            continue
        out, _ = process.communicate()
        parts.append(out if process.returncode == 0 else "")
    return "" if None in parts else "\0".join(p or "" for p in parts)


def _cached(folder: Path, slot: str, key: str, taak: Taak) -> Uitkomst | None:
    try:
        with open(folder / f"{slot}-{key}.pickle", "rb") as handle:
            found = pickle.load(handle)
        if not isinstance(found, Uitkomst) or found.errors:
            return None
        # read now (a later build may replace the file), unpickled when needed
        found.heavy = (folder / f"{slot}-{key}.grootboek.pickle").read_bytes()
        if found.xaf_path:
            staged = os.path.join(taak.staging, f"{taak.key}.xaf")
            shutil.copyfile(folder / f"{slot}-{key}.xaf", staged)
            found.xaf_path = staged
        if found.journal_path:
            staged = os.path.join(taak.staging, f"{taak.key}-journaal.csv")
            shutil.copyfile(folder / f"{slot}-{key}.csv", staged)
            found.journal_path = staged
    except Exception:  # absent, unreadable or from another version: a miss
        return None
    found.from_cache = True
    return found


def _store(folder: Path, slot: str, key: str, result: Uitkomst) -> None:
    from vng.output import write_atomic

    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{slot}-*"):
            old.unlink(missing_ok=True)
        if result.xaf_path:
            shutil.copyfile(result.xaf_path, folder / f".{slot}-{key}.xaf")
            os.replace(folder / f".{slot}-{key}.xaf", folder / f"{slot}-{key}.xaf")
        if result.journal_path:
            shutil.copyfile(result.journal_path, folder / f".{slot}-{key}.csv")
            os.replace(folder / f".{slot}-{key}.csv", folder / f"{slot}-{key}.csv")
        # the ledgers and the analysis apart: a build whose outputs are cached, or that
        # only needs the figures, does not read them
        kept = (result.ledger, result.prior, result.analysis, result.sheets)
        heavy = pickle.dumps(kept, protocol=5)
        write_atomic(str(folder / f"{slot}-{key}.grootboek.pickle"), heavy)
        light = dataclasses.replace(result, ledger=None, prior=None, analysis=None, sheets=None)
        write_atomic(str(folder / f"{slot}-{key}.pickle"), pickle.dumps(light, protocol=5))
    except OSError:
        pass  # a cache that cannot be written only costs time


# --- the outputs of a whole build -----------------------------------------------------


def outputs_key(results: dict[str, Uitkomst], *extra: str) -> str:
    """The key of a build's outputs: the program, the content keys of every entity and
    ``extra`` (the year, the target names); "" when an entity's key is unknown."""
    if not all(r.content_key for r in results.values()):
        return ""
    digest = hashlib.sha256(_program().encode())
    for name in sorted(results):
        digest.update(f"{name}\0{results[name].content_key}\n".encode())
    for item in extra:
        digest.update(f"{item}\n".encode())
    return digest.hexdigest()


def cached_outputs(key: str, names: list[str], staging: str) -> dict[str, str] | None:
    """The outputs of an earlier build with the same key, copied into ``staging``
    (name -> staged file), or None."""
    folder = cache_folder()
    if folder is None or not key:
        return None
    source = folder / f"uitvoer-{key}"
    staged = {}
    try:
        for name in names:
            target = os.path.join(staging, f"uitvoer-{name}")
            shutil.copyfile(source / name, target)
            staged[name] = target
    except OSError:
        return None
    return staged


def store_outputs(key: str, files: dict[str, str]) -> None:
    """Keep the outputs of a build (name -> file) under ``key``; only the last build's."""
    folder = cache_folder()
    if folder is None or not key:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("uitvoer-*"):
            shutil.rmtree(old, ignore_errors=True)
        partial = Path(tempfile.mkdtemp(prefix=".uitvoer-", dir=folder))
        for name, path in files.items():
            shutil.copyfile(path, partial / name)
        os.replace(partial, folder / f"uitvoer-{key}")
    except OSError:
        pass  # a cache that cannot be written only costs time


def document_key(kind: str, content: Any) -> str:
    """The key of one document made from ``content`` (what its renderer is given): the
    program and the content written out in full (its ``repr``: the renderer's input is
    dataclasses, tuples, text, dates and Decimals, each shown with every field). Not
    its pickle, which differs between equal contents that share their parts in other
    ways (one computed here, the other received from a worker or read from the
    cache); "" when the content shows an object by its address."""
    data = repr(content)
    if " object at 0x" in data:
        return ""  # then it is simply made again
    digest = hashlib.sha256(_program().encode())
    digest.update(kind.encode() + b"\0" + data.encode("utf-8"))
    return digest.hexdigest()


def cached_document(key: str) -> bytes | None:
    """The document made last from content with this key, or None."""
    folder = cache_folder()
    if folder is None or not key:
        return None
    try:
        return (folder / f"document-{key}").read_bytes()
    except OSError:
        return None


def store_document(key: str, path: str) -> None:
    """Keep the document in ``path`` under ``key``; only the last of its kind. One kept
    under ``key`` already (the document the build took from here) stays as it is."""
    from vng.output import write_atomic

    folder = cache_folder()
    if folder is None or not key or (folder / f"document-{key}").exists():
        return
    try:
        content = Path(path).read_bytes()
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("document-*"):
            if old.name != f"document-{key}":
                old.unlink(missing_ok=True)
        write_atomic(str(folder / f"document-{key}"), content)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _sheets_version() -> str:
    import openpyxl

    return f"{_program()} openpyxl {openpyxl.__version__}"


SHEETS = "werkmap-bladen.pickle"


def cached_sheets() -> dict[str, Any]:
    """The sheets of the last workbook by their keys (``statements.render.xlsx``'s
    ``SheetMemo``), when it was made by this version of the program and of openpyxl;
    else none."""
    folder = cache_folder()
    if folder is None:
        return {}
    try:
        with open(folder / SHEETS, "rb") as handle:
            version, sheets = pickle.load(handle)
    except Exception:  # noqa: BLE001 - absent, unreadable or from another version: none
        return {}
    return sheets if version == _sheets_version() and isinstance(sheets, dict) else {}


def store_sheets(sheets: dict[str, Any], known: dict[str, Any]) -> None:
    """Keep the sheets of this workbook for the next, unless they are the ``known``."""
    from vng.output import write_atomic

    folder = cache_folder()
    if folder is None or not sheets or sheets.keys() == known.keys():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps((_sheets_version(), sheets), protocol=5)
        write_atomic(str(folder / SHEETS), data)
    except OSError:
        pass  # a cache that cannot be written only costs time


# --- running the tasks ---------------------------------------------------------------

T = TypeVar("T")


def beside(work: Callable[[], T]) -> Callable[[], T]:
    """Start ``work`` in a process of its own, next to what the caller does meanwhile;
    the returned function waits for its result (or raises its exception). The process
    is forked (it has the caller's memory as it is), also from a build's worker, and
    dies with the caller."""
    if processes() <= 1 or not hasattr(os, "fork"):
        value = work()
        return lambda: value
    receive, send = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the process beside: the work, its result down the pipe, and out
        status = 1
        try:
            os.close(receive)
            dies_with_us(parent)()
            try:
                payload = pickle.dumps((True, work()), protocol=5)
            except BaseException as exc:  # noqa: BLE001 - raised again in the caller
                try:
                    payload = pickle.dumps((False, exc), protocol=5)
                except Exception:  # noqa: BLE001 - an exception that does not pickle
                    payload = pickle.dumps((False, RuntimeError(repr(exc))), protocol=5)
            with os.fdopen(send, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(send)

    def result() -> T:
        with os.fdopen(receive, "rb") as handle:
            data = handle.read()
        _, status = os.waitpid(pid, 0)
        if not data:
            code = os.waitstatus_to_exitcode(status)
            raise RuntimeError(f"berekening afgebroken ({code})")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return cast(T, value)

    return result


def _child(taak: Taak, connection: Any, ahead: bool, spare: bool = False, parent: int = 0) -> None:
    """A worker: its phases as they go, with ``ahead`` its ``Voorlopig``, then its
    result, all over ``connection``; ``spare`` as for ``compute``. It dies with its
    ``parent`` (killed, nobody would read its result)."""
    if parent:
        dies_with_us(parent)()
    # a worker collects, whatever the build's own process does; what that process made
    # is frozen out of the worker's collections (they would walk, and copy, its pages)
    gc.freeze()
    gc.enable()

    def eerder(result: Uitkomst) -> None:
        connection.send(Voorlopig(result))

    try:
        result = compute(taak, connection.send, eerder if ahead else None, spare)
    except BaseException:  # noqa: BLE001 - reported to the parent, never lost
        result = Uitkomst(taak.key, (f"{taak.path}:0: interne fout\n{traceback.format_exc()}",))
    connection.send(result)
    connection.close()


def processes() -> int:
    setting = os.environ.get("VNG_PROCESSEN", "")
    return max(1, int(setting)) if setting.isdigit() else min(2, os.cpu_count() or 1)


def run(
    taken: list[Taak],
    voortgang: Voortgang | None = None,
    eerder: Callable[[dict[str, Uitkomst]], None] | None = None,
    apart: bool = False,
) -> dict[str, Uitkomst]:
    """The results of every task, from the cache or computed, keyed by entity;
    ``voortgang`` shows each entity's phases and the cache's hits as they come.
    ``eerder`` is called once, as soon as every task has its result or a full task
    what it sends ahead (``Voorlopig``), with those (keyed as the results), while the
    full tasks go on; not when one of them has errors, nor when every result is from
    the cache (nothing goes on then). A single task to compute is computed in this
    process (its result needs no pipe), and ``eerder`` told of it when it is done;
    ``apart`` computes it in a worker of its own all the same, so that ``eerder`` is
    told before its grootboek (the Fava page after a save)."""
    voortgang = voortgang or stil()
    voortgang.entiteiten([t.key for t in taken])
    folder = cache_folder()
    results: dict[str, Uitkomst] = {}
    keys: dict[str, tuple[str, str]] = {}
    sizes: dict[str, int] = {}
    todo = []
    sources, histories, groups = _sources(taken) if folder is not None else ({}, {}, {})
    for taak in taken:
        if folder is None:
            sizes[taak.key] = _folder_size(taak.path)
            todo.append(taak)
            continue
        files, errors = sources[taak.key]
        sizes[taak.key] = sum(_file_size(path) for path, _ in files)
        if errors:  # the load reports them
            todo.append(taak)
            continue
        history, group = histories.get(taak.key), groups.get(taak.group_file)
        keys[taak.key] = _key(taak, files, history, group)
        hit = _cached(folder, *keys[taak.key], taak)
        if hit is not None:
            results[taak.key] = hit
            voortgang.uit_cache(taak.key)
        else:
            todo.append(taak)
    todo.sort(key=lambda t: sizes[t.key], reverse=True)
    known: dict[str, Uitkomst] = dict(results)
    told = eerder is None

    def seen(result: Uitkomst) -> None:
        nonlocal told
        known.setdefault(result.key, result)
        if told or any(t.key not in known for t in taken):
            return
        told = True
        if eerder is not None and not any(r.errors for r in known.values()):
            eerder({t.key: known[t.key] for t in taken})

    for result in _compute_all(todo, sizes, voortgang, None if eerder is None else seen, apart):
        results[result.key] = result
        if folder and not result.errors and result.key in keys:
            result.content_key = keys[result.key][1]
            _store(folder, *keys[result.key], result)
    for key, result in results.items():
        if result.from_cache:
            result.content_key = keys[key][1]
    return {t.key: results[t.key] for t in taken}


Sources = tuple[list[tuple[str, str]], list[Any]]


def _sources(
    taken: list[Taak],
) -> tuple[dict[str, Sources], dict[str, str], dict[str, list[tuple[str, str]]]]:
    """What the cache keys of ``taken`` are made of: per task the files of its books
    with their digests and the errors of the source guard (``read_sources``), per full
    task the git history of its books, per group file its files. Git is asked about
    the books of each task as soon as they are read, and answers beside the reading
    of the others."""
    sources: dict[str, Sources] = {}
    asked: dict[str, list[subprocess.Popen[str] | None]] = {}
    groups: dict[str, list[tuple[str, str]]] = {}
    for taak in taken:
        sources[taak.key] = files, errors = read_sources(taak.path)
        if taak.full and not errors:
            asked[taak.key] = _ask_history(taak.path, [path for path, _ in files])
        if taak.group_file and taak.group_file not in groups:
            groups[taak.group_file] = read_sources(taak.group_file)[0]
    return sources, {key: _answer(running) for key, running in asked.items()}, groups


def to_compute(taken: list[Taak]) -> list[str]:
    """The tasks ``run`` would compute: those whose result the cache does not hold."""
    folder = cache_folder()
    if folder is None:
        return [t.key for t in taken]
    missing = []
    for taak in taken:
        files, errors = read_sources(taak.path)
        if errors or not (folder / "{}-{}.pickle".format(*_key(taak, files))).exists():
            missing.append(taak.key)
    return missing


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _folder_size(path: str) -> int:
    """Without the cache the sources are not read ahead: the main file's folder tells."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        return sum(e.stat().st_size for e in os.scandir(folder) if e.is_file())
    except OSError:
        return 0


# Books in memory take a multiple of their size on disk; two entities are loaded side
# by side only while their books together stay within this share above the largest
# books of the group, so the build needs little more memory than loading those.
MEMORY_HEADROOM = 1.25
# A process beside an entity's (its auditfile made while the journal-entry tests run)
# makes both hold their own copy of the pages of the ledger that either touches: about
# this many times the size of its books on disk (measured: 0,4 GB for books of 51 MB).
# It is started when that stays within COPY_LIMIT, or within the headroom above.
COPY_FACTOR = 8
COPY_LIMIT = 256 * 1024 * 1024


def _next(queue: list[Taak], running: list[Taak], sizes: dict[str, int], budget: float) -> int:
    """The position in ``queue`` (largest first) of the task to start now, or -1."""
    if not running:
        return 0
    used = sum(sizes[t.key] for t in running)
    for position, taak in enumerate(queue):
        if used + sizes[taak.key] <= budget:
            return position
    return -1


def _copy_affordable(size: int, budget: float) -> bool:
    """Whether a process beside that of books of ``size`` bytes may hold a copy of
    their ledger: within the headroom above the largest books, or within COPY_LIMIT."""
    return 2 * size <= budget or COPY_FACTOR * size <= COPY_LIMIT


def import_ahead(full: bool) -> None:
    """Import what every task imports, once, before the workers fork: each of them
    would otherwise import it again (the builders, beancount's own plugins, numpy
    for the journal-entry tests and openpyxl for the journal CSV of a full build), at
    a cost in CPU per entity."""
    import importlib

    from beancount import loader

    for name in (
        "statements.bestuursverslag",
        "statements.consolidatie",
        "statements.enkelvoudig",
        "statements.grootboek",
        "statements.render.auditfile",
        "statements.specificaties",
        "statements.verloop",
        "statements.wnt",
        "vng.auteurs",
        "vng_accounts.teksten",
        *(name for name, _ in (*loader.PLUGINS_PRE, *loader.PLUGINS_AUTO, *loader.PLUGINS_POST)),
        *(name for name, _ in PROJECT_PLUGINS),
        *(["statements.journaalposten", "statements.render.xlsx"] if full else []),
    ):
        importlib.import_module(name)


def _compute_all(
    todo: list[Taak],
    sizes: dict[str, int],
    voortgang: Voortgang,
    seen: Eerder | None = None,
    apart: bool = False,
) -> list[Uitkomst]:
    """Every task computed, in workers side by side when there are cores for them
    (with ``apart`` a single task too); ``seen`` is told of each result as it comes,
    and of what a full task sends ahead."""
    full = any(t.full for t in todo)
    # imported once before the workers fork, not by each of them; a single worker
    # imports the journal-entry tests and the workbook's modules when it gets there,
    # while this process imports them beside it (for the workbook) instead of first
    import_ahead(full and len(todo) > 1)
    workers = min(processes(), max(len(todo), 2 if apart else 1))
    # one task alone leaves a core to its auditfile, when the memory of a second
    # process holding its books stays within what the largest books take, or is small
    budget = MEMORY_HEADROOM * max(sizes.values(), default=0)
    alone = processes() > 1 and len(todo) == 1
    spare = alone and _copy_affordable(sizes[todo[0].key], budget)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        computed = []
        for taak in todo:  # one after the other: nothing to go on with meanwhile
            computed.append(compute(taak, voortgang.melding, spare=spare))
            voortgang.entiteit(taak.key, len(computed[-1].errors))
            if seen is not None:
                seen(computed[-1])
        return computed
    context = multiprocessing.get_context("fork")
    running: dict[multiprocessing.connection.Connection, tuple[Any, Taak]] = {}
    done: list[Uitkomst] = []
    queue = list(todo)
    budget = MEMORY_HEADROOM * max(sizes[t.key] for t in todo)
    while queue or running:
        while queue and len(running) < workers:
            position = _next(queue, [t for _, t in running.values()], sizes, budget)
            if position < 0:
                break
            taak = queue.pop(position)
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_child,
                args=(taak, send, seen is not None, spare, os.getpid()),
                daemon=True,
            )
            process.start()
            send.close()
            running[receive] = (process, taak)
        if full:
            import_ahead(True)  # at once when they are imported already
        # with a timeout, so that the progress's seconds run on while the workers work
        ready_ones = multiprocessing.connection.wait(list(running), INTERVAL)
        if not ready_ones:
            voortgang.tik()
        for ready in ready_ones:
            connection = cast(multiprocessing.connection.Connection, ready)
            try:
                message: Melding | Voorlopig | Uitkomst | None = connection.recv()
            except EOFError:
                message = None
            if isinstance(message, Melding):
                voortgang.melding(message)
                continue
            if isinstance(message, Voorlopig):
                if seen is not None:
                    seen(message.uitkomst)
                continue
            process, taak = running.pop(connection)
            if message is None:
                message = Uitkomst(
                    taak.key, (f"{taak.path}:0: berekening afgebroken ({process.exitcode})",)
                )
            connection.close()
            process.join()
            done.append(message)
            voortgang.entiteit(taak.key, len(message.errors))
            if seen is not None:
                seen(message)
    return done
