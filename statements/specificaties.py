"""Specification tables of the toelichting that need more than account balances:
the movement schedule of the materiële vaste activa (1) and the split of lasten into
project-financed and other (18–21)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from statements.balances import remember, transactions
from statements.enkelvoudig import ZERO
from statements.errors import StatementError
from statements.table import Amount, Row, StatementTable
from vng_accounts.bedrag import number
from vng_accounts.books import Books
from vng_accounts.layouts import BALANS, BATEN_LASTEN
from vng_accounts.metadata import BEGINBALANS, MUTATIE
from vng_accounts.plugins.mutaties import components
from vng_accounts.toelichting import FINANCIERINGEN, MVA_ROWS, NOTES_BY_KEY, Financiering


def build_mva_schedule(books: Books, year: int) -> StatementTable:
    """Verloop van de materiële vaste activa: one column per group and the total."""
    component_of = components(list(books.entries))
    group_of = {a: str(books.chart.accounts[a].meta["groep"]) for a in component_of}
    groups = [line.id for line in BALANS.lines if line.id in set(group_of.values())]
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    begin: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    moves: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for entry in transactions(books, None, end):
        mutatie = str(entry.meta.get(MUTATIE))
        for posting in entry.postings:
            if posting.account not in component_of:
                continue
            key = (group_of[posting.account], component_of[posting.account])
            if entry.date < start or mutatie == BEGINBALANS:
                begin[key] += number(posting)
            elif (mutatie, key[1]) in {pair for _, _, pairs in MVA_ROWS for pair in pairs}:
                moves[(key[0], mutatie, key[1])] += number(posting)
            else:
                raise StatementError(entry.meta, f"mutatie {mutatie} past niet in toelichting (1)")

    def per_column(value: Callable[[str], Decimal]) -> tuple[Amount, ...]:
        amounts = [value(g) for g in groups]
        return (*amounts, sum(amounts, ZERO))

    def stand(kind: str, extra: bool) -> Callable[[str], Decimal]:
        return lambda g: begin[(g, kind)] + (
            sum(
                (
                    moves[(g, m, kind)]
                    for m in ("investering", "desinvestering", "herrubricering", "afschrijving")
                ),
                ZERO,
            )
            if extra
            else ZERO
        )

    rows = [
        Row(
            "aanschafwaarde_begin",
            "Aanschafwaarde",
            "line",
            per_column(stand("aanschafwaarde", False)),
            1,
        ),
        Row(
            "afschrijvingen_begin",
            "Cumulatieve afschrijvingen en waardeverminderingen",
            "line",
            per_column(stand("afschrijvingen", False)),
            1,
        ),
        Row(
            "boekwaarde_begin",
            "Boekwaarde 1 januari",
            "subtotal",
            per_column(
                lambda g: stand("aanschafwaarde", False)(g) + stand("afschrijvingen", False)(g)
            ),
        ),
    ]

    def moved(pairs: tuple[tuple[str, str], ...]) -> Callable[[str], Decimal]:
        return lambda g: sum((moves[(g, m, c)] for m, c in pairs), ZERO)

    for row_id, label, pairs in MVA_ROWS:
        rows.append(Row(row_id, label, "line", per_column(moved(pairs)), 1))
    rows += [
        Row(
            "totaal_mutaties",
            "Totaal mutaties",
            "subtotal",
            per_column(
                lambda g: sum(
                    (moves[(g, m, c)] for _, _, pairs in MVA_ROWS for m, c in pairs), ZERO
                )
            ),
        ),
        Row(
            "aanschafwaarde_eind",
            "Aanschafwaarde",
            "line",
            per_column(stand("aanschafwaarde", True)),
            1,
        ),
        Row(
            "afschrijvingen_eind",
            "Cumulatieve afschrijvingen en waardeverminderingen",
            "line",
            per_column(stand("afschrijvingen", True)),
            1,
        ),
        Row(
            "boekwaarde_eind",
            "Boekwaarde 31 december",
            "total",
            per_column(
                lambda g: stand("aanschafwaarde", True)(g) + stand("afschrijvingen", True)(g)
            ),
        ),
    ]
    labels = tuple(BALANS.line(g).label for g in groups) + (f"Totaal {year}",)
    accounts = tuple(sorted(component_of))
    rows = [Row(r.id, r.label, r.kind, r.amounts, r.level, None, accounts) for r in rows]
    return StatementTable(
        "toelichting.materiele_vaste_activa",
        "Materiële vaste activa (1): verloop",
        labels,
        tuple(rows),
    )


def build_financiering(books: Books, spec: Financiering, year: int) -> StatementTable:
    """Realisatie split into project-financed and other lasten."""
    groups = _financiering_groups(books, spec)
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    split: dict[str, list[Decimal]] = {g: [ZERO, ZERO] for g in groups}
    financed = remember(books, f"financiering {year}", lambda: _financed(books, start, end))
    for g, (_, accounts) in groups.items():
        for account in accounts:
            if account in financed:
                sign = BATEN_LASTEN.line(books.chart.line_of(account, BATEN_LASTEN) or "").sign
                split[g][0] += financed[account][0] * sign
                split[g][1] += financed[account][1] * sign
    rows = [
        Row(
            g,
            label,
            "line",
            (split[g][0], split[g][1], split[g][0] + split[g][1]),
            1,
            None,
            tuple(sorted(accounts)),
        )
        for g, (label, accounts) in groups.items()
    ]
    if spec.per_line:
        totals = tuple(sum((r.amounts[i] or ZERO for r in rows), ZERO) for i in range(3))
        rows.append(
            Row(
                "totaal",
                "Totaal",
                "total",
                totals,
                0,
                None,
                tuple(sorted(a for r in rows for a in r.accounts)),
            )
        )
    return StatementTable(
        f"toelichting.{spec.key}_financiering",
        f"{spec.title} ({spec.number}): specificatie realisatie {year}",
        ("Project gefinancierd", "Overig", "Totaal"),
        tuple(rows),
    )


def _financed(books: Books, start: datetime.date, end: datetime.date) -> dict[str, list[Decimal]]:
    """Per account its postings from ``start`` to ``end``: those financed by a project
    (``financiering: "project"``) and the others, in one pass for every split."""
    found: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for entry in transactions(books, start, end):
        for posting in entry.postings:
            project = (posting.meta or {}).get("financiering") == "project"
            found[posting.account][0 if project else 1] += number(posting)
    return dict(found)


def _financiering_groups(books: Books, spec: Financiering) -> dict[str, tuple[str, list[str]]]:
    if spec.line:
        accounts = [
            a
            for a in sorted(books.chart.accounts)
            if books.chart.line_of(a, BATEN_LASTEN) == spec.source
        ]
        return {spec.source: (BATEN_LASTEN.line(spec.source).label, accounts)}
    note = NOTES_BY_KEY[spec.source]
    members: dict[str, list[str]] = {line: [] for line, _ in note.lines}
    for account, acc_spec in sorted(books.chart.accounts.items()):
        key, _, line = str(acc_spec.note).partition(".")
        if key == note.key:
            members[line].append(account)
    if spec.per_line:
        return {line: (label, members[line]) for line, label in note.lines}
    return {note.key: (spec.title, [a for accounts in members.values() for a in accounts])}


def build_specificaties(books: Books, year: int) -> tuple[StatementTable, ...]:
    """The movement schedule of the materiële vaste activa and the split of lasten;
    a split that no account feeds is left out."""
    mva = build_mva_schedule(books, year)
    return (
        *((mva,) if mva.rows[0].accounts else ()),
        *(
            build_financiering(books, spec, year)
            for spec in FINANCIERINGEN
            if any(accounts for _, accounts in _financiering_groups(books, spec).values())
        ),
    )
