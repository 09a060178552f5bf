"""The Jaarrekening page's build, in a process of its own.

    python -m vng.fava.bouw BOOKS GROUP YEAR FOLDER [KEPT]

writes ``FOLDER/pagina.pickle`` twice. First what the page shows: the statements,
enkelvoudig and geconsolideerd, the accounts behind every line with their number and
amount, and the whole document part by part, as the PDF sets it, its texts filled from
the same statements; ``downloads`` is false. Then, from ``build_jaarverslag`` (the
function behind ``vng jaarverslag``), the page again with its files, moved into
``FOLDER``, and ``downloads`` true. Either time it may be the errors of the books
instead, and then the build ends.

When at most one entity is not in the cache (after a save: the books that changed),
one build does both: that entity's statements come ahead of its grootboek, auditfile
and journal-entry tests (``vng.build.Voorlopig``), and the first page is written from
them, from the one load of its books. With more entities to compute (the first start,
a new version of the program), the statements are first computed alone
(``build_statements``: no grootboek, auditfile, PDF or workbook), sooner than a full
build would give them, and the full build follows. Its own process keeps the entities'
books out of Fava's memory and Fava answering while it runs.

Under ``vng serve`` the page starts the build in a fork of the server instead
(``fork``), with the load of the books Fava holds: the build takes it and does not load
those books again. A fork of a server whose other threads hold locks (an import half
done, a file being written) can find one of them held for ever; a fork that has not
begun its build within ``FIRST_PROGRESS`` seconds is stopped, and the build is started
as above instead (``Geforkt``), so that the page always answers.

``KEPT`` (the server's folder for its builds) keeps what one build learnt for the next:
the balances of the accounts of each entity from the cache (``Saldi``), so that after a
save the page does not unpickle the grootboek of every entity that did not change.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from statements.errors import StatementError
from statements.render.pdf import Deel, outline
from statements.table import StatementTable
from vng.jaarverslag import (
    BuildError,
    Jaarverslag,
    build_jaarverslag,
    build_statements,
    report_of,
    to_compute,
)
from vng.output import write_atomic
from vng.voortgang import Voortgang, seconden

if TYPE_CHECKING:
    from vng.build import Uitkomst
    from vng_accounts.books import Loaded

RESULT = "pagina.pickle"
SHOWN = "de pagina toont de staten na"  # the progress's line when they are written
ERRORS = "fouten.txt"  # the build's standard error, in its folder
SALDI = "saldi-"  # + a result's key in the cache (``Uitkomst.content_key``), in KEPT


@dataclass(frozen=True)
class Rekening:
    """One account behind a line: in whose books, its number, and its amount (the
    balance at year end, or the year's result; books' sign, debit positive, in the
    currency of its books). ``total``: not an account but the entity's amount on the
    line in euros, as the consolidation adds it up (before eliminations)."""

    entity: str
    account: str
    number: str
    amount: Decimal
    currency: str
    own: bool  # an account of the books Fava shows (its page can be opened)
    total: bool = False


Index = dict[str, tuple[Rekening, ...]]


@dataclass(frozen=True)
class Pagina:
    year: int
    entity: str
    enkelvoudig: tuple[StatementTable, ...] = ()
    geconsolideerd: tuple[StatementTable, ...] = ()
    files: dict[str, str] = field(default_factory=dict)  # output name -> file in the folder
    auditfiles: dict[str, str] = field(default_factory=dict)  # entity -> output name
    # the reporting entity's accounts; and per line of the group's balance ("balans")
    # and staat van baten en lasten ("resultaat") every entity's accounts on it, each
    # other entity followed by its amount on the line in euros
    accounts: Index = field(default_factory=dict)
    group_lines: dict[tuple[str, str], tuple[Rekening, ...]] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    delen: tuple[Deel, ...] = ()  # the document's parts, in the PDF's order
    downloads: bool = False  # the files are there (the build is done); else they follow


def _delen(built: Jaarverslag) -> tuple[Deel, ...]:
    """The parts of the document from the build's statements and the books' texts,
    filled as ``vng jaarverslag`` fills them for its PDF."""
    own = built.results[built.reporting]
    if own.settings is None:
        return ()
    report = report_of(own, built.year, built.tables)
    signing = (own.ondertekening,) if own.ondertekening is not None else ()
    return outline(report, (*built.tables, *signing))


@dataclass(frozen=True)
class Saldi:
    """What the page needs of an entity's grootboek: its accounts with their number
    (in the grootboek's order), their balances at year end, the books' currency."""

    numbers: tuple[tuple[str, str], ...]
    closing: dict[str, Decimal]
    currency: str


def _saldi(result: Uitkomst, kept: str) -> Saldi | None:
    """The balances of ``result``'s grootboek. A result from the cache holds its
    grootboek still pickled, and unpickling every entity's for these few numbers was
    most of the page's time after a save; so the balances are kept in ``kept`` under
    the result's key in the cache (``Uitkomst.content_key``: the same books, task and
    program, the same grootboek), and the next build reads them from there: also
    those of an entity this build computed, so that the first save after the server
    started reads no grootboek of the others (nor hashes their pickles)."""
    key = result.content_key
    path = os.path.join(kept, f"{SALDI}{key}.pickle") if key and kept else ""
    if path:
        try:
            with open(path, "rb") as handle:
                found = pickle.load(handle)
            if isinstance(found, Saldi):
                return found
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # not kept yet, or unreadable: from the grootboek itself
    ledger = result.complete().ledger
    if ledger is None:
        return None
    saldi = Saldi(
        tuple((a.account, a.number) for a in ledger.accounts), ledger.closing(), ledger.currency
    )
    if path:
        try:
            write_atomic(path, pickle.dumps(saldi, protocol=5))
        except OSError:
            pass  # only costs the next build the unpickling
    return saldi


def _accounts(built: Jaarverslag, kept: str) -> Index:
    result = built.results[built.reporting]
    saldi, settings = _saldi(result, kept), result.settings
    if saldi is None or settings is None:
        return {}
    return {
        account: (
            Rekening(
                settings.entity_name,
                account,
                number,
                saldi.closing.get(account, Decimal(0)),
                saldi.currency,
                True,
            ),
        )
        for account, number in saldi.numbers
    }


def _group_lines(built: Jaarverslag, kept: str) -> dict[tuple[str, str], tuple[Rekening, ...]]:
    """Per line of the group's statements, every entity's accounts on it with their
    amounts, the reporting entity first; after each other entity's accounts its amount
    on the line (in euros, books' sign, before eliminations)."""
    found: dict[tuple[str, str], list[Rekening]] = {}
    keys = sorted(built.results, key=lambda k: k != built.reporting)
    for key in keys:
        result = built.results[key]
        saldi, settings = _saldi(result, kept), result.settings
        if saldi is None or settings is None:
            continue
        own = key == built.reporting
        name = settings.entity_name
        numbers = dict(saldi.numbers)
        for account, balans, resultaat in result.group_lines:
            amount = saldi.closing.get(account, Decimal(0))
            if not amount:
                continue
            rekening = Rekening(
                name, account, numbers.get(account, ""), amount, saldi.currency, own
            )
            for kind, line in (("balans", balans), ("resultaat", resultaat)):
                if line:
                    found.setdefault((kind, line), []).append(rekening)
        figures = result.figures.get((key, built.year))
        if own or figures is None:
            continue
        for kind, amounts in (("balans", figures.balance), ("resultaat", figures.result)):
            for line, amount in sorted(amounts.items()):
                if amount:
                    total = Rekening(name, "", "", amount, "EUR", False, total=True)
                    found.setdefault((kind, line), []).append(total)
    return {k: tuple(v) for k, v in found.items()}


def _page(built: Jaarverslag, files: dict[str, str], downloads: bool, kept: str) -> Pagina:
    own = len(built.results[built.reporting].tables)
    return Pagina(
        built.year,
        built.entity,
        built.tables[:own],
        built.tables[own:],
        files,
        built.auditfiles if downloads else {},
        _accounts(built, kept),
        _group_lines(built, kept),
        delen=_delen(built),
        downloads=downloads,
    )


def statements(
    books: str, group: str, year: int, kept: str = "", voortgang: Voortgang | None = None
) -> Pagina:
    """What the page shows, before its downloads are made."""
    try:
        return _page(build_statements(books, group, year, voortgang), {}, False, kept)
    except BuildError as exc:
        return Pagina(year, "", errors=exc.errors)
    except StatementError as exc:
        return Pagina(year, "", errors=tuple(exc.lines()))


def pagina(
    books: str,
    group: str,
    year: int,
    folder: str,
    ahead: bool = False,
    kept: str = "",
    voortgang: Voortgang | None = None,
) -> Pagina:
    """Build, move the files into ``folder``, and say what the page shows; ``ahead``:
    write what the page shows into ``folder`` as soon as the statements are computed,
    while the files are still being made; ``kept``: see ``_saldi``; ``voortgang`` is
    told of each entity's phases."""
    staging = tempfile.mkdtemp(prefix=".bouw-", dir=folder)

    def first(built: Jaarverslag) -> None:
        _write(folder, _page(built, {}, False, kept))
        if voortgang is not None:
            voortgang.uit.regel(f"{SHOWN} {seconden(time.perf_counter() - voortgang.start)}")

    try:
        built = build_jaarverslag(
            books,
            group,
            year,
            staging,
            tables=True,
            voortgang=voortgang,
            statements=first if ahead else None,
        )
        files = {}
        for name, path in built.files.items():
            files[name] = os.path.join(folder, name)
            os.replace(path, files[name])
        return _page(built, files, True, kept)
    except BuildError as exc:
        return Pagina(year, "", errors=exc.errors)
    except StatementError as exc:
        return Pagina(year, "", errors=tuple(exc.lines()))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write(folder: str, page: Pagina) -> None:
    write_atomic(os.path.join(folder, RESULT), pickle.dumps(page, protocol=5))


# the environment's name for the process the page's build is for (its server)
SERVER = "VNG_BOUW_VOOR"


def _ends_with_server() -> None:
    """A page's build is of no use once its server is gone (killed, with no chance to
    stop it): this process then ends, and the workers and processes beside it with it."""
    server = int(os.environ.get(SERVER, "0") or 0)
    if not server:
        return
    if os.getppid() != server:
        os._exit(3)

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(0.5)
        os._exit(3)

    threading.Thread(target=watch, name="server", daemon=True).start()


def main(argv: Sequence[str]) -> int:
    books, group, year, folder, *rest = argv
    kept = rest[0] if rest else ""
    _ends_with_server()
    return build(books, group, int(year), folder, kept)


def build(
    books: str,
    group: str,
    year: int,
    folder: str,
    kept: str = "",
    voortgang: Voortgang | None = None,
) -> int:
    """The page's build: what the page shows into ``folder``, then its downloads;
    ``voortgang`` is told of each entity's phases."""
    if to_compute(books, group, year) <= 1:
        # one entity changed (a save): its statements come ahead of its grootboek, from
        # the one load of its books
        page = pagina(books, group, year, folder, ahead=True, kept=kept, voortgang=voortgang)
        _write(folder, page)
        return 0
    # many entities to compute (the first start, a new version): their statements alone
    # first, sooner than the full build would give them
    first = statements(books, group, year, kept, voortgang)
    _write(folder, first)
    if not first.errors:  # the same books give the full build the same errors
        _write(folder, pagina(books, group, year, folder, kept=kept, voortgang=voortgang))
    return 0


def command(books: str, group: str, year: int, folder: str, kept: str) -> list[str]:
    """The page's build as a process of its own: ``python -m vng.fava.bouw``."""
    return [sys.executable, "-m", "vng.fava.bouw", books, group, str(year), folder, kept]


def start(books: str, group: str, year: int, folder: str, kept: str) -> subprocess.Popen[bytes]:
    """The page's build started as a process of its own, its standard error appended
    to ``folder``'s errors file (nobody needs to read a pipe while it runs); it ends
    when this process, its server, has ended."""
    with open(os.path.join(folder, ERRORS), "ab") as errors:
        return subprocess.Popen(
            command(books, group, year, folder, kept),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env={**os.environ, SERVER: str(os.getpid())},
        )


# what a build in a fork of the server is called (``/proc/PID/comm``), for who looks
FORKED_NAME = b"vng-bouw"
_PR_SET_NAME = 15

# Seconds a build in a fork of the server has to say that it has begun (``BEGUN``): cut
# loose from the server, the load handed over, every module of the build imported. With
# books of a million posting lines, on two busy cores, that took 0,04 s (``vng serve``
# says it: "begonnen na 0,04 s"), and it comes before the build's first phase; a fork
# that has not said so in 250 times that is held by a lock that a thread of the server
# held when it forked (an import half done), which nothing in the fork will ever
# release. Waiting longer only delays the page: the build anew loads the books itself.
FIRST_PROGRESS = 10.0
BEGUN = "begonnen"  # the fork's first line of progress
# what ``vng serve`` says on stderr of a fork that did not begin, and of the build anew
STALLED = "de berekening in een fork van de server is niet begonnen"


class Geforkt:
    """A build in a fork of the server's process, as the page handles a build's process
    (``subprocess.Popen``'s ``pid``, ``poll``, ``kill``, ``wait``, ``returncode``).

    A thread of its own reads the fork's progress (``BEGUN``, then a line per phase:
    ``vng.voortgang.Voortgang``) and says it on the server's standard error. A fork that
    has not begun within ``FIRST_PROGRESS`` seconds is killed, and ``plain`` starts the
    build as a process of its own (``start``), which this object stands for from then
    on: the page answers all the same."""

    def __init__(
        self,
        pid: int,
        progress: int,
        plain: Callable[[], subprocess.Popen[bytes]],
        label: str,
    ) -> None:
        self.forked = pid
        self.plain: subprocess.Popen[bytes] | None = None  # the build started anew
        self.returncode: int | None = None
        self.label = label  # how the server's standard error names the build
        # one thread at a time collects its end, or puts a build anew in its place
        self._lock = threading.Lock()
        self._stopped = False
        threading.Thread(
            target=self._watch, args=(progress, plain), name=f"bouw-{pid}", daemon=True
        ).start()

    @property
    def pid(self) -> int:
        return self.forked if self.plain is None else self.plain.pid

    def _collect(self, flags: int) -> int | None:
        with self._lock:
            if self.returncode is None and self.plain is not None:
                self.returncode = self.plain.poll() if flags else self.plain.wait()
            elif self.returncode is None:
                try:
                    pid, status = os.waitpid(self.forked, flags)
                except ChildProcessError:  # collected already: it ended
                    pid, status = self.forked, 1 << 8
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
            return self.returncode

    def poll(self) -> int | None:
        return self._collect(os.WNOHANG)

    def wait(self) -> int:
        code = self._collect(0)
        return 0 if code is None else code

    def kill(self) -> None:
        with self._lock:
            self._stopped = True  # no build anew after this
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def _watch(self, progress: int, plain: Callable[[], subprocess.Popen[bytes]]) -> None:
        """The fork's progress on the server's standard error, until it ends; a build
        anew when it has not begun in time."""
        forked = time.perf_counter()
        with os.fdopen(progress, "rb") as pipe:
            begun = select.select([pipe], [], [], FIRST_PROGRESS)[0]
            if not begun and self._anew(plain):
                return
            for line in pipe:
                text = line.decode("utf-8", "replace").rstrip("\n")
                if text == BEGUN:  # how long it took, against FIRST_PROGRESS
                    text += f" na {seconden(time.perf_counter() - forked)}"
                sys.stderr.write(f"vng serve: {self.label}: {text}\n")

    def _anew(self, plain: Callable[[], subprocess.Popen[bytes]]) -> bool:
        """The fork, not begun, killed, and the build started as a process of its own;
        not when the page stopped it or it ended meanwhile."""
        with self._lock:
            if self._stopped or self.returncode is not None:
                return False
            pid, status = os.waitpid(self.forked, os.WNOHANG)
            if pid:  # it ended on its own: the page reads why
                self.returncode = os.waitstatus_to_exitcode(status)
                return False
            os.kill(self.forked, signal.SIGKILL)
            os.waitpid(self.forked, 0)
            try:
                self.plain = plain()
            except OSError as exc:
                self.returncode = 70
                sys.stderr.write(f"vng serve: {self.label}: {STALLED}; opnieuw: {exc}\n")
                return True
        sys.stderr.write(
            f"vng serve: {self.label}: {STALLED} binnen {FIRST_PROGRESS:.0f} s (pid "
            f"{self.forked}, gestopt); opnieuw als eigen proces (pid {self.plain.pid})\n"
        )
        return True


def fork(
    books: str,
    group: str,
    year: int,
    folder: str,
    kept: str,
    loaded: Loaded,
    unchanged: Callable[[], bool],
) -> Geforkt:
    """The page's build (``build``) in a fork of this process, the server's: ``loaded``
    is the load of ``books`` that its Fava holds (or the check of the last change
    made), ``unchanged`` whether every file of the books is still what it was then.
    The build takes that load instead of loading the books again
    (``vng_accounts.books.hand_over``), and so gives the page what a build from disk
    gives, without the seconds of the parse, the booking and the plugins of the largest
    books (a process of its own would have to load them, and a load does not travel
    between processes faster than it is made). Everything else is as a build
    ``python -m vng.fava.bouw`` does: its standard error in ``folder/fouten.txt``, and
    it ends when the server is gone. Its progress comes over a pipe (``Geforkt``): first
    ``BEGUN``, once nothing the server's other threads held at the fork stands in its
    way any more, then each phase of each entity."""
    from vng_accounts.books import hand_over

    server = os.getpid()
    progress, report = os.pipe()
    pid = os.fork()
    if pid:
        os.close(report)
        return Geforkt(
            pid, progress, lambda: start(books, group, year, folder, kept), f"jaarrekening {year}"
        )
    status = 70  # until the build says otherwise: it broke off
    try:
        _on_its_own(folder, server, report)
        hand_over(books, loaded, unchanged)
        del loaded
        voortgang = _begun(report)
        status = build(books, group, year, folder, kept, voortgang)
        voortgang.sluit(status == 0)
    except BaseException:  # noqa: BLE001 - written where the page reads why it ended
        traceback.print_exc()
        sys.stderr.flush()
    finally:
        os._exit(status)


def _begun(report: int) -> Voortgang:
    """The modules of the build imported (an import that a thread of the server had
    begun when it forked holds its lock here for ever), then ``BEGUN`` said: the
    progress of the build from here on, on ``report``."""
    from vng.build import import_ahead

    import_ahead(True)
    voortgang = Voortgang(open(report, "w", encoding="utf-8"), tty=False)  # noqa: SIM115
    voortgang.uit.regel(BEGUN)
    return voortgang


def _on_its_own(folder: str, server: int, keep: int = -1) -> None:
    """A fork of the server, cut loose from it: none of the server's open files (but
    ``keep``), its connections or its signal handlers; standard error into
    ``folder``'s errors file; the server's objects kept out of the garbage collector's
    passes (they are many, and the build does not free them); ended once the server
    is gone."""
    from vng.vastlegging import _LIBC

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    # every descriptor of the server /dev/null: a connection it answers is closed when
    # it closes it (not held open here), and the numbers stay taken, so that an object
    # of the server freed here closes nothing this process opens
    null = os.open(os.devnull, os.O_RDWR)
    for name in os.listdir("/proc/self/fd"):
        number = int(name)
        if number not in (null, keep):
            with contextlib.suppress(OSError):
                os.dup2(null, number)
    errors = os.open(os.path.join(folder, ERRORS), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(errors, 2)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - for the process
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    _LIBC.prctl(_PR_SET_NAME, FORKED_NAME, 0, 0, 0)
    gc.freeze()
    gc.enable()
    os.environ[SERVER] = str(server)
    _ends_with_server()


if __name__ == "__main__":
    # run as vng.fava.bouw, not as __main__: the page unpickles vng.fava.bouw.Pagina
    from vng.fava import bouw

    sys.exit(bouw.main(sys.argv[1:]))
