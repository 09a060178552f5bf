"""Amounts in EUR are whole cents.

A posting of ``12.345 EUR`` cannot be paid or reconciled; it is refused where it
is written.

    plugin "vng_accounts.plugins.bedragen"
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from beancount.core import data

from vng_accounts.errors import BooksError

__plugins__ = ("check_bedragen",)

CURRENCY = "EUR"
_CENT = Decimal("0.01")


def check_bedragen(
    entries: list[data.Directive], options_map: dict[str, Any]
) -> tuple[list[data.Directive], list[BooksError]]:
    errors: list[BooksError] = []
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                units = posting.units
                if _too_precise(units):
                    message = f"bedrag {units} op {posting.account} heeft meer dan 2 decimalen"
                    errors.append(BooksError(posting.meta or entry.meta, message, entry))
        elif isinstance(entry, data.Balance) and _too_precise(entry.amount):
            message = f"saldo {entry.amount} van {entry.account} heeft meer dan 2 decimalen"
            errors.append(BooksError(entry.meta, message, entry))
    return entries, errors


def _too_precise(amount: Any) -> bool:
    if amount is None or amount.currency != CURRENCY or not isinstance(amount.number, Decimal):
        return False
    return bool(amount.number != amount.number.quantize(_CENT))
