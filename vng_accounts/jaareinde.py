"""The year-end entries of the reserves, computed from settings in the books.

Bestemmingsreserves are earmarks set by the bestuur. Lasten that a reserve covers
carry its key as posting metadata; each 31 December the dekking uit het vermogen is
the sum of those lasten in the year, booked from the reserve to the result line
"Dekking uit het vermogen" — refused when it exceeds what the reserve holds::

    2023-01-01 custom "vng-bestemmingsreserve" "wh" Vermogen:Bestemmingsreserves:Herhuisvesting
      doel: "Afschrijvingslasten verbouwing Willemshof (besluit 2007)"
      dekking: "Vermogen:OnverdeeldResultaat:DekkingUitVermogen"

    2024-01-31 * "VNG" "Afschrijving bedrijfsgebouwen januari 2024"
      Lasten:Afschrijvingen:Bedrijfsgebouwen   38141.67 EUR
        dekking: "wh"

The resultaatbestemming is dated on the ALV's vaststelling and moves the onverdeeld
resultaat of the year (balance sheet value at 31 December) to the reserve the ALV
names::

    2024-06-30 custom "vng-resultaatbestemming" 2023 Vermogen:OverigeReserves
      onverdeeld: "Vermogen:OnverdeeldResultaat:VorigeBoekjaren"
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import amount as bean_amount
from beancount.core import data
from beancount.parser import options as bean_options

from vng_accounts import bedrag
from vng_accounts.errors import BooksError
from vng_accounts.metadata import BEGINBALANS, MUTATIE

CURRENCY = "EUR"
ZERO = Decimal(0)
DERIVED = "berekend"


@dataclass(frozen=True)
class Earmark:
    key: str
    account: str
    purpose: str
    dekking: str
    meta: dict[str, Any]


def read_earmarks(entries: Sequence[data.Directive]) -> tuple[list[Earmark], list[BooksError]]:
    earmarks: list[Earmark] = []
    errors: list[BooksError] = []
    for entry in entries:
        if not (isinstance(entry, data.Custom) and entry.type == "vng-bestemmingsreserve"):
            continue
        values = [v.value for v in entry.values]
        if len(values) != 2 or not isinstance(entry.meta.get("dekking"), str):
            message = "bestemmingsreserve: verwacht sleutel, rekening en metadata 'dekking'"
            errors.append(BooksError(entry.meta, message, entry))
            continue
        earmarks.append(
            Earmark(
                str(values[0]),
                str(values[1]),
                str(entry.meta.get("doel", "")),
                str(entry.meta["dekking"]),
                entry.meta,
            )
        )
    return earmarks, errors


def _posting(account: str, number: Decimal) -> data.Posting:
    return data.Posting(account, bean_amount.Amount(number, CURRENCY), None, None, None, None)


def _derived(
    meta: dict[str, Any],
    date: datetime.date,
    narration: str,
    explanation: str,
    tag: str,
    postings: list[data.Posting],
    mutatie: str,
) -> data.Transaction:
    source = {
        "filename": meta.get("filename", "<jaareinde>"),
        "lineno": meta.get("lineno", 0),
        DERIVED: explanation,
        MUTATIE: mutatie,
    }
    return data.Transaction(
        source, date, "*", "VNG", narration, frozenset({tag}), frozenset(), postings
    )


def dekkingen(entries: Sequence[data.Directive]) -> tuple[list[data.Transaction], list[BooksError]]:
    """The yearly dekking uit de bestemmingsreserves."""
    earmarks, errors = read_earmarks(entries)
    by_key = {e.key: e for e in earmarks}
    covered: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            key = (posting.meta or {}).get("dekking")
            if key is None:
                continue
            if key not in by_key:
                errors.append(
                    BooksError(
                        posting.meta,
                        f'dekking "{key}": geen bestemmingsreserve ' "met die sleutel",
                        entry,
                    )
                )
                continue
            covered[(str(key), entry.date.year)] += bedrag.number(posting)
    derived = []
    asked = {(by_key[key].account, datetime.date(year, 12, 31)) for key, year in covered}
    balances = _balances(entries, asked)
    for (key, year), amount in sorted(covered.items()):
        earmark = by_key[key]
        date = datetime.date(year, 12, 31)
        held = -balances[(earmark.account, date)]
        if amount > held:
            errors.append(
                BooksError(
                    earmark.meta,
                    f"dekking {year} uit {earmark.account}: "
                    f"{amount} gevraagd, de reserve heeft {held}",
                    None,
                )
            )
            continue
        derived.append(
            _derived(
                earmark.meta,
                date,
                f"Dekking {earmark.purpose.lower() or key} {year} uit " "bestemmingsreserve",
                f'som van de lasten {year} met dekking "{key}": {amount}',
                "dekking",
                [_posting(earmark.account, amount), _posting(earmark.dekking, -amount)],
                f"dekking-{key}",
            )
        )
    return derived, errors


def _balances(
    entries: Sequence[data.Directive], asked: set[tuple[str, datetime.date]]
) -> dict[tuple[str, datetime.date], Decimal]:
    """The balance of each account ``asked`` after all entries dated on or before its
    date, in one pass over the entries."""
    dates: dict[str, list[datetime.date]] = defaultdict(list)
    for account, date in asked:
        dates[account].append(date)
    totals = {pair: ZERO for pair in asked}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            for date in dates.get(posting.account, ()):
                if entry.date <= date:
                    totals[(posting.account, date)] += bedrag.number(posting)
    return totals


def _before_year_end(entry: data.Transaction, end: datetime.date) -> bool:
    """Dated in or before the year, or the books' opening balance of the next year
    (which is the balance sheet at that year-end)."""
    opening = entry.meta.get(MUTATIE) == BEGINBALANS
    return entry.date <= end or (opening and entry.date == end + datetime.timedelta(days=1))


def resultaatbestemmingen(
    entries: Sequence[data.Directive], options_map: dict[str, Any]
) -> tuple[list[data.Transaction], list[BooksError]]:
    """Move each vastgestelde year's onverdeeld resultaat as the ALV decided."""
    types = bean_options.get_account_types(options_map)  # type: ignore[no-untyped-call]
    derived: list[data.Transaction] = []
    errors: list[BooksError] = []
    for entry in entries:
        if not (isinstance(entry, data.Custom) and entry.type == "vng-resultaatbestemming"):
            continue
        values = [v.value for v in entry.values]
        onverdeeld = entry.meta.get("onverdeeld")
        if len(values) != 2 or not isinstance(onverdeeld, str) or entry.date.year <= int(values[0]):
            errors.append(
                BooksError(
                    entry.meta,
                    "resultaatbestemming: verwacht jaar en rekening, "
                    "metadata 'onverdeeld', gedateerd na dat jaar",
                    entry,
                )
            )
            continue
        year, target = int(values[0]), str(values[1])
        prefix = onverdeeld.rsplit(":", 1)[0]
        end = datetime.date(year, 12, 31)
        amount = ZERO
        for other in list(entries) + derived:
            if isinstance(other, data.Transaction) and _before_year_end(other, end):
                for posting in other.postings:
                    root = posting.account.split(":", 1)[0]
                    if posting.account.startswith(prefix + ":") or root in (
                        types.income,
                        types.expenses,
                    ):
                        amount += bedrag.number(posting)
        derived.append(
            _derived(
                entry.meta,
                entry.date,
                f"Resultaatbestemming {year} conform vaststelling door de ALV",
                f"onverdeeld resultaat per {end}: {-amount}",
                "resultaatbestemming",
                [_posting(onverdeeld, -amount), _posting(target, amount)],
                "resultaatbestemming",
            )
        )
    return derived, errors
