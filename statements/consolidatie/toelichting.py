"""The toelichting op de geconsolideerde jaarrekening: notes (24)–(32).

Each note specifies lines of the geconsolideerde balans or staat van baten en lasten
(``vng_accounts.toelichting.GROUP_NOTES``) from the same figures that build them:
per entity, where its books are loaded, the amount of every account on each line of a
note, in euros as the consolidation translates it (the balance at the closing rate,
baten and lasten at the rate of each posting's date), leaving out the intercompany
postings the consolidation eliminates (``note_figures``). The consolidation adds the
entities up (``build_group_notes``); a note's total is its statement line, or the
jaarrekening stops: an accepted intercompany difference, which the consolidation
shows on the line, is on the note's ``difference`` line (the kruisposten).

The verloop of the voorzieningen (26) lists the year's movements of every entity's
voorzieningen by their ``mutatie``; what has none is "Overige mutaties", with the
translation of an entity in another currency.

The materiële vaste activa (24) are the group's verloop per group of assets: the
movements by ``mutatie`` of every entity, its begin and end the balance lines; an
entity whose books hold the book value in one account (no aanschafwaarde and
afschrijvingen apart) shows it in the boekwaarde.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import data

from statements.balances import book_value
from statements.errors import StatementError, StatementErrors
from statements.table import Amount, Row, StatementTable
from vng_accounts.books import Books
from vng_accounts.layouts import GECONSOLIDEERD_BALANS as GB
from vng_accounts.layouts import GECONSOLIDEERD_BATEN_LASTEN as GW
from vng_accounts.layouts import SUBSIDIES
from vng_accounts.metadata import BEGINBALANS, MUTATIE
from vng_accounts.toelichting import (
    ACCOUNTANTSHONORARIA,
    GROUP_NOTE_KEY,
    GROUP_NOTES,
    GROUP_VOORZIENINGEN,
    HONORARIUM_KEY,
    MVA_ROWS,
    GroupNote,
    group_note_line,
)

ZERO = Decimal(0)
OTHER = "overige"  # the row of a movement without a known mutatie
OTHER_LABEL = "Overige mutaties"
TABLE_PREFIX = "toelichting.geconsolideerd."
MVA = "materiele_vaste_activa"
MVA_LINES = (
    "bedrijfsgebouwen",
    "activa_in_uitvoering",
    "machines_installaties",
    "andere_vaste_bedrijfsmiddelen",
)
BOEKWAARDE = "boekwaarde"  # an asset's account without aanschafwaarde and afschrijvingen apart

# (note key, line) -> euros in the books' sign
NoteKey = tuple[str, str]


@dataclass(frozen=True)
class Route:
    """Where an account's postings land in the group's notes: its balance note line,
    its result note line, and whether it is a voorziening (26)."""

    balance: NoteKey | None = None
    result: NoteKey | None = None
    voorziening: bool = False
    mva: str | None = None  # "<group line>|<component>" of a materieel vast actief


def route(
    account: str, meta: Mapping[str, Any], balance_line: str | None, result_line: str | None
) -> Route:
    """The route of ``account`` (``meta`` its ``open``) from its lines in the
    geconsolideerde balans and staat van baten en lasten; an account whose
    ``geconsolideerd_toelichting`` names no line of its note is an error at its open."""
    found: list[NoteKey | None] = []
    for line, kind in ((balance_line, "balans"), (result_line, "baten_lasten")):
        note = _note_on(line, kind)
        if note is None or note.per_group_line or line is None:
            found.append(None)
            continue
        target = group_note_line(note, line, meta)
        if target is None:
            raise StatementError(
                dict(meta),
                f'rekening {account}: {GROUP_NOTE_KEY} "{meta.get(GROUP_NOTE_KEY)}" is geen '
                f"regel van de toelichting {note.title} ({note.number})",
            )
        found.append((note.key, target))
    mva = None
    if balance_line in MVA_LINES:
        mva = f"{balance_line}|{meta.get('component', BOEKWAARDE)}"
    return Route(found[0], found[1], balance_line in GROUP_VOORZIENINGEN.lines, mva)


def _note_on(line: str | None, kind: str) -> GroupNote | None:
    return next((n for n in GROUP_NOTES if n.kind == kind and line in n.group_lines), None)


def movement_row(entry: data.Transaction) -> str:
    """The row of the voorzieningen (26) a movement of ``entry`` is on."""
    mutatie = str(entry.meta.get(MUTATIE, ""))
    return mutatie if mutatie in dict(GROUP_VOORZIENINGEN.rows) else OTHER


def on_balance_of(entry: data.Transaction, day: datetime.date) -> bool:
    """In the balance at the close of ``day``: dated on or before it, or the opening
    balance booked on the next day (the eindbalans of ``day``'s year, booked on the
    first day of the books, as the consolidation counts it)."""
    return entry.date <= day or (
        entry.date == day + datetime.timedelta(1) and entry.meta.get(MUTATIE) == BEGINBALANS
    )


def netted_notes(
    notes: dict[NoteKey, Decimal],
    routes: Mapping[str, Route],
    books: Books,
    day: datetime.date,
    rate: Decimal,
) -> None:
    """The entity's subsidies presented netted at ``day``: their accounts leave their
    note lines, and each subsidy's net payable is on the note's ``netted`` line (as the
    consolidation moves it to the overlopende passiva)."""
    if books.settings.presentation(SUBSIDIES.subject, day, "bruto") != "gesaldeerd":
        return
    net: dict[str, Decimal] = defaultdict(Decimal)
    for entry in books.entries:
        if not isinstance(entry, data.Transaction) or not on_balance_of(entry, day):
            continue
        for posting in entry.postings:
            spec = books.chart.accounts.get(posting.account)
            item = spec.meta.get(SUBSIDIES.meta_key) if spec else None
            if item is None:
                continue
            value = book_value(entry, posting) * rate
            key = routes.get(posting.account, Route()).balance
            if key is not None:
                notes[key] -= value
            net[str(item)] += value
    note = _note_on(SUBSIDIES.credit_line, "balans")
    for value in net.values():
        if value < 0 and note is not None and note.netted:
            notes[(note.key, note.netted)] += value


def add_to_notes(
    fig: Any,
    to: Route,
    entry: data.Transaction,
    account: str,
    values: tuple[Decimal, Decimal],
    period: tuple[datetime.date, datetime.date],
) -> None:
    """A posting of ``account`` in the figures of one entity and year (``fig``):
    ``values`` its value at the closing rate and at the rate of its date, ``period``
    the year; a balance at the year-end, a result and a movement within the year."""
    closing, dated = values
    start, end = period
    name = f"{fig.entity.key}/{account}"
    if to.balance is not None:
        fig.notes[to.balance] += closing
        fig.note_accounts[to.balance].add(name)
    within = start <= entry.date < end
    if to.result is not None and within:
        fig.notes[to.result] += dated
        fig.note_accounts[to.result].add(name)
    if to.mva is not None:
        opening = not within or entry.meta.get(MUTATIE) == BEGINBALANS
        row = "begin" if opening else str(entry.meta.get(MUTATIE, OTHER))
        fig.notes[(MVA, f"{to.mva}|{row}")] += closing
        fig.note_accounts[(MVA, to.mva.split("|")[0])].add(name)
    if to.voorziening and within and entry.meta.get(MUTATIE) != BEGINBALANS:
        key = (GROUP_VOORZIENINGEN.key, movement_row(entry))
        fig.notes[key] += closing
        fig.note_accounts[key].add(name)


def add_honorarium(fig: Any, posting: data.Posting, value: Decimal) -> None:
    """A posting of lasten within the year that pays the external accountant
    (``accountantshonorarium``): ``value`` its euros at the rate of its date, in the
    figures of its kind of service."""
    kind = (posting.meta or {}).get(HONORARIUM_KEY)
    if kind is None:
        return
    key = (ACCOUNTANTSHONORARIA.key, str(kind))
    fig.notes[key] += value
    fig.note_accounts[key].add(f"{fig.entity.key}/{posting.account}")


# -- the notes of the group, from the consolidation -------------------------------


class _Year:
    """What one year of the consolidation gives the notes: the group's lines and the
    entities' note figures added up."""

    def __init__(self, consolidation: Any) -> None:
        self.year: int = consolidation.year
        self.balance: Mapping[str, Decimal] = consolidation.balance
        self.result: Mapping[str, Decimal] = consolidation.result
        self.notes: dict[NoteKey, Decimal] = defaultdict(Decimal)
        self.accounts: dict[NoteKey, set[str]] = defaultdict(set)
        self.foreign = sum(
            len(f.notes) for f in consolidation.figures if f.entity.currency != "EUR"
        )
        for fig in consolidation.figures:
            for key, value in fig.notes.items():
                self.notes[key] += value
            for key, names in fig.note_accounts.items():
                self.accounts[key] |= names


def _line_sign(note: GroupNote, line: str) -> int:
    layout = GB if note.kind == "balans" else GW
    return layout.line(line).sign


def _column(note: GroupNote, y: _Year) -> dict[str, Decimal]:
    """The note's lines in one year, in the statement's sign; their sum is the
    statement line, or the jaarrekening stops."""
    group = y.balance if note.kind == "balans" else y.result
    sign = _line_sign(note, note.group_lines[0])
    if note.per_group_line:
        return {line: group.get(line, ZERO) * _line_sign(note, line) for line, _ in note.lines}
    values = {line: y.notes.get((note.key, line), ZERO) * sign for line, _ in note.lines}
    expected = sum((group.get(line, ZERO) for line in note.group_lines), ZERO) * sign
    rest = expected - sum(values.values(), ZERO)
    if rest and note.difference:
        values[note.difference] += rest
    elif abs(rest) <= Decimal("0.01") * y.foreign:
        values[note.default] += rest  # the cents of translating each line on its own
    else:
        raise StatementErrors(
            [
                (
                    None,
                    f"consolidatie {y.year}: de toelichting {note.title} ({note.number}) "
                    f"sluit niet op de regel {', '.join(note.group_lines)} "
                    f"({expected - rest} tegen {expected}, verschil {-rest})",
                )
            ]
        )
    return values


def _columns(kind: str, years: Sequence[_Year]) -> tuple[str, ...]:
    if kind == "balans":
        return tuple(str(y.year) for y in years)
    return tuple(f"Realisatie {y.year}" for y in years)


def group_note(note: GroupNote, years: Sequence[_Year]) -> StatementTable:
    values = [_column(note, y) for y in years]
    rows: list[Row] = []
    for line, label in note.lines:
        amounts: tuple[Amount, ...] = tuple(v[line] for v in values)
        if note.difference == line and not any(amounts):
            continue  # no kruisposten
        accounts = (
            (line,)
            if note.per_group_line
            else tuple(
                sorted(set().union(*(y.accounts.get((note.key, line), set()) for y in years)))
            )
        )
        rows.append(Row(line, label, "line", amounts, 1, None, accounts))
    rows.append(
        Row(
            "totaal",
            note.total_label,
            "total",
            tuple(sum(v.values(), ZERO) for v in values),
            accounts=tuple(sorted({a for r in rows for a in r.accounts})),
            sums=tuple((1, r.id) for r in rows),
        )
    )
    return StatementTable(
        TABLE_PREFIX + note.key,
        f"{note.title} ({note.number})",
        _columns(note.kind, years),
        tuple(rows),
    )


def voorzieningen(years: Sequence[_Year], openings: Sequence[_Year]) -> StatementTable:
    """The verloop of the group's voorzieningen (26): from the line at 1 January (the
    year before's consolidation) by the movements of every entity to the line at 31
    December."""
    spec = GROUP_VOORZIENINGEN
    line = spec.lines[0]
    sign = GB.line(line).sign
    begin = tuple(o.balance.get(line, ZERO) * sign for o in openings)
    end = tuple(y.balance.get(line, ZERO) * sign for y in years)
    rows = [Row("begin", "Stand per 1 januari", "line", begin)]
    moved = [ZERO for _ in years]
    for mutatie, label in (*spec.rows, (OTHER, OTHER_LABEL)):
        key = (spec.key, mutatie)
        amounts = [y.notes.get(key, ZERO) * sign for y in years]
        if mutatie == OTHER:
            amounts = [e - b - m for e, b, m in zip(end, begin, moved, strict=True)]
            if not any(amounts):
                continue
        moved = [m + a for m, a in zip(moved, amounts, strict=True)]
        accounts = tuple(sorted(set().union(*(y.accounts.get(key, set()) for y in years))))
        rows.append(Row(mutatie, label, "line", tuple(amounts), 1, None, accounts))
    rows.append(
        Row("eind", "Stand per 31 december", "total", end, sums=tuple((1, r.id) for r in rows))
    )
    return StatementTable(
        TABLE_PREFIX + spec.key,
        f"{spec.title} ({spec.number})",
        tuple(str(y.year) for y in years),
        tuple(rows),
    )


def build_group_notes(now: Any, before: Any, opening: Any) -> tuple[StatementTable, ...]:
    """The notes (25)–(32) of the geconsolideerde jaarrekening of ``now``'s year with
    the year before, in their published order; ``opening`` is the consolidation of the
    year before that (the voorzieningen at 1 January of the year before)."""
    years = (_Year(now), _Year(before))
    tables = [group_note(note, years) for note in GROUP_NOTES]
    tables.append(materiele_vaste_activa(years[0]))
    tables.append(voorzieningen(years, (years[1], _Year(opening))))
    return tuple(sorted(tables, key=lambda t: note_number(t.title)))


def accountantshonoraria(now: Any, before: Any) -> tuple[StatementTable, ...]:
    """The honoraria of the external accountant with note (32), ``now``'s year and
    the year before: every entity's postings of lasten by their
    ``accountantshonorarium``, on the rows as published; none when no entity books
    one."""
    spec = ACCOUNTANTSHONORARIA
    years = (_Year(now), _Year(before))
    if not any(k[0] == spec.key for y in years for k in y.notes):
        return ()
    rows: list[Row] = []
    for row_id, label, kinds in spec.rows:
        keys = [(spec.key, kind) for kind in kinds]
        amounts = tuple(sum((y.notes.get(k, ZERO) for k in keys), ZERO) for y in years)
        accounts = sorted(set().union(*(y.accounts.get(k, set()) for y in years for k in keys)))
        rows.append(Row(row_id, label, "line", amounts, 1, None, tuple(accounts)))
    totals = tuple(sum((r.amounts[i] or ZERO for r in rows), ZERO) for i in range(len(years)))
    rows.append(
        Row(
            "totaal",
            spec.total_label,
            "total",
            totals,
            accounts=tuple(sorted({a for r in rows for a in r.accounts})),
            sums=tuple((1, r.id) for r in rows),
        )
    )
    return (
        StatementTable(
            TABLE_PREFIX + spec.key, spec.title, _columns("baten_lasten", years), tuple(rows)
        ),
    )


def note_number(title: str) -> int:
    """The number of a note from its title, ``Overige lasten (32)``."""
    return int(title.rsplit("(", 1)[1].split(")", 1)[0])


def materiele_vaste_activa(y: _Year) -> StatementTable:
    """The verloop of the group's materiële vaste activa (24) in the year, per group
    of assets and in total: the stand at 1 January and 31 December by component, the
    movements by their ``mutatie`` (``MVA_ROWS``; a movement without one is "Overige
    mutaties"). An account that holds the book value whole (no ``component``) is on
    the line "Boekwaarde zonder uitsplitsing"; the end is the group's balance line."""
    groups = [g for g in MVA_LINES if any(k[1].startswith(g + "|") for k in y.notes if k[0] == MVA)]

    def amount(group: str, component: str, rows: Sequence[str]) -> Decimal:
        return sum((y.notes.get((MVA, f"{group}|{component}|{r}"), ZERO) for r in rows), ZERO)

    moved = {m for _, _, pairs in MVA_ROWS for m, _ in pairs}
    seen = {k[1].rsplit("|", 1)[1] for k in y.notes if k[0] == MVA} - {"begin"}
    others = tuple(sorted(seen - moved))
    every = ("begin", *sorted(moved), *others)
    comps = ("aanschafwaarde", "afschrijvingen", BOEKWAARDE)

    def stand(component: str, rows: Sequence[str]) -> list[Decimal]:
        return [amount(g, component, rows) for g in groups]

    specs: list[tuple[str, str, str, list[Decimal]]] = []
    for when, wanted in (("begin", ("begin",)), ("eind", every)):
        parts = [stand(c, wanted) for c in comps]
        labels = (
            "Aanschafwaarde",
            "Cumulatieve afschrijvingen en waardeverminderingen",
            "Boekwaarde zonder uitsplitsing",
        )
        for component, label, values in zip(comps, labels, parts, strict=True):
            if component != BOEKWAARDE or any(values):
                name = "zonder_uitsplitsing" if component == BOEKWAARDE else component
                specs.append((f"{name}_{when}", label, "line", values))
        book = [sum(col, ZERO) for col in zip(*parts, strict=True)]
        specs.append(
            (
                f"boekwaarde_{when}",
                "Boekwaarde 1 januari" if when == "begin" else "Boekwaarde 31 december",
                "subtotal" if when == "begin" else "total",
                book,
            )
        )
        if when == "begin":
            movement_rows: list[tuple[str, str, str, list[Decimal]]] = []
            first_row: dict[
                str, str
            ] = {}  # a whole book value's movement: on the first row of its mutatie
            for row_id, _, pairs in MVA_ROWS:
                for m, _ in pairs:
                    first_row.setdefault(m, row_id)
            for row_id, label, pairs in MVA_ROWS:
                whole = tuple(m for m, r in first_row.items() if r == row_id)
                values = [
                    sum((amount(g, c, (m,)) for m, c in pairs), ZERO) + amount(g, BOEKWAARDE, whole)
                    for g in groups
                ]
                movement_rows.append((row_id, label, "line", values))
            if others:
                movement_rows.append(
                    (
                        "overige_mutaties",
                        OTHER_LABEL,
                        "line",
                        [sum((amount(g, c, others) for c in comps), ZERO) for g in groups],
                    )
                )
            specs += movement_rows
            specs.append(
                (
                    "totaal_mutaties",
                    "Totaal mutaties",
                    "subtotal",
                    [sum(col, ZERO) for col in zip(*(r[3] for r in movement_rows), strict=True)],
                )
            )
    for g, value in zip(groups, specs[-1][3], strict=True):
        if value != y.balance.get(g, ZERO):
            raise StatementErrors(
                [(None, f"consolidatie {y.year}: toelichting (24) {g} sluit niet op de balans")]
            )
    accounts = tuple(sorted(set().union(*(y.accounts.get((MVA, g), set()) for g in groups))))
    rows = tuple(
        Row(
            i, label, kind, (*values, sum(values, ZERO)), 1 if kind == "line" else 0, None, accounts
        )
        for i, label, kind, values in specs
    )
    return StatementTable(
        TABLE_PREFIX + MVA,
        "Materiële vaste activa (24)",
        (*(GB.line(g).label for g in groups), f"Totaal {y.year}"),
        rows,
    )
