"""``vng import``: bank statements, payroll, custodian and members into the books.

Without ``--output`` the new entries are printed. With ``--output``:

1. the output must be a file of the books (``--books`` or a file it includes), in a
   git work tree, as last committed;
2. the books' lock is taken (the same lock Fava's writes take: the folder of the
   books' main file), and only then are the books loaded and what is new computed,
   so two imports of the same file at once add its entries once;
3. the output is written atomically and the books are loaded again: if they no
   longer load without errors, the output is put back and the import refused;
4. the files are archived (``--archive``) and the output and the moves are one git
   commit, authored by the person who ran it (``--gebruiker``, else ``VNG_GEBRUIKER``,
   else the login name); only these files are committed;
5. the lock is released.

Every refusal is ``file:line: reason``; a refused run writes, moves and commits
nothing: several files are imported together or not at all.

The importers are built from the loaded books (``importers.config.importers_for``:
IBANs from the ``open`` entries, accounts from ``custom "vng-import"``).

The run is made of beangulp's building blocks — ``identify.identify``,
``extract.extract_from_file`` (in ``importers.base.new_entries``), the importer's
``deduplicate``, ``archive.filepath`` and ``archive.move`` — not of its ``Ingest``
command line, whose commands do not give these guarantees: ``Ingest`` loads the
existing books with beancount's loader (no source guard, the books' own plugins
run), extracts every file against the same books so a second statement in one run
cannot continue the first, reports a failing file and carries on with the others
(then ``sys.exit``), writes to a stream without lock or atomic write, and files the
documents in a separate ``archive`` command, so extract and archive are not one
refusable, committed unit.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import beangulp
import beangulp.archive
import beangulp.exceptions
import beangulp.identify
from beancount.core import data
from beancount.parser import printer

from importers.base import ImportFailure, new_entries
from importers.config import importers_for
from vng.output import write_atomic
from vng_accounts.books import Books, load_books
from vng_accounts.errors import format_error

USER_VARIABLE = "VNG_GEBRUIKER"
_USER = re.compile(r"^[^\x00-\x1f\x7f<>]{1,64}$")


@dataclass(frozen=True)
class Found:
    """The new entries of one file and where it is archived ("" for nowhere)."""

    path: str
    entries: tuple[data.Directive, ...]
    archive: str


def user_name(given: str | None) -> str:
    """Who runs the import: ``--gebruiker``, else ``VNG_GEBRUIKER``, else the login."""
    name = (given or os.environ.get(USER_VARIABLE) or "").strip()
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = ""
    if not _USER.match(name) or name != name.strip():
        raise ImportFailure("--gebruiker", 0, f"gebruikersnaam {name!r} ongeldig of onbekend")
    return name


def _importer(importers: Sequence[beangulp.Importer], filepath: str) -> beangulp.Importer:
    try:
        importer = beangulp.identify.identify(importers, filepath)
    except beangulp.exceptions.Error:
        raise ImportFailure(filepath, 0, "meer dan één importer herkent dit bestand") from None
    if importer is None:
        raise ImportFailure(filepath, 0, "geen importer herkent dit bestand")
    return importer


def _archive_path(folder: str | None, importer: beangulp.Importer, filepath: str) -> str:
    """beangulp's document layout: <folder>/<account as path>/<date>.<name>, the
    date the document's own (``importer.date``)."""
    if not folder:
        return ""
    try:
        return os.path.join(folder, beangulp.archive.filepath(importer, filepath))
    except beangulp.exceptions.Error as exc:
        raise ImportFailure(filepath, 0, f"niet te archiveren: {exc}") from None


def extract_all(
    files: Sequence[str], existing: Sequence[data.Directive], archive: str | None
) -> list[Found]:
    """What is new in each file, against the books and the files before it (so a
    statement can continue the one before it in the same run)."""
    importers = importers_for(existing)
    found: list[Found] = []
    so_far: list[data.Directive] = []
    for filepath in files:
        importer = _importer(importers, filepath)
        try:
            entries = new_entries(importer, filepath, [*existing, *so_far])
            target = _archive_path(archive, importer, filepath)
        except (ValueError, ArithmeticError, KeyError, AssertionError) as exc:
            raise ImportFailure(filepath, 0, f"onleesbaar: {exc}") from None
        so_far += entries
        found.append(Found(filepath, tuple(entries), target))
    return found


def _text(found: Sequence[Found]) -> str:
    return "".join(printer.format_entry(e) + "\n" for f in found for e in f.entries)


def _load(books: str) -> Books:
    if not os.path.exists(books):
        raise ImportFailure(books, 0, "boeken niet gevonden")
    loaded = load_books(books)
    if loaded.errors:
        for error in loaded.errors[1:]:
            _report(format_error(error))
        raise _Reported(format_error(loaded.errors[0]))
    return loaded


class _Reported(Exception):
    """A refusal already worded as ``file:line: reason``."""


def _archive(found: Sequence[Found], moved: list[tuple[str, str]]) -> None:
    """Move the files into the archive, every target checked first (as beangulp's
    ``archive`` does); what is moved is appended to ``moved`` as it happens, so a
    failure halfway can be put back."""
    targets = [item.archive for item in found if item.archive]
    for item in found:
        if item.archive and (os.path.exists(item.archive) or targets.count(item.archive) > 1):
            raise ImportFailure(item.path, 0, f"{item.archive} bestaat al in het archief")
    for item in found:
        if item.archive:
            beangulp.archive.move(item.path, item.archive)
            moved.append((item.path, item.archive))


def _unarchive(moved: Sequence[tuple[str, str]]) -> None:
    for source, target in reversed(moved):
        beangulp.archive.move(target, source)


def run(
    files: Sequence[str],
    books: str,
    output: str | None,
    archive: str | None,
    user: str | None,
) -> int:
    """``vng import``; returns the exit status, refusals on stderr."""
    try:
        if output:
            count = _into_books(files, books, output, archive, user_name(user))
        else:
            found = extract_all(files, list(_load(books).entries), archive)
            moved: list[tuple[str, str]] = []
            try:
                _archive(found, moved)
            except BaseException:
                _unarchive(moved)
                raise
            sys.stdout.write(_text(found))
            count = sum(len(f.entries) for f in found)
    except (ImportFailure, _Reported) as exc:
        _report(str(exc))
        return 1
    except OSError as exc:
        _report(f"{exc.filename or files[0]}:0: {exc.strerror or exc}")
        return 1
    _report(f"{count} nieuwe boekingen")
    return 0


def _report(line: str) -> None:
    sys.stderr.write(line + "\n")


def _into_books(
    files: Sequence[str], books: str, output: str, archive: str | None, user: str
) -> int:
    from vng import import_git
    from vng.vastlegging import books_lock

    main = Path(books).resolve()
    target = Path(output).resolve()
    repository = import_git.work_tree(target)
    with books_lock(str(main.parent)):
        loaded = _load(str(main))
        included = {Path(p).resolve() for p in loaded.options.get("include", [])}
        if target not in included:
            raise ImportFailure(
                output,
                0,
                f"hoort niet bij de boeken {main.name}: neem het eerst op met include "
                "(en leg dat vast)",
            )
        import_git.require_committed(repository, target)
        found = extract_all(files, list(loaded.entries), archive)
        count = sum(len(f.entries) for f in found)
        if not count and not any(f.archive for f in found):
            return 0
        before = target.read_bytes()
        text = _text(found).encode("utf-8")
        written = before + (b"\n" if before and not before.endswith(b"\n") else b"") + text
        if count:
            write_atomic(str(target), written)
        moved: list[tuple[str, str]] = []
        try:
            if count:
                _check_after(str(main), output)
            tracked = import_git.tracked(repository, [f.path for f in found if f.archive])
            _archive(found, moved)
            paths = [str(target)] if count else []
            paths += [t for _, t in moved if import_git.inside(repository, t)]
            paths += [s for s, _ in moved if s in tracked]
            if paths:
                import_git.commit_files(repository, paths, user, _message(found))
        except BaseException:
            _unarchive(moved)
            if count:
                write_atomic(str(target), before)
            raise
    return count


def _check_after(main: str, output: str) -> None:
    after = load_books(main)
    if after.errors:
        raise _Reported(
            f"{output}:0: geweigerd, de boeken kloppen na het inlezen niet: "
            f"{format_error(after.errors[0])}"
        )


def _message(found: Sequence[Found]) -> str:
    parts = [f"{os.path.basename(f.path)} ({len(f.entries)} boekingen)" for f in found]
    total = sum(len(f.entries) for f in found)
    return f"vng import: {total} nieuwe boekingen uit " + ", ".join(parts)
