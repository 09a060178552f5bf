"""Errors raised while building statements, with the source entry's ``file:line``."""

from __future__ import annotations

from typing import Any, TypeVar

from vng_accounts.errors import BooksError, where

_Found = TypeVar("_Found")


class StatementError(Exception):
    def __init__(self, source: dict[str, Any] | None, message: str) -> None:
        super().__init__(message)
        self.source = source
        self.message = message

    def lines(self) -> list[str]:
        """Each error as ``file:line: reason``."""
        return [f"{where(self.source)}: {self.message}"]


class StatementErrors(StatementError):
    """Several errors at once, each with its own source: every side of every
    difference the consolidation finds, every error of the group file."""

    def __init__(self, errors: list[tuple[dict[str, Any] | None, str]]) -> None:
        first = errors[0] if errors else (None, "")
        super().__init__(first[0], first[1])
        self.errors = list(errors)

    def lines(self) -> list[str]:
        return [f"{where(s)}: {m}" for s, m in self.errors]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def checked(read: tuple[_Found, list[BooksError]]) -> _Found:
    """What a reader of the books found; its first error raised, at its entry."""
    found, errors = read
    if errors:
        raise StatementErrors([(e.source, e.message) for e in errors])
    return found
