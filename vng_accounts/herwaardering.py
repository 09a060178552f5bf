"""Effecten at market value: the herwaarderingsreserve computed from lots and prices.

Securities are commodities held in lots at cost under an effecten account; their
market value comes from ``price`` directives. The policy is a setting in the books::

    2023-01-01 custom "vng-herwaardering" "portefeuille"
      effecten: "Activa:FinancieleVasteActiva:Effecten"
      herwaardering: "Activa:FinancieleVasteActiva:Herwaardering"
      reserve: "Vermogen:Herwaarderingsreserve"
      resultaat: "Baten:Financieel:OpbrengstEffecten:Herwaardering"

    2023-01-01 commodity KEGOV
      categorie: "obligaties"

The valuation group is ``effect`` (per security, the BW/RJ default), ``categorie``
(obligaties/aandelen) or ``portefeuille`` (the whole portfolio). Per group the
cumulative unrealised result U (market value at the last valuation minus cost, of the
lots held) splits into the reserve R = max(U, 0) and the part taken through the
result N = U - R. The accounts ``<herwaardering>:<Categorie>`` hold U (so that lots at
cost plus herwaardering is the market value), ``<reserve>:<Categorie>`` hold R.

Entries derived here:

- at each 31 December that the books have reached: the valuation to the year-end
  prices (a price dated at most seven days earlier; none is an error);
- at each sale: the realisatie herwaardering door verkoop, taking the sold lots'
  recognised unrealised result out of U. The sale itself (proceeds minus cost) is the
  finance team's own posting; the sale must carry its price (``@``).

A derived entry carries ``berekend`` metadata saying how it was computed, and the
``filename``/``lineno`` of the policy entry, so Fava links it to the rule behind it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import amount as bean_amount
from beancount.core import data, prices
from beancount.core.position import Cost

from vng_accounts import bedrag
from vng_accounts.errors import BooksError
from vng_accounts.metadata import BEGINBALANS, MUTATIE

POLICIES = ("effect", "categorie", "portefeuille")
CURRENCY = "EUR"
CENT = Decimal("0.01")
ZERO = Decimal(0)
PRICE_WINDOW = datetime.timedelta(days=7)
DERIVED = "berekend"
TAG = "herwaardering"


@dataclass(frozen=True)
class Policy:
    since: datetime.date
    group: str
    effecten: str
    herwaardering: str
    reserve: str
    resultaat: str
    meta: dict[str, Any]


@dataclass(frozen=True)
class Purchase:
    date: datetime.date
    category: str
    commodity: str
    cost: Decimal


@dataclass(frozen=True)
class Sale:
    date: datetime.date
    category: str
    commodity: str
    proceeds: Decimal
    cost: Decimal
    u_prev: Decimal  # recognised unrealised result of the sold lots


@dataclass(frozen=True)
class Movement:
    """A change of the recognised position of one category."""

    date: datetime.date
    category: str
    kind: str  # beginbalans, realisatie, waardering
    delta_u: Decimal
    delta_r: Decimal

    @property
    def delta_n(self) -> Decimal:
        return self.delta_u - self.delta_r


Event = Purchase | Sale | Movement


@dataclass
class Evaluation:
    events: list[Event] = field(default_factory=list)
    derived: list[data.Transaction] = field(default_factory=list)
    errors: list[BooksError] = field(default_factory=list)


def read_policies(entries: Iterable[data.Directive]) -> tuple[list[Policy], list[BooksError]]:
    policies: list[Policy] = []
    errors: list[BooksError] = []
    for entry in entries:
        if not (isinstance(entry, data.Custom) and entry.type == "vng-herwaardering"):
            continue
        group = str(entry.values[0].value) if entry.values else ""
        keys = ("effecten", "herwaardering", "reserve", "resultaat")
        missing = [k for k in keys if not isinstance(entry.meta.get(k), str)]
        if group not in POLICIES or missing:
            message = (
                f"herwaardering: beleid moet een van {', '.join(POLICIES)} zijn, met "
                f"{', '.join(keys)} (ontbreekt: {', '.join(missing) or '-'})"
            )
            errors.append(BooksError(entry.meta, message, entry))
            continue
        policies.append(
            Policy(
                entry.date,
                group,
                effecten=str(entry.meta["effecten"]),
                herwaardering=str(entry.meta["herwaardering"]),
                reserve=str(entry.meta["reserve"]),
                resultaat=str(entry.meta["resultaat"]),
                meta=entry.meta,
            )
        )
    policies.sort(key=lambda p: p.since)
    return policies, errors


def categories(entries: Iterable[data.Directive]) -> dict[str, str]:
    return {
        e.currency: str(e.meta["categorie"])
        for e in entries
        if isinstance(e, data.Commodity) and "categorie" in e.meta
    }


def reserve_by_category(
    u_sec: dict[str, Decimal], category_of: dict[str, str], group: str
) -> dict[str, Decimal]:
    """R per category under a policy, from the recognised U per security."""
    cats = sorted({category_of[c] for c in u_sec})
    u_cat = {cat: sum((u for c, u in u_sec.items() if category_of[c] == cat), ZERO) for cat in cats}
    if group == "effect":
        return {
            cat: sum((max(u, ZERO) for c, u in u_sec.items() if category_of[c] == cat), ZERO)
            for cat in cats
        }
    if group == "categorie":
        return {cat: max(u, ZERO) for cat, u in u_cat.items()}
    positive = sum(u_cat.values(), ZERO) > 0
    return {cat: (u if positive else ZERO) for cat, u in u_cat.items()}


def account_leaf(category: str) -> str:
    return category[:1].upper() + category[1:]


class _Engine:
    def __init__(self, entries: Sequence[data.Directive], policies: list[Policy]) -> None:
        self.policies = policies
        self.category_of = categories(entries)
        self.price_map = prices.build_price_map(list(entries))  # type: ignore[no-untyped-call]
        self.result = Evaluation()
        self.lots: dict[str, list[list[Any]]] = defaultdict(
            list
        )  # commodity -> [units, cost, date]
        self.lastval: dict[str, tuple[datetime.date, Decimal]] = {}
        self.u_sec: dict[str, Decimal] = defaultdict(Decimal)
        self.u_rec: dict[str, Decimal] = defaultdict(Decimal)  # booked U per category
        self.r_rec: dict[str, Decimal] = defaultdict(Decimal)  # booked R per category
        self.touched: dict[str, dict[str, Any]] = {}
        self.kinds: dict[str, str] = {}  # account -> "managed", "lot" or ""

    # -- helpers ---------------------------------------------------------------
    def policy(self, date: datetime.date) -> Policy | None:
        current = None
        for policy in self.policies:
            if policy.since <= date:
                current = policy
        return current

    def error(self, meta: dict[str, Any] | None, message: str) -> None:
        self.result.errors.append(BooksError(meta, message, None))

    def is_lot_account(self, account: str) -> bool:
        return any(
            account.startswith(p.effecten + ":") or account == p.effecten for p in self.policies
        )

    def is_managed(self, account: str) -> bool:
        return any(
            account.startswith((p.herwaardering + ":", p.reserve + ":")) for p in self.policies
        )

    def kind(self, account: str) -> str:
        """What the revaluation does with ``account``, once per account."""
        found = self.kinds.get(account)
        if found is None:
            managed, lot = self.is_managed(account), self.is_lot_account(account)
            found = self.kinds[account] = "managed" if managed else "lot" if lot else ""
        return found

    # -- transactions ------------------------------------------------------------
    def transaction(self, entry: data.Transaction) -> None:
        opening = entry.meta.get(MUTATIE) == BEGINBALANS
        kinds = [self.kind(posting.account) for posting in entry.postings]
        if not opening and not any(kinds):
            return  # nothing of the effecten: the common case
        sold: dict[str, Decimal] = defaultdict(Decimal)
        for posting, kind in zip(entry.postings, kinds, strict=True):
            if kind == "managed":
                if opening:
                    self.opening_posting(entry, posting)
                else:
                    self.error(
                        entry.meta,
                        f"{posting.account} wordt berekend door de "
                        "herwaardering; een eigen boeking daarop is niet toegestaan",
                    )
            elif kind == "lot" and bedrag.units(posting).currency != CURRENCY:
                self.lot_posting(entry, posting, opening, sold)
        if opening:
            self.check_opening(entry)
        if sold:
            self.realise(entry, sold)

    def lot_posting(
        self,
        entry: data.Transaction,
        posting: data.Posting,
        opening: bool,
        sold: dict[str, Decimal],
    ) -> None:
        commodity, units, cost = (
            bedrag.units(posting).currency,
            bedrag.number(posting),
            posting.cost,
        )
        category = self.category_of.get(commodity)
        if category is None:
            self.error(entry.meta, f"effect {commodity} heeft geen categorie (commodity-metadata)")
            return
        if not isinstance(cost, Cost) or cost.currency != CURRENCY:
            self.error(
                entry.meta, f"effect {commodity} zonder kostprijs in EUR op {posting.account}"
            )
            return
        self.touched[commodity] = entry.meta
        if units > 0:
            self.buy(entry, commodity, category, units, cost, opening)
        else:
            self.sell(entry, posting, commodity, category, -units, cost, sold)

    def buy(
        self,
        entry: data.Transaction,
        commodity: str,
        category: str,
        units: Decimal,
        cost: Cost,
        opening: bool,
    ) -> None:
        self.lots[commodity].append([units, cost.number, cost.date])
        if opening:
            price = self.price_before(commodity, entry.date)
            if price is None:
                self.error(
                    entry.meta,
                    f"beginbalans: geen koers van {commodity} op of voor " f"{entry.date}",
                )
                return
            self.lastval[commodity] = price
            self.u_sec[commodity] += units * (price[1] - cost.number)
        else:
            self.result.events.append(
                Purchase(entry.date, category, commodity, units * cost.number)
            )

    def sell(
        self,
        entry: data.Transaction,
        posting: data.Posting,
        commodity: str,
        category: str,
        units: Decimal,
        cost: Cost,
        sold: dict[str, Decimal],
    ) -> None:
        price = posting.price
        if price is None or price.currency != CURRENCY or price.number is None:
            self.error(entry.meta, f"verkoop van {commodity} zonder verkoopkoers (@ ... EUR)")
            return
        u_prev = self.take_lots(entry, commodity, units, cost)
        self.u_sec[commodity] -= u_prev
        sold[category] += u_prev
        self.result.events.append(
            Sale(
                entry.date,
                category,
                commodity,
                units * price.number,
                units * cost.number,
                u_prev,
            )
        )

    def take_lots(
        self, entry: data.Transaction, commodity: str, units: Decimal, cost: Cost
    ) -> Decimal:
        last = self.lastval.get(commodity)
        remaining = units
        for lot in self.lots[commodity]:
            if lot[1] == cost.number and lot[2] == cost.date and remaining > 0:
                take = min(lot[0], remaining)
                lot[0] -= take
                remaining -= take
        self.lots[commodity] = [lot for lot in self.lots[commodity] if lot[0] > 0]
        if remaining > 0:
            self.error(entry.meta, f"verkoop van meer {commodity} dan in portefeuille")
        if last is None or cost.date > last[0]:
            return ZERO
        return units * (last[1] - cost.number)

    def opening_posting(self, entry: data.Transaction, posting: data.Posting) -> None:
        policy = self.policy(entry.date)
        assert policy is not None
        category = posting.account.rsplit(":", 1)[-1].lower()
        if posting.account.startswith(policy.herwaardering + ":"):
            self.u_rec[category] += bedrag.number(posting)
        else:
            self.r_rec[category] -= bedrag.number(posting)

    def check_opening(self, entry: data.Transaction) -> None:
        policy = self.policy(entry.date)
        if policy is None:
            return
        expected_r = reserve_by_category(self.u_sec, self.category_of, policy.group)
        for category in sorted(set(self.u_rec) | set(expected_r)):
            u = self.u_cat(category).quantize(CENT)
            if self.u_rec[category] != u or self.r_rec[category] != expected_r.get(category, ZERO):
                self.error(
                    entry.meta,
                    f"beginbalans {category}: herwaardering "
                    f"{self.u_rec[category]} en reserve {self.r_rec[category]}, berekend "
                    f"{u} en {expected_r.get(category, ZERO)}",
                )
        for category in set(self.u_rec):
            self.result.events.append(
                Movement(
                    entry.date, category, BEGINBALANS, self.u_rec[category], self.r_rec[category]
                )
            )

    def u_cat(self, category: str) -> Decimal:
        return sum((u for c, u in self.u_sec.items() if self.category_of[c] == category), ZERO)

    # -- derived entries -----------------------------------------------------------
    def rebook(self, date: datetime.date, kind: str, narration: str, explanation: str) -> None:
        """Book the difference between the computed and the booked U and R."""
        policy = self.policy(date)
        if policy is None:
            return
        target_r = reserve_by_category(self.u_sec, self.category_of, policy.group)
        postings: list[data.Posting] = []
        for category in sorted(set(self.u_rec) | set(target_r)):
            delta_u = self.u_cat(category).quantize(CENT) - self.u_rec[category]
            delta_r = target_r.get(category, ZERO).quantize(CENT) - self.r_rec[category]
            if not delta_u and not delta_r:
                continue
            self.u_rec[category] += delta_u
            self.r_rec[category] += delta_r
            self.result.events.append(Movement(date, category, kind, delta_u, delta_r))
            leaf = account_leaf(category)
            postings += [
                _posting(f"{policy.herwaardering}:{leaf}", delta_u),
                _posting(f"{policy.reserve}:{leaf}", -delta_r),
                _posting(policy.resultaat, delta_r - delta_u),
            ]
        if postings:
            meta = {
                "filename": policy.meta.get("filename", "<herwaardering>"),
                "lineno": policy.meta.get("lineno", 0),
                DERIVED: f"{explanation}; groepering per {policy.group}",
                MUTATIE: kind,
            }
            self.result.derived.append(
                data.Transaction(
                    meta,
                    date,
                    "*",
                    "VNG",
                    narration,
                    frozenset({TAG}),
                    frozenset(),
                    _merge(postings),
                )
            )

    def realise(self, entry: data.Transaction, sold: dict[str, Decimal]) -> None:
        detail = ", ".join(f"{c}: {u.quantize(CENT)}" for c, u in sorted(sold.items()))
        self.rebook(
            entry.date,
            "realisatie",
            f"Realisatie herwaardering door verkoop " f"({entry.narration})",
            f"ongerealiseerd resultaat van de verkochte stukken "
            f"per de laatste waardering: {detail}",
        )

    def value(self, date: datetime.date) -> None:
        quoted: list[str] = []
        for commodity, lots in sorted(self.lots.items()):
            if not lots:
                continue
            price = self.price_before(commodity, date)
            if price is None or price[0] < date - PRICE_WINDOW:
                seen = f" (laatste koers {price[0]})" if price else ""
                self.error(
                    self.touched.get(commodity),
                    f"geen beurskoers van {commodity} op " f"{date}{seen}",
                )
                continue
            self.lastval[commodity] = (date, price[1])
            self.u_sec[commodity] = sum(
                (units * (price[1] - cost) for units, cost, _ in lots), ZERO
            )
            units = sum((lot[0] for lot in lots), ZERO)
            quoted.append(f"{commodity} {units} x {price[1]} ({price[0]})")
        for commodity in [c for c, lots in self.lots.items() if not lots]:
            self.u_sec[commodity] = ZERO
        self.rebook(
            date,
            "waardering",
            f"Herwaardering effecten naar beurswaarde per {date}",
            "beurswaarde min kostprijs per lot: " + "; ".join(quoted),
        )

    def price_before(
        self, commodity: str, date: datetime.date
    ) -> tuple[datetime.date, Decimal] | None:
        found = prices.get_price(self.price_map, (commodity, CURRENCY), date)  # type: ignore[no-untyped-call]
        if found is None or found[0] is None or found[1] is None:
            return None
        return found[0], found[1]


def _posting(account: str, number: Decimal) -> data.Posting:
    return data.Posting(account, bean_amount.Amount(number, CURRENCY), None, None, None, None)


def _merge(postings: list[data.Posting]) -> list[data.Posting]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for posting in postings:
        totals[posting.account] += bedrag.number(posting)
    return [_posting(account, number) for account, number in totals.items() if number]


def valuation_dates(entries: Sequence[data.Directive]) -> list[datetime.date]:
    """Each 31 December the books have reached."""
    dated = [e.date for e in entries if isinstance(e, (data.Transaction, data.Price))]
    if not dated:
        return []
    last = max(dated)
    return [
        datetime.date(y, 12, 31)
        for y in range(min(dated).year, last.year + 1)
        if datetime.date(y, 12, 31) <= last
    ]


def evaluate(entries: Sequence[data.Directive]) -> Evaluation:
    """All revaluation events and derived entries of the books (pure)."""
    policies, errors = read_policies(entries)
    engine = _Engine(entries, policies)
    engine.result.errors.extend(errors)
    if not policies:
        return engine.result
    pending = valuation_dates(entries)
    for entry in entries:
        if not isinstance(entry, data.Transaction) or DERIVED in entry.meta:
            continue
        while pending and pending[0] < entry.date:
            engine.value(pending.pop(0))
        engine.transaction(entry)
    for date in pending:
        engine.value(date)
    return engine.result
