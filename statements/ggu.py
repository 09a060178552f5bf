"""The Fonds GGU per activiteit (toelichting 15): begroting and realisatie of the year
per activity, under its theme, from the books.

The activities are ``custom "vng-ggu-activiteit"`` entries of the year (code,
omschrijving, begroting, ``thema:``), in their order in the books. The realisatie of
an activity is the sum of the year's postings on the Fonds GGU's baten (the accounts
with ``toelichting: "bijdrage_projecten.fonds_ggu"``) that carry its code as
``ggu_activiteit``::

    2024-01-01 custom "vng-ggu-activiteit" "547" "VNG Academie" 1623000.00 EUR
      thema: "1.3 Kennis en leren"

    2024-12-31 * "Fonds GGU" "Besteding toegerekend aan de activiteiten"
      Baten:BijdrageProjecten:FondsGGU   1239000.00 EUR
      Baten:BijdrageProjecten:FondsGGU  -1239000.00 EUR
        ggu_activiteit: "547"

What the books do not assign to an activity (realisatie or begroting) is a line of its
own, never dropped: the total is the Fonds GGU's line of toelichting (15). A posting
naming an activity that the year does not have is an error at its line.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from statements.balances import budgets, transactions
from statements.errors import StatementError
from statements.table import Amount, Row, StatementTable
from vng_accounts.bedrag import number
from vng_accounts.books import Books
from vng_accounts.toelichting import GGU_ACTIVITEIT_ENTRY, GGU_ACTIVITEIT_KEY, GGU_NOTE_LINE

ZERO = Decimal(0)
UNASSIGNED = "Niet aan een activiteit toegerekend"


@dataclass(frozen=True)
class Activiteit:
    code: str
    omschrijving: str
    begroot: Decimal
    thema: str | None


def activiteiten(books: Books, year: int) -> list[Activiteit]:
    """The activities of ``year`` in the order of the books; a malformed entry is an
    error at its line."""
    found: list[Activiteit] = []
    for entry in books.entries:
        if not (isinstance(entry, data.Custom) and entry.type == GGU_ACTIVITEIT_ENTRY):
            continue
        if entry.date.year != year:
            continue
        values = [v.value for v in entry.values]
        if (
            len(values) != 3
            or not all(isinstance(v, str) for v in values[:2])
            or not hasattr(values[2], "number")
        ):
            raise StatementError(
                entry.meta,
                f'{GGU_ACTIVITEIT_ENTRY}: verwacht "<code>" "<omschrijving>" <begroot> EUR',
            )
        thema = entry.meta.get("thema")
        found.append(
            Activiteit(
                str(values[0]),
                str(values[1]),
                Decimal(values[2].number),
                str(thema) if thema else None,
            )
        )
    return found


def build_ggu(books: Books, year: int) -> tuple[StatementTable, ...]:
    """The table of the Fonds GGU per activiteit of ``year``; none when the books have
    no activities in it."""
    items = activiteiten(books, year)
    if not items:
        return ()
    accounts = sorted(a for a, s in books.chart.accounts.items() if s.note == GGU_NOTE_LINE)
    among = set(accounts)
    codes = {i.code for i in items}
    realised: dict[str, Decimal] = defaultdict(Decimal)
    total = ZERO
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    for entry in transactions(books, start, end):
        for posting in entry.postings:
            if posting.account not in among:
                continue
            amount = -number(posting)  # baten: credit positive
            total += amount
            code = (posting.meta or {}).get(GGU_ACTIVITEIT_KEY)
            if code is None:
                continue
            if str(code) not in codes:
                raise StatementError(
                    posting.meta or entry.meta,
                    f"{GGU_ACTIVITEIT_KEY} {code!r} is geen activiteit van het Fonds GGU "
                    f"in {year}",
                )
            realised[str(code)] += amount
    budgeted = -sum((v for a, v in budgets(books, year).items() if a in accounts), ZERO)
    return (_table(items, realised, total, budgeted, year, tuple(accounts)),)


def _table(
    items: list[Activiteit],
    realised: dict[str, Decimal],
    total: Decimal,
    budgeted: Decimal,
    year: int,
    accounts: tuple[str, ...],
) -> StatementTable:
    rows: list[Row] = []
    themes = list(dict.fromkeys(i.thema for i in items))
    for n, thema in enumerate(themes):
        members = [i for i in items if i.thema == thema]
        lines = [
            Row(
                f"activiteit_{i.code}",
                f"{i.code} {i.omschrijving}" if thema else i.omschrijving,
                "line",
                (i.begroot, realised[i.code]),
                1 if thema else 0,
                None,
                accounts,
            )
            for i in members
        ]
        if thema:
            sums: tuple[Amount, ...] = (
                sum((i.begroot for i in members), ZERO),
                sum((realised[i.code] for i in members), ZERO),
            )
            rows.append(
                Row(
                    f"thema_{n}",
                    thema,
                    "subtotal",
                    sums,
                    sums=tuple((1, r.id) for r in lines),
                )
            )
        rows += lines
    assigned = (sum((i.begroot for i in items), ZERO), sum(realised.values(), ZERO))
    rest = (budgeted - assigned[0], total - assigned[1])
    if any(rest):
        rows.append(Row("niet_toegerekend", UNASSIGNED, "line", rest, 0, None, accounts))
    rows.append(
        Row(
            "totaal",
            "Totaal",
            "total",
            (budgeted, total),
            accounts=accounts,
            sums=tuple((1, r.id) for r in rows if r.kind == "line"),
        )
    )
    return StatementTable(
        "toelichting.fonds_ggu_activiteiten",
        f"Fonds GGU {year} per activiteit (15)",
        (f"Begroot {year}", f"Realisatie {year}"),
        tuple(rows),
    )
