"""A posting's amount, typed: beancount leaves `units` Optional and `cost` a union.

After booking every posting has units with a number, and a lot's cost is a `Cost`;
these helpers say so once, and raise a clear error where the books break that.
"""

from __future__ import annotations

from decimal import Decimal

from beancount.core import data
from beancount.core.amount import Amount
from beancount.core.position import Cost


def units(posting: data.Posting) -> Amount:
    """The posting's units; a booked posting always has them."""
    if posting.units is None or not isinstance(posting.units.number, Decimal):
        raise ValueError(f"{posting.account}: boeking zonder bedrag")
    return posting.units


def number(posting: data.Posting) -> Decimal:
    """The number of the posting's units."""
    amount = posting.units
    if amount is None or not isinstance(amount.number, Decimal):
        raise ValueError(f"{posting.account}: boeking zonder bedrag")
    return amount.number


def cost_number(posting: data.Posting) -> Decimal | None:
    """The per-unit cost of a lot held at cost, or None when it has none."""
    cost = posting.cost
    if isinstance(cost, Cost) and isinstance(cost.number, Decimal):
        return cost.number
    return None
