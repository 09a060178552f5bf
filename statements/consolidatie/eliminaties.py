"""The eliminations of the consolidation: step 2 and 3, aggregation per line and the
eliminations, each an explained column that nets to zero.

- the deelneming against the entity's net assets (the share of others to aandeel
  derden), and the parent's result of deelnemingen, which the entity's own baten and
  lasten replace;
- intercompany positions against each other, intercompany baten against lasten, per
  pair of entities.

``differences`` finds what stops a consolidation: a deelneming that differs from its
share of the entity's net assets (the equity method), a result of a deelneming that
differs from the share of the entity's result, two sides of an intercompany position
that differ by more than the tolerance without an accepted difference. Each is one
message per side, at the first posting of that side that differs, with both sides'
totals and the difference; ``vng check`` and the build report the same.

``consolidate`` asserts its invariants: every elimination nets to zero, the group
balance balances.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from statements.consolidatie.omrekening import (
    CENT,
    ZERO,
    Figures,
    GroupFigures,
    IcPosting,
    Location,
    where,
)
from statements.errors import StatementError, StatementErrors
from vng_accounts.errors import where as _where
from vng_accounts.groep import Entity, Group

TOLERANCE = Decimal("1.00")
KRUISPOSTEN = "liquide_middelen"  # where an accepted intercompany difference is shown
KINDS = ("balans", "baten_lasten")

# an error with its source, as beancount's error tuples carry it
Problem = tuple[dict[str, Any] | None, str]


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


def year_figures(group: Group, figures: GroupFigures, year: int) -> dict[str, Figures]:
    """The figures of every entity in ``year``; an error when one is missing."""
    missing = [e.key for e in group.entities if (e.key, year) not in figures]
    if missing:
        raise StatementError(None, f"consolidatie {year}: geen cijfers van {', '.join(missing)}")
    return {e.key: figures[(e.key, year)] for e in group.entities}


def _deelneming(parent: Figures, child: Figures, entity: Entity) -> Elimination:
    held = parent.deelneming.get(entity.key, ZERO)
    net = child.net_assets()
    minority = (net * (1 - entity.share)).quantize(CENT)
    amounts = {
        "deelnemingen": -held,
        "aandeel_derden": -minority,
        "groepsvermogen": held + minority,
    }
    return Elimination(
        "deelneming", f"{entity.name}: deelneming tegen eigen vermogen", "balans", amounts
    )


def _deelneming_result(parent: Figures, child: Figures, entity: Entity) -> Elimination:
    result = parent.deelneming_result.get(entity.key, ZERO)
    minority = (child.total_result() * (1 - entity.share)).quantize(CENT)
    return Elimination(
        "resultaat deelneming",
        f"{entity.name}: aandeel in het resultaat",
        "baten_lasten",
        {
            "resultaat_deelnemingen": -result,
            "aandeel_derden_resultaat": minority,
            "groepsvermogen": result - minority,
        },
    )


def _equity_problems(
    group: Group, parent: Figures, child: Figures, entity: Entity, year: int
) -> list[Problem]:
    """The equity method: the deelneming against the share of the net assets, and its
    result against the share of the entity's result; one message per side."""
    problems: list[Problem] = []
    held = parent.deelneming.get(entity.key, ZERO)
    net = child.net_assets()
    expected = net * entity.share
    if abs(held - expected) > TOLERANCE:
        text = (
            f"deelneming {entity.name} {year}: bij {entity.parent} {held}, "
            f"{entity.share} x netto vermogen {net} = {expected}, verschil {held - expected}"
        )
        problems += [
            (_side(group, entity.parent, parent.deelneming_at.get(entity.key)), text),
            (_side(group, entity.key, child.equity_at), text),
        ]
    share_result = -parent.deelneming_result.get(entity.key, ZERO)
    expected = child.total_result() * entity.share
    if abs(share_result - expected) > TOLERANCE:
        text = (
            f"resultaat deelneming {entity.name} {year}: bij {entity.parent} {share_result}, "
            f"{entity.share} x resultaat {child.total_result()} = {expected}, "
            f"verschil {share_result - expected}"
        )
        problems += [
            (_side(group, entity.parent, parent.deelneming_result_at.get(entity.key)), text),
            (_side(group, entity.key, child.result_at), text),
        ]
    return problems


def _side(group: Group, key: str | None, location: Location | None) -> dict[str, Any]:
    """Where a side of a difference is: its posting, else the entity in the group file."""
    if location is not None:
        return where(location)
    entity = group.entity(key) if key else None
    return where(entity.source) if entity else {"filename": group.path, "lineno": 0}


def _intercompany(a: Figures, b: Figures, kind: str, group: Group) -> Elimination:
    ka, kb = a.entity.key, b.entity.key
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for fig, other in ((a, kb), (b, ka)):
        for (o, line), value in (fig.ic_balance if kind == "balans" else fig.ic_result).items():
            if o == other:
                amounts[line] -= value
    difference = -sum(amounts.values(), ZERO)
    _, reason = group.accepted.get((min(ka, kb), max(ka, kb)), (ZERO, ""))
    if difference:
        line = KRUISPOSTEN if kind == "balans" else "overige_lasten"
        amounts[line] += difference
    label = reason or ("rekening-courant" if kind == "balans" else "onderlinge baten en lasten")
    return Elimination(f"intercompany {kind}", f"{ka} - {kb}: {label}", kind, dict(amounts))


def _intercompany_problems(
    a: Figures, b: Figures, kind: str, group: Group, year: int
) -> list[Problem]:
    ka, kb = a.entity.key, b.entity.key
    side_a, side_b = a.ic_with(kb, kind), b.ic_with(ka, kind)
    difference = side_a + side_b
    accepted, _ = group.accepted.get((min(ka, kb), max(ka, kb)), (ZERO, ""))
    if abs(difference - (accepted if kind == "balans" else ZERO)) <= TOLERANCE:
        return []
    text = (
        f"intercompany {kind} {ka} - {kb} {year}: "
        f"{ka} {side_a}, {kb} {side_b}, verschil {difference}"
    )
    if kind == "balans" and accepted:
        text += f" (geaccepteerd {accepted})"
    postings_a = a.ic_postings.get((kind, kb), [])
    postings_b = b.ic_postings.get((kind, ka), [])
    first_a, first_b = (
        _first_unmatched(postings_a, postings_b),
        _first_unmatched(postings_b, postings_a),
    )
    return [
        (_side(group, ka, first_a), text),
        (_side(group, kb, first_b), text),
    ]


def _first_unmatched(own: list[IcPosting], other: list[IcPosting]) -> Location | None:
    """The first of ``own`` without an opposite amount on the other side (each used
    once); when every posting has one, the last of ``own``; None when there are none."""
    counterparts = Counter(-value for value, _, _ in other)
    for value, filename, lineno in own:
        if counterparts[value] > 0:
            counterparts[value] -= 1
        else:
            return (filename, lineno)
    return (own[-1][1], own[-1][2]) if own else None


def _pairs(group: Group, figures: dict[str, Figures]) -> list[tuple[str, str, str]]:
    keys = [e.key for e in group.entities]
    return [
        (ka, kb, kind)
        for i, ka in enumerate(keys)
        for kb in keys[i + 1 :]
        for kind in KINDS
        if figures[ka].has_ic(kb, kind) or figures[kb].has_ic(ka, kind)
    ]


def differences(group: Group, figures: GroupFigures, year: int) -> list[Problem]:
    """Everything that stops the consolidation of ``year``, one message per side."""
    found = year_figures(group, figures, year)
    problems: list[Problem] = []
    for entity in group.entities:
        if entity.parent is not None:
            problems += _equity_problems(
                group, found[entity.parent], found[entity.key], entity, year
            )
    for ka, kb, kind in _pairs(group, found):
        problems += _intercompany_problems(found[ka], found[kb], kind, group, year)
    for fig in found.values():
        problems += _foreign_deelnemingen(group, fig, year)
    return problems


def _foreign_deelnemingen(group: Group, fig: Figures, year: int) -> list[Problem]:
    """A deelneming is held by the entity the group file names as its moeder; held by
    another, it would stay on the group balance uneliminated."""
    problems: list[Problem] = []
    for key in sorted(set(fig.deelneming) | set(fig.deelneming_result)):
        if not (fig.deelneming.get(key) or fig.deelneming_result.get(key)):
            continue
        parent = next((e.parent for e in group.entities if e.key == key), None)
        if parent != fig.entity.key:
            location = fig.deelneming_at.get(key) or fig.deelneming_result_at.get(key)
            problems.append(
                (
                    _side(group, fig.entity.key, location),
                    f"deelneming {key} {year}: {fig.entity.key} boekt een deelneming in "
                    f"{key}, maar "
                    + (
                        f"de moeder van {key} in het groepsbestand is {parent}"
                        if parent
                        else f"{key} is de top van de groep"
                    ),
                )
            )
    return problems


def consolidate(group: Group, figures: GroupFigures, year: int) -> Consolidation:
    problems = differences(group, figures, year)
    if problems:
        raise StatementErrors([(s, f"consolidatie gestopt: {m}") for s, m in problems])
    found = year_figures(group, figures, year)
    eliminations: list[Elimination] = []
    for entity in group.entities:
        if entity.parent is not None:
            parent, child = found[entity.parent], found[entity.key]
            eliminations.append(_deelneming(parent, child, entity))
            eliminations.append(_deelneming_result(parent, child, entity))
    for ka, kb, kind in _pairs(group, found):
        eliminations.append(_intercompany(found[ka], found[kb], kind, group))
    balance: dict[str, Decimal] = defaultdict(Decimal)
    result: dict[str, Decimal] = defaultdict(Decimal)
    for fig in found.values():
        for line, value in fig.balance.items():
            balance[line] += value
        for line, value in fig.result.items():
            result[line] += value
    for elimination in eliminations:
        for line, value in elimination.amounts.items():
            if line == "groepsvermogen" and elimination.layout == "baten_lasten":
                continue  # the counterpart of a result elimination lives in equity
            (balance if elimination.layout == "balans" else result)[line] += value
    consolidation = Consolidation(
        year, tuple(found.values()), tuple(eliminations), dict(balance), dict(result)
    )
    assert_invariants(group, consolidation)
    return consolidation


# translated lines are rounded to the cent each: the group balance may differ by as
# many cents as an entity in another currency has lines
def _rounding(group: Group, consolidation: Consolidation) -> Decimal:
    lines = sum(len(f.balance) for f in consolidation.figures if f.entity.currency != "EUR")
    return CENT * lines


def assert_invariants(group: Group, consolidation: Consolidation) -> None:
    """Every elimination nets to zero; the group balance balances (debit = credit)."""
    problems: list[Problem] = []
    for elimination in consolidation.eliminations:
        total = sum(elimination.amounts.values(), ZERO)
        if total:
            problems.append(
                (
                    {"filename": group.path, "lineno": 0},
                    f"consolidatie {consolidation.year}: eliminatie "
                    f"{elimination.description!r} sluit niet op nul ({total})",
                )
            )
    total = sum(consolidation.balance.values(), ZERO)
    if abs(total) > _rounding(group, consolidation):
        problems.append(
            (
                {"filename": group.path, "lineno": 0},
                f"consolidatie {consolidation.year}: de geconsolideerde balans sluit niet "
                f"(debet - credit = {total})",
            )
        )
    if problems:
        raise StatementErrors(problems)


def group_problems(group: Group, figures: GroupFigures) -> tuple[list[int], list[str]]:
    """What ``vng check`` reports of the group: every year for which each entity has
    figures, consolidated; each difference once, in the first year it shows, one line
    ``file:line: reason`` per side."""
    computed = {year for _, year in figures}
    years = sorted(y for y in computed if all((e.key, y) in figures for e in group.entities))
    seen: set[str] = set()
    lines: list[str] = []
    for year in years:
        found = differences(group, figures, year)
        for source, message in found:
            subject = message.split(f" {year}:", 1)[0]
            if subject in seen:
                continue
            lines.append(f"{_where(source)}: {message}")
        seen.update(m.split(f" {year}:", 1)[0] for _, m in found)
        if not found:
            consolidate(group, figures, year)  # asserts its invariants
    return years, lines
