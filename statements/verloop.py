"""Movement schedules of the toelichting: reserves, voorzieningen, the deelneming,
the effecten and the herwaarderingsreserve.

Each schedule starts from the balance on 1 January, lists the year's movements by
their ``mutatie`` and ends on the balance at 31 December, for the year and the year
before. The effecten schedules come from the revaluation engine's events, so they
show exactly what the books derived.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from beancount.core import data

from statements.balances import book_value, remember, transactions
from statements.enkelvoudig import is_result_account
from statements.table import Row, StatementTable
from vng_accounts import bedrag
from vng_accounts.books import Books
from vng_accounts.herwaardering import (
    Movement,
    Purchase,
    Sale,
    categories,
    evaluate,
    read_policies,
)
from vng_accounts.layouts import BALANS
from vng_accounts.metadata import BEGINBALANS, MUTATIE
from vng_accounts.toelichting import VERLOPEN, Verloop, verloop_schedules

ZERO = Decimal(0)
OTHER = "Overige mutaties"


def _in_begin(entry: data.Transaction, year: int) -> bool:
    """Before the year, or the books' opening balance dated on its first day."""
    start = datetime.date(year, 1, 1)
    return entry.date < start or (entry.date == start and entry.meta.get(MUTATIE) == BEGINBALANS)


Schedule = tuple[Decimal, dict[str, Decimal]]
"""Of one movement schedule and year: the balance at 1 January, the movements by row."""


def _schedule_years(
    books: Books, specs: Sequence[Verloop], years: Sequence[int]
) -> dict[tuple[int, int], Schedule]:
    """Every schedule of ``specs`` (by its place in it) for each of ``years``, in one
    pass over the entries: a posting is read once, for every schedule its account is
    in (or, with a ``result`` row, every schedule when it is a result account)."""
    accounts = [
        set(spec.accounts)
        or {a for a, s in books.chart.accounts.items() if s.lines.get(BALANS.id) in spec.lines}
        for spec in specs
    ]
    labels = [dict(spec.rows) for spec in specs]
    found: dict[tuple[int, int], tuple[list[Decimal], dict[str, Decimal]]] = {
        (i, y): ([ZERO], defaultdict(Decimal)) for i in range(len(specs)) for y in years
    }
    ends = [(y, datetime.date(y + 1, 1, 1)) for y in years]
    last = max(end for _, end in ends)
    roles: dict[str, list[tuple[int, bool]]] = {}  # account -> (schedule, as its result)
    for entry in transactions(books, None, last):
        for posting in entry.postings:
            mine = roles.get(posting.account)
            if mine is None:
                result = is_result_account(books, posting.account)
                mine = roles[posting.account] = [
                    (i, spec.result is not None and result)
                    for i, spec in enumerate(specs)
                    if (spec.result is not None and result) or posting.account in accounts[i]
                ]
            if not mine:
                continue
            amount = book_value(entry, posting)
            for y, end in ends:
                if entry.date >= end:
                    continue
                in_begin = _in_begin(entry, y)
                for i, as_result in mine:
                    begin, moves = found[(i, y)]
                    if in_begin:
                        begin[0] += amount
                    elif as_result:
                        moves[specs[i].result or OTHER] += amount
                    else:
                        moves[labels[i].get(str(entry.meta.get(MUTATIE)), OTHER)] += amount
    return {key: (begin[0], moves) for key, (begin, moves) in found.items()}


def build_verloop(
    books: Books, spec: Verloop, year: int, data_by_year: Sequence[Schedule] | None = None
) -> StatementTable:
    """The schedule ``spec`` of ``year`` and the year before; ``data_by_year`` their
    balances and movements when already computed (``_schedule_years``)."""
    sign = BALANS.line(spec.lines[0]).sign
    years = (year, year - 1)
    if data_by_year is None:
        found = _schedule_years(books, [spec], years)
        data_by_year = [found[(0, y)] for y in years]
    order = list(
        dict.fromkeys(
            [label for _, label in spec.rows] + ([spec.result] if spec.result else []) + [OTHER]
        )
    )
    rows = [Row("begin", "Stand per 1 januari", "line", tuple(b * sign for b, _ in data_by_year))]
    for label in order:
        amounts = tuple(moves.get(label, ZERO) * sign for _, moves in data_by_year)
        if any(amounts):
            rows.append(Row(_row_id(label), label, "line", amounts, 1))
    rows.append(
        Row(
            "eind",
            "Stand per 31 december",
            "total",
            tuple((b + sum(m.values(), ZERO)) * sign for b, m in data_by_year),
            sums=tuple((1, row.id) for row in rows),
        )
    )
    return StatementTable(
        f"toelichting.{spec.key}",
        f"{spec.title} ({spec.number})",
        tuple(str(y) for y in years),
        tuple(rows),
    )


def _row_id(label: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in label.lower()).strip("_")


# -- effecten and herwaarderingsreserve ---------------------------------------------


KINDS = ("effecten", "herwaardering", "reserve")


def _category_balances(books: Books, year: int, kind: str) -> dict[str, Decimal]:
    """Balance per category at 1 January of ``year`` of the accounts the revaluation
    policy names: ``effecten`` (the lots, at cost), ``herwaardering`` or ``reserve``."""
    result: dict[str, Decimal] = defaultdict(Decimal)
    for entry, of_kind, category, amount in _policy_postings(books):
        if of_kind == kind and _in_begin(entry, year):
            result[category] += amount
    return result


def _policy_postings(books: Books) -> list[tuple[data.Transaction, str, str, Decimal]]:
    """The postings of the accounts the revaluation policy names, once per books: their
    transaction, kind (``KINDS``), category and value."""

    def find() -> list[tuple[data.Transaction, str, str, Decimal]]:
        policies, _ = remember(books, "verloop.policies", lambda: read_policies(books.entries))
        prefixes = {kind: tuple(getattr(p, kind) + ":" for p in policies) for kind in KINDS}
        category_of = _categories(books)
        named: dict[str, tuple[str, ...]] = {}  # account -> the kinds whose accounts it is
        found = []
        for entry in books.entries:
            if not isinstance(entry, data.Transaction):
                continue
            for posting in entry.postings:
                kinds = named.get(posting.account)
                if kinds is None:
                    kinds = named[posting.account] = tuple(
                        k for k in KINDS if posting.account.startswith(prefixes[k])
                    )
                for kind in kinds:
                    if kind == "effecten":
                        category = category_of.get(bedrag.units(posting).currency)
                    else:
                        category = posting.account.rsplit(":", 1)[-1].lower()
                    if category is not None:
                        found.append((entry, kind, category, book_value(entry, posting)))
        return found

    return remember(books, "verloop.policy_postings", find)


def _events_in(books: Books, year: int) -> list[object]:
    return [
        e
        for e in remember(books, "herwaardering", lambda: evaluate(books.entries)).events
        if e.date.year == year and not (isinstance(e, Movement) and e.kind == BEGINBALANS)
    ]


def _categories(books: Books) -> dict[str, str]:
    """Commodity -> its category of securities, once per books."""
    return remember(books, "verloop.categories", lambda: categories(books.entries))


def _category_columns(books: Books, year: int) -> list[str]:
    cats = set(_categories(books).values())
    return sorted(cats, key=lambda c: (c != "obligaties", c))


def _four_columns(
    per_cat: dict[str, Decimal], cats: list[str], prior: Decimal
) -> tuple[Decimal, ...]:
    values = [per_cat.get(c, ZERO) for c in cats]
    return (*values, sum(values, ZERO), prior)


def _effecten_rows(books: Books, year: int) -> dict[str, dict[str, Decimal]]:
    cost = _category_balances(books, year, "effecten")
    herw = _category_balances(books, year, "herwaardering")
    rows: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for cat in set(cost) | set(herw):
        rows["begin"][cat] = cost[cat] + herw[cat]
    for event in _events_in(books, year):
        if isinstance(event, Purchase):
            rows["aankopen"][event.category] += event.cost
        elif isinstance(event, Sale):
            rows["verkopen"][event.category] -= event.proceeds
            rows["gerealiseerd"][event.category] += event.proceeds - event.cost - event.u_prev
        elif isinstance(event, Movement) and event.kind == "waardering":
            rows["ongerealiseerd"][event.category] += event.delta_u
    for cat in rows["begin"]:
        rows["eind"][cat] = sum(
            (
                rows[r][cat]
                for r in ("begin", "aankopen", "verkopen", "gerealiseerd", "ongerealiseerd")
            ),
            ZERO,
        )
    return rows


EFFECTEN_ROWS = (
    ("begin", "Balanswaarde per 1 januari", "line"),
    ("aankopen", "Aankopen", "line"),
    ("verkopen", "Verkopen", "line"),
    ("gerealiseerd", "Gerealiseerde waardedalingen of -stijgingen", "line"),
    ("ongerealiseerd", "Ongerealiseerde waardedalingen of -stijgingen", "line"),
    ("eind", "Stand per 31 december", "total"),
)


CategoryRows = Callable[[Books, int], dict[str, dict[str, Decimal]]]


def _per_category(
    books: Books,
    year: int,
    table: tuple[str, str],
    rows_of: CategoryRows,
    layout: tuple[tuple[str, str, str], ...],
) -> StatementTable:
    """A schedule with a column per category of securities, the year's total and the
    year before's; ``table`` its id and title, ``rows_of`` its rows by category."""
    cats = _category_columns(books, year)
    now, before = rows_of(books, year), rows_of(books, year - 1)
    rows = tuple(
        Row(rid, label, kind, _four_columns(now[rid], cats, sum(before[rid].values(), ZERO)))
        for rid, label, kind in layout
    )
    columns = (*(c.capitalize() for c in cats), f"Totaal {year}", f"Totaal {year - 1}")
    return StatementTable(table[0], table[1], columns, rows)


def build_effecten(books: Books, year: int) -> StatementTable:
    table = ("toelichting.effecten", "Verloop effectenportefeuille (2)")
    return _per_category(books, year, table, _effecten_rows, EFFECTEN_ROWS)


def _herwaardering_rows(books: Books, year: int) -> dict[str, dict[str, Decimal]]:
    rows: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    begin = _category_balances(books, year, "herwaardering")
    for cat, value in begin.items():
        rows["begin"][cat] = value
    for event in _events_in(books, year):
        if isinstance(event, Movement):
            key = "realisatie" if event.kind == "realisatie" else "ongerealiseerd"
            rows[key][event.category] += event.delta_u
    for cat in set(rows["begin"]) | set(rows["realisatie"]) | set(rows["ongerealiseerd"]):
        rows["mutatie"][cat] = rows["realisatie"][cat] + rows["ongerealiseerd"][cat]
        rows["eind"][cat] = rows["begin"][cat] + rows["mutatie"][cat]
    for cat, value in _category_balances(books, year + 1, "reserve").items():
        rows["reserve"][cat] = -value
    return rows


HERWAARDERING_ROWS = (
    ("begin", "Balanswaarde per 1 januari", "line"),
    ("realisatie", "Realisatie herwaardering door verkoop", "line"),
    ("ongerealiseerd", "Ongerealiseerde waarde mutaties", "line"),
    ("mutatie", "Mutatie herwaardering", "subtotal"),
    ("eind", "Stand per 31 december", "total"),
    ("reserve", "Waarvan herwaarderingsreserve op de balans", "line"),
)


def build_herwaarderingsreserve(books: Books, year: int) -> StatementTable:
    table = (
        "toelichting.herwaarderingsreserve",
        "Herwaarderingsreserve (gesplitst): cumulatieve ongerealiseerde koerseffecten",
    )
    return _per_category(books, year, table, _herwaardering_rows, HERWAARDERING_ROWS)


def build_verlopen(
    books: Books, year: int, names: Mapping[str, str] | None = None
) -> tuple[StatementTable, ...]:
    """Every movement schedule; ``names`` the group's entities by key (the titles of
    the schedule per deelneming)."""
    chart = [(a, s.note, s.meta) for a, s in books.chart.accounts.items()]
    schedules = [s for spec in VERLOPEN for s in verloop_schedules(spec, chart, names)]
    years = (year, year - 1)
    found = _schedule_years(books, schedules, years)
    return (
        build_effecten(books, year),
        build_herwaarderingsreserve(books, year),
        *(
            build_verloop(books, schedule, year, [found[(i, y)] for y in years])
            for i, schedule in enumerate(schedules)
        ),
    )
