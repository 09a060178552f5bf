"""The geconsolideerde jaarrekening of the VNG: the group's books consolidate to the
published figures; errata recorded; invariants asserted on the real group."""

from __future__ import annotations

from decimal import Decimal

import pytest

from statements.consolidatie import build_geconsolideerd, consolidate
from statements.enkelvoudig import balance_lines
from statements.table import StatementTable
from tests import published_2024 as pub
from tests.conftest import ROOT, group_figures
from tests.test_published_report import assert_close, in_thousands
from vng_accounts.books import Books
from vng_accounts.layouts import SUBSIDIES

GROUP = ROOT / "ledger" / "groep" / "groep.beancount"


@pytest.fixture(scope="module")
def group():  # type: ignore[no-untyped-def]
    return group_figures(GROUP, 2024)


@pytest.fixture(scope="module")
def tables(group) -> dict[str, StatementTable]:  # type: ignore[no-untyped-def]
    return {t.id: t for t in build_geconsolideerd(group[0], group[1], 2024)}


@pytest.mark.parametrize("line", sorted(pub.GECONSOLIDEERD_BALANS))
def test_balans(tables: dict[str, StatementTable], line: str) -> None:
    row = tables["geconsolideerd.balans"].row(line)
    for column, printed in enumerate(pub.GECONSOLIDEERD_BALANS[line]):
        erratum = pub.GECONSOLIDEERD_ERRATA.get((line, column))
        assert_close(
            row.amounts[column],
            erratum[0] if erratum else printed,
            f"{line} {column}",
        )


@pytest.mark.parametrize("line", sorted(pub.GECONSOLIDEERD_BATEN_LASTEN))
def test_baten_lasten(tables: dict[str, StatementTable], line: str) -> None:
    row = tables["geconsolideerd.staat_van_baten_en_lasten"].row(line)
    for column, printed in enumerate(pub.GECONSOLIDEERD_BATEN_LASTEN[line]):
        assert_close(
            row.amounts[column],
            printed,
            f"{line} {column}",
        )


def test_mutatie_eigen_vermogen(tables: dict[str, StatementTable]) -> None:
    table = tables["geconsolideerd.mutatie_eigen_vermogen"]
    for line, printed in pub.MUTATIE_EIGEN_VERMOGEN.items():
        for column, value in enumerate(printed):
            assert_close(
                table.row(line).amounts[column],
                value,
                f"{line} {column}",
            )
    assert table.row("overige").amounts == (0, 0)


def test_resultaat_deelnemingen(tables: dict[str, StatementTable]) -> None:
    table = tables["toelichting.resultaat_deelnemingen"]
    assert [r.label for r in table.rows][:2] == [
        "Congres- en Studiecentrum VNG B.V.",
        "VNG International B.V.",
    ]
    for line, printed in pub.RESULTAAT_DEELNEMINGEN.items():
        for column, value in enumerate(printed):
            erratum = pub.GECONSOLIDEERD_ERRATA.get((f"deelnemingen.{line}", column))
            assert_close(
                table.row(line).amounts[column],
                erratum[0] if erratum else value,
                f"{line} {column}",
            )


def test_erratum_groepsvermogen_2024_differs_from_the_enkelvoudige() -> None:
    groep, enkel = pub.GECONSOLIDEERD_BALANS["groepsvermogen"], pub.BALANS["totaal_eigen_vermogen"]
    assert groep[1] == enkel[1] and groep[0] != enkel[0]
    assert pub.GECONSOLIDEERD_ERRATA[("groepsvermogen", 0)][0] == enkel[0]


def test_erratum_activa_in_uitvoering_2024_differs_from_the_enkelvoudige() -> None:
    groep, enkel = (
        pub.GECONSOLIDEERD_BALANS["activa_in_uitvoering"],
        pub.BALANS["activa_in_uitvoering"],
    )
    assert groep[1] == enkel[1] and groep[0] != enkel[0]
    assert pub.MVA["boekwaarde_eind"][1] == enkel[0]
    assert pub.GECONSOLIDEERD_ERRATA[("activa_in_uitvoering", 0)][0] == enkel[0]


def test_erratum_resultaat_deelnemingen_2023_differs_from_the_enkelvoudige() -> None:
    enkel = pub.BATEN_LASTEN["resultaat_deelnemingen"][2]
    assert enkel == pub.VERLOOP["deelneming_vng_diensten"]["Aandeel in resultaat"][1]
    assert pub.RESULTAAT_DEELNEMINGEN["totaal"][1] != enkel
    assert pub.GECONSOLIDEERD_ERRATA[("deelnemingen.totaal", 1)][0] == enkel


def test_erratum_vpb_2023_printed_twice_differently() -> None:
    """One charge, the fiscal unity's VpB 2023: -456 in the geconsolideerde staat van
    baten en lasten, -455 in the toelichting resultaat deelnemingen."""
    staat = pub.GECONSOLIDEERD_BATEN_LASTEN["vpb"]
    toelichting = pub.RESULTAAT_DEELNEMINGEN["vpb"]
    assert staat[0] == toelichting[0] and staat[1] != toelichting[1]
    assert pub.GECONSOLIDEERD_ERRATA[("deelnemingen.vpb", 1)][:2] == (staat[1], toelichting[1])


def test_erratum_consolidated_effecten_2023_differs_from_the_enkelvoudige() -> None:
    assert pub.GECONSOLIDEERD_BALANS["overige_effecten"][1] != pub.BALANS["overige_effecten"][1]
    assert (
        pub.TOELICHTING["overige_effecten"]["totaal"][1]
        == (pub.GECONSOLIDEERD_ERRATA[("overige_effecten", 1)][0])
    )


@pytest.mark.parametrize("year", [2023, 2024])
def test_invariants(group, year: int) -> None:  # type: ignore[no-untyped-def]
    result = consolidate(group[0], group[1], year)
    for elimination in result.eliminations:
        assert sum(elimination.amounts.values()) == 0, elimination.description
    for figures in result.figures:
        assert abs(sum(figures.balance.values())) < Decimal("0.05"), figures.entity.key
    assert abs(sum(result.balance.values())) < Decimal("0.05")
    vereniging = next(f for f in result.figures if f.entity.key == "vereniging")
    # group equity is the vereniging's equity, within the rounding of translated cents
    assert abs(-result.balance["groepsvermogen"] - vereniging.net_assets()) <= Decimal("1.00")
    assert -sum(v for k, v in result.result.items() if k != "dekking_uit_vermogen") == (
        -sum(v for k, v in vereniging.result.items() if k != "dekking_uit_vermogen")
    )


@pytest.mark.parametrize("year", [2022, 2023])
def test_a_balance_presents_the_subsidies_as_the_setting_at_its_date(
    group, books: Books, year: int
) -> None:  # type: ignore[no-untyped-def]
    """Through the balance per 31 December 2023 the subsidies were presented netted,
    the eindbalans 2022 included: it is the books' openingsbalans (booked on
    1 January 2023) and the start of the kasstroomoverzicht 2023, which compares like
    with like. The consolidation nets the Vereniging's balance as its enkelvoudige
    balans does, the opening balance too."""
    figures = group[1][("vereniging", year)]
    netted, bruto = balance_lines(books, year), balance_lines(books, year, netted=False)
    for line in (SUBSIDIES.debit_line, SUBSIDIES.credit_line):
        assert netted.amounts[line] != bruto.amounts[line], line
        assert figures.balance[line] == netted.amounts[line], line


# Printed as separate lines; the books keep OHW among the vorderingen.
KASSTROOM_VORDERINGEN_2024 = -88768 + -274
# "Toename kortlopende schulden" 2024, as printed.
KASSTROOM_SCHULDEN_2024_PRINTED = 77386
# The operational lines printed between "Kasstroom uit bedrijfsoperaties" and
# "Kasstroom uit operationele activiteiten" (2024), which the report totals as 513.
KASSTROOM_OPERATIONEEL_PRINTED = 513
KASSTROOM_OPERATIONEEL_PARTS = (-11898, 1395, 813, -21, -1053, 49, 12, 0, 0, -682)


def test_kasstroomoverzicht_2024(tables: dict[str, StatementTable]) -> None:
    table = tables["geconsolideerd.kasstroomoverzicht"]
    for line, printed in pub.KASSTROOM_2024.items():
        assert_close(
            table.row(line).amounts[0],
            printed,
            line,
        )
    assert_close(table.row("vorderingen").amounts[0], KASSTROOM_VORDERINGEN_2024, "vorderingen")


def test_erratum_kasstroom_operationeel_computed(tables: dict[str, StatementTable]) -> None:
    """The published report contradicts itself: its operational components add to
    -11.385 (and with the investeringen to its netto kasstroom of -12.425), but it
    prints 513 as their subtotal. The books give the sum of the components."""
    table = tables["geconsolideerd.kasstroomoverzicht"]
    computed = table.row("operationeel").amounts[0]
    assert_close(
        computed,
        sum(KASSTROOM_OPERATIONEEL_PARTS),
        "operationeel",
    )
    assert_close(
        computed + table.row("investering").amounts[0],
        sum(KASSTROOM_OPERATIONEEL_PARTS) + pub.KASSTROOM_2024["investering"],
        "netto",
    )
    assert round(computed / 1000) != KASSTROOM_OPERATIONEEL_PRINTED


# The 2023 lines the books give as printed (x € 1.000): the books' line -> printed lines.
# The books keep the koersresultaat deelnemingen among the rentebaten (as in 2024: the
# printed 1.395 + 49 are the staat's rentebaten of 1.444).
KASSTROOM_2023_AS_PRINTED = {
    "vorderingen": ("vorderingen",),
    "voorzieningen": ("voorzieningen",),
    "ontvangen_interest": ("ontvangen_interest", "koersresultaat_deelnemingen"),
    "betaalde_interest": ("betaalde_interest",),
    "omrekenverschillen": ("omrekenverschillen",),
    "bijzondere_baten_lasten": ("bijzondere_baten_lasten",),
    "voorgaande_jaren": ("voorgaande_jaren",),
    "imva": ("imva",),
    "mva": ("mva",),
    "fva": ("fva",),
    "investering": ("investering",),
    "financiering": ("financiering",),
    "netto_kasstroom": ("netto_kasstroom",),
    "mutatie_liquide": ("mutatie_liquide",),
}


@pytest.mark.parametrize("line", sorted(KASSTROOM_2023_AS_PRINTED))
def test_kasstroomoverzicht_2023_line_as_printed(
    tables: dict[str, StatementTable], line: str
) -> None:
    printed = pub.KASSTROOM_2023
    want = sum(printed[p] or 0 for p in KASSTROOM_2023_AS_PRINTED[line])
    assert_close(tables["geconsolideerd.kasstroomoverzicht"].row(line).amounts[1], want, line)


def test_kasstroomoverzicht_2023_resultaat_effecten(tables: dict[str, StatementTable]) -> None:
    """The effecten are printed in two lines that the staat van baten en lasten prints
    as one, 3.623; the two lines, each rounded on its own, add to 3.622. The books' line
    is the staat's."""
    printed = pub.KASSTROOM_2023
    got = tables["geconsolideerd.kasstroomoverzicht"].row("resultaat_effecten").amounts[1]
    assert_close(got, pub.GECONSOLIDEERD_BATEN_LASTEN["opbrengst_effecten"][1], "effecten")
    parts = printed["ontvangen_dividend"] + printed["resultaat_effectentransacties"]
    assert in_thousands(got) - parts == 1
    # the VpB: the printed charge, the books what was paid (see the VpB erratum below)
    assert printed["vpb"] == pub.KASSTROOM_VPB_PRINTED[1]


def _flow_balance(figures, flow: str, year: int) -> Decimal:  # type: ignore[no-untyped-def]
    """The balance at the end of ``year`` of the group's accounts that say
    ``kasstroom: flow``."""
    return sum(
        (
            amount
            for (_, y), fig in figures.items()
            if y == year
            for (key, _), amount in fig.flows.items()
            if key == flow
        ),
        Decimal(0),
    )


def test_kasstroom_interest_is_what_was_received_and_paid(
    group, tables: dict[str, StatementTable]
) -> None:  # type: ignore[no-untyped-def]
    """The interest lines of the kasstroomoverzicht are cash (RJ 360): the rentebaten
    less the increase of the interest still to be received, the rentelasten plus the
    decrease of the interest still to be paid. The report's 2024 column is the staat's
    rentebaten (1.395 + 49 = 1.444) and rentelasten (-21): no accrued interest moved in
    2024. Its 2023 column (1.979 + 52 and -336) is not the staat's (1.704 and nil), so
    no accrual basis gives it: the interest accrued at the end of 2022 was received and
    paid in 2023. The accounts of the accrued interest say so in the books
    (``kasstroom:`` on their ``open``), and their movement is not in the mutatie
    vorderingen or kortlopende schulden."""
    staat = pub.GECONSOLIDEERD_BATEN_LASTEN
    received_2024, paid_2024 = KASSTROOM_OPERATIONEEL_PARTS[1], KASSTROOM_OPERATIONEEL_PARTS[3]
    koers_2024 = KASSTROOM_OPERATIONEEL_PARTS[5]
    assert received_2024 + koers_2024 == staat["rentebaten"][0]
    assert paid_2024 == staat["rentelasten"][0]
    printed = pub.KASSTROOM_2023
    received = printed["ontvangen_interest"] + printed["koersresultaat_deelnemingen"]
    assert received != staat["rentebaten"][1]
    assert printed["betaalde_interest"] != staat["rentelasten"][1]
    table = tables["geconsolideerd.kasstroomoverzicht"]
    figures = group[1]
    pairs = (("ontvangen_interest", "rentebaten"), ("betaalde_interest", "rentelasten"))
    for column, year in enumerate((2024, 2023)):
        result = consolidate(group[0], figures, year).result
        for flow, line in pairs:
            moved = _flow_balance(figures, flow, year) - _flow_balance(figures, flow, year - 1)
            assert table.row(flow).amounts[column] == -result.get(line, Decimal(0)) - moved
            assert (moved == 0) == (year == 2024), (flow, year)
    assert_close(table.row("ontvangen_interest").amounts[0], received_2024 + koers_2024, "2024")
    assert_close(table.row("betaalde_interest").amounts[0], paid_2024, "2024")


@pytest.mark.parametrize("column", [0, 1])
def test_erratum_kasstroom_kortlopende_schulden_hold_the_vpb_charged_not_paid(
    tables: dict[str, StatementTable], column: int
) -> None:
    """The report's VpB line is the year's charge (see the erratum of the betaalde VpB),
    so its mutatie kortlopende schulden holds the movement of the VpB payable that the
    books show as VpB paid: in both columns the printed kortlopende schulden and VpB add
    up to the books' (2024: 77.386 - 682 = 77.160 - 456; 2023: -5.760 - 455 = -5.815 -
    400). So the books' kortlopende schulden, and the kasstroom uit bedrijfsoperaties
    that holds them (2023: -656 printed), differ from the print by what its VpB line
    holds beyond the tax paid; from there on every figure is the printed one."""
    table = tables["geconsolideerd.kasstroomoverzicht"]
    vpb = pub.KASSTROOM_VPB_PRINTED[column]
    printed = {
        0: {"kortlopende_schulden": KASSTROOM_SCHULDEN_2024_PRINTED},
        1: {
            line: pub.KASSTROOM_2023[line] for line in ("kortlopende_schulden", "bedrijfsoperaties")
        },
    }[column]
    paid = table.row("vpb").amounts[column]
    assert round(paid / 1000) != vpb
    for line, value in printed.items():
        books = table.row(line).amounts[column]
        assert_close(books + paid, value + vpb, line)
        assert in_thousands(books) != value


def test_erratum_kasstroom_2023_bedrijfsresultaat_and_afschrijvingen_shifted(
    tables: dict[str, StatementTable],
) -> None:
    """The 2023 column prints "-" for the bedrijfsresultaat and 2.094 for the
    afschrijvingen: 2.094 is the bedrijfsresultaat of the staat van baten en lasten
    (-2.094), and the printed subtotal of 1.438 holds afschrijvingen of 1.496 (the
    staat's 10 + 1.486): 1.438 - 5.706 + 4 + 5.760. The printed kasstroom uit
    bedrijfsoperaties, -656, is -2.094 + 1.438."""
    printed = pub.KASSTROOM_2023
    staat = pub.GECONSOLIDEERD_BATEN_LASTEN
    afschrijvingen = printed["mutaties"] - sum(
        printed[line] or 0
        for line in ("ohw", "vorderingen", "voorzieningen", "kortlopende_schulden")
    )
    assert afschrijvingen == staat["afschrijvingen_imva"][1] + staat["afschrijvingen_mva"][1]
    assert afschrijvingen != printed["afschrijvingen"]
    bedrijfsresultaat = printed["bedrijfsoperaties"] - printed["mutaties"]
    assert bedrijfsresultaat == staat["bedrijfsresultaat"][1] == -printed["afschrijvingen"]
    assert printed["bedrijfsresultaat"] is None
    table = tables["geconsolideerd.kasstroomoverzicht"]
    assert_close(table.row("bedrijfsresultaat").amounts[1], bedrijfsresultaat, "bedrijfsresultaat")
    assert_close(table.row("afschrijvingen").amounts[1], afschrijvingen, "afschrijvingen")


def test_erratum_kasstroom_operationeel_leaves_out_the_bedrijfsoperaties(
    tables: dict[str, StatementTable],
) -> None:
    """The printed operationele kasstroom is the sum of the lines below the kasstroom
    uit bedrijfsoperaties only — 4.902 in 2023, as 513 in 2024 (-11.385 + 11.898); with
    the bedrijfsoperaties (-656) it is 4.246, and only 4.246 with the investeringen of
    -5.468 gives the printed netto kasstroom of -1.222: that figure is no erratum, and
    it is the books' too. The books' column adds up, its operationele kasstroom 4.246."""
    printed = pub.KASSTROOM_2023
    lines = sum(printed[line] or 0 for line in pub.KASSTROOM_2023_OPERATIONEEL_LINES)
    assert lines == printed["operationeel"] == pub.KASSTROOM_2023_PRINTED["operationeel"]
    operationeel = printed["bedrijfsoperaties"] + lines
    assert operationeel == 4246
    assert operationeel + printed["investering"] == printed["netto_kasstroom"]
    assert sum(KASSTROOM_OPERATIONEEL_PARTS[1:]) == KASSTROOM_OPERATIONEEL_PRINTED
    table = tables["geconsolideerd.kasstroomoverzicht"]
    parts = ("operationeel", "investering", "financiering")
    books = table.row("netto_kasstroom").amounts[1]
    assert books == sum((table.row(p).amounts[1] for p in parts), Decimal(0))
    assert in_thousands(table.row("operationeel").amounts[1]) != printed["operationeel"]
    assert_close(table.row("operationeel").amounts[1], operationeel, "operationeel")
    assert_close(books, printed["netto_kasstroom"], "netto_kasstroom")


@pytest.mark.parametrize("column", [0, 1])
def test_netto_kasstroom_is_the_change_in_liquide_middelen(
    group, tables: dict[str, StatementTable], column: int
) -> None:  # type: ignore[no-untyped-def]
    table = tables["geconsolideerd.kasstroomoverzicht"]
    year = 2024 - column
    now = consolidate(group[0], group[1], year).balance["liquide_middelen"]
    before = consolidate(group[0], group[1], year - 1).balance["liquide_middelen"]
    assert table.row("netto_kasstroom").amounts[column] == now - before
    assert table.row("mutatie_liquide").amounts[column] == now - before
    parts = ("operationeel", "investering", "financiering")
    assert sum((table.row(p).amounts[column] for p in parts), Decimal(0)) == now - before


def test_erratum_betaalde_vpb_is_what_was_paid(group, tables: dict[str, StatementTable]) -> None:  # type: ignore[no-untyped-def]
    """The report prints the year's VpB charge as "Betaalde/ontvangen
    vennootschapsbelasting". The fiscal unity's VpB of a year is payable at its end and
    paid the year after (the payable carries ``kasstroom: "vpb"``), so the line shows the
    charge plus the movement of the payable: in 2024 the 2023 tax paid, not the 682
    charged; the rest of the movement is no longer in the mutatie kortlopende schulden.
    The operationele kasstroom and the netto kasstroom are the same either way."""
    table = tables["geconsolideerd.kasstroomoverzicht"]
    figures = group[1]
    payable = {
        year: figures[("diensten", year)].flows[("vpb", "belastingen_schuld")]
        for year in (2022, 2023, 2024)
    }
    charge = {year: figures[("diensten", year)].result["vpb"] for year in (2023, 2024)}
    for column, year in enumerate((2024, 2023)):
        paid = -charge[year] - (payable[year] - payable[year - 1])
        assert table.row("vpb").amounts[column] == paid
        # the published figure is the charge, which the books do not show as paid
        assert_close(-charge[year], pub.GECONSOLIDEERD_BATEN_LASTEN["vpb"][column], "vpb")
        assert round(paid / 1000) != pub.KASSTROOM_VPB_PRINTED[column]
    # printed as the toelichting resultaat deelnemingen has the charge (2023: -455)
    assert pub.KASSTROOM_VPB_PRINTED == pub.RESULTAAT_DEELNEMINGEN["vpb"]
    # 2024: the 2023 liability of 456 paid; 2023: the 2022 liability of 400
    assert [round(a / 1000) for a in table.row("vpb").amounts] == [-456, -400]
