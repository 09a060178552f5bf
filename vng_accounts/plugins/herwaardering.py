"""Derive the revaluation entries of the effecten (see ``vng_accounts.herwaardering``).

plugin "vng_accounts.plugins.herwaardering"
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from vng_accounts.errors import BooksError
from vng_accounts.herwaardering import evaluate

__plugins__ = ("herwaardering",)


def herwaardering(
    entries: list[data.Directive], options_map: dict[str, Any]
) -> tuple[list[data.Directive], list[BooksError]]:
    result = evaluate(entries)
    if not result.derived:
        return entries, result.errors
    return sorted([*entries, *result.derived], key=data.entry_sortkey), result.errors
