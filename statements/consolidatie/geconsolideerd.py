"""The geconsolideerde jaarrekening from the consolidation: balans, staat van baten en
lasten, mutatie eigen vermogen, kasstroomoverzicht (indirect method), the toelichting
on the resultaat deelnemingen (23) when the group has a fiscal unity, and the two
consolidation worksheets (each entity, each elimination, the group).

The statements assert that they close: the mutatie eigen vermogen on the change of
group equity in the balans, the netto kasstroom on the change of the liquide middelen.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from statements.consolidatie.eliminaties import Consolidation, consolidate
from statements.consolidatie.omrekening import ZERO, Figures, GroupFigures
from statements.errors import StatementErrors
from statements.table import Row, StatementTable
from vng_accounts.groep import Group
from vng_accounts.layouts import GECONSOLIDEERD_BALANS as GB
from vng_accounts.layouts import GECONSOLIDEERD_BATEN_LASTEN as GW
from vng_accounts.layouts import Layout


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
        (resultaat_deelnemingen(group, now, before),)
        if any(e.fiscal_head for e in group.entities)
        else ()
    )
    return (
        balans,
        resultaat,
        mutatie_eigen_vermogen(now, before, opening),
        kasstroomoverzicht(
            (now, before, opening),
            {c.year: _herwaardering(c) for c in (now, before)},
        ),
        *notes,
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

    def column(c: Consolidation) -> dict[str, Decimal]:
        figures = {f.entity.key: f for f in c.figures}
        values = {
            e.key: sum((own(figures[k]) for k in group.descendants(e.key)), ZERO)
            for e in group.entities
            if e.parent == head.key
        }
        values[head.key] = own(figures[head.key])
        values["vpb"] = -figures[head.key].result.get("vpb", ZERO)
        return values

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
        # the result before the share of others: the aandeel derden is part of the
        # equity movement below, as the bedrijfsresultaat above counts it whole
        result = -sum(
            (
                a
                for x, a in c.result.items()
                if x not in ("dekking_uit_vermogen", "aandeel_derden_resultaat")
            ),
            ZERO,
        )
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
    for c, column in ((consolidations[0], now), (consolidations[1], before)):
        _closes(c, "kasstroomoverzicht", column["netto_kasstroom"], column["mutatie_liquide"])
    return StatementTable(
        "geconsolideerd.kasstroomoverzicht",
        "Geconsolideerd kasstroomoverzicht",
        (str(consolidations[0].year), str(consolidations[1].year)),
        tuple(rows),
    )
