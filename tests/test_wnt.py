"""The WNT-verantwoording: the published tables to the cent, the rules on small cases."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from statements.table import StatementTable
from statements.wnt import build_wnt
from tests import published_2024 as pub
from tests.conftest import vng
from vng_accounts.books import Books, load_books

ENTITY = "Vereniging van Nederlandse Gemeenten"
AMOUNT_ROWS = ("beloning", "termijn", "subtotaal", "maximum", "bezoldiging")
TEXT_ROWS = ("functie", "periode", "deeltijdfactor", "dienstbetrekking")


@pytest.fixture(scope="module")
def wnt(books: Books) -> dict[str, StatementTable]:
    return {t.id: t for t in build_wnt(books, 2024)}


def test_topfunctionarissen_to_the_cent(wnt: dict[str, StatementTable]) -> None:
    table = wnt["wnt.topfunctionarissen"]
    assert list(table.columns) == list(pub.WNT_TOPFUNCTIONARISSEN)
    for column, (person, printed) in enumerate(pub.WNT_TOPFUNCTIONARISSEN.items()):
        for row_id, value in zip(TEXT_ROWS, printed[:4], strict=True):
            assert table.row(row_id).texts[column] == value, (person, row_id)
        for row_id, value in zip(AMOUNT_ROWS, printed[4:], strict=True):
            erratum = pub.WNT_ERRATA.get((person, row_id))
            want = Decimal(erratum[0] if erratum else value)
            assert table.row(row_id).amounts[column] == want, (person, row_id)
        assert table.row("overschrijding").texts[column] == "N.v.t."
        assert table.row("vordering").texts[column] == "N.v.t."


def test_erratum_2023_printed_with_the_2024_maximum() -> None:
    geluk = pub.WNT_TOPFUNCTIONARISSEN["Leonard Geluk 2024"][7]
    assert pub.WNT_TOPFUNCTIONARISSEN["Leonard Geluk 2023"][7] == geluk  # the same figure ...
    follows, printed, _ = pub.WNT_ERRATA[("Leonard Geluk 2023", "maximum")]
    assert printed == geluk and follows != geluk  # ... while the 2023 maximum differs


def test_erratum_2023_part_time_maximum_follows_from_neither_year(
    wnt: dict[str, StatementTable],
) -> None:
    """The plaatsvervanger's 2023 maximum is printed as 109.999 for 0,49 fte over the
    whole year: 0,49 x 223.000 (the 2023 maximum, in the books' norm of 2023) is
    109.270, 0,49 x 233.000 is 114.170; the table prints the 2023 maximum."""
    functie, periode, fte, _, *_rest, printed, _ = pub.WNT_TOPFUNCTIONARISSEN[
        "Pieter Jeroense 2023"
    ]
    assert periode == "01/01 – 31/12"  # a whole year: no part of the maximum by days
    factor = Decimal(fte.replace(",", "."))
    maximum_2024 = Decimal(pub.WNT_TOPFUNCTIONARISSEN["Leonard Geluk 2024"][7])
    follows, erratum_printed, _ = pub.WNT_ERRATA[("Pieter Jeroense 2023", "maximum")]
    maximum_2023 = Decimal(pub.WNT_ERRATA[("Leonard Geluk 2023", "maximum")][0])
    assert erratum_printed == printed
    assert factor * maximum_2023 == Decimal(follows) == Decimal("109270.00")
    assert factor * maximum_2024 == Decimal("114170.00")
    assert Decimal(printed) not in (factor * maximum_2023, factor * maximum_2024)
    table = wnt["wnt.topfunctionarissen"]
    column = list(table.columns).index("Pieter Jeroense 2023")
    assert table.row("maximum").amounts[column] == factor * maximum_2023
    geluk = list(table.columns).index("Leonard Geluk 2023")
    assert table.row("maximum").amounts[geluk] == maximum_2023 == Decimal("223000.00")


def test_toezichthouders_list_1d(wnt: dict[str, StatementTable]) -> None:
    listed = [(r.label, r.texts[0], r.texts[1]) for r in wnt["wnt.drempel"].rows]
    assert listed == pub.WNT_TOEZICHTHOUDERS
    toezicht = wnt["wnt.toezichthouders"]
    assert all(row.amounts[2] == 0 for row in toezicht.rows)
    assert toezicht.row("dijksma").amounts[3] == Decimal("34950.00")  # 15% of 233.000
    assert "€ 2.100" in wnt["wnt.drempel"].title


def test_no_other_functionaries_above_the_norm(wnt: dict[str, StatementTable]) -> None:
    assert wnt["wnt.overige_functionarissen"].rows == ()


# --- the rules on small books ---------------------------------------------------------

HEADER = """
option "name_assets" "Activa"
option "name_liabilities" "Passiva"
option "name_equity" "Vermogen"
option "name_income" "Baten"
option "name_expenses" "Lasten"
plugin "vng_accounts.plugins.wnt"

2020-01-01 custom "vng-entiteit" "Stichting Voorbeeld"
2024-01-01 custom "wnt-norm" 2024 233000.00 EUR
  bron: "Regeling 2024"
  zonder_dienstbetrekking_1_6: 30800.00 EUR
  zonder_dienstbetrekking_7_12: 23400.00 EUR
  uurtarief: 221.00 EUR
  drempel: 2100.00 EUR
2023-01-01 custom "wnt-norm" 2023 223000.00 EUR
  bron: "Regeling 2023"
2020-01-01 open Lasten:Salarissen EUR
  rgs: "WPerLesSal"
  baten_lasten: "salarissen"
  wnt: "beloning"
2020-01-01 open Lasten:Pensioen EUR
  rgs: "WPerPenPen"
  baten_lasten: "sociale_lasten"
  wnt: "termijn"
2020-01-01 open Activa:Bank EUR
  rgs: "BLimBanRba"
  balans: "liquide_middelen"
"""


def _function(
    person: str,
    title: str,
    begin: str,
    end: str,
    extra: str = "",
    institution: str = "Stichting Voorbeeld",
    kind: str = "leidinggevend",
) -> str:
    return (
        f'{begin} custom "wnt-functie" "{person}" "{title}"\n  naam: "{person.title()}"\n'
        f'  instelling: "{institution}"\n  soort: "{kind}"\n  begin: {begin}\n'
        f"  einde: {end}\n{extra}\n"
    )


def _payroll(person: str, date: str, beloning: str, termijn: str = "0.00") -> str:
    return (
        f'{date} * "Salarisadministratie" "Salaris {person}"\n'
        f'  Lasten:Salarissen  {beloning} EUR\n    medewerker: "{person}"\n'
        f'  Lasten:Pensioen  {termijn} EUR\n    medewerker: "{person}"\n  Activa:Bank\n\n'
    )


def _books(tmp_path: Path, text: str) -> Books:
    path = tmp_path / "boeken.beancount"
    path.write_text(HEADER + text, encoding="utf-8")
    return load_books(str(path))


def _outcome(
    books: Books, column: int = 0, entity: str = "Stichting Voorbeeld", year: int = 2024
) -> dict[str, Decimal | None]:
    table = build_wnt(books, year, entity)[0]
    return {rid: table.row(rid).amounts[column] for rid in AMOUNT_ROWS + ("onverschuldigd",)}


def test_part_year_part_time_in_a_leap_year(tmp_path: Path) -> None:
    books = _books(
        tmp_path,
        _function(
            "a",
            "Directeur",
            "2024-03-01",
            "2024-08-31",
            "  deeltijdfactor: 0.8\n  beloning: 60000.00 EUR\n",
        )
        + _payroll("a", "2024-08-31", "60000.00"),
    )
    assert books.errors == ()
    # 184 days of 366, at 0,8 fte
    assert _outcome(books)["maximum"] == (Decimal(233000) * Decimal("0.8") * 184 / 366).quantize(
        Decimal("0.01")
    )


def test_change_of_part_time_factor_within_the_year(tmp_path: Path) -> None:
    books = _books(
        tmp_path,
        _function("a", "Directeur", "2023-01-01", "2023-06-30", "  deeltijdfactor: 1.0\n")
        + _function("a", "Directeur", "2023-07-01", "2023-12-31", "  deeltijdfactor: 0.5\n"),
    )
    assert books.errors == ()
    expected = Decimal(223000) * (181 + Decimal("0.5") * 184) / 365
    assert _outcome(books, year=2023)["maximum"] == expected.quantize(Decimal("0.01"))


def test_toezichthouder_voorzitter_part_of_the_year(tmp_path: Path) -> None:
    books = _books(
        tmp_path,
        _function("v", "Voorzitter", "2024-07-01", "2024-12-31", kind="toezichthouder-voorzitter"),
    )
    toezicht = build_wnt(books, 2024, "Stichting Voorbeeld")[1]
    assert toezicht.row("v").amounts[3] == (Decimal(233000) * Decimal("0.15") * 184 / 366).quantize(
        Decimal("0.01")
    )
    assert toezicht.row("v").texts[:2] == ("Voorzitter", "01/07 t/m 31/12")
    lid = _books(
        tmp_path, _function("l", "Lid", "2024-01-01", "2024-12-31", kind="toezichthouder-lid")
    )
    assert build_wnt(lid, 2024, "Stichting Voorbeeld")[1].row("l").amounts[3] == Decimal("23300.00")


def test_without_employment_starting_in_month_three(tmp_path: Path) -> None:
    extra = "  dienstbetrekking: FALSE\n  uren: 1600\n  beloning: 250000.00 EUR\n"
    books = _books(tmp_path, _function("z", "Interim-directeur", "2024-03-01", "2024-12-31", extra))
    assert books.errors == ()
    # months 1-6 (March-August) at 30.800, 7-10 (September-December) at 23.400;
    # hourly: 1.600 x 221 = 353.600, the lower of the two applies
    assert _outcome(books)["maximum"] == Decimal(6 * 30800 + 4 * 23400)
    table = build_wnt(books, 2024, "Stichting Voorbeeld")[0]
    assert table.row("dienstbetrekking").texts[0] == "nee"


def test_without_employment_the_hourly_norm_can_be_lower(tmp_path: Path) -> None:
    extra = "  dienstbetrekking: FALSE\n  uren: 400\n  beloning: 50000.00 EUR\n"
    books = _books(tmp_path, _function("z", "Interim", "2024-03-01", "2024-12-31", extra))
    assert _outcome(books)["maximum"] == Decimal(400 * 221)


def test_unjustified_overschrijding_is_onverschuldigd_betaald(tmp_path: Path) -> None:
    books = _books(
        tmp_path,
        _function(
            "a",
            "Directeur",
            "2024-01-01",
            "2024-12-31",
            "  beloning: 240000.00 EUR\n  termijn: 3000.00 EUR\n",
        )
        + _payroll("a", "2024-12-20", "240000.00", "3000.00"),
    )
    assert books.errors == ()
    outcome = _outcome(books)
    assert outcome["onverschuldigd"] == Decimal("10000.00")
    assert outcome["bezoldiging"] == Decimal("233000.00")
    table = build_wnt(books, 2024, "Stichting Voorbeeld")[0]
    assert (
        table.row("overschrijding").texts[0]
        == "€ 10.000,00; niet toegestaan, onverschuldigd betaald"
    )
    assert "Vordering van € 10.000,00" in table.row("vordering").texts[0]


def test_justified_overschrijding(tmp_path: Path) -> None:
    extra = (
        '  beloning: 240000.00 EUR\n  overschrijding: "toegestaan"\n'
        '  reden: "overgangsrecht (artikel 7.3 WNT), afspraken van voor 2013"\n'
    )
    books = _books(
        tmp_path,
        _function("a", "Directeur", "2024-01-01", "2024-12-31", extra)
        + _payroll("a", "2024-12-20", "240000.00"),
    )
    outcome = _outcome(books)
    assert outcome["onverschuldigd"] is None
    assert outcome["bezoldiging"] == Decimal("240000.00")
    text = build_wnt(books, 2024, "Stichting Voorbeeld")[0].row("overschrijding").texts[0]
    assert text.startswith("€ 7.000,00; toegestaan: overgangsrecht")


def test_one_person_two_functions_at_two_group_entities(tmp_path: Path) -> None:
    text = (
        _function(
            "p",
            "Directeur",
            "2024-01-01",
            "2024-12-31",
            "  deeltijdfactor: 0.6\n  beloning: 100000.00 EUR\n",
        )
        + _function(
            "p",
            "Directeur",
            "2024-01-01",
            "2024-12-31",
            "  deeltijdfactor: 0.4\n  beloning: 70000.00 EUR\n",
            institution="Dochter B.V.",
        )
        + _payroll("p", "2024-12-20", "100000.00")
    )
    books = _books(tmp_path, text)
    assert books.errors == ()  # the dochter's payroll is in the dochter's books
    here = _outcome(books)
    there = _outcome(books, entity="Dochter B.V.")
    assert here["maximum"] == Decimal("139800.00") and here["beloning"] == Decimal("100000.00")
    assert there["maximum"] == Decimal("93200.00") and there["beloning"] == Decimal("70000.00")


# --- bad input: file:line, non-zero exit, nothing written ----------------------------------

BAD = {
    "periode_buiten_het_jaar": _function("a", "Directeur", "2024-01-01", "2025-03-31"),
    "deeltijdfactor_boven_1": _function(
        "a", "Directeur", "2024-01-01", "2024-12-31", "  deeltijdfactor: 1.2\n"
    ),
    "functie_ontbreekt": '2024-01-01 custom "wnt-functie" "a"\n  naam: "A"\n'
    '  instelling: "Stichting Voorbeeld"\n  soort: "leidinggevend"\n'
    "  begin: 2024-01-01\n  einde: 2024-12-31\n\n",
    "salaris_sluit_niet_aan": _function(
        "a", "Directeur", "2024-01-01", "2024-12-31", "  beloning: 100000.00 EUR\n"
    )
    + _payroll("a", "2024-12-20", "99000.00"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_wnt_data(tmp_path: Path, case: str) -> None:
    path = tmp_path / "boeken.beancount"
    path.write_text(HEADER + BAD[case], encoding="utf-8")
    out = tmp_path / "uit"
    for command in (["check"], ["jaarrekening", "--year", "2024", "--out", str(out)]):
        result = vng(*command, "--books", str(path))
        assert result.returncode != 0
        assert f"{path}:" in result.stderr and "wnt" in result.stderr, result.stderr
    assert not out.exists()


def test_the_norm_of_the_year_is_a_table_for_the_text(books: Books) -> None:
    from statements.wnt import build_norm

    norm = build_norm(books, 2024)
    assert norm.row("maximum").amounts == (Decimal("233000.00"),)
    assert norm.row("aandeel_voorzitter").amounts == (Decimal("0.15"),)
    assert build_norm(books, 1990).rows == ()  # a year without a wnt-norm


def test_the_bestuurders_the_books_name_sign_for_the_bestuur(tmp_path: Path) -> None:
    """``ondertekent: TRUE`` names who signs on behalf of the bestuur; without it the
    whole bestuur in function at the end of the year signs; the directie never does."""
    from statements.wnt import build_ondertekening

    functions = (
        _function("d", "Directeur", "2024-01-01", "2024-12-31", "  dienstbetrekking: TRUE")
        + _function("v", "Voorzitter", "2024-01-01", "2024-12-31", kind="toezichthouder-voorzitter")
        + _function("w", "Vertrokken", "2024-01-01", "2024-06-30", kind="toezichthouder-lid")
        + _function("p", "Penningmeester", "2024-01-01", "2024-12-31", kind="toezichthouder-lid")
        + _function("l", "Lid", "2024-01-01", "2024-12-31", kind="toezichthouder-lid")
    )

    def signing(text: str) -> list[tuple[str, str]]:
        table = build_ondertekening(_books(tmp_path, text), 2024, "Stichting Voorbeeld")
        return [(row.label, row.texts[0]) for row in table.rows]

    everyone = [("V", "Voorzitter"), ("P", "Penningmeester"), ("L", "Lid")]
    assert signing(functions) == everyone
    marked = functions.replace('"Voorzitter"\n', '"Voorzitter"\n  ondertekent: TRUE\n')
    marked = marked.replace('"Penningmeester"\n', '"Penningmeester"\n  ondertekent: TRUE\n')
    assert signing(marked) == [("V", "Voorzitter"), ("P", "Penningmeester")]


def test_the_embedded_jaarrekening_is_signed_by_voorzitter_and_penningmeester(
    books: Books,
) -> None:
    from statements.wnt import build_ondertekening

    table = build_ondertekening(books, 2024)
    assert [row.texts[0] for row in table.rows] == ["Voorzitter", "Secretaris/Penningmeester"]
