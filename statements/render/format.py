"""Dutch presentation of amounts, in one place: rounded once, here.

- ``thousands``: x € 1.000 as the published report prints its statements
  (``1.234``; ``-`` for nothing or what rounds to nothing);
- ``euros``: whole euros and cents (``2.100,82``);
- ``percentage``: a ratio as ``12,34%``.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

THOUSAND = Decimal(1000)


def rounded_thousands(amount: Decimal) -> Decimal:
    """An amount in thousands of euros, rounded half up (as the report rounds)."""
    return (amount / THOUSAND).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def thousands(amount: Decimal | None) -> str:
    if amount is None:
        return "-"
    rounded = rounded_thousands(amount)
    if rounded == 0:
        return "-"
    return f"{rounded:,}".replace(",", ".")


def euros(amount: Decimal | None) -> str:
    if amount is None:
        return "-"
    return f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def percentage(amount: Decimal | None) -> str:
    if amount is None:
        return "-"
    return f"{amount * 100:.2f}%".replace(".", ",")


MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def datum(day: datetime.date) -> str:
    """A date as Dutch prose writes it: ``30 april 2025``."""
    return f"{day.day} {MAANDEN[day.month - 1]} {day.year}"
