"""The group and its consolidation, as a pure transformation of the entities' books.

The group is a file of its own, one entry per entity::

    2023-01-01 custom "vng-groepsentiteit" "diensten" "../diensten/main.beancount"
      naam: "VNG Diensten B.V."
      moeder: "vereniging"
      belang: 1
      valuta: "EUR"

    2024-12-31 price TND 0.2925 EUR      ; rates for entities in another currency
    2024-12-31 custom "vng-ic-verschil" "a" "b" 12.50 EUR "onderweg: kruispost"

Every entity's accounts say on which line of the geconsolideerde jaarrekening they land
(``geconsolideerd_balans`` / ``geconsolideerd_baten_lasten``). Intercompany accounts
carry ``intercompany: "<entity>"`` (on the account, or on a posting); the deelneming
in an entity and the account of its result carry ``deelneming: "<entity>"``.

Steps, each visible in the worksheet:

1. translation of an entity in another currency: its balance at the closing rate, its
   baten and lasten at the rate of each posting's date; the difference is the
   translation result (omrekenverschillen), inside group equity;
2. aggregation per line;
3. eliminations, each an explained column that nets to zero: the deelneming against
   the entity's net assets (the share of others to aandeel derden), intercompany
   positions against each other, intercompany baten against lasten; and the parent's
   result of deelnemingen, which the entity's own baten and lasten replace.

The consolidation stops, naming both sides, when a deelneming differs from its share
of the entity's net assets (the equity method), when the result of a deelneming
differs from the share of the entity's result, or when two sides of an intercompany
position differ by more than the tolerance without an accepted difference.
"""

from __future__ import annotations

import datetime
import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount import loader
from beancount.core import data, prices
from beancount.parser import options as bean_options

from statements.balances import book_value
from statements.errors import StatementError
from statements.table import Row, StatementTable
from vng_accounts.books import Books, load_books
from vng_accounts.layouts import GECONSOLIDEERD_BALANS as GB
from vng_accounts.layouts import GECONSOLIDEERD_BATEN_LASTEN as GW
from vng_accounts.layouts import SUBSIDIES, Layout

ZERO = Decimal(0)
CENT = Decimal("0.01")
TOLERANCE = Decimal("1.00")
KRUISPOSTEN = "liquide_middelen"  # where an accepted intercompany difference is shown


@dataclass(frozen=True)
class Entity:
    key: str
    name: str
    books_path: str
    parent: str | None
    share: Decimal
    currency: str
    label: str = ""  # its name in the toelichting (23), when that differs
    fiscal_head: bool = False


@dataclass(frozen=True)
class Group:
    entities: tuple[Entity, ...]
    rates: Any  # the beancount price map of the group file
    accepted: dict[tuple[str, str], tuple[Decimal, str]]


def read_group(path: str) -> Group:
    from vng_accounts.guard import check_sources

    refused = check_sources(path)
    if refused:
        raise StatementError(refused[0].source, refused[0].message)
    loader.initialize(use_cache=False)
    entries, _, _ = loader.load_file(path)
    folder = os.path.dirname(os.path.abspath(path))
    entities = []
    accepted: dict[tuple[str, str], tuple[Decimal, str]] = {}
    for entry in entries:
        if not isinstance(entry, data.Custom):
            continue
        values = [v.value for v in entry.values]
        if entry.type == "vng-groepsentiteit":
            meta = entry.meta
            entities.append(
                Entity(
                    str(values[0]),
                    str(meta.get("naam", values[0])),
                    os.path.normpath(os.path.join(folder, str(values[1]))),
                    str(meta["moeder"]) if meta.get("moeder") else None,
                    Decimal(str(meta.get("belang", 1))),
                    str(meta.get("valuta", "EUR")),
                    str(meta.get("toelichting", "")),
                    meta.get("fiscale_eenheid") == "hoofd",
                )
            )
        elif entry.type == "vng-ic-verschil":
            pair = (str(values[0]), str(values[1]))
            accepted[(min(pair), max(pair))] = (Decimal(values[2].number), str(values[3]))
    return Group(tuple(entities), prices.build_price_map(entries), accepted)


@dataclass
class Figures:
    """One entity in euros, books' sign: balance per line at 31 December, result per
    line over the year, and what is intercompany or deelneming in them."""

    entity: Entity
    balance: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    result: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    ic_balance: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    ic_result: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    ic_sources: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    deelneming: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    deelneming_result: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    translation: Decimal = ZERO  # cumulative omrekenverschil at the year-end
    historical_equity: Decimal = ZERO

    def net_assets(self) -> Decimal:
        return -self.balance.get("groepsvermogen", ZERO)

    def total_result(self) -> Decimal:
        return -sum(self.result.values(), ZERO)

    def has_ic(self, other: str, kind: str) -> bool:
        source = self.ic_balance if kind == "balans" else self.ic_result
        return any(value for (o, _), value in source.items() if o == other)

    def ic_with(self, other: str, kind: str) -> Decimal:
        source = self.ic_balance if kind == "balans" else self.ic_result
        return sum((v for (o, _), v in source.items() if o == other), ZERO)


def _rate(group: Group, currency: str, date: datetime.date) -> Decimal:
    if currency == "EUR":
        return Decimal(1)
    found = prices.get_price(group.rates, (currency, "EUR"), date)
    if found is None or found[1] is None:
        raise StatementError(
            None, f"geen koers {currency}/EUR op of voor {date} in het groepsbestand"
        )
    return Decimal(found[1])


def figures_of(group: Group, entity: Entity, books: Books, year: int) -> Figures:
    result_roots = _result_roots(books)
    fig = Figures(entity)
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    if not any(isinstance(e, data.Transaction) and _by_year_end(e, end) for e in books.entries):
        return fig  # the entity has no books yet at this year-end
    closing = _rate(group, entity.currency, end - datetime.timedelta(days=1))
    metas: dict[str, dict[str, Any]] = {}  # the chart's meta per account, read once
    for entry in books.entries:
        if not isinstance(entry, data.Transaction) or not _by_year_end(entry, end):
            continue
        rate = _rate(group, entity.currency, min(entry.date, end - datetime.timedelta(days=1)))
        for posting in entry.postings:
            amount = (
                book_value(entry, posting)
                if entity.currency == "EUR"
                else Decimal(posting.units.number)
            )
            spec = books.chart.accounts.get(posting.account)
            if posting.account not in metas:
                metas[posting.account] = dict(spec.meta) if spec else {}
            meta = metas[posting.account]
            ic = (posting.meta or {}).get("intercompany") or meta.get("intercompany")
            is_result = posting.account.split(":", 1)[0] in result_roots
            in_year = start <= entry.date < end
            if in_year:
                _add_result(fig, books, entry, posting, amount * rate, ic, meta)
            line = "groepsvermogen" if is_result else (spec.lines.get(GB.id) if spec else None)
            if line is None:
                raise StatementError(
                    entry.meta,
                    f"{entity.key}: rekening {posting.account} heeft " f"geen regel in {GB.id}",
                )
            value = amount * closing
            fig.balance[line] += value
            if line == "groepsvermogen":
                fig.historical_equity -= amount * rate
            if ic and not is_result:
                fig.ic_balance[(str(ic), line)] += value
                fig.ic_sources[str(ic)].append(f"{_where(entry)} {posting.account} {amount}")
            if meta.get("deelneming") and not is_result:
                fig.deelneming[str(meta["deelneming"])] += value
    _net_subsidies(fig, books, end - datetime.timedelta(days=1), closing)
    for source in (
        fig.balance,
        fig.result,
        fig.ic_balance,
        fig.ic_result,
        fig.deelneming,
        fig.deelneming_result,
    ):
        for key in list(source):
            source[key] = source[key].quantize(CENT)
    # equity at the rates of its postings against net assets at the closing rate
    fig.translation = (fig.net_assets() - fig.historical_equity).quantize(CENT)
    return fig


def _by_year_end(entry: data.Transaction, end: datetime.date) -> bool:
    """Dated before ``end``, or the opening balance dated on it (the eindbalans of the
    year before, booked on the first day of the books)."""
    return entry.date < end or (entry.date == end and entry.meta.get("mutatie") == "beginbalans")


def _net_subsidies(fig: Figures, books: Books, day: datetime.date, rate: Decimal) -> None:
    """The entity's own presentation setting: receivable and payable of a subsidy netted."""
    if books.settings.presentation(SUBSIDIES.subject, day, "bruto") != "gesaldeerd":
        return
    net: dict[str, Decimal] = defaultdict(Decimal)
    for entry in books.entries:
        if isinstance(entry, data.Transaction) and entry.date <= day:
            for posting in entry.postings:
                spec = books.chart.accounts.get(posting.account)
                item = spec.meta.get(SUBSIDIES.meta_key) if spec else None
                if spec is not None and item is not None:
                    value = book_value(entry, posting) * rate
                    fig.balance[str(spec.lines.get(GB.id))] -= value
                    net[str(item)] += value
    for value in net.values():
        fig.balance["overlopende_activa" if value > 0 else "overlopende_passiva"] += value


def _add_result(
    fig: Figures,
    books: Books,
    entry: data.Transaction,
    posting: data.Posting,
    value: Decimal,
    ic: object,
    meta: dict[str, Any],
) -> None:
    spec = books.chart.accounts.get(posting.account)
    line = spec.lines.get(GW.id) if spec else None
    if line is None:
        if posting.account.split(":", 1)[0] in _result_roots(books):
            raise StatementError(
                entry.meta,
                f"{fig.entity.key}: rekening {posting.account} heeft " f"geen regel in {GW.id}",
            )
        return
    fig.result[line] += value
    if ic:
        fig.ic_result[(str(ic), line)] += value
        fig.ic_sources[str(ic)].append(f"{_where(entry)} {posting.account} {posting.units}")
    if meta.get("deelneming"):
        fig.deelneming_result[str(meta["deelneming"])] += value


def _result_roots(books: Books) -> tuple[str, str]:
    types = bean_options.get_account_types(books.options)
    return (types.income, types.expenses)


def _where(entry: data.Directive) -> str:
    return f"{os.path.basename(str(entry.meta.get('filename', '')))}:{entry.meta.get('lineno', 0)}"


@dataclass(frozen=True)
class Elimination:
    kind: str
    description: str
    layout: str  # "balans" or "baten_lasten"
    amounts: dict[str, Decimal]  # line -> amount, books' sign; nets to zero


@dataclass(frozen=True)
class Consolidation:
    year: int
    figures: tuple[Figures, ...]
    eliminations: tuple[Elimination, ...]
    balance: dict[str, Decimal]
    result: dict[str, Decimal]


def _deelneming(parent: Figures, child: Figures, entity: Entity) -> tuple[Elimination, list[str]]:
    held = parent.deelneming.get(entity.key, ZERO)
    net = child.net_assets()
    problems = []
    if abs(held - net * entity.share) > TOLERANCE:
        problems.append(
            f"deelneming {entity.name}: bij {entity.parent} {held}, "
            f"{entity.share} x netto vermogen {net} = {net * entity.share}"
        )
    share_result = -parent.deelneming_result.get(entity.key, ZERO)
    if abs(share_result - child.total_result() * entity.share) > TOLERANCE:
        problems.append(
            f"resultaat deelneming {entity.name}: bij {entity.parent} {share_result}, "
            f"{entity.share} x resultaat {child.total_result()}"
        )
    minority = (net * (1 - entity.share)).quantize(CENT)
    amounts = {
        "deelnemingen": -held,
        "aandeel_derden": -minority,
        "groepsvermogen": held + minority,
    }
    return Elimination(
        "deelneming", f"{entity.name}: deelneming tegen eigen vermogen", "balans", amounts
    ), problems


def _intercompany(a: Figures, b: Figures, kind: str, group: Group) -> tuple[Elimination, list[str]]:
    ka, kb = a.entity.key, b.entity.key
    source = "ic_balance" if kind == "balans" else "ic_result"
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for fig, other in ((a, kb), (b, ka)):
        for (o, line), value in getattr(fig, source).items():
            if o == other:
                amounts[line] -= value
    difference = -sum(amounts.values(), ZERO)
    accepted, reason = group.accepted.get((min(ka, kb), max(ka, kb)), (ZERO, ""))
    problems = []
    if abs(difference - (accepted if kind == "balans" else ZERO)) > TOLERANCE:
        sides = "; ".join(a.ic_sources.get(kb, []) + b.ic_sources.get(ka, []))
        problems.append(f"intercompany {kind} {ka} - {kb} verschilt {difference}: {sides}")
    if difference:
        line = KRUISPOSTEN if kind == "balans" else "overige_lasten"
        amounts[line] += difference
    label = reason or ("rekening-courant" if kind == "balans" else "onderlinge baten en lasten")
    return Elimination(
        f"intercompany {kind}", f"{ka} - {kb}: {label}", kind, dict(amounts)
    ), problems


# the years a consolidation of year Y reads: Y, the comparative year and the opening
def consolidation_years(year: int) -> tuple[int, ...]:
    return (year, year - 1, year - 2)


class Cijfers:
    """What the consolidation reads of each entity's books: its figures per year and the
    movement of its herwaarderingsreserve. Computed from the books on first use, or
    handed over whole when the entities were computed elsewhere (in parallel, or from
    the cache)."""

    def __init__(
        self,
        group: Group,
        books: Mapping[str, Books] | None = None,
        figures: Mapping[tuple[str, int], Figures] | None = None,
        herwaardering: Mapping[tuple[str, int], Decimal] | None = None,
    ) -> None:
        self.group = group
        self.books = books or {}
        self._figures = dict(figures or {})
        self._herwaardering = dict(herwaardering or {})

    def figures(self, entity: Entity, year: int) -> Figures:
        key = (entity.key, year)
        if key not in self._figures:
            self._figures[key] = figures_of(self.group, entity, self.books[entity.key], year)
        return self._figures[key]

    def herwaardering(self, entity: str, year: int) -> Decimal:
        key = (entity, year)
        if key not in self._herwaardering:
            self._herwaardering[key] = _herwaardering(self.books[entity], year)
        return self._herwaardering[key]


def entity_cijfers(
    group: Group, key: str, books: Books, years: tuple[int, ...]
) -> tuple[dict[tuple[str, int], Figures], dict[tuple[str, int], Decimal]]:
    """One entity's share of ``Cijfers`` for ``years``."""
    entity = next(e for e in group.entities if e.key == key)
    numbers = Cijfers(group, {key: books})
    for year in years:
        numbers.figures(entity, year)
        numbers.herwaardering(key, year)
    return numbers._figures, numbers._herwaardering


def _cijfers(group: Group, books: Mapping[str, Books] | Cijfers) -> Cijfers:
    return books if isinstance(books, Cijfers) else Cijfers(group, books)


def consolidate(group: Group, books: Mapping[str, Books] | Cijfers, year: int) -> Consolidation:
    numbers = _cijfers(group, books)
    figures = {e.key: numbers.figures(e, year) for e in group.entities}
    eliminations: list[Elimination] = []
    problems: list[str] = []
    for entity in group.entities:
        if entity.parent is not None:
            elimination, found = _deelneming(figures[entity.parent], figures[entity.key], entity)
            eliminations.append(elimination)
            problems += found
            result = figures[entity.parent].deelneming_result.get(entity.key, ZERO)
            minority = (figures[entity.key].total_result() * (1 - entity.share)).quantize(CENT)
            eliminations.append(
                Elimination(
                    "resultaat deelneming",
                    f"{entity.name}: aandeel in het resultaat",
                    "baten_lasten",
                    {
                        "resultaat_deelnemingen": -result,
                        "aandeel_derden_resultaat": minority,
                        "groepsvermogen": result - minority,
                    },
                )
            )
    keys = [e.key for e in group.entities]
    for i, ka in enumerate(keys):
        for kb in keys[i + 1 :]:
            for kind in ("balans", "baten_lasten"):
                if figures[ka].has_ic(kb, kind) or figures[kb].has_ic(ka, kind):
                    elimination, found = _intercompany(figures[ka], figures[kb], kind, group)
                    eliminations.append(elimination)
                    problems += found
    if problems:
        raise StatementError(None, "consolidatie gestopt: " + " | ".join(problems))
    balance: dict[str, Decimal] = defaultdict(Decimal)
    result: dict[str, Decimal] = defaultdict(Decimal)
    for fig in figures.values():
        for line, value in fig.balance.items():
            balance[line] += value
        for line, value in fig.result.items():
            result[line] += value
    for elimination in eliminations:
        for line, value in elimination.amounts.items():
            if line == "groepsvermogen" and elimination.layout == "baten_lasten":
                continue  # the counterpart of a result elimination lives in equity
            (balance if elimination.layout == "balans" else result)[line] += value
    return Consolidation(
        year, tuple(figures.values()), tuple(eliminations), dict(balance), dict(result)
    )


def load_group(path: str) -> tuple[Group, dict[str, Books], list[Any]]:
    group = read_group(path)
    books: dict[str, Books] = {}
    errors: list[Any] = []
    for entity in group.entities:
        loaded = load_books(entity.books_path)
        errors.extend(loaded.errors)
        books[entity.key] = loaded
    return group, books, errors


def worksheet(consolidation: Consolidation, layout: Layout) -> StatementTable:
    """Per line: each entity, each elimination, the group (presented signs)."""
    kind = "balans" if layout is GB else "baten_lasten"
    elims = [e for e in consolidation.eliminations if e.layout == kind]
    columns = (
        [f.entity.name for f in consolidation.figures]
        + [e.description for e in elims]
        + ["Geconsolideerd"]
    )
    total = consolidation.balance if kind == "balans" else consolidation.result
    rows = []
    for line in layout.lines:
        if line.kind != "line":
            continue
        values = [
            (f.balance if kind == "balans" else f.result).get(line.id, ZERO) * line.sign
            for f in consolidation.figures
        ]
        values += [e.amounts.get(line.id, ZERO) * line.sign for e in elims]
        values.append(total.get(line.id, ZERO) * line.sign)
        rows.append(Row(line.id, line.label, "line", tuple(values), 1))
    return StatementTable(
        f"consolidatie.werkblad_{kind}",
        f"Consolidatiewerkblad {kind.replace('_', ' ')} {consolidation.year}",
        tuple(columns),
        tuple(rows),
    )


def _values(amounts: Mapping[str, Decimal]) -> Any:
    from statements.enkelvoudig import LineValues

    values = LineValues()
    for line, amount in amounts.items():
        values.add(line, line, amount)
    return values


def build_geconsolideerd(
    group: Group, books: Mapping[str, Books] | Cijfers, year: int
) -> tuple[StatementTable, ...]:
    """The geconsolideerde balans, staat van baten en lasten and mutatie eigen vermogen
    of ``year`` with the year before, and the two consolidation worksheets."""
    from statements.enkelvoudig import layout_table

    books = _cijfers(group, books)
    now, before = consolidate(group, books, year), consolidate(group, books, year - 1)
    opening = consolidate(group, books, year - 2)
    columns = (str(year), str(year - 1))
    balans = layout_table(GB, year, columns, (_values(now.balance), _values(before.balance)))
    resultaat = layout_table(
        GW,
        year,
        (f"Realisatie {year}", f"Realisatie {year - 1}"),
        (_values(now.result), _values(before.result)),
    )
    notes = (
        (resultaat_deelnemingen(group, now, before),)
        if any(e.fiscal_head for e in group.entities)
        else ()
    )
    return (
        balans,
        resultaat,
        mutatie_eigen_vermogen(group, books, now, before),
        kasstroomoverzicht(
            (now, before, opening),
            {
                c.year: sum((books.herwaardering(e.key, c.year) for e in group.entities), ZERO)
                for c in (now, before)
            },
        ),
        *notes,
        worksheet(now, GB),
        worksheet(now, GW),
    )


def _herwaardering(books: Books, year: int) -> Decimal:
    """Movement of the herwaarderingsreserve over the year (credit positive)."""
    from vng_accounts.herwaardering import read_policies

    policies, _ = read_policies(books.entries)
    prefixes = tuple(p.reserve + ":" for p in policies)
    if not prefixes:
        return ZERO
    return -sum(
        (
            p.units.number
            for e in books.entries
            if isinstance(e, data.Transaction) and e.date.year == year
            for p in e.postings
            if p.account.startswith(prefixes)
        ),
        ZERO,
    )


def mutatie_eigen_vermogen(
    group: Group, books: Mapping[str, Books] | Cijfers, now: Consolidation, before: Consolidation
) -> StatementTable:
    books = _cijfers(group, books)

    def column(c: Consolidation, previous: Consolidation) -> tuple[Decimal, ...]:
        result = -sum((v for line, v in c.result.items() if line != "dekking_uit_vermogen"), ZERO)
        herwaardering = sum((books.herwaardering(e.key, c.year) for e in group.entities), ZERO)
        translation = sum((f.translation for f in c.figures), ZERO) - sum(
            (f.translation for f in previous.figures), ZERO
        )
        change = -c.balance.get("groepsvermogen", ZERO) + previous.balance.get(
            "groepsvermogen", ZERO
        )
        other = change - result - herwaardering - translation
        return (result, herwaardering, translation, other, change)

    earliest = consolidate(group, books, before.year - 1)
    a, b = column(now, before), column(before, earliest)
    labels = (
        "Geconsolideerd nettoresultaat na belastingen toekomend aan de rechtspersoon",
        "Mutatie herwaarderingsreserve",
        "Omrekenverschillen",
        "Overige mutaties",
        "Mutatie eigen vermogen",
    )
    ids = ("resultaat", "herwaardering", "omrekenverschillen", "overige", "mutatie")
    rows = tuple(
        Row(
            i,
            label,
            "total" if i == "mutatie" else "line",
            (x, y),
            1,
            sums=tuple((1, j) for j in ids[:4]) if i == "mutatie" else (),
        )
        for i, label, x, y in zip(ids, labels, a, b, strict=True)
    )
    return StatementTable(
        "geconsolideerd.mutatie_eigen_vermogen",
        "Overzicht mutatie eigen vermogen",
        (f"Realisatie {now.year}", f"Realisatie {before.year}"),
        rows,
    )


def resultaat_deelnemingen(
    group: Group, consolidation: Consolidation, previous: Consolidation
) -> StatementTable:
    """Toelichting (23): per deelneming of the fiscal unity its result before tax, the
    head's own result, the fiscal unity's VpB; together the result of deelnemingen."""
    head = next(e for e in group.entities if e.fiscal_head)

    def own(fig: Figures) -> Decimal:
        return -sum(
            (
                v
                for line, v in fig.result.items()
                if line not in ("resultaat_deelnemingen", "vpb", "dekking_uit_vermogen")
            ),
            ZERO,
        )

    def subgroup(key: str) -> list[str]:
        keys = [key]
        for entity in group.entities:
            if entity.parent in keys and entity.key not in keys:
                keys.append(entity.key)
        return keys

    def column(c: Consolidation) -> dict[str, Decimal]:
        figures = {f.entity.key: f for f in c.figures}
        values = {
            e.key: sum((own(figures[k]) for k in _descendants(group, e.key)), ZERO)
            for e in group.entities
            if e.parent == head.key
        }
        values[head.key] = own(figures[head.key])
        values["vpb"] = -figures[head.key].result.get("vpb", ZERO)
        return values

    del subgroup
    now, before = column(consolidation), column(previous)
    rows = []
    children = [e for e in group.entities if e.parent == head.key]
    for entity in children:
        rows.append(
            Row(
                entity.key,
                entity.label or entity.name,
                "line",
                (now[entity.key], before[entity.key]),
                1,
            )
        )
    rows.append(
        Row(head.key, f"{head.name} (enkelvoudig)", "line", (now[head.key], before[head.key]), 1)
    )
    rows.append(Row("vpb", "Vennootschapsbelasting", "line", (now["vpb"], before["vpb"]), 1))
    ids = tuple(r.id for r in rows)
    rows.append(
        Row(
            "totaal",
            "Totaal resultaat deelnemingen",
            "total",
            tuple(sum((r.amounts[i] for r in rows), ZERO) for i in range(2)),  # type: ignore[misc]
            sums=tuple((1, i) for i in ids),
        )
    )
    return StatementTable(
        "toelichting.resultaat_deelnemingen",
        "Resultaat deelnemingen (23)",
        (f"Realisatie {consolidation.year}", f"Realisatie {previous.year}"),
        tuple(rows),
    )


def _descendants(group: Group, key: str) -> list[str]:
    keys = [key]
    changed = True
    while changed:
        changed = False
        for entity in group.entities:
            if entity.parent in keys and entity.key not in keys:
                keys.append(entity.key)
                changed = True
    return keys


_VORDERINGEN = (
    "handelsdebiteuren",
    "gelieerde_ondernemingen",
    "overige_vorderingen",
    "overlopende_activa",
)
_SCHULDEN = (
    "handelscrediteuren",
    "belastingen_schuld",
    "overlopende_passiva",
    "overige_schulden",
)
_MVA = (
    "bedrijfsgebouwen",
    "activa_in_uitvoering",
    "machines_installaties",
    "andere_vaste_bedrijfsmiddelen",
)
_FVA = ("overige_effecten", "leningen_ug", "deelnemingen")
_FINANCIEEL = (
    ("ontvangen_interest", "Ontvangen interest", "rentebaten"),
    ("betaalde_interest", "Betaalde interest", "rentelasten"),
    ("resultaat_effecten", "Resultaat effecten", "opbrengst_effecten"),
    ("bijzondere_baten_lasten", "Buitengewone baten en lasten", "bijzondere_baten_lasten"),
    ("voorgaande_jaren", "Resultaat voorgaande jaren", "voorgaande_jaren"),
    ("vpb", "Betaalde/ontvangen vennootschapsbelasting", "vpb"),
)
_NOT_OPERATING = {line for _, _, line in _FINANCIEEL} | {
    "dekking_uit_vermogen",
    "resultaat_deelnemingen",
    "aandeel_derden_resultaat",
}


def kasstroomoverzicht(
    consolidations: tuple[Consolidation, Consolidation, Consolidation],
    herwaardering: Mapping[int, Decimal],
) -> StatementTable:
    """The geconsolideerd kasstroomoverzicht by the indirect method, for the year of the
    first consolidation and the year before (the third gives that year's opening). Every
    line is a movement of the consolidated balance or a line of the consolidated result;
    the equity movements outside the result (omrekenverschillen) are their own line, so
    the netto kasstroom is the change in liquide middelen by construction of the books,
    and the tests hold it to that. ``herwaardering`` is the movement of the
    herwaarderingsreserve per year: an equity movement without cash, taken out of the
    investeringen in financiële vaste activa."""

    def column(c: Consolidation, previous: Consolidation) -> dict[str, Decimal]:
        def delta(*lines: str) -> Decimal:
            return sum(
                (c.balance.get(x, ZERO) - previous.balance.get(x, ZERO) for x in lines), ZERO
            )

        def res(*lines: str) -> Decimal:
            return sum((c.result.get(x, ZERO) for x in lines), ZERO)

        v: dict[str, Decimal] = {}
        v["bedrijfsresultaat"] = -sum(
            (a for x, a in c.result.items() if x not in _NOT_OPERATING), ZERO
        )
        v["afschrijvingen"] = res("afschrijvingen_imva", "afschrijvingen_mva")
        v["vorderingen"] = -delta(*_VORDERINGEN)
        v["voorzieningen"] = -delta("voorzieningen")
        v["kortlopende_schulden"] = -delta(*_SCHULDEN)
        for key, _, line in _FINANCIEEL:
            v[key] = -res(line)
        result = -sum((a for x, a in c.result.items() if x != "dekking_uit_vermogen"), ZERO)
        revalued = herwaardering.get(c.year, ZERO)
        v["omrekenverschillen"] = -delta("groepsvermogen", "aandeel_derden") - result - revalued
        v["imva"] = -delta("software") - res("afschrijvingen_imva")
        v["mva"] = -delta(*_MVA) - res("afschrijvingen_mva")
        v["fva"] = -delta(*_FVA) + revalued
        v["mutatie_liquide"] = delta("liquide_middelen")
        return v

    now = column(consolidations[0], consolidations[1])
    before = column(consolidations[1], consolidations[2])
    rows: list[Row] = []

    def line(key: str, label: str, level: int = 1) -> None:
        rows.append(Row(key, label, "line", (now[key], before[key]), level))

    def total(key: str, label: str, parts: tuple[str, ...], kind: str = "subtotal") -> None:
        amounts = tuple(
            sum((r.amounts[i] for r in rows if r.id in parts), ZERO)  # type: ignore[misc]
            for i in range(2)
        )
        rows.append(Row(key, label, kind, amounts, sums=tuple((1, p) for p in parts)))
        now[key], before[key] = amounts  # type: ignore[assignment]

    line("bedrijfsresultaat", "Bedrijfsresultaat")
    line("afschrijvingen", "Afschrijvingen en waardeverminderingen")
    line("vorderingen", "Mutatie vorderingen")
    line("voorzieningen", "Mutatie voorzieningen")
    line("kortlopende_schulden", "Mutatie kortlopende schulden")
    bedrijf = ("bedrijfsresultaat", "afschrijvingen", "vorderingen", "voorzieningen")
    total(
        "bedrijfsoperaties", "Kasstroom uit bedrijfsoperaties", (*bedrijf, "kortlopende_schulden")
    )
    for key, label, _ in _FINANCIEEL[:5]:
        line(key, label)
    line("omrekenverschillen", "Mutatie omrekenverschillen")
    line("vpb", _FINANCIEEL[5][1])
    operationeel = ("bedrijfsoperaties", *(k for k, _, _ in _FINANCIEEL), "omrekenverschillen")
    total("operationeel", "Kasstroom uit operationele activiteiten", operationeel)
    line("imva", "(Des)investeringen in immateriële vaste activa")
    line("mva", "(Des)investeringen in materiële vaste activa")
    line("fva", "Investeringen in financiële vaste activa")
    total("investering", "Kasstroom uit investeringsactiviteiten", ("imva", "mva", "fva"))
    now["financiering"] = before["financiering"] = ZERO
    line("financiering", "Kasstroom uit financieringsactiviteiten", 0)
    total(
        "netto_kasstroom",
        "Netto kasstroom",
        ("operationeel", "investering", "financiering"),
        "total",
    )
    line("mutatie_liquide", "Mutatie liquide middelen (01-01 t/m 31-12)", 0)
    return StatementTable(
        "geconsolideerd.kasstroomoverzicht",
        "Geconsolideerd kasstroomoverzicht",
        (str(consolidations[0].year), str(consolidations[1].year)),
        tuple(rows),
    )
