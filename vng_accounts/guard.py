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

import glob
import hashlib
import os
import re

from vng_accounts.errors import BooksError

ALLOWED_PLUGINS: frozenset[str] = frozenset(
    {
        "vng_accounts.plugins.rekeningschema",
        "vng_accounts.plugins.bedragen",
        "vng_accounts.plugins.mutaties",
        "vng_accounts.plugins.herwaardering",
        "vng_accounts.plugins.jaareinde",
        "vng_accounts.plugins.vaststelling",
        "vng_accounts.plugins.wnt",
        "beancount.plugins.check_commodity",
        "beancount.plugins.leafonly",
        "beancount.plugins.noduplicates",
        "beancount.plugins.nounused",
        "beancount.plugins.onecommodity",
        "beancount.plugins.implicit_prices",
    }
)

ALLOWED_EXTENSIONS: frozenset[str] = frozenset({"statements.fava"})

_PLUGIN = re.compile(r'^\s*plugin\s+"([^"]*)"')
_EXTENSION = re.compile(r'^\s*\d{4}-\d{2}-\d{2}\s+custom\s+"fava-extension"\s+"([^"]*)"')
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
    r"^[ \t]*(?:plugin|include|option|\d{4}-\d{2}-\d{2}[ \t]+custom)\b[^\n]*", re.M
)
_LOCK = re.compile(r'^\s*\d{4}-\d{2}-\d{2}\s+custom\s+"vng-vastgesteld"\s+\S+\s+"([^"]*)"')


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
        for match in _CANDIDATE.finditer(text):
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
