"""Refuse changes to a vastgesteld year (see ``vng_accounts.vaststelling``).
List it last: it checks the books after the derived entries are in.

    plugin "vng_accounts.plugins.vaststelling"
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from vng_accounts.errors import BooksError
from vng_accounts.vaststelling import check_locks

__plugins__ = ("vaststelling",)


def vaststelling(
    entries: list[data.Directive], options_map: dict[str, Any]
) -> tuple[list[data.Directive], list[BooksError]]:
    return entries, check_locks(entries)
