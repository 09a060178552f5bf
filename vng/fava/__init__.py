"""Fava extension "Jaarrekening": the Financieel Jaarverslag in Fava, with drill-down
and downloads.

A thin adapter over the build of ``vng jaarverslag`` (``vng.jaarverslag``): for the
books Fava shows and their group (found as the command line finds it, or given to
``vng serve --groep``), the page shows the statements of a year, enkelvoudig or
geconsolideerd, each line opening the accounts behind it with their number and
amount; or the whole jaarverslag (``deel=verslag``), the parts of the PDF in its
order with an index linking to each, their texts and tables; and offers the very
files the command line writes: the PDF, the workbook and the auditfile of every
entity. Listed in the books as::

    2024-07-01 custom "fava-extension" "vng.fava"

The build runs in a process of its own (``vng.fava.bouw``), once per year and state of
the books: the SHA-256 of every file of every entity's books and of the group file.
Under ``vng serve``, when Fava holds the load of the books as they are (its own, or
the check's of the save just made), that process is a fork of the server which takes
that load instead of loading the books again (``vng.fava.bouw.fork``).
It writes what the page shows first, computed alone, and then the downloads with the
page again. A page waits for the first up to ``WAIT`` seconds and otherwise says it is
being computed (the page's script reloads it when it is done); it never blocks for
minutes. While the downloads are made it shows the statements with a note saying so,
which the page's script replaces with the links when they are there; a download asked
for meanwhile waits for them.
"""

from __future__ import annotations

import atexit
import datetime
import hashlib
import io
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from beancount.core import data
from fava.ext import FavaExtensionBase, extension_endpoint
from flask import Response, abort, jsonify, request, send_file

from statements.render.format import euros, percentage, thousands
from statements.render.pdf import NOTE_OPENING_TEXTS, NOTE_TEXTS, text_blocks
from statements.render.rapport import Section
from statements.table import Row, StatementTable
from vng.fava.bouw import ERRORS, RESULT, Geforkt, Pagina, Rekening, fork, start
from vng.jaarverslag import group_path, slug
from vng_accounts.chart import Chart, read_chart
from vng_accounts.errors import format_error
from vng_accounts.guard import read_sources
from vng_accounts.layouts import GECONSOLIDEERD_BALANS

WAIT = 20.0  # seconds a page waits for its build before it says it is being computed
DOWNLOAD_WAIT = 600.0  # a download asked for waits longer
GROUP_ENV = "VNG_GROEP"  # set by ``vng serve --groep``
WRITE_SETTLE = 0.1  # seconds after a write before its build starts (one per batch)
POLL = 0.05  # seconds between two looks at the build's result while a request waits

# what ``vng serve`` says on stderr of a build that takes the books Fava holds
FORKED = "berekend met de boeken zoals Fava ze geladen heeft"

FOLDERS = "vng-jaarrekening-"  # + the server's process id: its builds' folders, in /tmp

# the texts of the books inside a note (the PDF's), shown without a title of their own
INSIDE_NOTES = frozenset((*NOTE_OPENING_TEXTS.values(), *NOTE_TEXTS.values()))

_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Response])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def builds_folder() -> str:
    """A folder of this server's own for its builds (removed when it ends); first the
    folders of this user's servers that ended without removing theirs (killed) go."""
    base = tempfile.gettempdir()
    for entry in os.scandir(base):
        name = entry.name
        if not name.startswith(FOLDERS):
            continue
        pid = name[len(FOLDERS) :].split("-", 1)[0]
        try:
            mine = entry.is_dir(follow_symlinks=False) and entry.stat().st_uid == os.getuid()
        except OSError:
            continue
        if mine and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(entry.path, ignore_errors=True)
    return tempfile.mkdtemp(prefix=f"{FOLDERS}{os.getpid()}-", dir=base)


# A file changed this close (ns) before its folders were looked at may change again
# with the same size and times (the file system's clock goes in ticks of a few ms):
# until it is older, its content is read for the state every time.
RECENT = 100_000_000

Signature = tuple[tuple[str, int, int, int, int], ...]


def _signature(folders: list[str]) -> Signature | None:
    """Every file and folder under ``folders`` (but git's), with its inode, size and
    times of modification and change: after any write to a file (in place or renamed
    over it), any file added, removed or renamed, in any folder under them, one of
    these differs. The change time is the system's own, which no writer sets. None
    when one of them changed within ``RECENT``."""
    found = []
    recent = time.time_ns() - RECENT
    for folder in folders:
        for top, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != ".git")
            for name in (".", *sorted(names)):
                path = os.path.join(top, name)
                try:
                    stat = os.lstat(path)
                except OSError:
                    continue  # gone meanwhile: the folder's times say so
                if max(stat.st_mtime_ns, stat.st_ctime_ns) >= recent:
                    return None
                found.append((path, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
    return tuple(found)


def _under(path: str, folders: list[str]) -> bool:
    """Whether ``path`` is in one of ``folders``, with no symbolic link on the way (the
    folders' walk in ``_signature`` does not follow those)."""
    full = os.path.abspath(path)
    if os.path.realpath(full) != full:
        return False
    return any(full.startswith(folder + os.sep) for folder in folders)


def endpoint(name: str) -> Callable[[_Endpoint], _Endpoint]:
    """Fava's ``extension_endpoint``, typed (its union return type hides the function's)."""
    return cast(Callable[[_Endpoint], _Endpoint], extension_endpoint(name))


def _done(page: Pagina | None, downloads: bool) -> bool:
    """Whether ``page`` is what a request waits for: the page's statements, or with
    ``downloads`` its files too; the errors of the books end the build either way."""
    return page is not None and (page.downloads or bool(page.errors) or not downloads)


@dataclass
class _Bouw:
    """One build of a year's jaarverslag for one state of the books."""

    key: str
    folder: str
    process: subprocess.Popen[bytes] | Geforkt
    started: float = field(default_factory=time.monotonic)
    result: Pagina | None = None  # the last result read, the page's or the final one
    seen: tuple[int, int] | None = None  # the result file read (inode, mtime)
    seconds: float = 0.0  # until the final result
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _read(self) -> None:
        """The result file when it is new: written atomically, each version whole."""
        try:
            stat = os.stat(os.path.join(self.folder, RESULT))
            if self.seen == (stat.st_ino, stat.st_mtime_ns):
                return
            with open(os.path.join(self.folder, RESULT), "rb") as handle:
                found = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return
        if isinstance(found, Pagina):
            self.result, self.seen = found, (stat.st_ino, stat.st_mtime_ns)

    def _ended(self) -> None:
        """The process ended without its final result: what it said went wrong."""
        try:
            with open(os.path.join(self.folder, ERRORS), "rb") as handle:
                stderr = handle.read()
        except OSError:
            stderr = b""
        message = stderr.decode("utf-8", "replace").strip() or f"exit {self.process.returncode}"
        self.result = Pagina(0, "", errors=(f"berekening afgebroken: {message}",))

    def wait(self, seconds: float, downloads: bool = False) -> Pagina | None:
        """The page once the build wrote it, or with ``downloads`` once its files are
        there too; None when that takes longer than ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            with self._lock:
                if _done(self.result, True):
                    return self.result
                self._read()
                if not _done(self.result, True) and self.process.poll() is not None:
                    self._read()  # written just before it ended
                    if not _done(self.result, True):
                        self._ended()
                if _done(self.result, True) and not self.seconds:
                    self.seconds = time.monotonic() - self.started
                if _done(self.result, downloads):
                    return self.result
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            time.sleep(min(POLL, left))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class VngJaarrekening(FavaExtensionBase):
    report_title = "Jaarrekening"
    has_js_module = True

    def __init__(self, ledger: Any, config: str | None = None) -> None:
        super().__init__(ledger, config)
        self._lock = threading.Lock()
        self._builds: dict[int, _Bouw] = {}
        self._group: tuple[str, tuple[str, ...]] | None = None  # (digest, books paths)
        # per year: the books' paths and ``_signature`` when its ``state`` was read
        self._states: dict[int, tuple[tuple[tuple[str, ...], Signature | None], str]] = {}
        self._years: tuple[object, list[int]] | None = None
        self._chart: tuple[object, tuple[Chart, list[str]]] | None = None
        self._pending: threading.Timer | None = None  # a build asked for by a write
        self._folder = ""  # the builds' folders' folder (``builds_folder``), when made
        atexit.register(self._stop_all)

    # --- which books, which year -------------------------------------------------

    def books_path(self) -> str:
        return str(self.ledger.beancount_file_path)

    def group_path(self) -> str:
        return group_path(self.books_path(), os.environ.get(GROUP_ENV) or None)

    def years(self) -> list[int]:
        """The closed years with transactions, latest first (all years if none closed)."""
        entries = self.ledger.all_entries
        if self._years is None or self._years[0] is not entries:
            years = {e.date.year for e in entries if isinstance(e, data.Transaction)}
            today = datetime.date.today()
            closed = sorted((y for y in years if datetime.date(y, 12, 31) < today), reverse=True)
            self._years = (entries, closed or sorted(years, reverse=True))
        return self._years[1]

    def year(self) -> int:
        """``jaar``, else Fava's time filter when it is one year, else the latest."""
        for asked in (request.args.get("jaar", ""), request.args.get("time", "")):
            if asked.isdigit() and len(asked) == 4:
                return int(asked)
        years = self.years()
        return years[0] if years else datetime.date.today().year - 1

    def part(self) -> str:
        """``verslag`` (the whole document, part by part), ``geconsolideerd`` or
        ``enkelvoudig`` (the statements, the default)."""
        asked = request.args.get("deel")
        return asked if asked in ("verslag", "geconsolideerd") else "enkelvoudig"

    # --- the build, once per year and state of the books --------------------------

    def _entity_books(self) -> tuple[str, ...]:
        group = self.group_path()
        if not group:
            return ()
        files, _ = read_sources(group)
        digest = hashlib.sha256(repr(files).encode()).hexdigest()
        if self._group is None or self._group[0] != digest:
            from statements.consolidatie import read_group
            from statements.errors import StatementError

            try:
                paths = tuple(e.books_path for e in read_group(group).entities)
            except StatementError:
                paths = ()  # the build reports it
            self._group = (digest, paths)
        return self._group[1]

    def state(self, year: int) -> str:
        """The key of the books' state: every file of every entity and the group. It is
        the SHA-256 of their contents, read again only when a file or folder under the
        books' folders is not as it was the last time (``_signature``): every request of
        the page asks for it, and reading a million posting lines took a second, three
        times after each save before the page could answer."""
        group = self.group_path()
        paths = (self.books_path(), *([group] if group else []), *self._entity_books())
        folders = sorted({os.path.dirname(os.path.abspath(path)) for path in paths})
        signature = _signature(folders)
        known = self._states.get(year)
        if known is not None and known[0] == (paths, signature):
            return known[1]
        digest = hashlib.sha256(f"{year}\0{self.books_path()}\0{group}".encode())
        kept = signature is not None
        for path in paths:
            files, errors = read_sources(path)
            digest.update(repr((path, files, [e.message for e in errors])).encode())
            # a file outside those folders (an include from elsewhere): read every time
            kept = kept and all(_under(name, folders) for name, _ in files)
        key = digest.hexdigest()
        if kept:
            self._states[year] = ((paths, signature), key)
        return key

    def _start(self, year: int, key: str) -> _Bouw:
        if not self._folder or not os.path.isdir(self._folder):
            self._folder = builds_folder()
        folder = tempfile.mkdtemp(prefix=f"{year}-", dir=self._folder)
        # what one build keeps for the next: ``self._folder`` (``vng.fava.bouw._saldi``)
        books, group = self.books_path(), self.group_path()
        now = self._loaded_now()
        if now is not None:
            forked = fork(books, group, year, folder, self._folder, *now)
            sys.stderr.write(f"vng serve: jaarrekening {year}: {FORKED} (pid {forked.pid})\n")
            return _Bouw(key, folder, forked)
        return _Bouw(key, folder, start(books, group, year, folder, self._folder))

    def _loaded_now(self) -> tuple[Any, Callable[[], bool]] | None:
        """The books as Fava holds them, when that is their load as they are now and
        ``vng serve`` serves them (``vng.schrijven.load_of_now``): the build takes
        that load (``vng.fava.bouw.fork``). None otherwise: it loads them itself."""
        from vng.schrijven import load_of_now

        return load_of_now(self.books_path())

    def build(self, year: int) -> _Bouw:
        """The build of ``year`` for the books as they are now, started if need be."""
        key = self.state(year)
        with self._lock:
            current = self._builds.get(year)
            if current is None or current.key != key:
                if current is not None:
                    current.stop()
                current = self._builds[year] = self._start(year, key)
            return current

    def pagina(self, wait: float = WAIT) -> Pagina | None:
        return self.build(self.year()).wait(wait)

    def after_load_file(self) -> None:
        """The books were (re)loaded: start the latest year's build right away."""
        years = self.years()
        if years:
            try:
                self.build(years[0])
            except OSError:
                pass  # the page starts it again and shows what is wrong

    # Fava calls these after a write has landed (through ``vng serve`` it is then checked
    # and committed): they only react, so hooks suffice here. The refusal of a write
    # cannot be a hook; it is ``vng.serve``'s wrap of Fava's FileModule.

    def _written(self) -> None:
        """The books changed: start the build of the latest year for their new state,
        before the next page asks for it; once for the entries of one insert."""
        with self._lock:
            if self._pending is not None and self._pending.is_alive():
                return
            self._pending = threading.Timer(WRITE_SETTLE, self._reloaded)
            self._pending.daemon = True
            self._pending.start()

    def _reloaded(self) -> None:
        """The build for the books as written, and Fava's load of them. Under ``vng
        serve`` the check of the change loaded them: the build starts at once with that
        load (``_loaded_now``), while Fava takes the same. Otherwise Fava loads them
        first, and its load starts the build (``after_load_file``), which then takes
        Fava's load instead of loading them itself (or here, when another request
        loaded them already)."""
        from vng.schrijven import checked_waiting

        if checked_waiting(self.books_path()):
            self.after_load_file()
        if not self.ledger.changed():
            self.after_load_file()

    def after_write_source(self, path: str, source: str) -> None:
        self._written()

    def after_insert_entry(self, entry: Any) -> None:
        self._written()

    def after_delete_entry(self, entry: Any) -> None:
        self._written()

    def after_entry_modified(self, entry: Any, new_lines: str) -> None:
        self._written()

    def after_insert_metadata(self, entry: Any, key: str, value: str) -> None:
        self._written()

    def _stop_all(self) -> None:
        for bouw in list(self._builds.values()):
            bouw.stop()
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)

    # --- what the template shows --------------------------------------------------

    def tables(self, page: Pagina) -> tuple[StatementTable, ...]:
        return page.geconsolideerd if self.part() == "geconsolideerd" else page.enkelvoudig

    @staticmethod
    def is_text(item: Section | StatementTable) -> bool:
        """Whether an item of a part of the document is a text (else a table)."""
        return isinstance(item, Section)

    @staticmethod
    def titled(section: Section) -> bool:
        """Whether a text shows its title: not one inside a note, which the PDF sets
        under the note's own heading or after its table, without a title of its own."""
        return section.key not in INSIDE_NOTES

    @staticmethod
    def blocks(section: Section) -> tuple[tuple[str, str], ...]:
        """A text as the PDF sets it: headings, paragraphs and bullets."""
        return text_blocks(section.text)

    @staticmethod
    def cell(table: StatementTable, row: Row, column: int) -> str:
        """A cell as the PDF shows it: statements in € 1.000, the WNT in euros."""
        if row.texts and column < len(row.texts) and row.texts[column] is not None:
            return str(row.texts[column])
        value = row.amounts[column] if column < len(row.amounts) else None
        if row.kind == "header" or value is None:
            return ""
        if row.kind == "ratio":
            return percentage(value)
        return euros(value) if table.id.startswith("wnt.") else thousands(value)

    @staticmethod
    def in_euros(table: StatementTable) -> bool:
        return table.id.startswith("wnt.")

    @staticmethod
    def amount(rekening: Rekening) -> str:
        sign = "€ " if rekening.currency == "EUR" else f"{rekening.currency} "
        return sign + euros(rekening.amount)

    def behind(self, page: Pagina, table: StatementTable, row: Row) -> tuple[Rekening, ...]:
        """The accounts behind a row: named on it; in the group's statements the row
        names its line, behind which are every entity's accounts on that line, each
        other entity with its amount on the line in euros."""
        if not table.id.startswith("geconsolideerd."):
            return tuple(r for name in row.accounts for r in page.accounts.get(name, ()))
        kind = "balans" if table.id == GECONSOLIDEERD_BALANS.id else "resultaat"
        return tuple(r for line in row.accounts for r in page.group_lines.get((kind, line), ()))

    def chart(self) -> tuple[Chart, list[str]]:
        """The chart of the books Fava shows, and its errors (shown on the page)."""
        entries = self.ledger.all_entries
        if self._chart is None or self._chart[0] is not entries:
            chart, errors = read_chart(cast("list[data.Directive]", entries), self.ledger.options)
            self._chart = (entries, (chart, [format_error(e) for e in errors]))
        return self._chart[1]

    def errors(self, page: Pagina | None) -> list[str]:
        """The build's errors and the chart's, each once. A page built without an error
        is of books whose chart has none (the build reads the same chart and stops at
        its errors): Fava's entries are read for the chart only while the page is being
        computed or has errors, not in the first request after every save (a second
        with a million posting lines)."""
        if page is not None and not page.errors:
            return []
        found = list(page.errors) if page is not None else []
        return found + [e for e in self.chart()[1] if e not in found]

    def entity_slugs(self, page: Pagina) -> list[tuple[str, str]]:
        return [(name, slug(name)) for name in page.auditfiles]

    # --- endpoints ----------------------------------------------------------------

    @endpoint("status")
    def status(self) -> Response:
        """Whether the page can be shown (``klaar``) and whether its downloads are
        there (``downloads``)."""
        bouw = self.build(self.year())
        return jsonify(
            {"klaar": bouw.wait(0) is not None, "downloads": bouw.wait(0, True) is not None}
        )

    def _ready(self) -> Pagina:
        page = self.build(self.year()).wait(DOWNLOAD_WAIT, downloads=True)
        if page is None:
            abort(503, "de jaarrekening wordt nog berekend")
        if page.errors:
            abort(409, "\n".join(page.errors))
        return page

    def _file(self, page: Pagina, name: str, mime: str) -> Response:
        return send_file(page.files[name], mimetype=mime, as_attachment=True, download_name=name)

    @endpoint("pdf")
    def pdf(self) -> Response:
        page = self._ready()
        return self._file(page, f"financieel-jaarverslag-{page.year}.pdf", "application/pdf")

    @endpoint("xlsx")
    def xlsx(self) -> Response:
        page = self._ready()
        return self._file(
            page,
            f"werkmap-accountant-{page.year}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    @endpoint("json")
    def json(self) -> Response:
        page = self._ready()
        return self._file(page, f"jaarrekening-{page.year}.json", "application/json")

    @endpoint("xaf")
    def xaf(self) -> Response:
        """One entity's auditfile (``entiteit``), or all of them in a zip."""
        page = self._ready()
        asked = request.args.get("entiteit", "")
        names = {slug(entity): name for entity, name in page.auditfiles.items()}
        if asked:
            if asked not in names:
                abort(404)
            return self._file(page, names[asked], "application/xml")
        content = io.BytesIO()
        with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in names.values():
                archive.write(page.files[name], name)
        return Response(
            content.getvalue(),
            mimetype="application/zip",
            headers={"Content-Disposition": f'attachment; filename="auditfiles-{page.year}.zip"'},
        )
