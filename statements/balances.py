"""Balances and movements of accounts from the loaded books.

Pure functions over the entries; periods are ``[begin, end)``.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple, TypeVar, cast

from beancount.core import data

from statements.errors import StatementError
from vng_accounts import bedrag
from vng_accounts.books import Books
from vng_accounts.metadata import BEGINBALANS, MUTATIE

Balances = Mapping[str, Decimal]
T = TypeVar("T")
CURRENCY = "EUR"


def remember(books: Books, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, once per ``name`` for these books (kept in ``books.derived``)."""
    if name not in books.derived:
        books.derived[name] = compute()
    return cast(T, books.derived[name])


def transactions(
    books: Books, start: datetime.date | None = None, end: datetime.date | None = None
) -> Sequence[data.Transaction]:
    """The books' transactions dated from ``start`` up to (not including) ``end``, in
    the books' order: a slice of their list, which is made once per books (beancount
    sorts the entries by date). A pass over a year need not read every directive."""
    every = remember(books, "transactions", lambda: _dated(books.entries))
    if every.dates is None:  # entries not in date order (made by hand): filter them
        return [
            e
            for e in every.entries
            if (start is None or e.date >= start) and (end is None or e.date < end)
        ]
    low = 0 if start is None else bisect.bisect_left(every.dates, start)
    high = len(every.entries) if end is None else bisect.bisect_left(every.dates, end)
    return every.entries if (low, high) == (0, len(every.entries)) else every.entries[low:high]


class _Dated(NamedTuple):
    entries: list[data.Transaction]
    dates: list[datetime.date] | None  # None when they are not in date order


def _dated(entries: Iterable[data.Directive]) -> _Dated:
    found = [e for e in entries if isinstance(e, data.Transaction)]
    dates = [e.date for e in found]
    ordered = all(a <= b for a, b in itertools.pairwise(dates))
    return _Dated(found, dates if ordered else None)


class _Index:
    def __init__(self, entries: Sequence[data.Directive]) -> None:
        days: dict[str, dict[datetime.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        self.unvalued: list[tuple[datetime.date, str, data.Transaction]] = []
        for entry in entries:
            if not isinstance(entry, data.Transaction):
                continue
            for posting in entry.postings:
                try:
                    days[posting.account][entry.date] += book_value(entry, posting)
                except StatementError:
                    self.unvalued.append((entry.date, posting.account, entry))
        self.dates: dict[str, list[datetime.date]] = {}
        self.running: dict[str, list[Decimal]] = {}
        for account, per_day in days.items():
            ordered = sorted(per_day)
            total, running = Decimal(0), []
            for day in ordered:
                total += per_day[day]
                running.append(total)
            self.dates[account] = ordered
            self.running[account] = running

    def before(self, account: str, day: datetime.date | None) -> Decimal:
        if day is None:
            return Decimal(0)
        position = bisect.bisect_left(self.dates[account], day)
        return self.running[account][position - 1] if position else Decimal(0)

    def movements(
        self, begin: datetime.date | None, end: datetime.date, accounts: frozenset[str] | None
    ) -> dict[str, Decimal]:
        for day, account, entry in self.unvalued:
            if day < end and (begin is None or day >= begin):
                if accounts is None or account in accounts:
                    book_value(entry, next(p for p in entry.postings if p.account == account))
        totals = {}
        for account in self.dates if accounts is None else [a for a in self.dates if a in accounts]:
            dates = self.dates[account]
            if dates[0] >= end or (begin is not None and dates[-1] < begin):
                continue
            amount = self.before(account, end) - self.before(account, begin)
            if amount or self._any_between(account, begin, end):
                totals[account] = amount
        return totals

    def _any_between(self, account: str, begin: datetime.date | None, end: datetime.date) -> bool:
        dates = self.dates[account]
        low = 0 if begin is None else bisect.bisect_left(dates, begin)
        return bisect.bisect_left(dates, end) > low


def movements(
    source: Books | Iterable[data.Directive],
    begin: datetime.date | None,
    end: datetime.date,
    accounts: frozenset[str] | None = None,
) -> dict[str, Decimal]:
    """Sum of the EUR postings per account dated in ``[begin, end)``. Of loaded books
    through their index (per account the running total at each date, built once per
    books: a movement over a period is the difference of two running totals); of a
    plain list of entries by one pass."""
    if isinstance(source, Books):
        books = source
        index = remember(books, "index", lambda: _Index(books.entries))
        return index.movements(begin, end, accounts)
    entries = source
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        if entry.date >= end or (begin is not None and entry.date < begin):
            continue
        for posting in entry.postings:
            if accounts is not None and posting.account not in accounts:
                continue
            totals[posting.account] += book_value(entry, posting)
    return dict(totals)


def book_value(entry: data.Transaction, posting: data.Posting) -> Decimal:
    """A posting's amount in EUR: its units, or for a lot held at cost its cost.

    Securities are held at cost; their market value is cost plus the herwaardering
    accounts (derived by the books' revaluation), so no price is applied here.
    """
    units = posting.units
    if units is not None and units.currency == CURRENCY and type(units.number) is Decimal:
        return units.number  # the common case, without the checks of a lot at cost
    units = bedrag.units(posting)
    if units.currency == CURRENCY:
        return Decimal(bedrag.number(posting))
    cost = posting.cost
    cost_number = bedrag.cost_number(posting)
    if cost is not None and cost.currency == CURRENCY and cost_number is not None:
        return Decimal(bedrag.number(posting) * cost_number)
    raise StatementError(
        entry.meta, f"{posting.account}: bedrag in {units.currency} zonder " "kostprijs in EUR"
    )


def balances_at(
    entries: Books | Iterable[data.Directive], end: datetime.date
) -> dict[str, Decimal]:
    """Balances at the close of the day before ``end`` (all postings dated before it)."""
    return movements(entries, None, end)


def balances_at_year_end(books: Books, year: int) -> dict[str, Decimal]:
    """The balances at 31 December of ``year``: every posting dated in or before the
    year, and the books' opening balance dated on the first day of the next year (the
    balance sheet at that year-end, ``mutatie: "beginbalans"``), so that the first year
    of new books shows its opening balance as the comparative column."""
    end = datetime.date(year + 1, 1, 1)
    totals = balances_at(books, end)
    for entry in remember(books, "openings", lambda: _openings(books.entries)).get(end, ()):
        for posting in entry.postings:
            totals[posting.account] = totals.get(posting.account, Decimal(0)) + book_value(
                entry, posting
            )
    return totals


def _openings(entries: Iterable[data.Directive]) -> dict[datetime.date, list[data.Transaction]]:
    found: dict[datetime.date, list[data.Transaction]] = defaultdict(list)
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.meta.get(MUTATIE) == BEGINBALANS:
            found[entry.date].append(entry)
    return dict(found)


_PERIODS_PER_YEAR = {"yearly": 1, "quarterly": 4, "monthly": 12}


def budgets(entries: Books | Iterable[data.Directive], year: int) -> dict[str, Decimal]:
    """The begroting of ``year`` per account from Fava ``custom "budget"`` entries (of
    loaded books found once per year, as their statements ask it again and again).

    Only budgets dated in ``year`` count: the begroting of a year is set for that
    year, it is not carried over from the last one (as Fava's budget report would).
    The budget in force on the first of each month (the latest entry of the year
    dated on or before it) contributes a twelfth of its yearly amount; monthly and
    quarterly budgets are scaled the same way. Summed exactly, rounded once to cents.
    """
    if isinstance(entries, Books):
        books = entries
        return dict(remember(books, f"budgets {year}", lambda: budgets(books.entries, year)))
    by_account: dict[str, list[tuple[datetime.date, Fraction]]] = defaultdict(list)
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == "budget" and entry.date.year == year:
            account, per_year = _budget_entry(entry)
            by_account[account].append((entry.date, per_year))
    result: dict[str, Decimal] = {}
    for account, items in by_account.items():
        items.sort(key=lambda item: item[0])
        total = Fraction(0)
        for month in range(1, 13):
            first = datetime.date(year, month, 1)
            in_force = [amount for date, amount in items if date <= first]
            if in_force:
                total += in_force[-1] / 12
        if total:
            result[account] = _to_cents(total)
    return result


def _budget_entry(entry: data.Custom) -> tuple[str, Fraction]:
    try:
        account, period, amount = (value.value for value in entry.values)
        per_year = _PERIODS_PER_YEAR[str(period)]
    except (ValueError, KeyError):
        raise StatementError(entry.meta, "budget: verwacht rekening, periode, bedrag") from None
    if amount.currency != CURRENCY:
        raise StatementError(entry.meta, f"budget in {amount.currency}")
    return str(account), Fraction(amount.number) * per_year


def _to_cents(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))
