"""Error tuples in beancount's shape, so bean-check, Fava and `vng` print them alike."""

from __future__ import annotations

from typing import Any, NamedTuple


class BooksError(NamedTuple):
    """An error found in the books: ``source`` is an entry's meta (filename, lineno)."""

    source: dict[str, Any] | None
    message: str
    entry: Any


def where(source: dict[str, Any] | None) -> str:
    """``file:line`` of an error source, as the finance team reads it."""
    if not source:
        return "<boeken>:0"
    return f"{source.get('filename', '<boeken>')}:{source.get('lineno', 0)}"


def format_error(error: Any) -> str:
    """``file:line: reason`` for any beancount-style error tuple."""
    return f"{where(getattr(error, 'source', None))}: {error.message}"
