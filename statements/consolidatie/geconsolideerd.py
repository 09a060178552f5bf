"""The geconsolideerde jaarrekening from the consolidation: balans, staat van baten en
lasten, mutatie eigen vermogen, kasstroomoverzicht (indirect method), the toelichting
on the resultaat deelnemingen (23) when the group has a fiscal unity, and the two
consolidation worksheets (each entity, each elimination, the group).

The statements assert that they close: the mutatie eigen vermogen on the change of
group equity in the balans, the netto kasstroom on the change of the liquide middelen.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from statements.consolidatie.eliminaties import Consolidation, consolidate
from statements.consolidatie.omrekening import NOT_OWN, ZERO, Figures, GroupFigures, where
from statements.consolidatie.toelichting import accountantshonoraria, build_group_notes
from statements.errors import StatementErrors
from statements.table import Row, StatementTable
from vng_accounts.groep import Group
from vng_accounts.layouts import GECONSOLIDEERD_BALANS as GB
from vng_accounts.layouts import GECONSOLIDEERD_BATEN_LASTEN as GW
from vng_accounts.layouts import KASSTROOM, MUTATIE_EIGEN_VERMOGEN, Layout
from vng_accounts.verslag import OBLIGO


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
    group: Group, figures: GroupFigures, year: int
) -> tuple[StatementTable, ...]:
    """The geconsolideerde balans, staat van baten en lasten and mutatie eigen vermogen
    of ``year`` with the year before, and the two consolidation worksheets, from the
    figures of every entity in the years ``consolidation_years(year)``."""
    from statements.enkelvoudig import layout_table

    now, before = consolidate(group, figures, year), consolidate(group, figures, year - 1)
    opening = consolidate(group, figures, year - 2)
    columns = (str(year), str(year - 1))
    balans = layout_table(GB, year, columns, (_values(now.balance), _values(before.balance)))
    resultaat = layout_table(
        GW,
        year,
        (f"Realisatie {year}", f"Realisatie {year - 1}"),
        (_values(now.result), _values(before.result)),
    )
    notes = (
        (
            resultaat_deelnemingen(group, now, before),
            aandeel_na_vpb(group, now, before),
            *begroting_deelnemingen(group, now, before),
            vermogen_deelnemingen(group, now, before),
        )
        if any(e.fiscal_head for e in group.entities)
        else ()
    )
    return (
        balans,
        resultaat,
        *kerninformatie(balans, resultaat, year),
        mutatie_eigen_vermogen(now, before, opening),
        kasstroomoverzicht(
            (now, before, opening),
            {c.year: _herwaardering(c) for c in (now, before)},
        ),
        *notes,
        *build_group_notes(now, before, opening),
        *accountantshonoraria(now, before),
        *overige_informatie(now),
        *bezetting(group, now, before),
        maatschappijen(group, year),
        worksheet(now, GB),
        worksheet(now, GW),
    )


def _closes(c: Consolidation, statement: str, total: Decimal, balance: Decimal) -> None:
    """A statement of movements closes on the balance, or the consolidation stops."""
    if total != balance:
        raise StatementErrors(
            [
                (
                    None,
                    f"consolidatie {c.year}: het {statement} sluit niet op de balans "
                    f"({total} tegen {balance}, verschil {total - balance})",
                )
            ]
        )


def _herwaardering(c: Consolidation) -> Decimal:
    """The movement of the group's herwaarderingsreserve over the year."""
    return sum((f.herwaardering for f in c.figures), ZERO)


def mutatie_eigen_vermogen(
    now: Consolidation, before: Consolidation, earliest: Consolidation
) -> StatementTable:
    def column(c: Consolidation, previous: Consolidation) -> tuple[Decimal, ...]:
        result = -sum((v for line, v in c.result.items() if line != "dekking_uit_vermogen"), ZERO)
        herwaardering = _herwaardering(c)
        translation = sum((f.translation for f in c.figures), ZERO) - sum(
            (f.translation for f in previous.figures), ZERO
        )
        change = -c.balance.get("groepsvermogen", ZERO) + previous.balance.get(
            "groepsvermogen", ZERO
        )
        other = change - result - herwaardering - translation
        return (result, herwaardering, translation, other, change)

    a, b = column(now, before), column(before, earliest)
    for c, previous, values in ((now, before, a), (before, earliest, b)):
        _closes(
            c,
            "mutatie eigen vermogen",
            sum(values[:4], ZERO),
            -c.balance.get("groepsvermogen", ZERO) + previous.balance.get("groepsvermogen", ZERO),
        )
    ids = tuple(i for i, _ in MUTATIE_EIGEN_VERMOGEN)
    labels = tuple(label for _, label in MUTATIE_EIGEN_VERMOGEN)
    rows = tuple(
        Row(
            i,
            label,
            "total" if i == ids[-1] else "line",
            (x, y),
            1,
            sums=tuple((1, j) for j in ids[:-1]) if i == ids[-1] else (),
        )
        for i, label, x, y in zip(ids, labels, a, b, strict=True)
    )
    return StatementTable(
        "geconsolideerd.mutatie_eigen_vermogen",
        "Overzicht mutatie eigen vermogen",
        (f"Realisatie {now.year}", f"Realisatie {before.year}"),
        rows,
    )


def _deelneming_results(group: Group, c: Consolidation) -> dict[str, Decimal]:
    """Per company under the fiscal head its result before tax with the companies
    below it, the head's own result, and the fiscal unity's VpB ("vpb")."""
    head = next(e for e in group.entities if e.fiscal_head)
    figures = {f.entity.key: f for f in c.figures}

    def own(fig: Figures) -> Decimal:
        return -sum((v for line, v in fig.result.items() if line not in NOT_OWN), ZERO)

    values = {
        e.key: sum((own(figures[k]) for k in group.descendants(e.key)), ZERO)
        for e in group.entities
        if e.parent == head.key
    }
    values[head.key] = own(figures[head.key])
    values["vpb"] = -figures[head.key].result.get("vpb", ZERO)
    return values


def _deelneming_table(
    group: Group,
    columns: tuple[dict[str, Decimal], dict[str, Decimal]],
    table: tuple[str, str, str],
    years: tuple[int, int],
    with_vpb: bool,
) -> StatementTable:
    head = next(e for e in group.entities if e.fiscal_head)
    now, before = columns
    rows = []
    for entity in [e for e in group.entities if e.parent == head.key]:
        amounts = (now[entity.key], before[entity.key])
        rows.append(Row(entity.key, entity.label or entity.name, "line", amounts, 1))
    own = f"{head.name} (enkelvoudig)" if with_vpb else f"{head.name} (excl. deelnemingen)"
    rows.append(Row(head.key, own, "line", (now[head.key], before[head.key]), 1))
    if with_vpb:
        rows.append(Row("vpb", "Vennootschapsbelasting", "line", (now["vpb"], before["vpb"]), 1))
    ids = tuple(r.id for r in rows)
    rows.append(
        Row(
            "totaal",
            table[2],
            "total",
            tuple(sum((r.amounts[i] or ZERO for r in rows), ZERO) for i in range(2)),
            sums=tuple((1, i) for i in ids),
        )
    )
    return StatementTable(
        table[0],
        table[1],
        (f"Realisatie {years[0]}", f"Realisatie {years[1]}"),
        tuple(rows),
    )


def resultaat_deelnemingen(
    group: Group, consolidation: Consolidation, previous: Consolidation
) -> StatementTable:
    """Toelichting (23): per deelneming of the fiscal unity its result before tax, the
    head's own result, the fiscal unity's VpB; together the result of deelnemingen."""
    return _deelneming_table(
        group,
        (_deelneming_results(group, consolidation), _deelneming_results(group, previous)),
        (
            "toelichting.resultaat_deelnemingen",
            "Resultaat deelnemingen (23)",
            "Totaal resultaat deelnemingen",
        ),
        (consolidation.year, previous.year),
        with_vpb=True,
    )


def aandeel_na_vpb(
    group: Group, consolidation: Consolidation, previous: Consolidation
) -> StatementTable:
    """The share of each company in the result after VpB, as the kerninformatie gives
    it: its result before tax less the part of the fiscal unity's VpB it bears
    (``belasting_van`` on the head's VpB postings); a part borne by no one named stays
    with the head. Together the same result of deelnemingen as toelichting (23)."""
    head = next(e for e in group.entities if e.fiscal_head)
    units = {e.key for e in group.entities if e.parent == head.key} | {head.key}
    columns = []
    for c in (consolidation, previous):
        values = _deelneming_results(group, c)
        head_figures = next(f for f in c.figures if f.entity.key == head.key)
        shares = head_figures.vpb_shares
        unknown = sorted(set(shares) - units)
        if unknown:
            raise StatementErrors(
                [
                    (
                        where(head_figures.vpb_shares_at.get(key)),
                        f"{head.key} {c.year}: belasting_van {key} is geen maatschappij "
                        f"direct onder {head.name} ({', '.join(sorted(units))})",
                    )
                    for key in unknown
                ]
            )
        borne = sum(shares.values(), ZERO)
        for key in units:
            values[key] -= shares.get(key, ZERO)
        values[head.key] += values.pop("vpb") + borne  # what no company bears
        columns.append(values)
    return _deelneming_table(
        group,
        (columns[0], columns[1]),
        (
            "kerninformatie.aandeel_vng_bedrijven",
            "Het aandeel in het resultaat van de VNG-bedrijven na VpB",
            "Totaal",
        ),
        (consolidation.year, previous.year),
        with_vpb=False,
    )


BEGROTING_DEELNEMINGEN = "consolidatie.begroting_deelnemingen"
VERMOGEN_DEELNEMINGEN = "consolidatie.vermogen_deelnemingen"


def begroting_deelnemingen(
    group: Group, consolidation: Consolidation, previous: Consolidation
) -> tuple[StatementTable, ...]:
    """Per company under the fiscal head whose books (or those of the companies below
    it) hold a begroting of the year or name the lines of their result: its result
    before tax realised, budgeted and a year earlier (row ``<key>.resultaat``), and
    each line of their ``resultaatanalyse`` (``<key>.<regel>``), in the sign of the
    result (a cost negative). A ``resultaatanalyse`` ``<regel>.<deel>`` names a part
    of a line as well (``projectmarge.omzet``: row ``<key>.projectmarge.omzet``); the
    parts of one name over all lines are a row of their own (``<key>.omzet``). What
    the bestuursverslag sets a deelneming's result against; no table when no company
    has either. The budget of a company whose books hold none is empty."""
    head = next(e for e in group.entities if e.fiscal_head)
    years = (consolidation, previous)
    figures = [{f.entity.key: f for f in c.figures} for c in years]
    realised = [_deelneming_results(group, c) for c in years]
    rows: list[Row] = []
    for entity in [e for e in group.entities if e.parent == head.key]:
        below = [
            [by_key[k] for k in group.descendants(entity.key) if k in by_key] for by_key in figures
        ]
        rows += _tegen_begroting(
            entity.key,
            entity.name,
            (below[0], below[1]),
            (realised[0][entity.key], realised[1][entity.key]),
        )
    if not rows:
        return ()
    year = consolidation.year
    return (
        StatementTable(
            BEGROTING_DEELNEMINGEN,
            f"Deelnemingen tegen begroting {year} en {year - 1}",
            (f"Realisatie {year}", f"Begroot {year}", f"Realisatie {year - 1}"),
            tuple(rows),
        ),
    )


def _analysis_rows(regels: set[str], amounts: Any) -> list[tuple[str, int, tuple[Decimal, ...]]]:
    """(regel, level, amounts) of every line, part of a line and total of a part, in
    the order line, its parts; the totals of the parts last. ``amounts(regel)`` is the
    amounts of one ``resultaatanalyse`` exactly."""
    lines = sorted({r.partition(".")[0] for r in regels})
    parts = sorted({r.partition(".")[2] for r in regels if "." in r} - set(lines))

    def total(match: Any) -> tuple[Decimal, ...]:
        found = [amounts(r) for r in regels if match(r)]
        return tuple(sum(column, ZERO) for column in zip(*found, strict=True))

    rows: list[tuple[str, int, tuple[Decimal, ...]]] = []
    for line in lines:
        rows.append((line, 1, total(lambda r, line=line: r.partition(".")[0] == line)))
        rows += [(r, 2, amounts(r)) for r in sorted(regels) if r.startswith(f"{line}.")]
    for part in parts:
        rows.append((part, 2, total(lambda r, part=part: r.partition(".")[2] == part)))
    return rows


def _tegen_begroting(
    key: str,
    name: str,
    below: tuple[list[Figures], list[Figures]],
    realised: tuple[Decimal, Decimal],
) -> list[Row]:
    """The rows of one company with the companies below it (``below``, this year and
    the year before): none when their books hold neither a begroting of the year nor
    the lines of their result."""
    now, before = below
    budgeted = [b for b in (f.begroot for f in now) if b is not None]
    regels = {r for f in (*now, *before) for r in (*f.analyse, *f.analyse_begroot)}
    if not budgeted and not regels:
        return []
    budget = -sum(budgeted, ZERO) if budgeted else None
    rows = [
        Row(
            f"{key}.resultaat",
            f"{name}: resultaat voor belastingen",
            "line",
            (realised[0], budget, realised[1]),
            1,
        )
    ]

    def amounts(regel: str) -> tuple[Decimal, ...]:
        return (
            -sum((f.analyse.get(regel, ZERO) for f in now), ZERO),
            -sum((f.analyse_begroot.get(regel, ZERO) for f in now), ZERO),
            -sum((f.analyse.get(regel, ZERO) for f in before), ZERO),
        )

    for regel, level, found in _analysis_rows(regels, amounts):
        values = (found[0], found[1] if budgeted else None, found[2])
        label = f"{name}: {regel.replace('.', ', ').replace('_', ' ')}"
        rows.append(Row(f"{key}.{regel}", label, "line", values, level))
    return rows


def vermogen_deelnemingen(
    group: Group, consolidation: Consolidation, previous: Consolidation
) -> StatementTable:
    """Per company under the fiscal head its eigen vermogen at the year-end and a year
    earlier: the net assets in its own books (the companies below it at their net
    asset value), before the fiscal unity's VpB, which the head bears."""
    head = next(e for e in group.entities if e.fiscal_head)
    found = [{f.entity.key: f.net_assets() for f in c.figures} for c in (consolidation, previous)]
    rows = tuple(
        Row(e.key, e.label or e.name, "line", (found[0][e.key], found[1][e.key]), 1)
        for e in group.entities
        if e.parent == head.key
    )
    return StatementTable(
        VERMOGEN_DEELNEMINGEN,
        "Eigen vermogen van de deelnemingen",
        (str(consolidation.year), str(previous.year)),
        rows,
    )


def kasstroomoverzicht(
    consolidations: tuple[Consolidation, Consolidation, Consolidation],
    herwaardering: Mapping[int, Decimal],
) -> StatementTable:
    """The geconsolideerd kasstroomoverzicht by the indirect method (the layout
    ``KASSTROOM``), for the year of the first consolidation and the year before (the
    third gives that year's opening). Every line is a movement of the consolidated
    balance or a line of the consolidated result; the equity movements outside the
    result (omrekenverschillen) are their own line, so the netto kasstroom is the
    change in liquide middelen by construction of the books, and the statement stops
    when it is not. ``herwaardering`` is the movement of the herwaarderingsreserve per
    year: an equity movement without cash, taken out of the investeringen in
    financiële vaste activa. An account with ``kasstroom:`` moves its balance's
    movement from its line's flow to the flow it names."""

    def column(c: Consolidation, previous: Consolidation) -> dict[str, Decimal]:
        def moved(x: Consolidation) -> dict[tuple[str, str], Decimal]:
            found: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
            for f in x.figures:
                for key, amount in f.flows.items():
                    found[key] += amount
            return found

        flows_now, flows_before = moved(c), moved(previous)

        def balance(
            x: Consolidation, flows: Mapping[tuple[str, str], Decimal], line: str
        ) -> Decimal:
            return x.balance.get(line, ZERO) - sum(
                (a for (_, ln), a in flows.items() if ln == line), ZERO
            )

        def delta(lines: tuple[str, ...]) -> Decimal:
            return sum(
                (balance(c, flows_now, x) - balance(previous, flows_before, x) for x in lines),
                ZERO,
            )

        def res(lines: tuple[str, ...]) -> Decimal:
            return sum((c.result.get(x, ZERO) for x in lines), ZERO)

        # the result before the share of others: the aandeel derden is part of the
        # equity movement, as the bedrijfsresultaat counts it whole
        result = -sum(
            (
                a
                for x, a in c.result.items()
                if x not in ("dekking_uit_vermogen", "aandeel_derden_resultaat")
            ),
            ZERO,
        )
        revalued = herwaardering.get(c.year, ZERO)
        v: dict[str, Decimal] = {}
        for flow in KASSTROOM:
            if flow.kind != "line":
                v[flow.id] = sum((v[p] for p in flow.parts), ZERO)
                continue
            if flow.rule == "liquide":
                v[flow.id] = delta(flow.movement)
                continue
            amount = -delta(flow.movement) + res(flow.add_back) - res(flow.result)
            if flow.rule == "bedrijfsresultaat":
                amount = -sum((a for x, a in c.result.items() if x not in flow.result), ZERO)
            elif flow.rule == "omrekenverschillen":
                amount = -delta(("groepsvermogen", "aandeel_derden")) - result - revalued
            elif flow.rule == "herwaardering":
                amount += revalued
            v[flow.id] = amount
        for (flow_id, _), _ in {**flows_now, **flows_before}.items():
            if flow_id not in v:
                raise StatementErrors(
                    [(None, f"consolidatie {c.year}: kasstroom {flow_id!r} is geen regel")]
                )
        for key in set(flows_now) | set(flows_before):
            v[key[0]] -= flows_now.get(key, ZERO) - flows_before.get(key, ZERO)
        # the subtotals again, now that the moved flows are in
        for flow in KASSTROOM:
            if flow.kind != "line":
                v[flow.id] = sum((v[p] for p in flow.parts), ZERO)
        return v

    now = column(consolidations[0], consolidations[1])
    before = column(consolidations[1], consolidations[2])
    rows = tuple(
        Row(
            flow.id,
            flow.label,
            flow.kind,
            (now[flow.id], before[flow.id]),
            flow.level if flow.kind == "line" else 0,
            sums=tuple((1, p) for p in flow.parts),
        )
        for flow in KASSTROOM
    )
    for c, values in ((consolidations[0], now), (consolidations[1], before)):
        _closes(c, "kasstroomoverzicht", values["netto_kasstroom"], values["mutatie_liquide"])
    return StatementTable(
        "geconsolideerd.kasstroomoverzicht",
        "Geconsolideerd kasstroomoverzicht",
        (str(consolidations[0].year), str(consolidations[1].year)),
        rows,
    )


def overige_informatie(consolidation: Consolidation) -> tuple[StatementTable, ...]:
    """The commitments off the balance of every entity of the group, per year they fall
    due, and the credit lines and guarantees of the entities at the year-end."""
    from statements.bestuursverslag import commitments_table

    year = consolidation.year
    per_year: dict[int, Decimal] = defaultdict(Decimal)
    for fig in consolidation.figures:
        for due, amount in fig.commitments.items():
            per_year[due] += amount
    commitments = commitments_table(
        per_year,
        year,
        "overige_informatie.verplichtingen",
        "Niet in de balans opgenomen rechten en verplichtingen per jaar",
    )
    rows = []
    for fig in consolidation.figures:
        for number, g in enumerate(fig.guarantees, 1):
            if g.kind == OBLIGO:
                label = f"{fig.entity.name}: obligokrediet bij {g.bank}"
                detail = f"Zekerheid: {g.description}"
            else:
                label = f"{fig.entity.name}: bankgarantie via {g.bank}"
                detail = f"{g.description}; begunstigde {g.beneficiary}"
            row_id = f"{fig.entity.key}_{g.kind.removeprefix('vng-')}_{number}"
            rows.append(Row(row_id, label, "line", (None, g.amount), 1, texts=(detail, None)))
    guarantees = (
        StatementTable(
            "overige_informatie.bankgaranties",
            f"Bankgaranties per 31 december {year}",
            ("Toelichting", f"31 december {year}"),
            tuple(rows),
        )
        if rows
        else None
    )
    return tuple(t for t in (guarantees, commitments) if t is not None)


TENTH = Decimal("0.1")


def bezetting(
    group: Group, consolidation: Consolidation, previous: Consolidation
) -> tuple[StatementTable, ...]:
    """The group's staff at the year-end in fte, with note (31): the Vereniging, and
    each company under the fiscal head with the companies below it (as in note (23)),
    from each entity's ``vng-personeel``; none when no entity gives its fte."""
    top = next(e for e in group.entities if e.parent is None)
    head = next((e for e in group.entities if e.fiscal_head), None)
    under = head.key if head else top.key
    units = [(top, [top.key])]
    units += [(e, group.descendants(e.key)) for e in group.entities if e.parent == under]
    if head is not None:
        units.append((head, [head.key]))

    def fte(c: Consolidation, keys: list[str]) -> Decimal | None:
        given = [f.fte for f in c.figures if f.entity.key in keys and f.fte is not None]
        return sum(given, ZERO) if given else None

    names = {e.key: e.name for e in group.entities}
    rows = []
    for entity, keys in units:
        values = (fte(consolidation, keys), fte(previous, keys))
        if values == (None, None):
            continue
        staffed = [
            names[k]
            for k in keys[1:]
            if any(f.entity.key == k and f.fte for f in (*consolidation.figures, *previous.figures))
        ]
        label = entity.label or entity.name
        staffed = [n for n in staffed if _plain(n) != _plain(label)]  # the unit's own name
        if staffed:
            label += f" (incl. {', '.join(staffed)})"
        rows.append(Row(entity.key, label, "line", values, 1, texts=_tenths(values)))
    if not rows:
        return ()
    totals = tuple(sum((r.amounts[i] or ZERO for r in rows), ZERO) for i in range(2))
    rows.append(
        Row(
            "totaal",
            "Totaal",
            "total",
            totals,
            sums=tuple((1, r.id) for r in rows),
            texts=_tenths(totals),
        )
    )
    return (
        StatementTable(
            "toelichting.geconsolideerd.personeelslasten_bezetting",
            f"Bezetting in fte per 31 december {consolidation.year}",
            (f"Realisatie {consolidation.year}", f"Realisatie {previous.year}"),
            tuple(rows),
        ),
    )


def _tenths(values: tuple[Decimal | None, ...]) -> tuple[str | None, ...]:
    """fte as the note prints them: to one decimal, rounded once here."""
    return tuple(
        None if v is None else str(v.quantize(TENTH, rounding=ROUND_HALF_UP)).replace(".", ",")
        for v in values
    )


def _plain(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.lower())


def maatschappijen(group: Group, year: int) -> StatementTable:
    """The companies the geconsolidatie holds at the end of ``year``, from the group
    file: each with the entity that holds it and the share held."""
    year_end = datetime.date(year, 12, 31)
    names = {e.key: e.name for e in group.entities}
    rows = tuple(
        Row(
            e.key,
            e.name,
            "line",
            (None, e.share),
            1,
            texts=(names[e.parent], f"{(e.share * 100).normalize():f}%".replace(".", ",")),
        )
        for e in group.entities
        if e.parent is not None and e.since <= year_end
    )
    return StatementTable(
        "groep.maatschappijen",
        f"In de consolidatie opgenomen maatschappijen per 31 december {year}",
        ("Gehouden door", "Belang"),
        rows,
    )


# The group's figures in the kerninformatie: line of the statement -> its label there.
KERN_BALANS = {
    "totaal_vaste_activa": "Vaste activa",
    "totaal_vlottende_activa": "Vlottende activa",
    "totaal_eigen_vermogen": "Groepsvermogen",
    "voorzieningen": "Voorzieningen",
    "totaal_kortlopende_schulden": "Kortlopende schulden",
}
# The kerninformatie prints the balance in the books' sign: the passiva negative, so
# that its column nets to nil on the last line.
KERN_PASSIVA = frozenset({"totaal_eigen_vermogen", "voorzieningen", "totaal_kortlopende_schulden"})
KERN_BATEN_LASTEN = {
    "contributies": "Contributie",
    "baten_zonder_contributie": "Totale baten (exclusief contributie)",
    "som_der_lasten": "Totale lasten",
    "bedrijfsresultaat": "Bedrijfsresultaat",
    "som_financieel": "Financiële baten en lasten",
    "bijzondere_baten_lasten": "Bijzondere baten en lasten",
    "voorgaande_jaren": "Resultaat uit voorgaande jaren",
    "vpb": "Vennootschapsbelasting",
    "resultaat": "Resultaat boekjaar",
    "dekking_uit_vermogen": "Dekking uit het vermogen",
    "onverdeeld_resultaat": "Onverdeeld resultaat",
}


def _kern_balans(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """The balance's lines as the kerninformatie prints them: the passiva
    (``KERN_PASSIVA``) negative, and a last line that nets the column (nil when the
    balance balances)."""
    signed = tuple(
        replace(r, amounts=tuple(None if a is None else -a for a in r.amounts))
        if r.id in KERN_PASSIVA
        else r
        for r in rows
    )
    columns = range(len(rows[0].amounts)) if rows else range(0)
    saldo = tuple(sum((r.amounts[i] or ZERO for r in signed), ZERO) for i in columns)
    return (
        *signed,
        Row("saldo", "", "total", saldo, sums=tuple((1, r.id) for r in signed)),
    )


def kerninformatie(
    balans: StatementTable, resultaat: StatementTable, year: int
) -> tuple[StatementTable, StatementTable]:
    """The group's balance and result as the kerninformatie summarises them: lines of
    the geconsolideerde statements under their labels there, and the baten without the
    contributie (the som der baten less the contributies)."""

    def line(table: StatementTable, key: str, label: str) -> Row:
        if key == "baten_zonder_contributie":
            total, dues = table.row("som_der_baten"), table.row("contributies")
            amounts = tuple(
                None if t is None else t - (d or ZERO)
                for t, d in zip(total.amounts, dues.amounts, strict=True)
            )
            accounts = tuple(sorted(set(total.accounts) - set(dues.accounts)))
            return Row(key, label, "line", amounts, 1, accounts=accounts)
        row = table.row(key)
        kind = "line" if row.kind == "total" else row.kind
        return Row(key, label, kind, row.amounts, 1, accounts=row.accounts)

    return (
        StatementTable(
            "kerninformatie.groep_balans",
            f"Geconsolideerde balans van de VNG per ultimo {year}",
            balans.columns,
            _kern_balans(tuple(line(balans, k, label) for k, label in KERN_BALANS.items())),
        ),
        StatementTable(
            "kerninformatie.groep_baten_lasten",
            f"Geconsolideerde staat van baten en lasten van de VNG {year}",
            resultaat.columns,
            tuple(line(resultaat, k, label) for k, label in KERN_BATEN_LASTEN.items()),
        ),
    )
