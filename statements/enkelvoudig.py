"""The enkelvoudige jaarrekening: balance sheet, staat van baten en lasten,
kengetallen and the specification tables of the toelichting.

Builders are pure: ``build_*(books, year)`` reads nothing but its arguments. Signs
are flipped once, in ``_present``, with the line's ``sign``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from beancount.core import account_types

from statements.balances import balances_at_year_end, budgets, movements
from statements.errors import StatementError
from statements.table import Amount, Row, StatementTable
from vng_accounts.books import Books
from vng_accounts.chart import account_types_of
from vng_accounts.layouts import BALANS, BATEN_LASTEN, SUBSIDIES, Layout
from vng_accounts.toelichting import NOTES, Note, note_lines, note_members

ZERO = Decimal(0)
RATIO = Decimal("0.0001")


class LineValues:
    """Per line of a layout: the amount in the books' sign and the accounts behind it."""

    def __init__(self) -> None:
        self.amounts: dict[str, Decimal] = defaultdict(Decimal)
        self.accounts: dict[str, set[str]] = defaultdict(set)

    def add(self, line_id: str, account: str, amount: Decimal) -> None:
        self.amounts[line_id] += amount
        self.accounts[line_id].add(account)


def _year_end(year: int) -> datetime.date:
    return datetime.date(year + 1, 1, 1)


def is_result_account(books: Books, account: str) -> bool:
    """An account of the staat van baten en lasten (not of the balans)."""
    types = account_types_of(books.options)
    return account_types.is_income_statement_account(account, types)


def balance_lines(books: Books, year: int, netted: bool | None = None) -> LineValues:
    """The balance-sheet lines at 31 December of ``year``.

    ``netted`` overrides the books' presentation setting for the subsidies.
    """
    end = _year_end(year)
    if netted is None:
        setting = books.settings.presentation(
            SUBSIDIES.subject, end - datetime.timedelta(1), "bruto"
        )
        netted = setting == "gesaldeerd"
    result_line = next(line.id for line in BALANS.lines if line.takes_result)
    values = LineValues()
    netting: dict[str, Decimal] = defaultdict(Decimal)
    netting_accounts: dict[str, set[str]] = defaultdict(set)
    for account, amount in sorted(balances_at_year_end(books, year).items()):
        if is_result_account(books, account):
            values.add(result_line, account, amount)
            continue
        line_id = books.chart.line_of(account, BALANS)
        if line_id is None:
            raise StatementError(None, f"rekening {account} heeft geen regel in {BALANS.id}")
        item = books.chart.accounts[account].meta.get(SUBSIDIES.meta_key)
        if netted and item is not None:
            netting[str(item)] += amount
            netting_accounts[str(item)].add(account)
        else:
            values.add(line_id, account, amount)
    for item, net in sorted(netting.items()):
        line_id = SUBSIDIES.debit_line if net > 0 else SUBSIDIES.credit_line
        for account in sorted(netting_accounts[item]):
            values.accounts[line_id].add(account)
        values.amounts[line_id] += net
    return values


def result_lines(books: Books, year: int) -> LineValues:
    """The staat van baten en lasten lines: movements over ``year``."""
    values = LineValues()
    begin, end = datetime.date(year, 1, 1), _year_end(year)
    for account, amount in sorted(movements(books, begin, end).items()):
        line_id = books.chart.line_of(account, BATEN_LASTEN)
        if line_id is not None:
            values.add(line_id, account, amount)
        elif is_result_account(books, account):
            raise StatementError(None, f"rekening {account} heeft geen regel in {BATEN_LASTEN.id}")
    return values


def budget_lines(books: Books, year: int) -> LineValues:
    values = LineValues()
    for account, amount in sorted(budgets(books, year).items()):
        line_id = books.chart.line_of(account, BATEN_LASTEN)
        if line_id is None:
            raise StatementError(None, f"begroting {year}: rekening {account} heeft geen regel")
        values.add(line_id, account, amount)
    return values


def _present(amount: Decimal, sign: int) -> Decimal:
    """The one place where a balance becomes a printed figure (never a -0)."""
    return amount * sign if amount else ZERO


def layout_table(
    layout: Layout,
    year: int,
    columns: Sequence[str],
    values: Sequence[LineValues | None],
    optional: Sequence[bool] = (),
) -> StatementTable:
    """Fill a layout with line values per column and compute its (sub)totals.

    A column marked optional shows None on a line no account reaches (a begroting
    without a budget for that line); otherwise such a line shows 0.
    """
    presented: list[dict[str, Amount]] = [{} for _ in columns]
    rows: list[Row] = []
    for line in layout.lines:
        amounts: list[Amount] = []
        accounts: set[str] = set()
        for col, column_values in enumerate(values):
            amount = _line_amount(
                line, col, column_values, presented, optional[col] if optional else False
            )
            presented[col][line.id] = amount
            amounts.append(amount)
            if column_values is not None:
                accounts |= column_values.accounts.get(line.id, set())
        rows.append(
            Row(
                line.id,
                line.label,
                line.kind,
                tuple(amounts),
                line.level,
                line.note,
                tuple(sorted(accounts)),
                sums=line.sums,
            )
        )
    return StatementTable(layout.id, layout.title.format(year=year), tuple(columns), tuple(rows))


def _line_amount(line, col, column_values, presented, optional) -> Amount:  # type: ignore[no-untyped-def]
    if line.kind == "header" or column_values is None:
        return None
    if line.kind == "line":
        if optional and line.id not in column_values.amounts:
            return None
        return _present(column_values.amounts.get(line.id, ZERO), line.sign)
    terms = [(sign, presented[col].get(ref)) for sign, ref in line.sums]
    if all(value is None for _, value in terms):
        return None
    return sum((sign * value for sign, value in terms if value is not None), ZERO)


def build_balance_sheet(books: Books, year: int) -> StatementTable:
    table = layout_table(
        BALANS,
        year,
        (str(year), str(year - 1)),
        (balance_lines(books, year), balance_lines(books, year - 1)),
    )
    _check_balanced(table)
    return table


def _check_balanced(table: StatementTable) -> None:
    activa, passiva = table.row("totaal_activa"), table.row("totaal_passiva")
    for column, a, p in zip(table.columns, activa.amounts, passiva.amounts, strict=True):
        if a != p:
            raise StatementError(None, f"balans {column} sluit niet: activa {a}, passiva {p}")


def build_baten_lasten(books: Books, year: int) -> StatementTable:
    columns = (f"Realisatie {year}", f"Begroot {year}", f"Realisatie {year - 1}")
    values = (result_lines(books, year), budget_lines(books, year), result_lines(books, year - 1))
    return layout_table(BATEN_LASTEN, year, columns, values, optional=(False, True, False))


def build_kengetallen(books: Books, year: int, balans: StatementTable) -> StatementTable:
    """Solvabiliteit and liquiditeit as the VNG reports them."""
    bruto = layout_table(BALANS, year, (str(year - 1),), (balance_lines(books, year - 1, False),))

    def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Amount:
        if numerator is None or not denominator:
            return None
        return (numerator / denominator).quantize(RATIO)

    ev, tp = balans.row("totaal_eigen_vermogen").amounts, balans.row("totaal_passiva").amounts
    va = balans.row("totaal_vlottende_activa").amounts
    ks = balans.row("totaal_kortlopende_schulden").amounts
    lm = balans.row("liquide_middelen").amounts
    bruto_ratio = ratio(
        bruto.row("totaal_eigen_vermogen").amounts[0], bruto.row("totaal_passiva").amounts[0]
    )
    rows = (
        Row(
            "solvabiliteit",
            "Solvabiliteit (eigen vermogen / totaal vermogen)",
            "ratio",
            tuple(ratio(e, t) for e, t in zip(ev, tp, strict=True)),
        ),
        Row(
            "solvabiliteit_bruto",
            "Solvabiliteit bij bruto presentatie van de subsidies",
            "ratio",
            (None, bruto_ratio),
        ),
        Row(
            "liquiditeit",
            "Liquiditeit (vlottende activa / kortlopende schulden)",
            "ratio",
            tuple(ratio(v, k) for v, k in zip(va, ks, strict=True)),
        ),
        Row(
            "liquiditeitspositie",
            "Liquiditeitspositie (liquide middelen minus schulden aan " "kredietinstellingen)",
            "line",
            lm,
            accounts=balans.row("liquide_middelen").accounts,
        ),
    )
    return StatementTable("enkelvoudig.kengetallen", "Kengetallen", balans.columns, rows)


def _chart_notes(books: Books) -> list[tuple[str, str | None, Mapping[str, Any]]]:
    return [(a, s.note, s.meta) for a, s in sorted(books.chart.accounts.items())]


def build_note(
    books: Books, note: Note, year: int, names: Mapping[str, str] | None = None
) -> StatementTable:
    """A specification table of the toelichting, from the accounts' ``toelichting``;
    ``names`` the group's entities by key (the labels of a note per counterparty)."""
    note = note_lines(note, _chart_notes(books), names)
    members = defaultdict(
        list, {k: sorted(v) for k, v in note_members(note, _chart_notes(books)).items()}
    )
    if note.kind == "balans":
        columns: tuple[str, ...] = (str(year), str(year - 1))
        data = [balances_at_year_end(books, y) for y in (year, year - 1)]
        layout = BALANS
    else:
        columns = (f"Realisatie {year}", f"Begroot {year}", f"Realisatie {year - 1}")
        data = [movements(books, datetime.date(y, 1, 1), _year_end(y)) for y in (year, year - 1)]
        data.insert(1, budgets(books, year))
        layout = BATEN_LASTEN
    optional = [False] * len(data)
    if note.kind == "baten_lasten":
        optional[1] = True  # a line without a budget shows no begroting
    rows = [
        _note_row(books, layout, line_id, label, members[line_id], data, optional)
        for line_id, label in note.lines
    ]
    _complete(books, note, layout, data, {a for accounts in members.values() for a in accounts})
    totals = tuple(_sum_column([row.amounts[i] for row in rows]) for i in range(len(columns)))
    accounts = tuple(sorted(a for row in rows for a in row.accounts))
    rows.append(
        Row(
            "totaal",
            note.total_label,
            "total",
            totals,
            accounts=accounts,
            sums=tuple((1, row.id) for row in rows),
        )
    )
    return StatementTable(
        f"toelichting.{note.key}", f"{note.title} ({note.number})", columns, tuple(rows)
    )


def _complete(
    books: Books,
    note: Note,
    layout: Layout,
    data: Sequence[Mapping[str, Decimal]],
    members: set[str],
) -> None:
    """A note on a line of the statement holds every account of that line with an
    amount: never a specification that leaves out part of the line."""
    if note.key not in {line.id for line in layout.lines}:
        return
    missing = sorted(
        account
        for account in books.chart.accounts
        if books.chart.line_of(account, layout) == note.key
        and account not in members
        and any(column.get(account) for column in data)
    )
    if missing:
        raise StatementError(
            dict(books.chart.accounts[missing[0]].meta),
            f"toelichting {note.title} ({note.number}) mist rekening(en) van regel "
            f"{note.key} met een bedrag: {', '.join(missing)} "
            f'(geef ze toelichting: "{note.key}.<regel>")',
        )


def fed(books: Books, note: Note) -> bool:
    """Whether an account joins ``note``: a note without one is left out."""
    return any(note_members(note, _chart_notes(books)).values())


def _note_row(
    books: Books,
    layout: Layout,
    line_id: str,
    label: str,
    accounts: list[str],
    data: Sequence[Mapping[str, Decimal]],
    optional: Sequence[bool],
) -> Row:
    amounts: list[Amount] = []
    for column, may_be_empty in zip(data, optional, strict=True):
        present = [a for a in accounts if a in column]
        total = ZERO
        for account in present:
            sign = layout.line(books.chart.line_of(account, layout) or "").sign
            total += _present(column[account], sign)
        amounts.append(None if may_be_empty and not present else total)
    return Row(line_id, label, "line", tuple(amounts), 1, None, tuple(accounts))


def _sum_column(values: Sequence[Amount]) -> Amount:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


def build_enkelvoudig(
    books: Books, year: int, names: Mapping[str, str] | None = None
) -> tuple[StatementTable, ...]:
    balans = build_balance_sheet(books, year)
    tables = [balans, build_baten_lasten(books, year), build_kengetallen(books, year, balans)]
    tables.extend(build_note(books, note, year, names) for note in NOTES if fed(books, note))
    return tuple(tables)
