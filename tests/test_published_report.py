"""The enkelvoudige jaarrekening computed from the books reproduces the published
report: every figure, rounded to € 1.000, within 1 (rounding), in every column."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from statements.table import StatementTable
from tests import published_2024 as pub

THOUSAND = Decimal(1000)


def in_thousands(amount: Decimal | None) -> int | None:
    if amount is None:
        return None
    return int((amount / THOUSAND).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def expected(statement: str, line: str, column: int, printed: int | None) -> int | None:
    erratum = pub.ERRATA.get((statement, line, column))
    return erratum[0] if erratum else printed


def assert_close(got: Decimal | None, want: int | None, where: str) -> None:
    if want is None:
        assert got is None or in_thousands(got) == 0, f"{where}: verwacht '-', kreeg {got}"
        return
    assert got is not None, f"{where}: geen bedrag, verwacht {want}"
    assert abs(in_thousands(got) - want) <= 1, f"{where}: {in_thousands(got)} i.p.v. {want}"


@pytest.mark.parametrize("line", sorted(pub.BALANS))
def test_balans(tables_2024: dict[str, StatementTable], line: str) -> None:
    row = tables_2024["enkelvoudig.balans"].row(line)
    for column, printed in enumerate(pub.BALANS[line]):
        want = expected("balans", line, column, printed)
        assert_close(row.amounts[column], want, f"balans {line} kolom {column}")


@pytest.mark.parametrize("line", sorted(pub.BATEN_LASTEN))
def test_baten_lasten(tables_2024: dict[str, StatementTable], line: str) -> None:
    row = tables_2024["enkelvoudig.staat_van_baten_en_lasten"].row(line)
    for column, printed in enumerate(pub.BATEN_LASTEN[line]):
        want = expected("baten_lasten", line, column, printed)
        assert_close(row.amounts[column], want, f"baten en lasten {line} kolom {column}")


def test_begroting_lines_without_budget_are_empty(tables_2024: dict[str, StatementTable]) -> None:
    table = tables_2024["enkelvoudig.staat_van_baten_en_lasten"]
    for line in ("financiele_baten_lasten", "resultaat_deelnemingen", "vpb"):
        assert table.row(line).amounts[1] is None


@pytest.mark.parametrize("note", sorted(pub.TOELICHTING))
def test_toelichting(tables_2024: dict[str, StatementTable], note: str) -> None:
    table = tables_2024[f"toelichting.{note}"]
    for line, printed in pub.TOELICHTING[note].items():
        row = table.row(line)
        assert len(row.amounts) == len(printed)
        for column, want in enumerate(printed):
            assert_close(row.amounts[column], want, f"toelichting {note} {line} kolom {column}")


def test_kengetallen(tables_2024: dict[str, StatementTable]) -> None:
    table = tables_2024["enkelvoudig.kengetallen"]
    solv = table.row("solvabiliteit").amounts
    assert [str((a * 100).quantize(Decimal("0.01"))) for a in solv] == [
        pub.SOLVABILITEIT["2024"], pub.SOLVABILITEIT["2023"]]
    bruto = table.row("solvabiliteit_bruto").amounts[1]
    assert str((bruto * 100).quantize(Decimal("0.01"))) == pub.SOLVABILITEIT["2023 bruto"]
    positie = table.row("liquiditeitspositie").amounts
    for got, year in zip(positie, ("2024", "2023"), strict=True):
        assert_close(got, pub.LIQUIDITEITSPOSITIE[year], f"liquiditeitspositie {year}")


# --- the errata: the printed figure really contradicts the report itself -------------

def test_erratum_shifted_2023_receivables_contradict_the_notes() -> None:
    notes = pub.TOELICHTING
    printed = {line: pub.BALANS[line][1] for line in
               ("gelieerde_ondernemingen", "belastingen_vordering", "intercompany_vordering")}
    assert printed["belastingen_vordering"] != notes["belastingen_vordering"]["totaal"][1]
    assert printed["intercompany_vordering"] != notes["intercompany_vordering"]["totaal"][1]
    # one row down, every printed cell is its neighbour's note total
    assert printed["gelieerde_ondernemingen"] == notes["belastingen_vordering"]["totaal"][1]
    assert printed["belastingen_vordering"] == notes["intercompany_vordering"]["totaal"][1]
    assert printed["intercompany_vordering"] == pub.ERRATA[("balans", "overlopende_activa", 1)][0]


def test_erratum_salaries_classified_differently_in_2023() -> None:
    note = pub.TOELICHTING["personeelslasten"]
    salarissen = pub.BATEN_LASTEN["salarissen"]
    # 2024: the statement line includes the vergoedingen ...
    assert salarissen[0] == note["salarissen"][0] + note["vergoedingen"][0]
    # ... 2023: it does not, the sociale lasten line carries them
    assert salarissen[2] == note["salarissen"][2]
    assert pub.BATEN_LASTEN["sociale_lasten"][2] == (
        note["sociale_lasten"][2] + note["pensioenlasten"][2] + note["vergoedingen"][2])
    assert pub.ERRATA[("baten_lasten", "salarissen", 2)][0] == (
        note["salarissen"][2] + note["vergoedingen"][2])


def test_every_erratum_differs_from_the_print() -> None:
    for key, (follows, printed, reason) in pub.ERRATA.items():
        assert follows != printed and reason, key


@pytest.fixture(scope="module")
def specificaties(books) -> dict[str, StatementTable]:  # type: ignore[no-untyped-def]
    from statements.specificaties import build_specificaties
    return {t.id: t for t in build_specificaties(books, 2024)}


@pytest.mark.parametrize("line", sorted(pub.MVA))
def test_verloop_materiele_vaste_activa(specificaties: dict[str, StatementTable], line: str) -> None:
    row = specificaties["toelichting.materiele_vaste_activa"].row(line)
    for column, want in enumerate(pub.MVA[line]):
        assert_close(row.amounts[column], want, f"mva {line} kolom {column}")


@pytest.mark.parametrize("key", sorted(pub.FINANCIERING))
def test_project_gefinancierd(specificaties: dict[str, StatementTable], key: str) -> None:
    table = specificaties[f"toelichting.{key}_financiering"]
    for line, values in pub.FINANCIERING[key].items():
        for column, want in enumerate(values):
            assert_close(table.row(line).amounts[column], want, f"{key} {line} kolom {column}")


def test_mva_schedule_ends_where_the_balance_sheet_does(
        specificaties: dict[str, StatementTable], tables_2024: dict[str, StatementTable]) -> None:
    schedule = specificaties["toelichting.materiele_vaste_activa"]
    balans = tables_2024["enkelvoudig.balans"]
    assert schedule.row("boekwaarde_eind").amounts[-1] == balans.row("totaal_mva").amounts[0]
    assert schedule.row("boekwaarde_begin").amounts[-1] == balans.row("totaal_mva").amounts[1]
    afschrijvingen = tables_2024["enkelvoudig.staat_van_baten_en_lasten"].row("afschrijvingen")
    assert -schedule.row("afschrijvingen").amounts[-1] == afschrijvingen.amounts[0]
