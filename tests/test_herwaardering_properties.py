"""Properties of the revaluation over random price paths, buys and sells.

The test keeps its own model of the lots (FIFO, at cost) and compares the books'
derived entries with it.
"""

from __future__ import annotations

from decimal import Decimal

from beancount import loader
from beancount.core import data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SECURITIES = {"OBLA": "obligaties", "OBLB": "obligaties", "AANA": "aandelen"}
HEADER = """
option "name_assets" "Activa"
option "name_liabilities" "Passiva"
option "name_equity" "Vermogen"
option "name_income" "Baten"
option "name_expenses" "Lasten"
plugin "vng_accounts.plugins.herwaardering"

2020-01-01 custom "vng-herwaardering" "{policy}"
  effecten: "Activa:Effecten"
  herwaardering: "Activa:Herwaardering"
  reserve: "Vermogen:Herwaarderingsreserve"
  resultaat: "Baten:Herwaardering"
2020-01-01 open Activa:Effecten:Obligaties "FIFO"
2020-01-01 open Activa:Effecten:Aandelen "FIFO"
2020-01-01 open Activa:Herwaardering:Obligaties EUR
2020-01-01 open Activa:Herwaardering:Aandelen EUR
2020-01-01 open Vermogen:Herwaarderingsreserve:Obligaties EUR
2020-01-01 open Vermogen:Herwaarderingsreserve:Aandelen EUR
2020-01-01 open Baten:Herwaardering EUR
2020-01-01 open Baten:Koersresultaat EUR
2020-01-01 open Activa:Bank EUR
"""

price = st.integers(min_value=50, max_value=150)
year_plan = st.fixed_dictionaries(
    {
        "buys": st.dictionaries(
            st.sampled_from(sorted(SECURITIES)), st.integers(1, 50), max_size=3
        ),
        "sells": st.dictionaries(
            st.sampled_from(sorted(SECURITIES)), st.integers(0, 100), max_size=3
        ),
        "buy_prices": st.fixed_dictionaries({s: price for s in SECURITIES}),
        "sell_prices": st.fixed_dictionaries({s: price for s in SECURITIES}),
        "year_end": st.fixed_dictionaries({s: price for s in SECURITIES}),
    }
)
plans = st.lists(year_plan, min_size=1, max_size=4)


def ledger(plan: list[dict], policy: str, sell_all_at_end: bool = False) -> tuple[str, Decimal]:  # type: ignore[type-arg]
    """The books of a plan, and the cumulative unrealised result by the test's model."""
    text = [HEADER.format(policy=policy)]
    text += [f'2020-01-01 commodity {s}\n  categorie: "{c}"\n' for s, c in SECURITIES.items()]
    lots: dict[str, list[list[Decimal]]] = {s: [] for s in SECURITIES}
    last: dict[str, Decimal] = {}
    for offset, year in enumerate(plan):
        y = 2021 + offset
        for sec, units in sorted(year["buys"].items()):
            cost = Decimal(year["buy_prices"][sec])
            lots[sec].append([Decimal(units), cost])
            text.append(
                f'{y}-03-01 * "Koop"\n  Activa:Effecten:{_acc(sec)}  {units} {sec} '
                f"{{{cost} EUR}}\n  Activa:Bank\n"
            )
        sells = (
            {s: _held(lots[s]) for s in SECURITIES}
            if (sell_all_at_end and offset == len(plan) - 1)
            else year["sells"]
        )
        for sec, wanted in sorted(sells.items()):
            units = min(Decimal(wanted), _held(lots[sec]))
            if units <= 0:
                continue
            _take(lots[sec], units)
            p = Decimal(year["sell_prices"][sec])
            text.append(
                f'{y}-06-01 * "Verkoop"\n  Activa:Effecten:{_acc(sec)}  -{units} {sec} {{}} '
                f"@ {p} EUR\n  Activa:Bank  {units * p} EUR\n  Baten:Koersresultaat\n"
            )
        for sec, p in sorted(year["year_end"].items()):
            last[sec] = Decimal(p)
            text.append(f"{y}-12-31 price {sec} {p} EUR\n")
    unrealised = sum((u * (last[s] - c) for s, ls in lots.items() for u, c in ls), Decimal(0))
    return "\n".join(text), unrealised


def _acc(sec: str) -> str:
    return SECURITIES[sec].capitalize()


def _held(lots: list[list[Decimal]]) -> Decimal:
    return sum((u for u, _ in lots), Decimal(0))


def _take(lots: list[list[Decimal]], units: Decimal) -> None:
    while units > 0:
        take = min(lots[0][0], units)
        lots[0][0] -= take
        units -= take
        if lots[0][0] == 0:
            lots.pop(0)


def balances(text: str) -> dict[str, Decimal]:
    entries, errors, _ = loader.load_string(text)
    assert errors == [], errors
    totals: dict[str, Decimal] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for p in entry.postings:
                if p.units.currency == "EUR":
                    totals[p.account] = totals.get(p.account, Decimal(0)) + p.units.number
    return totals


def group_reserves(b: dict[str, Decimal]) -> dict[str, Decimal]:
    return {
        cat: -b.get(f"Vermogen:Herwaarderingsreserve:{cat}", Decimal(0))
        for cat in ("Obligaties", "Aandelen")
    }


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(plans, st.sampled_from(["effect", "categorie", "portefeuille"]))
def test_reserve_never_negative_per_group(plan, policy) -> None:  # type: ignore[no-untyped-def]
    text, _ = ledger(plan, policy)
    reserves = group_reserves(balances(text))
    if policy == "portefeuille":
        assert sum(reserves.values()) >= 0
    else:
        assert all(r >= 0 for r in reserves.values())


@FAST
@given(plans, st.sampled_from(["effect", "categorie", "portefeuille"]))
def test_reserve_plus_result_is_the_cumulative_unrealised(plan, policy) -> None:  # type: ignore[no-untyped-def]
    text, unrealised = ledger(plan, policy)
    b = balances(text)
    herwaardering = b.get("Activa:Herwaardering:Obligaties", 0) + b.get(
        "Activa:Herwaardering:Aandelen", 0
    )
    through_result = -b.get("Baten:Herwaardering", Decimal(0))
    assert herwaardering == unrealised
    assert sum(group_reserves(b).values()) + through_result == unrealised


@FAST
@given(plans, st.sampled_from(["effect", "categorie", "portefeuille"]))
def test_selling_everything_leaves_no_reserve(plan, policy) -> None:  # type: ignore[no-untyped-def]
    text, unrealised = ledger(plan, policy, sell_all_at_end=True)
    b = balances(text)
    assert unrealised == 0
    assert all(r == 0 for r in group_reserves(b).values())
    assert b.get("Activa:Herwaardering:Obligaties", 0) == 0
    assert b.get("Activa:Herwaardering:Aandelen", 0) == 0


@FAST
@given(plans)
def test_the_policy_moves_amounts_between_reserve_and_result_only(plan) -> None:  # type: ignore[no-untyped-def]
    outcomes = []
    for policy in ("effect", "categorie", "portefeuille"):
        b = balances(ledger(plan, policy)[0])
        equity_and_result = sum(v for a, v in b.items() if a.startswith(("Vermogen", "Baten")))
        assets = sum(v for a, v in b.items() if a.startswith("Activa"))
        outcomes.append((assets, equity_and_result))
    assert len(set(outcomes)) == 1
    # and the per-security policy never holds less reserve than the portfolio policy
    by_security = group_reserves(balances(ledger(plan, "effect")[0]))
    by_portfolio = group_reserves(balances(ledger(plan, "portefeuille")[0]))
    assert sum(by_security.values()) >= sum(by_portfolio.values())
