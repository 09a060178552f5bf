"""Errors raised while building statements, with the source entry's ``file:line``."""

from __future__ import annotations

from typing import Any


class StatementError(Exception):
    def __init__(self, source: dict[str, Any] | None, message: str) -> None:
        super().__init__(message)
        self.source = source
        self.message = message
