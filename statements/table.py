"""The one result type of every builder: a frozen table of Decimal amounts.

Renderers (JSON, PDF, XLSX, Fava) only format a ``StatementTable``: they never total,
round or flip signs. ``accounts`` on a row names the accounts behind its amount, so
every figure can be traced to its postings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

Amount = Decimal | None


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    kind: str  # header, line, subtotal, total, ratio
    amounts: tuple[Amount, ...]
    level: int = 0
    note: str | None = None
    accounts: tuple[str, ...] = ()
    texts: tuple[str | None, ...] = ()  # text cells (WNT tables), aligned with the columns
    # How the builder totalled this row from others (sign, row id), so a workbook can
    # show the total as a live formula; empty for rows that are not totals.
    sums: tuple[tuple[int, str], ...] = ()

    def __post_init__(self) -> None:
        # A zero is printed as zero, never as "-0", whatever the sign arithmetic did.
        cleaned = tuple(Decimal(0) if a is not None and not a else a for a in self.amounts)
        object.__setattr__(self, "amounts", cleaned)


@dataclass(frozen=True)
class StatementTable:
    id: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def row(self, row_id: str) -> Row:
        for row in self.rows:
            if row.id == row_id:
                return row
        raise KeyError(f"{self.id}: geen regel {row_id}")
