"""The books' transactions by date range: a slice of one list made per books, the same
as filtering every directive."""

from __future__ import annotations

import datetime

from beancount.core import data
from hypothesis import given
from hypothesis import strategies as st

from statements.balances import transactions
from vng_accounts.books import Books
from vng_accounts.chart import Chart
from vng_accounts.settings import Settings

DAYS = st.integers(0, 60).map(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(n))


def _books(dates: list[datetime.date]) -> Books:
    """Books of a transaction on each of ``dates`` and a note between every two."""
    entries: list[data.Directive] = []
    for n, day in enumerate(dates):
        meta = data.new_metadata("boeken.beancount", n)
        entries.append(
            data.Transaction(meta, day, "*", None, f"t{n}", frozenset(), frozenset(), [])
        )
        entries.append(data.Note(meta, day, "Activa:Bank", "notitie", None, None))
    return Books(tuple(entries), {}, Chart({}), Settings("", ()), ())


@given(
    st.lists(DAYS, max_size=40),
    st.booleans(),
    st.one_of(st.none(), DAYS),
    st.one_of(st.none(), DAYS),
)
def test_a_range_of_transactions_is_what_filtering_gives(
    dates: list[datetime.date],
    in_order: bool,
    start: datetime.date | None,
    end: datetime.date | None,
) -> None:
    books = _books(sorted(dates) if in_order else dates)
    expected = [
        e
        for e in books.entries
        if isinstance(e, data.Transaction)
        and (start is None or e.date >= start)
        and (end is None or e.date < end)
    ]
    assert list(transactions(books, start, end)) == expected
    assert list(transactions(books, start, end)) == expected  # again, from the kept list
