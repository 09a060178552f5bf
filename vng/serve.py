"""``vng serve``: Fava on the books, safely.

- Before it starts, the books must be as last committed (a file that differs from
  the last commit is named and the command stops; ``vng herstel`` puts the books
  back) and pass the guard on the parsed books (``vng_accounts.guard``).
- Every write through Fava (the source editor, an entry's slice, new entries,
  metadata, deletes, document and import uploads) is a ``vng.schrijven.Change``:
  made in a staging copy, checked, written atomically and committed with the
  authenticated user (the ``X-Remote-User`` header the proxy sets) as its author.
  A write without an authenticated user is refused.
- Fava listens only on a Unix socket in its runtime folder, and only requests that
  carry the proxy's secret are answered (``vng.toegang``).
- What Fava reads by file name (the source, documents, statements, extracts) is
  confined to the books' folder and the import folder.
- The import page runs the project's own importers (``importers/fava_config.py``),
  whatever the books name.
- A query result downloaded as CSV keeps its text text: an apostrophe before a text
  that starts like a formula (``statements.render.xlsx.csv_text``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beancount.core import data

if TYPE_CHECKING:
    from fava.core.fava_options import InsertEntryOption
    from flask import Flask

from vng.schrijven import Change, Staging, check_startup, no_collection
from vng.vastlegging import (  # noqa: F401  (the books' lock and trail, for callers)
    LOCK_NAME,
    BooksRefused,
    books_lock,
    commit,
    git,
    restore,
    uncommitted,
)
from vng_accounts.guard import Policy, inside, parse_books, policy_for

USER_HEADER = "X-Remote-User"
SUMMARY = 96  # characters of narration in a commit message
POLICY = "VNG_POLICY"
LOADED_FROM_DISK = "geladen"
LOADED_CHECKED = "overgenomen uit de controle van de wijziging"


def _current_user() -> str:
    from flask import has_request_context, request

    user = request.headers.get(USER_HEADER, "").strip() if has_request_context() else ""
    if not user:
        raise BooksRefused("geen geauthenticeerde gebruiker: wijzigen kan alleen via de proxy")
    return user


def _policy() -> Policy:
    from flask import current_app

    return current_app.config[POLICY]  # type: ignore[no-any-return]


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


def _change(module: Any, message: str, **kwargs: Any) -> Change:
    return Change(
        main=str(module.ledger.beancount_file_path),
        policy=_policy(),
        user=_current_user(),
        message=f"Fava: {message}",
        **kwargs,
    )


def _text(entry: data.Directive) -> str:
    text = getattr(entry, "narration", None) or getattr(entry, "account", None) or ""
    return " ".join(str(text).split())[:SUMMARY]


def _staged_entry(staging: Staging, entry: Any) -> Any:
    return entry._replace(meta={**entry.meta, "filename": staging.path(entry.meta["filename"])})


def _written(module: Any, *paths: str) -> None:
    for path in paths:
        module.ledger.watcher.notify(Path(path))


class _Writes:
    """Fava's FileModule writes, each made as a ``Change``.

    Why a wrap and not Fava's extension hooks: Fava 1.30 calls ``after_write_source``,
    ``after_entry_modified``, ``after_delete_entry``, ``after_insert_metadata`` and
    ``after_insert_entry`` after the file is written, and an exception there does not
    undo it. A write must be refused before it lands (staged, checked, then written and
    committed as one step, or not at all), so the five write methods are replaced.
    Hooks would also run only for extensions the books list: books that leave one out
    would switch their own guard off. Each replacement ends as Fava's own does: it
    tells the watcher and calls those hooks, so extensions that only react to a write
    (the Jaarrekening page starts its build there) use them unchanged."""

    @staticmethod
    def set_source(self: Any, path: Path, source: str, sha256sum: str) -> str:
        from fava.core import file as fava_file

        with self._lock:
            path = Path(path)
            if str(path) not in self.ledger.options["include"]:
                raise fava_file.NonSourceFileError(path)

            def make(staging: Staging) -> None:
                staged = Path(staging.path(str(path)))
                try:
                    current = staged.read_text("utf-8")
                except UnicodeDecodeError as exc:
                    raise fava_file.InvalidUnicodeError(str(exc)) from exc
                if fava_file._sha256_str(current) != sha256sum:
                    raise fava_file.ExternallyChangedError(path)
                newline = fava_file._file_newline_character(staged)
                with staged.open("w", encoding="utf-8", newline=newline) as handle:
                    handle.write(source)

            _change(self, f"bron {path.name} bewerkt", whole_file=str(path)).run(make)
            _written(self, str(path))
            self.ledger.extensions.after_write_source(str(path), source)
            self.ledger.load_file()
            return fava_file._sha256_str(source)

    @staticmethod
    def save_entry_slice(self: Any, entry_hash: str, source_slice: str, sha256sum: str) -> str:
        from fava.core import file as fava_file

        with self._lock:
            self.ledger.changed()
            entry = self.ledger.get_entry(entry_hash)
            path, lineno = fava_file._get_position(entry)
            change = _change(
                self, f"boeking gewijzigd: {_text(entry)}", removes=[(str(path), lineno)]
            )
            new_sha = change.run(
                lambda staging: fava_file.save_entry_slice(
                    _staged_entry(staging, entry), source_slice, sha256sum
                )
            )
            _written(self, str(path))
            self.ledger.extensions.after_entry_modified(entry, source_slice)
            return str(new_sha)

    @staticmethod
    def delete_entry_slice(self: Any, entry_hash: str, sha256sum: str) -> None:
        from fava.core import file as fava_file

        with self._lock:
            self.ledger.changed()
            entry = self.ledger.get_entry(entry_hash)
            path, lineno = fava_file._get_position(entry)
            change = _change(
                self, f"boeking verwijderd: {_text(entry)}", removes=[(str(path), lineno)]
            )
            change.run(
                lambda staging: fava_file.delete_entry_slice(
                    _staged_entry(staging, entry), sha256sum
                )
            )
            _written(self, str(path))
            self.ledger.extensions.after_delete_entry(entry)

    @staticmethod
    def insert_metadata(self: Any, entry_hash: str, basekey: str, value: str) -> None:
        from fava.core import file as fava_file
        from fava.core.misc import next_key  # type: ignore[attr-defined]

        with self._lock:
            self.ledger.changed()
            entry = self.ledger.get_entry(entry_hash)
            key = next_key(basekey, entry.meta)
            indent = self.ledger.fava_options.indent
            path, lineno = fava_file._get_position(entry)
            change = _change(
                self,
                f"metadata {key} bij boeking: {_text(entry)}",
                removes=[(str(path), lineno)],
            )
            change.run(
                lambda staging: fava_file.insert_metadata_in_file(
                    Path(staging.path(str(path))), lineno, indent, key, value
                )
            )
            _written(self, str(path))
            self.ledger.extensions.after_insert_metadata(entry, key, value)

    @staticmethod
    def insert_entries(self: Any, entries: Sequence[Any]) -> None:
        from fava.core import file as fava_file

        with self._lock:
            if self.ledger.fava_options.insert_entry:
                self.ledger.changed()  # the positions of the insert-entry options
            open_accounts = {e.account for e in self.ledger.all_entries if isinstance(e, data.Open)}
            check_new_entries(entries, open_accounts)
            options = self.ledger.fava_options
            default = str(options.default_file or self.ledger.beancount_file_path)
            touched: list[str] = []

            def make(staging: Staging) -> list[InsertEntryOption]:
                insert: Sequence[InsertEntryOption] = [
                    dataclasses.replace(o, filename=staging.path(o.filename))
                    for o in options.insert_entry
                ]
                for entry in sorted(entries, key=fava_file._incomplete_sortkey):
                    path, insert = fava_file.insert_entry(
                        entry,
                        staging.path(default),
                        insert_options=insert,
                        currency_column=options.currency_column,
                        indent=options.indent,
                    )
                    touched.append(staging.real(str(path)))
                return [dataclasses.replace(o, filename=staging.real(o.filename)) for o in insert]

            summary = "; ".join(_text(e) for e in entries)[:SUMMARY]
            change = _change(self, f"{len(entries)} boeking(en) toegevoegd: {summary}")
            options.insert_entry = change.run(make)
            _written(self, *touched)
            for entry in entries:
                self.ledger.extensions.after_insert_entry(entry)


def _load_under_lock(load: Any) -> Any:
    """Fava reads the books under the same lock a writer holds, so a load never mixes
    files from before and after a change, and the watcher never takes a half-read
    state for the current one; without the garbage collector's passes over the books
    (``vng.schrijven.no_collection``) while it loads them and builds its indexes, and
    what it holds then out of them for good."""

    def load_file(self: Any) -> None:
        folder = str(Path(self.beancount_file_path).parent)
        with books_lock(folder), no_collection(keep=True):
            load(self)

    return load_file


def _loaded_as_vng_loads(original: Any) -> Any:
    """Fava's load of the books through ``vng_accounts.books.load_file``: beancount's
    load with the same entries, errors and options, at less cost after every save.
    Right after a change it takes over the load the change's check made of the same
    books (``vng.schrijven.checked_load``) instead; a load from disk leaves the books'
    errors for the next change's check (``vng.schrijven.remember_errors``), which then
    need not load them too, and takes the guard's parse of the files (``parse_books``,
    once per content of a file). Each load is reported on stderr, with where it came
    from and its time."""

    def load_uncached(path: str, *, is_encrypted: bool) -> Any:
        if is_encrypted:
            return original(path, is_encrypted=is_encrypted)
        import sys
        import time

        from vng.schrijven import books_state, checked_load, remember_errors
        from vng_accounts.books import load_file

        start = time.perf_counter()
        loaded = checked_load(path)
        how = LOADED_CHECKED if loaded is not None else LOADED_FROM_DISK
        if loaded is None:
            state = books_state(path)
            # the guard's parse of the books' files (at the start, of the files a save
            # wrote): the load does not parse them again
            parsed = parse_books(path, os.path.dirname(os.path.abspath(path))).files
            loaded = load_file(path, parsed)
            # what the next change's check needs to know of the books as they are now
            remember_errors(path, loaded, state)
        seconds = time.perf_counter() - start
        sys.stderr.write(f"vng serve: {path} {how} in {seconds:.2f} s\n")
        return loaded

    return load_uncached


def install_guards() -> None:
    """Make every write of Fava's FileModule a checked, atomic, committed change (a
    wrap, since Fava's hooks come after the write: see ``_Writes``), and every load
    of the books one under their lock."""
    import fava.core
    from fava.core import FavaLedger
    from fava.core.file import FileModule

    if getattr(FileModule, "_vng_guarded", False):
        return
    fava_core: Any = fava.core
    fava_core.load_uncached = _loaded_as_vng_loads(fava_core.load_uncached)
    FavaLedger.load_file = _load_under_lock(FavaLedger.load_file)  # type: ignore[method-assign]
    for name in ("set_source", "save_entry_slice", "delete_entry_slice", "insert_metadata"):
        setattr(FileModule, name, getattr(_Writes, name))
    FileModule.insert_entries = _Writes.insert_entries  # type: ignore[method-assign]
    FileModule._vng_guarded = True  # type: ignore[attr-defined]


def _confine_reads(app: Flask) -> None:
    """What Fava reads by file name stays in the books' folder and the import folder."""
    import fava.application
    from flask import abort, request

    application: Any = fava.application  # its send_file_inline is not exported
    serve_file = application.send_file_inline

    def confined_send(filename: str) -> Any:
        policy = _policy()
        if not inside(str(filename), [policy.root, *policy.folders]):
            return abort(403)
        return serve_file(filename)

    application.send_file_inline = confined_send

    @app.before_request
    def confine() -> Any:
        policy = _policy()
        allowed = [policy.root, *policy.folders]
        endpoint = request.endpoint or ""
        if endpoint in ("json_api.get_source", "json_api.put_source"):
            body = request.get_json(silent=True) if request.method == "PUT" else None
            name = str((body or {}).get("file_path", request.args.get("filename", "")))
            if not inside(name, [policy.root]):
                return _refusal(f"{name}:0: ligt buiten de map van de boeken", 403)
            from flask import g

            ledger = getattr(g, "ledger", None)
            if ledger is not None and name not in ledger.options["include"]:
                return _refusal(f"{name}:0: is geen bestand van de boeken", 403)
        elif endpoint == "json_api.get_extract":
            if not inside(request.args.get("filename", ""), list(policy.folders)):
                return _refusal(f"{request.args.get('filename', '')}:0: niet in de importmap", 403)
        elif endpoint in ("json_api.put_move", "json_api.delete_document"):
            body = request.get_json(silent=True) or {}
            name = str(body.get("filename", request.args.get("filename", "")))
            if not inside(name, allowed):
                return _refusal(f"{name}:0: buiten de boeken", 403)
            if inside(name, [policy.root]):
                return _refusal(f"{name}:0: documenten in de boeken verplaats je met git", 403)
        elif endpoint in ("json_api.put_add_document",):
            return _refusal("documenten uploaden kan niet in deze boeken", 403)
        return None


def _refusal(message: str, status: int = 400) -> Any:
    from flask import jsonify

    return jsonify({"error": message}), status


def _text_kept_text(download: Any) -> Any:
    """Fava's query download, its CSV with an apostrophe before every text that
    starts like a formula (a bank's narration ``=SUM(A1)``); a number Fava wrote
    (``-12.5``) stays as it is: it cannot run."""
    import csv
    import io
    import re

    from statements.render.xlsx import csv_text

    number = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")

    def safe(value: str) -> str:
        return value if number.fullmatch(value) else csv_text(value)

    def view(result_format: str) -> Any:
        response = download(result_format=result_format)
        if result_format != "csv" or getattr(response, "status_code", 0) != 200:
            return response
        response.direct_passthrough = False
        rows = csv.reader(io.StringIO(response.get_data().decode("utf-8"), newline=""))
        out = io.StringIO()
        csv.writer(out).writerows([safe(value) for value in row] for row in rows)
        response.set_data(out.getvalue().encode("utf-8"))
        return response

    return view


def _upload_import_file() -> Any:
    """Fava's import upload, confined to the import folder and written atomically."""
    from fava.core.ingest import filepath_in_primary_imports_folder
    from fava.json_api import json_success
    from flask import g, request

    from vng.output import write_atomic

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _refusal("geen bestand ontvangen")
    _current_user()
    policy = _policy()
    target = filepath_in_primary_imports_folder(upload.filename, g.ledger)
    if not policy.folders or not inside(str(target.parent), list(policy.folders)):
        return _refusal(f"{target}:0: niet in de importmap", 403)
    if inside(str(target), [policy.root]):
        return _refusal(f"{target}:0: de importmap ligt in de boeken", 403)
    if target.exists():
        return _refusal(f"{target}:0: bestaat al")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(str(target), upload.read())
    return json_success(f"Uploaded to {target}")


def _import_folders(main: str) -> list[str]:
    """The import folders the books name (Fava's ``import-dirs``), as full paths."""
    folders = []
    for entry in parse_books(main, os.path.dirname(main)).entries:
        if isinstance(entry, data.Custom) and entry.type == "fava-option" and entry.values:
            if entry.values[0].value == "import-dirs" and len(entry.values) > 1:
                value = str(entry.values[1].value)
                base = os.path.dirname(str(entry.meta.get("filename", main)))
                folders.append(os.path.realpath(os.path.join(base, value)))
    return folders


def _own_import_config() -> None:
    """The import page runs the project's importers, never a file the books name."""
    from fava.core.ingest import IngestModule

    import importers.fava_config as config

    own = Path(config.__file__).resolve()
    IngestModule.module_path = property(lambda self: own)  # type: ignore[assignment,method-assign]


def fava_app(books: str) -> Flask:
    """Fava on the books with every guard installed, as ``vng serve`` serves it (the
    Flask app, not yet listening); BooksRefused names every line that is wrong. The
    parse of the books and their load are made without the garbage collector's
    passes, and kept out of them (``vng.schrijven.no_collection``)."""
    with no_collection(keep=True):
        return _fava_app(books)


def _fava_app(books: str) -> Flask:
    from fava.application import create_app

    books = os.path.abspath(books)
    folder = str(Path(books).resolve().parent)
    try:
        changed = uncommitted(folder)
    except BooksRefused as exc:
        raise BooksRefused(f"{books}:0: de boeken staan niet in git ({exc})") from exc
    if changed:
        lines = [
            f"{name}:0: wijkt af van de laatste vastlegging "
            "(een onderbroken schrijfactie of een wijziging buiten Fava)"
            for name in changed
        ]
        lines.append("Zet de boeken terug met: vng herstel --books " + books)
        raise BooksRefused("\n".join(lines))
    policy = policy_for(parse_books(books, folder), folder, _import_folders(books))
    refused = check_startup(books, policy)
    if refused:
        from vng_accounts.errors import format_error

        raise BooksRefused("\n".join(format_error(error) for error in refused))
    install_guards()
    _own_import_config()
    app = create_app([books], load=True, poll_watcher=True)
    app.config[POLICY] = policy
    _confine_reads(app)
    app.view_functions["json_api.put_upload_import_file"] = _upload_import_file
    app.view_functions["download_query"] = _text_kept_text(app.view_functions["download_query"])

    @app.errorhandler(BooksRefused)
    def refused_change(error: BooksRefused):  # type: ignore[no-untyped-def]
        return _refusal(str(error), 400)

    return app


def serve(books: str, runtime: str, group: str | None = None) -> int:
    """Check the books, install the guards and run Fava on ``runtime/fava.sock``
    (only the proxy reaches it: see ``vng.toegang``); returns an exit status."""
    import sys

    try:
        app = fava_app(books)
    except BooksRefused as exc:
        print(str(exc), file=sys.stderr)
        return 1
    from vng import toegang

    try:
        toegang.run(app, runtime, group)
    except toegang.ToegangError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0
