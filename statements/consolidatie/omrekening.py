"""The figures of one entity of the group, in euros: step 1 of the consolidation.

Every entity's accounts say on which line of the geconsolideerde jaarrekening they land
(``geconsolideerd_balans`` / ``geconsolideerd_baten_lasten``). Intercompany accounts
carry ``intercompany: "<entity>"`` (on the account, or on a posting); the deelneming
in an entity and the account of its result carry ``deelneming: "<entity>"``.

An entity in another currency is translated: its balance at the closing rate, its
baten and lasten at the rate of each posting's date; the difference is the
translation result (omrekenverschillen), inside group equity. The rates are the
``price`` entries of the group file.

``entity_figures`` is what the build computes of each entity's books, in the process
that loaded them; the consolidation reads nothing else.
"""

from __future__ import annotations

import datetime
import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from beancount.core import data, prices

from statements.balances import book_value, budgets, transactions
from statements.consolidatie.toelichting import (
    Route,
    add_honorarium,
    add_to_notes,
    netted_notes,
    on_balance_of,
    route,
)
from statements.errors import StatementError, checked
from vng_accounts import bedrag
from vng_accounts.books import Books
from vng_accounts.chart import account_types_of
from vng_accounts.groep import Entity, Group
from vng_accounts.layouts import GECONSOLIDEERD_BALANS as GB
from vng_accounts.layouts import GECONSOLIDEERD_BATEN_LASTEN as GW
from vng_accounts.layouts import KASSTROOM_METADATA_KEY, SUBSIDIES
from vng_accounts.metadata import BEGINBALANS, MUTATIE
from vng_accounts.verslag import Garantie, read_commitments, read_guarantees, read_personeel

ZERO = Decimal(0)
CENT = Decimal("0.01")
VPB_OF = "belasting_van"  # posting metadata: the company a part of the VpB is borne by
# account metadata: the line of the company's own analysis of its result against its
# begroting (``brutomarge``, ``bedrijfskosten``, ``personeelskosten``, ...)
ANALYSE = "resultaatanalyse"
# the lines of the result that are not the company's own: what it holds in others, the
# fiscal unity's VpB, the dekking uit het vermogen
NOT_OWN = ("resultaat_deelnemingen", "vpb", "dekking_uit_vermogen")

# where a posting is: (file, line)
Location = tuple[str, int]
# an intercompany posting: its value in euros and where it is
IcPosting = tuple[Decimal, str, int]


@dataclass
class Figures:
    """One entity in one year, in euros, books' sign: balance per line at 31 December,
    result per line over the year, what is intercompany or deelneming in them, the
    movement of its herwaarderingsreserve, and where the postings behind them are."""

    entity: Entity
    year: int = 0
    balance: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    result: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    ic_balance: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    ic_result: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    # (kind, counterparty) -> the intercompany postings, in the order of the books
    ic_postings: dict[tuple[str, str], list[IcPosting]] = field(
        default_factory=lambda: defaultdict(list)
    )
    deelneming: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    deelneming_result: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    # the last posting on each deelneming's account, and on its result account
    deelneming_at: dict[str, Location] = field(default_factory=dict)
    deelneming_result_at: dict[str, Location] = field(default_factory=dict)
    equity_at: Location | None = None  # the last posting that changed the net assets
    result_at: Location | None = None  # the last posting of the year's result
    translation: Decimal = ZERO  # cumulative omrekenverschil at the year-end
    historical_equity: Decimal = ZERO
    herwaardering: Decimal = ZERO  # movement of the herwaarderingsreserve (credit positive)
    # (flow, balance line) -> the balance of the accounts whose movement is that flow of
    # the kasstroomoverzicht (``kasstroom:`` on their ``open``) rather than their line's
    flows: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    # (note, line) -> the amount on that line of a note of the geconsolideerde
    # toelichting, without the intercompany postings (statements.consolidatie.toelichting)
    notes: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    note_accounts: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    # the commitments off the balance at the year-end per year they fall due (in euros
    # at the closing rate), and the credit lines and guarantees standing then
    commitments: dict[int, Decimal] = field(default_factory=dict)
    guarantees: tuple[Garantie, ...] = ()
    fte: Decimal | None = None  # the staff at the year-end in fte, when the books give it
    # the fiscal unity's VpB per company it is borne by (``belasting_van`` on a posting)
    vpb_shares: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    vpb_shares_at: dict[str, Location] = field(default_factory=dict)  # its first posting
    # per line of its ``resultaatanalyse`` the result realised and budgeted (books' sign),
    # and the whole own result budgeted (None: the books hold no begroting of the year)
    analyse: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    analyse_begroot: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    begroot: Decimal | None = None

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


# (entity key, year) -> the figures of that entity in that year
GroupFigures = Mapping[tuple[str, int], Figures]


def consolidation_years(year: int) -> tuple[int, ...]:
    """The years a consolidation of ``year`` reads: the year, the comparative year and
    the opening."""
    return (year, year - 1, year - 2)


def check_years(group: Group, books: Books, today: datetime.date | None) -> tuple[int, ...]:
    """The years ``vng check`` consolidates: from the group's first year to the last
    year of the entity's books, or the current year when that is later (every entity
    computes the same years, also one whose books end earlier)."""
    first = min((e.since.year for e in group.entities), default=0)
    last = max(
        [e.date.year for e in books.entries if isinstance(e, data.Transaction)]
        + [today.year if today else first]
    )
    return tuple(range(first, last + 1))


def entity_figures(
    group: Group, key: str, books: Books, years: tuple[int, ...]
) -> dict[tuple[str, int], Figures]:
    """The figures of the entity ``key`` for each of ``years``."""
    found = figures_of_years(group, group.entity(key), books, years)
    return {(key, year): found[year] for year in years}


def _rate(group: Group, currency: str, date: datetime.date) -> Decimal:
    if currency == "EUR":
        return Decimal(1)
    found = prices.get_price(group.rates, (currency, "EUR"), date)  # type: ignore[no-untyped-call]
    if found is None or found[1] is None:
        raise StatementError(
            None, f"geen koers {currency}/EUR op of voor {date} in het groepsbestand"
        )
    return Decimal(found[1])


def _at(meta: Mapping[str, Any] | None) -> Location:
    meta = meta or {}
    return (str(meta.get("filename", "")), int(meta.get("lineno", 0)))


def figures_of(group: Group, entity: Entity, books: Books, year: int) -> Figures:
    return figures_of_years(group, entity, books, (year,))[year]


def figures_of_years(
    group: Group, entity: Entity, books: Books, years: tuple[int, ...]
) -> dict[int, Figures]:
    """The figures of one entity for each of ``years``, in one pass over its entries:
    each posting is read once and added to every year whose balance it is part of."""
    result_roots = _result_roots(books)
    day = datetime.timedelta(days=1)
    periods = [(y, datetime.date(y, 1, 1), datetime.date(y + 1, 1, 1)) for y in sorted(set(years))]
    figs = {y: Figures(entity, y) for y, _, _ in periods}
    revalued = herwaarderingen(books)
    for y, fig in figs.items():
        fig.herwaardering = revalued.get(y, ZERO)
    closing: dict[int, Decimal] = {}  # the closing rate of each year that has books
    metas: dict[str, dict[str, Any]] = {}  # the chart's meta per account, read once
    routes: dict[str, Route] = {}  # where each account lands in the group's notes
    known: dict[str, _Account] = {}  # what the loop needs of each account, found once
    euro = entity.currency == "EUR"
    for entry in transactions(books):
        included = [(y, start, end) for y, start, end in periods if _by_year_end(entry, end)]
        if not included:
            continue
        rates = {}
        for y, _, end in included:
            if y not in closing:
                closing[y] = _rate(group, entity.currency, end - day)
            rates[y] = _rate(group, entity.currency, min(entry.date, end - day))
        for posting in entry.postings:
            amount = book_value(entry, posting) if euro else bedrag.number(posting)
            account = known.get(posting.account)
            if account is None:
                account = known[posting.account] = _account(
                    entity, books, entry, posting.account, result_roots, metas, routes
                )
            meta, line, is_result = account.meta, account.line, account.is_result
            ic = (posting.meta or {}).get("intercompany") or account.intercompany
            to = None if ic else account.route
            for y, start, end in included:
                fig = figs[y]
                # in euros the rates are 1: the amount as it is (the same number)
                dated = amount if euro else amount * rates[y]
                value = amount if euro else amount * closing[y]
                if start <= entry.date < end:
                    _add_result(fig, books, entry, posting, dated, ic, meta, result_roots)
                fig.balance[line] += value
                if line == "groepsvermogen":
                    fig.historical_equity -= dated
                    fig.equity_at = _at(entry.meta)
                if ic and not is_result:
                    fig.ic_balance[(str(ic), line)] += value
                    fig.ic_postings[("balans", str(ic))].append(
                        (value.quantize(CENT), *_at(entry.meta))
                    )
                if account.deelneming:
                    fig.deelneming[account.deelneming] += value
                    fig.deelneming_at[account.deelneming] = _at(entry.meta)
                if account.flow:
                    fig.flows[(account.flow, line)] += value
                if to is not None:
                    add_to_notes(fig, to, entry, posting.account, (value, dated), (start, end))
    customs = [e for e in books.entries if isinstance(e, data.Custom)]
    guarantees = checked(read_guarantees(customs))
    staff = checked(read_personeel(customs))
    for y, fig in figs.items():
        if y not in closing:
            continue  # the entity has no books yet at this year-end
        due = checked(read_commitments(customs, y))
        fig.commitments = {d: (a * closing[y]).quantize(CENT) for d, a in due.items()}
        fig.guarantees = tuple(g for g in guarantees if g.year == y)
        fig.fte = staff[y].values.get("fte_ultimo") if y in staff else None
        _net_subsidies(fig, books, datetime.date(y, 12, 31), closing[y])
        netted_notes(fig.notes, routes, books, datetime.date(y, 12, 31), closing[y])
        _begroting(fig, books, customs, result_roots)
        for by_line in (
            fig.balance,
            fig.result,
            fig.deelneming,
            fig.deelneming_result,
            fig.analyse,
            fig.analyse_begroot,
        ):
            _to_cents(by_line)
        for by_pair in (fig.ic_balance, fig.ic_result, fig.flows, fig.notes):
            _to_cents(by_pair)
        # equity at the rates of its postings against net assets at the closing rate
        fig.translation = (fig.net_assets() - fig.historical_equity).quantize(CENT)
    return figs


@dataclass(frozen=True)
class _Account:
    """What ``figures_of_years`` needs of an account, found at its first posting."""

    meta: dict[str, Any]
    line: str
    is_result: bool
    route: Route
    intercompany: object
    deelneming: str | None
    flow: str | None


def _account(
    entity: Entity,
    books: Books,
    entry: data.Transaction,
    name: str,
    result_roots: tuple[str, str],
    metas: dict[str, dict[str, Any]],
    routes: dict[str, Route],
) -> _Account:
    spec = books.chart.accounts.get(name)
    meta = metas[name] = dict(spec.meta) if spec else {}
    is_result = name.split(":", 1)[0] in result_roots
    line = "groepsvermogen" if is_result else (spec.lines.get(GB.id) if spec else None)
    if line is None:
        raise StatementError(
            entry.meta, f"{entity.key}: rekening {name} heeft " f"geen regel in {GB.id}"
        )
    to = routes[name] = route(
        name, meta, None if is_result else line, spec.lines.get(GW.id) if spec else None
    )
    deelneming = None if is_result else meta.get("deelneming")
    flow = None if is_result else meta.get(KASSTROOM_METADATA_KEY)
    return _Account(
        meta,
        line,
        is_result,
        to,
        meta.get("intercompany"),
        str(deelneming) if deelneming else None,
        str(flow) if flow else None,
    )


K = TypeVar("K")


def _to_cents(amounts: dict[K, Decimal]) -> None:
    for key in list(amounts):
        amounts[key] = amounts[key].quantize(CENT)


def _by_year_end(entry: data.Transaction, end: datetime.date) -> bool:
    """Dated before ``end``, or the opening balance dated on it (the eindbalans of the
    year before, booked on the first day of the books)."""
    return entry.date < end or (entry.date == end and entry.meta.get(MUTATIE) == BEGINBALANS)


def _begroting(
    fig: Figures, books: Books, customs: list[data.Custom], result_roots: tuple[str, str]
) -> None:
    """The entity's begroting of the year (Fava ``custom "budget"`` entries in its own
    books, in euros): its own result and each line of its ``resultaatanalyse``, books'
    sign. A budget of an account the chart lacks stops the build at its line."""
    budgeted = budgets(customs, fig.year)
    if not budgeted:
        return
    total = ZERO
    for account, amount in budgeted.items():
        spec = books.chart.accounts.get(account)
        if spec is None:
            raise StatementError(
                _budget_meta(customs, account, fig.year),
                f"{fig.entity.key}: begroting van {account}, een rekening die de boeken "
                "niet openen",
            )
        if account.split(":", 1)[0] not in result_roots or spec.lines.get(GW.id) in NOT_OWN:
            continue  # a balance account, or a line that is not the company's own result
        total += amount
        regel = spec.meta.get(ANALYSE)
        if regel:
            fig.analyse_begroot[str(regel)] += amount
    fig.begroot = total


def _budget_meta(customs: list[data.Custom], account: str, year: int) -> dict[str, Any] | None:
    for entry in customs:
        if (
            entry.type == "budget"
            and entry.date.year == year
            and str(entry.values[0].value) == account
        ):
            return dict(entry.meta)
    return None


def _net_subsidies(fig: Figures, books: Books, day: datetime.date, rate: Decimal) -> None:
    """The entity's own presentation setting: receivable and payable of a subsidy netted."""
    if books.settings.presentation(SUBSIDIES.subject, day, "bruto") != "gesaldeerd":
        return
    net: dict[str, Decimal] = defaultdict(Decimal)
    for entry in books.entries:
        if isinstance(entry, data.Transaction) and on_balance_of(entry, day):
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
    result_roots: tuple[str, str],
) -> None:
    spec = books.chart.accounts.get(posting.account)
    line = spec.lines.get(GW.id) if spec else None
    if line is None:
        if posting.account.split(":", 1)[0] in result_roots:
            raise StatementError(
                entry.meta,
                f"{fig.entity.key}: rekening {posting.account} heeft " f"geen regel in {GW.id}",
            )
        return
    fig.result[line] += value
    fig.result_at = _at(entry.meta)
    add_honorarium(fig, posting, value)
    borne_by = (posting.meta or {}).get(VPB_OF)
    if borne_by is not None:
        if line != "vpb":
            raise StatementError(
                posting.meta, f"{VPB_OF}: alleen op een rekening van de vennootschapsbelasting"
            )
        fig.vpb_shares[str(borne_by)] += value
        fig.vpb_shares_at.setdefault(str(borne_by), _at(posting.meta))
    if ic:
        fig.ic_result[(str(ic), line)] += value
        fig.ic_postings[("baten_lasten", str(ic))].append((value.quantize(CENT), *_at(entry.meta)))
    if meta.get(ANALYSE):
        fig.analyse[str(meta[ANALYSE])] += value
    if meta.get("deelneming"):
        fig.deelneming_result[str(meta["deelneming"])] += value
        fig.deelneming_result_at[str(meta["deelneming"])] = _at(entry.meta)


def _result_roots(books: Books) -> tuple[str, str]:
    types = account_types_of(books.options)
    return (types.income, types.expenses)


def herwaardering(books: Books, year: int) -> Decimal:
    """Movement of the herwaarderingsreserve over the year (credit positive)."""
    return herwaarderingen(books).get(year, ZERO)


def herwaarderingen(books: Books) -> dict[int, Decimal]:
    """Movement of the herwaarderingsreserve per year (credit positive)."""
    from vng_accounts.herwaardering import read_policies

    policies, _ = read_policies(books.entries)
    prefixes = tuple(p.reserve + ":" for p in policies)
    found: dict[int, Decimal] = defaultdict(Decimal)
    if not prefixes:
        return found
    for e in books.entries:
        if isinstance(e, data.Transaction):
            for p in e.postings:
                if p.account.startswith(prefixes):
                    found[e.date.year] -= bedrag.number(p)
    return found


def where(location: Location | None) -> dict[str, Any]:
    """An error source for a location."""
    if location is None:
        return {}
    return {"filename": location[0], "lineno": location[1]}


def short(location: Location) -> str:
    return f"{os.path.basename(location[0])}:{location[1]}"
