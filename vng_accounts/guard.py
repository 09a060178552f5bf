"""Read the books' files as text before beancount loads them.

A ``plugin`` line makes beancount import and run Python code, a ``fava-extension``
makes Fava do the same, and the option ``insert_pythonpath`` lets a ledger choose
where that code comes from. All run at load time, so they are checked here, on the
text, before any load: only plugins and extensions on the allow-lists may appear,
``insert_pythonpath`` never.

The include graph is followed the way beancount follows it (paths relative to the
including file, glob patterns allowed).
"""

from __future__ import annotations

import copy
import glob
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from beancount.core import data
from beancount.parser import parser

from vng_accounts.errors import BooksError
from vng_accounts.plugins import PROJECT_PLUGINS

BEANCOUNT_PLUGINS = frozenset(
    {
        "beancount.plugins.check_commodity",
        "beancount.plugins.leafonly",
        "beancount.plugins.noduplicates",
        "beancount.plugins.nounused",
        "beancount.plugins.onecommodity",
        "beancount.plugins.implicit_prices",
    }
)
"""beancount's own plugins that only check or add prices: allowed beside ours."""

ALLOWED_PLUGINS: frozenset[str] = frozenset(name for name, _ in PROJECT_PLUGINS) | BEANCOUNT_PLUGINS

ALLOWED_EXTENSIONS: frozenset[str] = frozenset({"vng.fava"})

_PLUGIN = re.compile(r'^\s*plugin\s+"([^"]*)"')
_DATE = r"\d{2,4}[-/]\d{1,2}[-/]\d{1,2}"  # as beancount's lexer reads a date
_EXTENSION = re.compile(r"^\s*" + _DATE + r'\s+custom\s+"fava-extension"\s+"([^"]*)"')
_INCLUDE = re.compile(r'^\s*include\s+"([^"]*)"')
_PYTHONPATH = re.compile(r'^\s*option\s+"insert_pythonpath"')


def check_text(path: str, text: str) -> list[BooksError]:
    """The same checks on one file's text (for a source about to be written)."""
    errors: list[BooksError] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        errors.extend(_check_line(path, lineno, line))
    return errors


# the only lines that can matter here; everything else is skipped without a look
_CANDIDATE = re.compile(
    r"^[ \t]*(?:plugin|include|option|" + _DATE + r"[ \t]+custom)\b[^\n]*", re.M
)
_LOCK = re.compile(r'^\s*\d{4}-\d{2}-\d{2}\s+custom\s+"vng-vastgesteld"\s+\S+\s+"([^"]*)"')


_KEYWORDS = ("plugin", "include", "option", "custom")


def _candidates(text: str) -> Iterator[re.Match[str]]:
    """``_CANDIDATE``'s matches in ``text``, in order: the lines that start with one of
    its keywords. Each of them holds a keyword, so only the lines that do are matched
    (``str.find`` runs through a file of a million postings many times faster than the
    pattern does, and such lines are few)."""
    starts: set[int] = set()
    for word in _KEYWORDS:
        found = text.find(word)
        while found >= 0:
            starts.add(text.rfind("\n", 0, found) + 1)
            found = text.find(word, found + len(word))
    for start in sorted(starts):
        match = _CANDIDATE.match(text, start)
        if match:
            yield match


def check_sources(filename: str) -> list[BooksError]:
    """Errors for every disallowed plugin or pythonpath option in the books' files."""
    return read_sources(filename)[1]


def read_sources(filename: str) -> tuple[list[tuple[str, str]], list[BooksError]]:
    """Every file the books consist of, with the SHA-256 of its content, and the errors
    of the checks above. The files are those beancount reads: the main file, what it
    includes (recursively) and the lock files of adopted years, which the books name."""
    errors: list[BooksError] = []
    files: list[tuple[str, str]] = []
    seen: set[str] = set()
    stack = [os.path.abspath(filename)]
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(BooksError(_meta(path, 0), f"boeken niet leesbaar: {exc}", None))
            continue
        files.append((path, hashlib.sha256(raw).hexdigest()))
        if "\r" in text:  # a lone carriage return ends a line as well
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lineno, position = 1, 0
        for match in _candidates(text):
            lineno += text.count("\n", position, match.start())
            position = match.start()
            line = match.group(0)
            errors.extend(_check_line(path, lineno, line))
            include = _INCLUDE.match(line)
            if include:
                found = _expand(path, include.group(1))
                if not found:
                    message = f'include "{include.group(1)}": bestand bestaat niet'
                    errors.append(BooksError(_meta(path, lineno), message, None))
                stack.extend(found)
            lock = _LOCK.match(line)
            if lock:
                locked = os.path.join(os.path.dirname(path), lock.group(1))
                try:
                    with open(locked, "rb") as handle:
                        files.append((locked, hashlib.sha256(handle.read()).hexdigest()))
                except OSError:
                    files.append((locked, "ontbreekt"))  # the plugin reports it
    return files, errors


def _check_line(path: str, lineno: int, text: str) -> list[BooksError]:
    plugin = _PLUGIN.match(text)
    if plugin and plugin.group(1) not in ALLOWED_PLUGINS:
        message = f'plugin "{plugin.group(1)}" staat niet op de lijst van toegestane plugins'
        return [BooksError(_meta(path, lineno), message, None)]
    extension = _EXTENSION.match(text)
    if extension and extension.group(1) not in ALLOWED_EXTENSIONS:
        message = (
            f'Fava-extensie "{extension.group(1)}" staat niet op de lijst van toegestane extensies'
        )
        return [BooksError(_meta(path, lineno), message, None)]
    if _PYTHONPATH.match(text):
        message = 'option "insert_pythonpath" is niet toegestaan in de boeken'
        return [BooksError(_meta(path, lineno), message, None)]
    return []


def _expand(including: str, pattern: str) -> list[str]:
    base = os.path.dirname(including)
    full = pattern if os.path.isabs(pattern) else os.path.join(base, pattern)
    return [os.path.abspath(m) for m in sorted(glob.glob(full, recursive=True))]


def _meta(path: str, lineno: int) -> dict[str, object]:
    return {"filename": path, "lineno": lineno}


# ---------------------------------------------------------------------------------
# The guard on the parsed books.
#
# The text checks above are quick and run before every load. A change written
# through Fava is checked more strictly: the books as they would be after the
# change are parsed with beancount's own parser (which runs no code), every file
# they include is followed the way beancount follows it, and the directives are
# checked, not the lines. Whatever beancount reads as a plugin, an option or a
# custom directive is seen here as such, however it is written.

FAVA_PATH_OPTIONS = frozenset({"import-dirs", "default-file"})
"""Fava options whose value is a path: it must stay inside the books' folder or
one of the folders the server was started with."""

FAVA_CODE_OPTIONS = frozenset({"import-config"})
"""Fava options whose value names code that Fava runs: no change may add one or
give it another value than the server was started with."""

ENCRYPTED = (".gpg", ".asc")  # beancount decrypts these with gpg


@dataclass(frozen=True)
class ParsedFile:
    path: str
    entries: tuple[data.Directive, ...]
    errors: tuple[Any, ...]
    options: dict[str, Any]
    digest: str = ""  # the SHA-256 of the bytes parsed
    # a document among the entries: its path is resolved from the file's folder, so
    # the parse depends on where the file is beyond the file name in the meta
    documents: bool = False


@dataclass(frozen=True)
class ParsedBooks:
    """The books as beancount's parser reads them, file by file, without plugins."""

    main: str
    files: tuple[ParsedFile, ...]
    errors: tuple[BooksError, ...]  # includes that cannot be followed

    @property
    def entries(self) -> list[data.Directive]:
        return [entry for parsed in self.files for entry in parsed.entries]


# the parses of files, by content and path; and one parse of each content, whatever
# its path (a staging copy has the books' contents under other paths)
_PARSE_CACHE: dict[tuple[str, str], ParsedFile] = {}
_BY_CONTENT: dict[str, ParsedFile] = {}


def _parse_cached(path: str, raw: bytes) -> ParsedFile:
    digest = hashlib.sha256(raw).hexdigest()
    found = _PARSE_CACHE.get((digest, path))
    if found is None:
        other = _BY_CONTENT.get(digest)
        found = renamed(other, path) if other is not None else None
        if found is None:
            text = raw.decode("utf-8")
            entries, errors, options = parser.parse_string(text, report_filename=path)
            documents = any(isinstance(e, data.Document) for e in entries)
            found = ParsedFile(path, tuple(entries), tuple(errors), options, digest, documents)
        if len(_PARSE_CACHE) > 256:
            _PARSE_CACHE.clear()
            _BY_CONTENT.clear()
        _PARSE_CACHE[(digest, path)] = found
        _BY_CONTENT.setdefault(digest, found)
    return found


def renamed(parsed: ParsedFile, path: str) -> ParsedFile | None:
    """The parse of the same content at ``path``: every entry and posting with
    ``path`` as its file name, as the parser gives them there. None when the parse
    depends on more of the path (a document's path) or has errors (whose messages
    may name it): that file is parsed again."""
    if parsed.errors or parsed.documents:
        return None
    if parsed.path == path:
        return parsed

    def meta(old: Any) -> Any:
        if not old or old.get("filename") != parsed.path:
            return old
        return {**old, "filename": path}

    entries: list[data.Directive] = []
    for entry in parsed.entries:
        if isinstance(entry, data.Transaction):
            postings = [p._replace(meta=meta(p.meta)) for p in entry.postings]
            entries.append(entry._replace(meta=meta(entry.meta), postings=postings))
        else:
            entries.append(entry._replace(meta=meta(entry.meta)))
    options = {**parsed.options, "filename": path}
    options["dcontext"] = copy.deepcopy(parsed.options["dcontext"])
    return ParsedFile(path, tuple(entries), (), options, parsed.digest)


def inside(path: str, folders: Sequence[str]) -> bool:
    """Whether ``path``, after symlinks, lies in one of ``folders`` (after symlinks)."""
    real = os.path.realpath(path)
    for folder in folders:
        top = os.path.realpath(folder)
        if real == top or real.startswith(top.rstrip(os.sep) + os.sep):
            return True
    return False


def parse_books(main: str, root: str) -> ParsedBooks:
    """Parse ``main`` and every file it includes, as beancount's loader would, but
    follow no include that leads outside ``root`` (after symlinks): such an include
    is an error and the file is not read."""
    files: list[ParsedFile] = []
    errors: list[BooksError] = []
    seen: set[str] = set()
    stack = [os.path.normpath(os.path.abspath(main))]
    while stack:
        path = stack.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
            parsed = _parse_cached(path, raw)
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(BooksError(_meta(path, 0), f"boeken niet leesbaar: {exc}", None))
            continue
        files.append(parsed)
        for pattern in parsed.options.get("include", []):
            lineno = _include_line(raw, pattern)
            full = (
                pattern if os.path.isabs(pattern) else os.path.join(os.path.dirname(path), pattern)
            )
            tops = {os.path.normpath(os.path.abspath(root)), os.path.realpath(root)}
            spot = os.path.normpath(full)
            if not any(spot.startswith(top.rstrip(os.sep) + os.sep) for top in tops):
                message = f'include "{pattern}": ligt buiten de map van de boeken ({root})'
                errors.append(BooksError(_meta(path, lineno), message, None))
                continue
            matches = sorted(glob.glob(full, recursive=True))
            if not matches:
                message = f'include "{pattern}": bestand bestaat niet'
                errors.append(BooksError(_meta(path, lineno), message, None))
            for match in matches:
                match = os.path.normpath(os.path.abspath(match))
                if not inside(match, [root]):
                    message = (
                        f'include "{pattern}": {match} ligt buiten de map van de boeken '
                        f"({root})"
                    )
                    errors.append(BooksError(_meta(path, lineno), message, None))
                elif match.endswith(ENCRYPTED):
                    message = f'include "{pattern}": versleutelde bestanden worden niet gelezen'
                    errors.append(BooksError(_meta(path, lineno), message, None))
                else:
                    stack.append(match)
    return ParsedBooks(os.path.abspath(main), tuple(files), tuple(errors))


def _include_line(raw: bytes, pattern: str) -> int:
    """The line of an include directive (beancount's options do not keep it)."""
    needle = pattern.encode("utf-8")
    for lineno, line in enumerate(raw.splitlines(), 1):
        if line.lstrip().startswith(b"include") and needle in line:
            return lineno
    return 0


@dataclass(frozen=True)
class Policy:
    """What the books may name: where they live and what the server started with."""

    root: str
    folders: tuple[str, ...] = ()  # other folders paths may name (the import folder)
    code_options: frozenset[tuple[str, str]] = frozenset()  # (option, value) at start


def policy_for(parsed: ParsedBooks, root: str, folders: Sequence[str] = ()) -> Policy:
    """The policy of a server started on these books: the code options they name
    now are the administrator's and stay allowed; nothing else is."""
    code = {
        (name, value)
        for name, value, _ in _fava_options(parsed.entries)
        if name in FAVA_CODE_OPTIONS
    }
    return Policy(
        os.path.abspath(root), tuple(os.path.abspath(f) for f in folders), frozenset(code)
    )


def _fava_options(entries: Sequence[data.Directive]) -> Iterator[tuple[str, str, data.Custom]]:
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == "fava-option" and entry.values:
            name = str(entry.values[0].value)
            value = str(entry.values[1].value) if len(entry.values) > 1 else ""
            yield name, value, entry


def check_parsed(
    parsed: ParsedBooks, policy: Policy, located: Callable[[str], str] = str
) -> list[BooksError]:
    """Everything in the parsed books that could run code or reach outside them.

    ``located`` gives the real place of a parsed file's folder, for books parsed
    from a staging copy: paths in the books are resolved from there."""
    errors: list[BooksError] = list(parsed.errors)
    allowed_folders = [policy.root, *policy.folders]
    located = _memo(located)
    for parsed_file in parsed.files:
        options = parsed_file.options
        base = located(os.path.dirname(parsed_file.path))
        for name, _ in options.get("plugin", []):
            if name not in ALLOWED_PLUGINS:
                lineno = _line_of(parsed_file.path, "plugin", name)
                message = f'plugin "{name}" staat niet op de lijst van toegestane plugins'
                errors.append(BooksError(_meta(parsed_file.path, lineno), message, None))
        if options.get("insert_pythonpath"):
            lineno = _line_of(parsed_file.path, "option", "insert_pythonpath")
            message = 'option "insert_pythonpath" is niet toegestaan in de boeken'
            errors.append(BooksError(_meta(parsed_file.path, lineno), message, None))
        if options.get("plugin_processing_mode", "default") != "default":
            lineno = _line_of(parsed_file.path, "option", "plugin_processing_mode")
            message = 'option "plugin_processing_mode" zet de controles uit: niet toegestaan'
            errors.append(BooksError(_meta(parsed_file.path, lineno), message, None))
        for folder in options.get("documents", []):
            full = folder if os.path.isabs(folder) else os.path.join(base, folder)
            if not inside(full, allowed_folders):
                lineno = _line_of(parsed_file.path, "option", "documents")
                message = f'option "documents" "{folder}" ligt buiten de map van de boeken'
                errors.append(BooksError(_meta(parsed_file.path, lineno), message, None))
    for entry in parsed.entries:
        errors.extend(_check_entry(entry, policy, allowed_folders, located))
    return errors


def _memo(function: Callable[[str], str]) -> Callable[[str], str]:
    """``function`` asked once per folder (every entry of a file is in the same)."""
    known: dict[str, str] = {}

    def once(folder: str) -> str:
        if folder not in known:
            known[folder] = function(folder)
        return known[folder]

    return once


def _check_entry(
    entry: data.Directive,
    policy: Policy,
    folders: Sequence[str],
    located: Callable[[str], str],
) -> list[BooksError]:
    folder = located(os.path.dirname(str(entry.meta.get("filename", ""))))
    if isinstance(entry, data.Document):
        full = (
            entry.filename
            if os.path.isabs(entry.filename)
            else os.path.join(folder, entry.filename)
        )
        if not inside(full, folders):
            return [
                BooksError(entry.meta, f'document "{entry.filename}" ligt buiten de boeken', None)
            ]
        return []
    if not isinstance(entry, data.Custom):
        return []
    if entry.type == "fava-extension":
        name = str(entry.values[0].value) if entry.values else ""
        if name not in ALLOWED_EXTENSIONS:
            message = f'Fava-extensie "{name}" staat niet op de lijst van toegestane extensies'
            return [BooksError(entry.meta, message, None)]
        return []
    if entry.type != "fava-option" or not entry.values:
        return []
    name = str(entry.values[0].value)
    value = str(entry.values[1].value) if len(entry.values) > 1 else ""
    if name in FAVA_CODE_OPTIONS and (name, value) not in policy.code_options:
        message = (
            f'fava-option "{name}" "{value}": Fava zou deze code uitvoeren; '
            "alleen de beheerder stelt dit in"
        )
        return [BooksError(entry.meta, message, None)]
    if name in FAVA_PATH_OPTIONS:
        full = value if os.path.isabs(value) else os.path.join(folder, value)
        if not inside(full, folders):
            message = f'fava-option "{name}" "{value}" ligt buiten de map van de boeken'
            return [BooksError(entry.meta, message, None)]
    return []


def _line_of(path: str, keyword: str, value: str) -> int:
    try:
        with open(path, encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, 1):
                if line.lstrip().startswith(keyword) and value in line:
                    return lineno
    except OSError:
        pass
    return 0
