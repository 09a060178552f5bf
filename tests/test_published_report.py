"""The enkelvoudige jaarrekening computed from the books reproduces the published
report: every figure, rounded to € 1.000 from the unrounded amounts, exactly as
printed, in every column (the errata aside)."""

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
    """The computed figure rounds to exactly the printed one (no tolerance)."""
    if want is None:
        assert got is None or in_thousands(got) == 0, f"{where}: verwacht '-', kreeg {got}"
        return
    assert got is not None, f"{where}: geen bedrag, verwacht {want}"
    assert in_thousands(got) == want, f"{where}: {in_thousands(got)} i.p.v. {want}"


@pytest.mark.parametrize("line", sorted(pub.BALANS))
def test_balans(tables_2024: dict[str, StatementTable], line: str) -> None:
    row = tables_2024["enkelvoudig.balans"].row(line)
    for column, printed in enumerate(pub.BALANS[line]):
        want = expected("balans", line, column, printed)
        assert_close(
            row.amounts[column],
            want,
            f"balans {line} kolom {column}",
        )


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
            assert_close(
                row.amounts[column],
                want,
                f"toelichting {note} {line} kolom {column}",
            )


def test_kengetallen(tables_2024: dict[str, StatementTable]) -> None:
    table = tables_2024["enkelvoudig.kengetallen"]
    solv = table.row("solvabiliteit").amounts
    assert [str((a * 100).quantize(Decimal("0.01"))) for a in solv] == [
        pub.SOLVABILITEIT["2024"],
        pub.SOLVABILITEIT["2023"],
    ]
    bruto = table.row("solvabiliteit_bruto").amounts[1]
    assert str((bruto * 100).quantize(Decimal("0.01"))) == pub.SOLVABILITEIT["2023 bruto"]
    positie = table.row("liquiditeitspositie").amounts
    for got, year in zip(positie, ("2024", "2023"), strict=True):
        assert_close(got, pub.LIQUIDITEITSPOSITIE[year], f"liquiditeitspositie {year}")


# --- the errata: the printed figure really contradicts the report itself -------------


def test_erratum_shifted_2023_receivables_contradict_the_notes() -> None:
    notes = pub.TOELICHTING
    printed = {
        line: pub.BALANS[line][1]
        for line in ("gelieerde_ondernemingen", "belastingen_vordering", "intercompany_vordering")
    }
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
        note["sociale_lasten"][2] + note["pensioenlasten"][2] + note["vergoedingen"][2]
    )
    assert pub.ERRATA[("baten_lasten", "salarissen", 2)][0] == (
        note["salarissen"][2] + note["vergoedingen"][2]
    )


def test_every_erratum_differs_from_the_print() -> None:
    for key, (follows, printed, reason) in pub.ERRATA.items():
        assert follows != printed and reason, key


@pytest.fixture(scope="module")
def specificaties(books) -> dict[str, StatementTable]:  # type: ignore[no-untyped-def]
    from statements.specificaties import build_specificaties

    return {t.id: t for t in build_specificaties(books, 2024)}


@pytest.mark.parametrize("line", sorted(pub.MVA))
def test_verloop_materiele_vaste_activa(
    specificaties: dict[str, StatementTable], line: str
) -> None:
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
    specificaties: dict[str, StatementTable], tables_2024: dict[str, StatementTable]
) -> None:
    schedule = specificaties["toelichting.materiele_vaste_activa"]
    balans = tables_2024["enkelvoudig.balans"]
    assert schedule.row("boekwaarde_eind").amounts[-1] == balans.row("totaal_mva").amounts[0]
    assert schedule.row("boekwaarde_begin").amounts[-1] == balans.row("totaal_mva").amounts[1]
    afschrijvingen = tables_2024["enkelvoudig.staat_van_baten_en_lasten"].row("afschrijvingen")
    assert -schedule.row("afschrijvingen").amounts[-1] == afschrijvingen.amounts[0]


@pytest.fixture(scope="module")
def verlopen(books) -> dict[str, StatementTable]:  # type: ignore[no-untyped-def]
    from statements.verloop import build_verlopen

    return {t.id: t for t in build_verlopen(books, 2024)}


def _by_label(table: StatementTable) -> dict[str, tuple]:  # type: ignore[type-arg]
    return {row.label: row.amounts for row in table.rows}


@pytest.mark.parametrize("key", sorted(pub.VERLOOP))
def test_verloop(verlopen: dict[str, StatementTable], key: str) -> None:
    rows = _by_label(verlopen[f"toelichting.{key}"])
    width = len(verlopen[f"toelichting.{key}"].columns)
    printed_rows = dict(pub.VERLOOP[key])
    for (table, label, _), _value in pub.VERLOOP_ERRATA.items():
        if table == key and label not in printed_rows:
            printed_rows[label] = (None,) * width
    for label, printed in printed_rows.items():
        for column, value in enumerate(printed):
            erratum = pub.VERLOOP_ERRATA.get((key, label, column))
            want = erratum[0] if erratum else value
            got = rows.get(label, (Decimal(0),) * width)[column]
            assert_close(got, want, f"{key} {label} kolom {column}")
    # and the books show no movement the published table lacks
    extra = {"Waarvan herwaarderingsreserve op de balans"}  # the reserve itself, for clarity
    for label, amounts in rows.items():
        assert (
            label in printed_rows or label in extra
        ), f"{key}: onverwachte regel {label} {amounts}"


def test_erratum_overige_effecten_2023_differs_from_note_2() -> None:
    note = pub.TOELICHTING["overige_effecten"]
    assert pub.BALANS["overige_effecten"][1] != note["totaal"][1]
    assert note["effectenportefeuille"][1] + note["overige_beleggingen"][1] == note["totaal"][1]
    assert note["effectenportefeuille"][1] == pub.VERLOOP["effecten"]["Stand per 31 december"][3]
    assert pub.ERRATA[("balans", "overige_effecten", 1)][0] == note["totaal"][1]


def test_erratum_resultaatbestemming_2022_printed_twice_differently() -> None:
    printed = pub.VERLOOP["overige_reserves"]["Resultaatsbestemming vorig boekjaar"][1]
    onverdeeld = pub.VERLOOP["onverdeeld_resultaat"]
    # one amount, the result of 2022 moved to the overige reserves, printed -4.217 and 4.218
    assert onverdeeld["Stand per 1 januari"][1] == -4218
    assert (
        -onverdeeld["Naar Overige reserves (uit onverdeeld resultaat voorgaand boekjaar)"][1]
        == (onverdeeld["Stand per 1 januari"][1])
    )
    assert printed != onverdeeld["Stand per 1 januari"][1]
    key = ("overige_reserves", "Resultaatsbestemming vorig boekjaar", 1)
    assert pub.VERLOOP_ERRATA[key][0] == onverdeeld["Stand per 1 januari"][1]


def test_erratum_omrekenverschillen_2024_printed_twice_differently() -> None:
    deelneming = pub.VERLOOP["deelneming_vng_diensten"]["Omrekenverschillen vreemde valuta"][0]
    assert deelneming == pub.MUTATIE_EIGEN_VERMOGEN["omrekenverschillen"][0] == 12
    assert pub.VERLOOP["omrekenverschillen"]["Mutatie"][0] == 11
    assert pub.VERLOOP_ERRATA[("omrekenverschillen", "Mutatie", 0)][0] == deelneming


def test_erratum_effecten_2023_disagrees_with_herwaardering_2023() -> None:
    eff, herw = pub.VERLOOP["effecten"], pub.VERLOOP["herwaarderingsreserve"]
    key = "Ongerealiseerde waardedalingen of -stijgingen"
    assert eff[key][2] == herw["Ongerealiseerde waarde mutaties"][2]  # 2024 agrees
    assert eff[key][3] != herw["Ongerealiseerde waarde mutaties"][3]  # 2023 does not
    assert eff[key][3] == herw["Mutatie herwaardering"][3]


def test_erratum_statutaire_reserve_released_but_unchanged() -> None:
    statutair = pub.VERLOOP["statutaire_reserve"]
    vrijval = pub.VERLOOP["overige_reserves"]["Vrijval statutaire reserve"][1]
    assert vrijval > 0
    assert statutair["Stand per 1 januari"][1] == statutair["Stand per 31 december"][1]
    assert pub.VERLOOP_ERRATA[("statutaire_reserve", "Stand per 1 januari", 1)][0] == (
        statutair["Stand per 31 december"][1] + vrijval
    )


def test_schedules_end_on_the_balance_sheet(
    verlopen: dict[str, StatementTable], tables_2024: dict[str, StatementTable]
) -> None:
    balans = tables_2024["enkelvoudig.balans"]
    pairs = {
        "overige_reserves": "overige_reserves",
        "bestemmingsreserve": "bestemmingsreserves",
        "statutaire_reserve": "statutaire_reserve",
        "omrekenverschillen": "omrekenverschillen",
        "onverdeeld_resultaat": "onverdeeld_resultaat",
        "egalisatievoorziening": "egalisatievoorziening",
        "voorziening_ambtsjubilea": "jubileumvoorziening",
        "deelneming_vng_diensten": "deelnemingen",
    }
    for key, line in pairs.items():
        end = verlopen[f"toelichting.{key}"].row("eind").amounts
        assert end == balans.row(line).amounts, key
    herw = verlopen["toelichting.herwaarderingsreserve"]
    assert herw.row("reserve").amounts[2] == balans.row("herwaarderingsreserves").amounts[0]
    effecten = verlopen["toelichting.effecten"].row("eind").amounts
    overige = tables_2024["toelichting.overige_effecten"].row("effectenportefeuille").amounts
    assert (effecten[2], effecten[3]) == overige


def test_restated_2023_of_notes_6_and_13_nets_the_same_subsidies() -> None:
    """The notes show 2023 bruto next to 2023 as on the balance: the difference is the
    nog te ontvangen subsidies netted against the nog te besteden, the same amount on
    both sides (within the rounding of the two printed subtotals)."""
    activa = (
        pub.TOELICHTING["overlopende_activa"]["totaal"][1]
        - (pub.GESALDEERD_2023["overlopende_activa"]["totaal"])
    )
    passiva = (
        pub.TOELICHTING["overlopende_passiva"]["totaal"][1]
        - (pub.GESALDEERD_2023["overlopende_passiva"]["totaal"])
    )
    assert activa == passiva == 69349
    ontvangen = (
        pub.TOELICHTING["overlopende_activa"]["nog_te_ontvangen_subsidies"][1]
        - (pub.GESALDEERD_2023["overlopende_activa"]["nog_te_ontvangen_subsidies"])
    )
    besteden = (
        pub.TOELICHTING["overlopende_passiva"]["nog_te_besteden_subsidies"][1]
        - (pub.GESALDEERD_2023["overlopende_passiva"]["nog_te_besteden_subsidies"])
    )
    # one apart: each is a difference of two rounded figures, not an error
    assert (ontvangen, besteden) == (69349, 69350)
    # the published balance 2023 follows the netted figure of (13) on its own line,
    # and prints the netted figure of (6) one row up (see the shifted-cells erratum)
    assert (
        pub.BALANS["overlopende_passiva"][1] == pub.GESALDEERD_2023["overlopende_passiva"]["totaal"]
    )
    assert (
        pub.BALANS["intercompany_vordering"][1]
        == (pub.GESALDEERD_2023["overlopende_activa"]["totaal"])
    )


def test_books_restate_2023_as_the_notes_do(tables_2024: dict[str, StatementTable]) -> None:
    """The books' note (6) and (13) show 2023 bruto, the balance 2023 netted: the
    difference is the same on both sides, as in the published report."""
    balans = tables_2024["enkelvoudig.balans"]
    activa = tables_2024["toelichting.overlopende_activa"].row("totaal").amounts[1]
    passiva = tables_2024["toelichting.overlopende_passiva"].row("totaal").amounts[1]
    netted_a = balans.row("overlopende_activa").amounts[1]
    netted_p = balans.row("overlopende_passiva").amounts[1]
    assert activa is not None and passiva is not None and netted_a and netted_p
    assert activa - netted_a == passiva - netted_p
    assert in_thousands(netted_a) == pub.GESALDEERD_2023["overlopende_activa"]["totaal"]
    assert in_thousands(netted_p) == pub.GESALDEERD_2023["overlopende_passiva"]["totaal"]
