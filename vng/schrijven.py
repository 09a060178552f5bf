"""A change to the books, made safely.

Whoever changes the books (Fava's editor, its add and delete, a document upload)
goes through ``Change``:

1. under the books' lock, the books' folder is copied into a staging folder and
   the change is made there, never in the books themselves;
2. the staged books are parsed with beancount's parser and checked: nothing that
   runs code or reaches outside the books (``vng_accounts.guard``), no entry lost
   that the change did not mean to remove, nothing added, changed or removed in a
   vastgesteld year, no parse error, no error of the project's checks that the
   books did not already have;
3. only then is each changed file written next to its original as a temp file,
   fsynced and renamed over it, read back, and committed with the user as author.
   If anything fails after the first rename, every file is put back as it was.

A change refused names the reason as ``file:line: reason`` and leaves the books and
their history as they were.

The staged books are parsed once per content of a file: a file the change leaves as it
was keeps the parse of the books' own file (renamed to its place in the copy), with the
fingerprints of its entries, and the check's load of the staged books takes that parse
(copies of its entries) instead of parsing them again.

The check's load of the staged books is the load of the books after the change: Fava's
reload right after it (``checked_load``) takes it over, with the books' paths in place
of the staging copy's, instead of loading the books a second time; and so does the
Jaarrekening page's build for the books' new state (``load_of_now``; it runs in a fork
of the server, ``vng.fava.bouw.fork``), which later takes Fava's own load of the books
as long as their files are what it loaded. Fava does so once,
and only while every file of the books is still byte for byte what the check loaded;
after a change with an error or a document, or once any file differs (another writer,
an edit by hand), Fava loads the books from disk. The check compares with the errors
the books had before the change: those of the last change's check, or of Fava's last
load from disk; only when neither was of the books as they are does it load them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount import loader
from beancount.core import data

from vng.output import sync_folder, write_atomic
from vng.vastlegging import (
    LOCK_NAME,
    BooksRefused,
    books_lock,
    commit,
    staging_folder,
    uncommitted,
)
from vng_accounts.books import Loaded, load_books, load_file
from vng_accounts.errors import BooksError, format_error
from vng_accounts.guard import ParsedBooks, Policy, check_parsed, check_sources, parse_books
from vng_accounts.vaststelling import LOCK as VASTGESTELD

MAX_ERRORS = 5  # errors named in one refusal


def fingerprint(entry: data.Directive) -> str:
    """The content of an entry, wherever in the files it stands."""

    def clean(meta: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
        return tuple(
            sorted((k, repr(v)) for k, v in (meta or {}).items() if k not in ("filename", "lineno"))
        )

    parts: list[str] = [type(entry).__name__]
    for name in entry._fields:
        value: Any = getattr(entry, name)
        if name == "meta":
            parts.append(repr(clean(value)))
        elif name == "postings":
            parts.extend(repr(p._replace(meta=clean(p.meta))) for p in value)
        else:
            parts.append(repr(value))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


_FINGERPRINTS: dict[tuple[str, str], list[str]] = {}


def fingerprints(parsed: ParsedBooks) -> list[tuple[data.Directive, str]]:
    """Every entry of the parsed books with its fingerprint; computed once per content
    of a file (a fingerprint leaves out the file name and line), and per path too for
    a file whose entries depend on it (a document's path)."""
    found: list[tuple[data.Directive, str]] = []
    for parsed_file in parsed.files:
        key = (parsed_file.digest, parsed_file.path if parsed_file.documents else "")
        cached = _FINGERPRINTS.get(key) if parsed_file.digest else None
        if cached is None:
            cached = [fingerprint(e) for e in parsed_file.entries]
            if len(_FINGERPRINTS) > 256:
                _FINGERPRINTS.clear()
            if parsed_file.digest:
                _FINGERPRINTS[key] = cached
        found.extend(zip(parsed_file.entries, cached, strict=True))
    return found


def locked_years(entries: Iterable[data.Directive]) -> dict[int, data.Custom]:
    """The vastgestelde years the books record, with the directive that records it."""
    years: dict[int, data.Custom] = {}
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == VASTGESTELD and entry.values:
            value = entry.values[0].value
            if isinstance(value, (int, Decimal)):
                years[int(value)] = entry
    return years


def _remove_file(path: str) -> None:
    os.unlink(path)
    sync_folder(os.path.dirname(path))


@dataclass
class Staging:
    """A copy of the books' folder in which a change is made first."""

    root: str  # the books' folder (real path)
    folder: str  # the copy

    def path(self, real: str) -> str:
        """Where a file of the books is in the copy; a file outside the books is refused."""
        full = os.path.realpath(real)
        if not (full == self.root or full.startswith(self.root + os.sep)):
            raise BooksRefused(f"{real}:0: ligt buiten de map van de boeken ({self.root})")
        return os.path.join(self.folder, os.path.relpath(full, self.root))

    def real(self, staged: str) -> str:
        full = os.path.abspath(staged)
        if full == self.folder or full.startswith(self.folder + os.sep):
            return os.path.join(self.root, os.path.relpath(full, self.folder))
        return staged


def _files(folder: str) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for top, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            if name == LOCK_NAME or name.startswith(".tmp-"):
                continue
            path = os.path.join(top, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, "rb") as handle:
                found[os.path.relpath(path, folder)] = handle.read()
    return found


@dataclass
class Change:
    """One change to the books by one user, described for the audit trail.

    ``removes`` lists (file, line) of the entries the change means to replace or
    remove; ``whole_file`` a file the change rewrites as a whole (the source editor),
    whose entries it may all remove."""

    main: str
    policy: Policy
    user: str
    message: str
    removes: list[tuple[str, int]] = field(default_factory=list)
    whole_file: str | None = None
    _found: list[tuple[str, str]] = field(default_factory=list, repr=False)
    _loaded: Loaded | None = field(default=None, repr=False)
    _seconds: dict[str, float] = field(default_factory=dict, repr=False)

    def run(self, make: Callable[[Staging], Any]) -> Any:
        root = os.path.realpath(self.policy.root)
        if not self.user:
            raise BooksRefused("geen geauthenticeerde gebruiker: wijzigen kan alleen via de proxy")
        with books_lock(root), no_collection(keep=True):
            _CHECKED.pop(root, None)
            dirty = uncommitted(root)
            if dirty:
                raise BooksRefused(
                    f"{dirty[0]}:0: wijkt af van de laatste vastlegging; "
                    "niets geschreven (vng herstel zet de boeken terug)"
                )
            staging = Staging(root, os.path.join(staging_folder(root), "boeken"))
            shutil.rmtree(os.path.dirname(staging.folder), ignore_errors=True)
            os.makedirs(staging.folder, mode=0o700)
            try:
                lap = _Laps(self._seconds)
                before_files = _files(root)
                for rel, content in before_files.items():
                    target = os.path.join(staging.folder, rel)
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as handle:
                        handle.write(content)
                lap("kopie")
                staged_main = staging.path(self.main)
                before = parse_books(staged_main, staging.folder)
                result = make(staging)
                after = parse_books(staged_main, staging.folder)
                lap("ontleden")
                problems = self._check(staging, before, after, _state(before_files))
                lap("controle", without="laden")
                if problems:
                    raise BooksRefused("\n".join(_real(staging, p) for p in problems[:MAX_ERRORS]))
                after_files = _files(staging.folder)
                outside = _outside_books(staging, before, after, before_files, after_files)
                if outside:
                    raise BooksRefused(outside)
                self._write(root, before_files, after_files)
                lap("vastleggen")
                sys.stderr.write(f"vng serve: {CHANGED} {self.main} in {lap.report()}\n")
                state = _state(after_files)
                _BOOKS_ERRORS.clear()
                _BOOKS_ERRORS[state] = self._found
                if self._loaded is not None:
                    _CHECKED[root] = _Checked(state, staging.folder, self._loaded)
            finally:
                shutil.rmtree(os.path.dirname(staging.folder), ignore_errors=True)
            return result

    def _check(
        self, staging: Staging, before: ParsedBooks, after: ParsedBooks, state: str
    ) -> list[str]:
        problems = [format_error(e) for e in check_parsed(after, self.policy, staging.real)]
        if problems:
            return problems
        known = Counter(_error_key(e) for f in before.files for e in f.errors)
        for parsed in after.files:
            for error in parsed.errors:
                key = _error_key(error)
                if known[key] > 0:
                    known[key] -= 1
                else:
                    problems.append(format_error(error))
        if problems:
            return problems
        problems.extend(self._check_entries(staging, before, after))
        if problems:
            return problems
        return self._check_books(before, after, state)

    def _check_entries(
        self, staging: Staging, before: ParsedBooks, after: ParsedBooks
    ) -> list[str]:
        """Nothing lost that the change did not mean to remove; nothing in an adopted
        year added, changed or removed."""
        removable: Counter[str] = Counter()
        targets = {(staging.path(f), line) for f, line in self.removes}
        whole = staging.path(self.whole_file) if self.whole_file else None
        old: dict[str, list[data.Directive]] = {}
        for entry, digest in fingerprints(before):
            old.setdefault(digest, []).append(entry)
            spot = (entry.meta.get("filename"), entry.meta.get("lineno"))
            if spot in targets or (whole and spot[0] == whole):
                removable[digest] += 1
        remaining = Counter({d: len(v) for d, v in old.items()})
        added: list[data.Directive] = []
        for entry, digest in fingerprints(after):
            if remaining[digest] > 0:
                remaining[digest] -= 1
            else:
                added.append(entry)
        removed = [old[d][-1] for d, n in remaining.items() for _ in range(n)]
        problems: list[str] = []
        lost = Counter(fingerprint(e) for e in removed) - removable
        for entry in removed:
            if lost[fingerprint(entry)] > 0:
                lost[fingerprint(entry)] -= 1
                problems.append(
                    f"{where_entry(entry)}: deze wijziging zou de boeking {_describe(entry)} "
                    "verwijderen zonder dat daarom gevraagd is; niets geschreven"
                )
        locks = locked_years(before.entries)
        for kind, entries in (
            ("toegevoegd of gewijzigd", added),
            ("verwijderd of gewijzigd", removed),
        ):
            for entry in entries:
                if isinstance(entry, data.Custom) and entry.type == VASTGESTELD:
                    problems.append(
                        f"{where_entry(entry)}: een vaststelling wordt niet via Fava {kind}; "
                        "dat doet vng vaststellen na het besluit van de ALV"
                    )
                    continue
                lock = locks.get(entry.date.year)
                if lock is not None:
                    problems.append(
                        f"{where_entry(entry)}: {entry.date} {_describe(entry)}: het jaar "
                        f"{entry.date.year} is vastgesteld ({where_entry(lock)}, "
                        f"{lock.values[1].value if len(lock.values) > 1 else ''}); een boeking "
                        f"in dat jaar wordt niet {kind}"
                    )
        return problems

    def _check_books(self, before: ParsedBooks, after: ParsedBooks, state: str) -> list[str]:
        """The project's checks on the staged books: no error they did not have.
        Their load is kept for Fava when it is the books' load without a flaw
        (``checked_load``)."""
        known = _books_errors(self.main, state)
        start = time.perf_counter()
        loaded = None if check_sources(after.main) else load_file(after.main, after.files)
        self._seconds["laden"] = time.perf_counter() - start
        found = load_books(after.main, loaded).errors
        self._found = [_error_key(e) for e in found]
        self._loaded = loaded if loaded is not None and not found else None
        counts = Counter(known)
        problems = []
        for error in found:
            key = _error_key(error)
            if counts[key] > 0:
                counts[key] -= 1
            else:
                problems.append(format_error(error))
        return problems

    def _write(self, root: str, before: dict[str, bytes], after: dict[str, bytes]) -> None:
        changed = {rel: content for rel, content in after.items() if before.get(rel) != content}
        gone = [rel for rel in before if rel not in after]
        if not changed and not gone:
            return
        done: list[str] = []
        try:
            for rel, content in changed.items():
                path = os.path.join(root, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                done.append(rel)
                write_atomic(path, content)
                with open(path, "rb") as handle:
                    if handle.read() != content:
                        raise BooksRefused(f"{path}:0: teruggelezen inhoud wijkt af")
            for rel in gone:
                done.append(rel)
                _remove_file(os.path.join(root, rel))
            commit(root, self.user, self.message)
        except BaseException as exc:
            for rel in done:
                path = os.path.join(root, rel)
                if rel in before:
                    write_atomic(path, before[rel])
                elif os.path.exists(path):
                    _remove_file(path)
            from vng.vastlegging import git

            try:
                git(root, "reset", "-q", "--", ".")
            except BooksRefused:
                pass
            if isinstance(exc, BooksRefused):
                raise
            if isinstance(exc, OSError):
                raise BooksRefused(
                    f"{exc.filename or root}:0: schrijven mislukt ({exc.strerror}); "
                    "niets gewijzigd"
                ) from exc
            raise


_BOOKS_ERRORS: dict[str, list[tuple[str, str]]] = {}

# what ``vng serve`` reports on stderr of a change written, with the time of each step
CHANGED = "wijziging gecontroleerd en vastgelegd:"


class _Laps:
    """The seconds of a change's steps, one after the other; a step may leave out a
    part measured inside it (the check's load, ``laden``), shown apart."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self.start = self.last = time.perf_counter()

    def __call__(self, step: str, without: str = "") -> None:
        now = time.perf_counter()
        self.seconds[step] = now - self.last - self.seconds.get(without, 0.0)
        self.last = now

    def report(self) -> str:
        parts = ", ".join(f"{step} {seconds:.2f}" for step, seconds in self.seconds.items())
        return f"{time.perf_counter() - self.start:.2f} s ({parts})"


def _outside_books(
    staging: Staging,
    before: ParsedBooks,
    after: ParsedBooks,
    before_files: dict[str, bytes],
    after_files: dict[str, bytes],
) -> str:
    """A change through Fava writes only files of the books (those beancount reads):
    not a lock file, a member list or anything else that lies in the folder."""
    parsed = {os.path.relpath(f.path, staging.folder) for f in (*before.files, *after.files)}
    for rel in sorted(set(before_files) | set(after_files)):
        if before_files.get(rel) != after_files.get(rel) and rel not in parsed:
            return (
                f"{os.path.join(staging.root, rel)}:0: is geen bestand van de boeken "
                "(niet ingesloten met include); niets geschreven"
            )
    return ""


def _state(files: dict[str, bytes]) -> str:
    """One digest of every file of the books."""
    digest = hashlib.sha256()
    for rel, content in sorted(files.items()):
        digest.update(rel.encode("utf-8") + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


# what ``vng serve`` reports on stderr when a change's check loads the books as they were
LOADED_FOR_ERRORS = "geladen voor de fouten van vóór de wijziging"


def _books_errors(main: str, key: str) -> list[tuple[str, str]]:
    """The project's errors of the books before the change (once per state): the
    books themselves, which the change has not touched. Known without a load when
    the last change or Fava's load of the books (``remember_errors``) left them."""
    if key not in _BOOKS_ERRORS:
        start = time.perf_counter()
        errors = [_error_key(e) for e in load_books(main).errors]
        seconds = time.perf_counter() - start
        sys.stderr.write(f"vng serve: {main} {LOADED_FOR_ERRORS} in {seconds:.2f} s\n")
        _BOOKS_ERRORS.clear()
        _BOOKS_ERRORS[key] = errors
    return _BOOKS_ERRORS[key]


def books_state(filename: str) -> str:
    """The state of the books of main file ``filename``: one digest of every file in
    their folder, as a change sees them."""
    return _state(_files(os.path.realpath(os.path.dirname(os.path.abspath(filename)))))


def remember_errors(filename: str, loaded: Loaded, state: str) -> None:
    """``loaded`` is the load of the books ``filename`` whose files were in ``state``
    before and after it (``books_state``): the project's errors of that load are the
    books' errors in that state, and the next change's check takes them instead of
    loading the books once more; and it is the load Fava holds (``held``)."""
    if books_state(filename) != state:
        # a file changed meanwhile: the next change loads them itself, and Fava holds
        # a load of no state known
        _HELD.pop(os.path.realpath(os.path.dirname(os.path.abspath(filename))), None)
        return
    errors = [_error_key(e) for e in load_books(filename, loaded).errors]
    _BOOKS_ERRORS.clear()
    _BOOKS_ERRORS[state] = errors
    held(filename, state, loaded)


@dataclass
class _Checked:
    """The load of the staged books by a change's check, as Fava and the page's build
    may take it over."""

    state: str  # ``_state`` of the books' files the change wrote
    folder: str  # the staging copy the check loaded them from
    loaded: Loaded
    moved: bool = False  # its file names are the books' now (``_move``)


# per books' folder (real path): the check of the last change, until Fava takes it
_CHECKED: dict[str, _Checked] = {}

# per books' folder (real path): the load Fava holds, with the state of the books'
# files it is the load of (``held``)
_HELD: dict[str, tuple[str, Loaded]] = {}

# one thread at a time takes the check's load and names its files those of the books
_TAKING = threading.Lock()


def checked_load(filename: str) -> Loaded | None:
    """The books ``filename`` as the check of the last change loaded them, the paths
    in the entries and options those of the books: what ``load_file(filename)``
    gives, without loading them again. Once, and only while every file in the books'
    folder is what the check loaded and the load depends on nothing else; None
    otherwise, and the books are to be loaded from disk. Fava's load of the books
    (``vng.serve``) takes it; it is what Fava holds from then on (``held``)."""
    with _TAKING:  # and held under the lock: a build asking meanwhile takes the same
        loaded = _checked(filename, keep=False)
        if loaded is not None:
            held(filename, *loaded)
    return None if loaded is None else loaded[1]


def _checked(filename: str, keep: bool) -> tuple[str, Loaded] | None:
    """The state and the load of ``checked_load``, its files named those of the books
    (once: the first to ask names them); ``keep`` leaves it for Fava."""
    filename = os.path.normpath(os.path.abspath(filename))
    folder = os.path.dirname(filename)
    root = os.path.realpath(folder)
    checked = _CHECKED.get(root) if keep else _CHECKED.pop(root, None)
    if checked is None:
        return None
    if not checked.moved and not _movable(checked, filename, root):
        _CHECKED.pop(root, None)
        return None
    if _state(_files(root)) != checked.state:
        _CHECKED.pop(root, None)
        return None
    if not checked.moved:
        checked.loaded = _moved(checked.loaded, checked.folder, folder)
        checked.moved = True
    return checked.state, checked.loaded


def _movable(checked: _Checked, filename: str, root: str) -> bool:
    """The check's load is the books' load, but for the place of their files: no
    error, the main file's copy as the main file, nothing from outside the copy
    (every include in it, no document, which comes from the folders as they are)."""
    entries, errors, options = checked.loaded
    staged = str(options.get("filename", ""))
    if errors or staged != os.path.join(
        checked.folder, os.path.relpath(os.path.realpath(filename), root)
    ):
        return False
    inside = checked.folder + os.sep
    if any(not str(name).startswith(inside) for name in options.get("include", [])):
        return False
    return not options.get("documents") and not any(isinstance(e, data.Document) for e in entries)


def held(filename: str, state: str, loaded: Loaded) -> None:
    """Fava holds ``loaded``, the load of the books ``filename`` whose files were in
    ``state`` (``books_state``) before and after it."""
    _HELD[os.path.realpath(os.path.dirname(os.path.abspath(filename)))] = (state, loaded)


def load_of_now(filename: str) -> tuple[Loaded, Callable[[], bool]] | None:
    """The books ``filename`` as ``load_file(filename)`` would load them now, without
    a load: the check's of the last change (``checked_load``; left for Fava, which
    takes the same), else Fava's own load (``held``); with a test of whether every
    file of the books is still what it was then. None when neither is of the books
    as they are, or either has an error or depends on more than their files (an
    include outside their folder, a document)."""
    path = os.path.normpath(os.path.abspath(filename))
    root = os.path.realpath(os.path.dirname(path))
    with _TAKING:
        found = _checked(path, keep=True)  # of the books as they are now, if there
    if found is None:
        found = _HELD.get(root)
        if found is None or not _books_load(path, root, found[1]) or books_state(path) != found[0]:
            return None
    state, loaded = found
    return loaded, lambda: books_state(path) == state


def checked_waiting(filename: str) -> bool:
    """Whether the check of a change left its load of the books ``filename`` for Fava
    (``checked_load``), whatever the books are now."""
    return os.path.realpath(os.path.dirname(os.path.abspath(filename))) in _CHECKED


def _books_load(path: str, root: str, loaded: Loaded) -> bool:
    """``loaded`` is a load of the books ``path`` (in ``root``) without an error that
    depends on their files alone (no include outside their folder, no document)."""
    entries, errors, options = loaded
    if errors or str(options.get("filename", "")) != path:
        return False
    if any(not _within(str(name), root) for name in options.get("include", [])):
        return False
    return not options.get("documents") and not any(isinstance(e, data.Document) for e in entries)


def _within(path: str, root: str) -> bool:
    real = os.path.realpath(path)
    return real == root or real.startswith(root + os.sep)


def _moved(loaded: Loaded, staging: str, folder: str) -> Loaded:
    """``loaded`` with every file name in ``staging`` named in ``folder`` instead: the
    entries' and postings' ``filename``, the options' main file and includes.

    In place: the check's load is its own (the parse it took its entries from is
    copied, ``vng_accounts.books._parse``), and a new entry and posting for each of
    a million postings cost Fava's reload seconds after every save. A meta that
    appears twice gets the same name twice; one that names no file in ``staging``
    (a plugin's) stays as it is."""
    entries, errors, options = loaded
    inside = staging + os.sep
    names: dict[str, str] = {}

    def rename(meta: Any) -> None:  # an entry's meta, or a posting's (which may be None)
        where = meta.get("filename") if meta else None
        if not isinstance(where, str) or not where.startswith(inside):
            return
        if where not in names:
            names[where] = folder + where[len(staging) :]
        meta["filename"] = names[where]

    def name(old: str) -> str:
        return folder + old[len(staging) :] if old.startswith(inside) else old

    with no_collection():
        for entry in entries:
            rename(entry.meta)
            if isinstance(entry, data.Transaction):
                for posting in entry.postings:
                    rename(posting.meta)
    include = [name(str(f)) for f in options["include"]]
    new_options = {
        **options,
        "filename": name(str(options["filename"])),
        "include": include,
        "input_hash": loader.compute_input_hash(include),  # type: ignore[no-untyped-call]
    }
    return entries, list(errors), new_options


@contextlib.contextmanager
def no_collection(keep: bool = False) -> Iterator[None]:
    """Python's cyclic garbage collector paused: a parse, a load or a copy of the
    books makes millions of objects and no cycles worth collecting, and the
    collector's full passes would walk every one of them over and over (they took
    half the time of the move, a third of Fava's reload). A change's check, and
    Fava's load of the books (``vng.serve``), run without it.

    ``keep``: what is there at the end stays out of the collector's passes for good
    (``gc.freeze``), where a server keeps it: else the first collection after it
    walks every object made meanwhile, and the next ones every object of the
    server (at a million posting lines 4 s, 4 s and 17 s, in the request that
    happened to make them). Freed objects are still freed (a load's entries hold no
    cycles); a page's build, forked from the server, shares their pages with it."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if paused:
            gc.enable()


def _error_key(error: Any) -> tuple[str, str]:
    source = getattr(error, "source", None) or {}
    return (os.path.basename(str(source.get("filename", ""))), str(error.message))


def where_entry(entry: data.Directive) -> str:
    return f"{entry.meta.get('filename', '<boeken>')}:{entry.meta.get('lineno', 0)}"


def _describe(entry: data.Directive) -> str:
    text = (
        getattr(entry, "narration", None)
        or getattr(entry, "account", None)
        or getattr(entry, "type", None)
        or type(entry).__name__.lower()
    )
    return f'"{" ".join(str(text).split())[:60]}"'


def _real(staging: Staging, text: str) -> str:
    return text.replace(staging.folder + os.sep, staging.root + os.sep)


def check_startup(main: str, policy: Policy) -> list[BooksError]:
    """The parsed guard on the books a server is started on."""
    return check_parsed(parse_books(main, policy.root), policy)


__all__: Sequence[str] = (
    "Change",
    "Staging",
    "check_startup",
    "checked_load",
    "fingerprint",
    "locked_years",
)
