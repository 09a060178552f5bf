"""``vng serve``: Fava on the books, safely.

- Before it starts, the books must be as last committed: a file that differs from the
  last commit (a write that failed halfway, an edit outside Fava) is named and the
  command stops; ``vng herstel`` puts the books back to the last commit.
- Every write through Fava takes the books' lock (the importers take the same lock),
  is checked before it is written (plugins, Fava extensions and
  ``insert_pythonpath`` only from the allow-lists; new entries only on open accounts,
  EUR in whole cents), and becomes a git commit with the authenticated user (the
  ``X-Remote-User`` header the reverse proxy sets) as its author. A write without an
  authenticated user is refused.
- Fava listens on the loopback address only; the proxy in front of it
  (``vng proxy``) does the authentication and the roles.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import subprocess
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data

from vng_accounts.guard import check_text

LOCK_NAME = ".vng-schrijfslot"
USER_HEADER = "X-Remote-User"
SUMMARY = 96  # characters of narration in a commit message


class BooksRefused(Exception):
    """A change through Fava that is not written."""


@contextlib.contextmanager
def books_lock(folder: str) -> Iterator[None]:
    """One writer at a time for the books in ``folder``."""
    with open(os.path.join(folder, LOCK_NAME), "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def git(folder: str, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", "-C", folder, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if result.returncode != 0:
        raise BooksRefused(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def uncommitted(folder: str) -> list[str]:
    """Files of the books that differ from the last commit (full paths)."""
    top = git(folder, "rev-parse", "--show-toplevel").strip()
    status = git(folder, "status", "--porcelain", "--untracked-files=all", "--", ".")
    return [
        os.path.join(top, line[3:])
        for line in status.splitlines()
        if line and not line.endswith(LOCK_NAME)
    ]


def commit(folder: str, user: str, message: str) -> None:
    git(folder, "add", "-A", "--", ".")
    if not git(folder, "status", "--porcelain", "--", ".").strip():
        return
    email = f"{user}@boeken.vng.invalid"
    env = {
        "GIT_AUTHOR_NAME": user,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": "vng serve",
        "GIT_COMMITTER_EMAIL": "serve@boeken.vng.invalid",
    }
    git(folder, "commit", "-q", "-m", message, env=env)


def restore(folder: str) -> list[str]:
    """Put the books back to the last commit; the files that changed."""
    changed = uncommitted(folder)
    git(folder, "checkout", "--", ".")
    git(folder, "clean", "-fdq", "-e", LOCK_NAME, "--", ".")
    return changed


def _current_user() -> str:
    from flask import has_request_context, request

    user = request.headers.get(USER_HEADER, "").strip() if has_request_context() else ""
    if not user:
        raise BooksRefused("geen geauthenticeerde gebruiker: wijzigen kan alleen via de proxy")
    return user


def check_new_entries(entries: Sequence[data.Directive], open_accounts: set[str]) -> None:
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            if posting.account not in open_accounts:
                raise BooksRefused(f"rekening {posting.account} is niet geopend")
            units = posting.units
            if units is not None and units.currency == "EUR" and isinstance(units.number, Decimal):
                if units.number != units.number.quantize(Decimal("0.01")):
                    raise BooksRefused(f"bedrag {units} heeft meer dan 2 decimalen")


def _guarded(
    method: Callable[..., Any],
    describe: Callable[..., str],
    check: Callable[..., None] | None = None,
) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        folder = str(Path(self.ledger.beancount_file_path).parent)
        user = _current_user()
        with books_lock(folder):
            if check is not None:
                check(self, *args, **kwargs)
            result = method(self, *args, **kwargs)
            commit(folder, user, f"Fava: {describe(*args, **kwargs)}")
        return result

    return wrapper


def _check_source(module: Any, path: Any, source: str, *args: Any, **kwargs: Any) -> None:
    errors = check_text(str(path), source)
    if errors:
        raise BooksRefused(f"{errors[0].message} (regel {errors[0].source['lineno']})")


def _check_entries(
    module: Any, entries: Sequence[data.Directive], *args: Any, **kwargs: Any
) -> None:
    open_accounts = {e.account for e in module.ledger.all_entries if isinstance(e, data.Open)}
    check_new_entries(entries, open_accounts)


def install_guards() -> None:
    """Wrap Fava's file writes with the lock, the checks and the audit commit."""
    from fava.core.file import FileModule

    if getattr(FileModule, "_vng_guarded", False):
        return
    FileModule.set_source = _guarded(  # type: ignore[method-assign]
        FileModule.set_source,
        lambda path, *a, **k: f"bron {Path(path).name} bewerkt",
        _check_source,
    )
    FileModule.insert_entries = _guarded(  # type: ignore[method-assign]
        FileModule.insert_entries,
        lambda entries, *a, **k: f"{len(entries)} boeking(en) "
        f"toegevoegd: {'; '.join(getattr(e, 'narration', '') or '' for e in entries)[:SUMMARY]}",
        _check_entries,
    )
    FileModule.save_entry_slice = _guarded(  # type: ignore[method-assign]
        FileModule.save_entry_slice,
        lambda entry_hash, *a, **k: f"boeking {entry_hash[:12]} gewijzigd",
        lambda module, entry_hash, source, *a, **k: _check_source(module, "boeking", source),
    )
    FileModule.delete_entry_slice = _guarded(  # type: ignore[method-assign]
        FileModule.delete_entry_slice,
        lambda entry_hash, *a, **k: f"boeking {entry_hash[:12]} verwijderd",
    )
    FileModule.insert_metadata = _guarded(  # type: ignore[method-assign]
        FileModule.insert_metadata,
        lambda entry_hash,
        key,
        value,
        *a,
        **k: f"metadata {key} toegevoegd aan boeking {entry_hash[:12]}",
    )
    FileModule._vng_guarded = True  # type: ignore[attr-defined]


def serve(books: str, runtime: str, group: str | None = None) -> int:
    """Check the books, install the guards and run Fava on ``runtime/fava.sock``
    (only the proxy reaches it: see ``statements.toegang``); returns an exit status."""
    import sys

    from fava.application import create_app
    from fava.helpers import FavaAPIError

    folder = str(Path(books).resolve().parent)
    try:
        changed = uncommitted(folder)
    except BooksRefused as exc:
        print(f"{books}:0: de boeken staan niet in git ({exc})", file=sys.stderr)
        return 1
    if changed:
        for name in changed:
            print(
                f"{name}:0: wijkt af van de laatste vastlegging "
                "(een onderbroken schrijfactie of een wijziging buiten Fava)",
                file=sys.stderr,
            )
        print("Zet de boeken terug met: vng herstel --books " + books, file=sys.stderr)
        return 1
    install_guards()
    app = create_app([books], load=True)

    @app.errorhandler(BooksRefused)
    def refused(error: BooksRefused):  # type: ignore[no-untyped-def]
        from flask import jsonify

        return jsonify({"error": str(error)}), 400

    del FavaAPIError
    from statements import toegang

    try:
        toegang.run(app, runtime, group)
    except toegang.ToegangError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0
