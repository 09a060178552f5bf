"""The texts of the jaarverslag are data in the books: placeholders for computed
figures, never a typed number; a wrong placeholder is ``file:line: reason``. And the
new parts computed from the books reproduce the published figures exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader

from statements.bestuursverslag import build_beleggingsresultaat, build_verplichtingen
from statements.errors import StatementError
from statements.table import StatementTable
from statements.verslag import figures, fill, present
from tests import published_2024 as pub
from tests.conftest import vng
from tests.test_published_report import in_thousands
from vng_accounts.books import Books, load_books
from vng_accounts.errors import format_error
from vng_accounts.plugins.teksten import check_teksten
from vng_accounts.teksten import FIGUREN, SECTIES, Tekst, check_tekst, read_teksten

LEDGER = """
2024-12-31 custom "vng-tekst" 2024 "liquiditeitspositie" "Liquiditeitspositie"
  tekst: "Eerste regel met {liquiditeitspositie:miljoen}.

Derde regel met {bestaat_niet}, en {jaar:onzin}.
Vijfde regel: Richtlijn 640, artikel 8 lid 5."
2024-12-31 custom "vng-tekst" 2024 "geen_sectie" "X"
  tekst: "Getypt: 1.234 en 26,42% en € 5 en 3 miljoen in 2024."
"""


def _errors(tmp_path: Path) -> list[str]:
    path = tmp_path / "teksten.beancount"
    path.write_text(LEDGER, encoding="utf-8")
    entries, errors, options = loader.load_file(str(path))
    assert not errors
    _, found = check_teksten(entries, options)
    return [format_error(e).replace(str(path), "F") for e in found]


def test_a_placeholder_that_names_no_figure_is_an_error_at_its_line(tmp_path: Path) -> None:
    errors = _errors(tmp_path)
    assert "F:5: plaatshouder {bestaat_niet} noemt geen berekend bedrag" in errors
    assert any(e.startswith("F:5: plaatshouder {jaar:onzin}: onbekende vorm") for e in errors)
    assert not any(e.startswith(("F:3:", "F:6:")) for e in errors)  # figures and plain numbers


def test_a_typed_number_is_an_error(tmp_path: Path) -> None:
    errors = [e for e in _errors(tmp_path) if e.startswith("F:8:")]
    typed = [e.split("'")[1] for e in errors if "getypt getal" in e]
    assert typed == ["1.234", "26,42%", "€ 5", "3 miljoen", "2024"]
    assert any("onbekende sectie 'geen_sectie'" in e for e in _errors(tmp_path))


def test_a_well_formed_text_has_no_errors() -> None:
    tekst = Tekst(2024, "resultaatbestemming", "R", "Over {jaar}: {resultaat:miljoen_abs}.", "f", 1)
    assert check_tekst(tekst) == []
    line = Tekst(
        2024, "vergelijking_begroting", "V", "{verschil_begroting.kantoor_huisvesting}", "f", 1
    )
    note = Tekst(
        2024, "vergelijking_begroting", "V", "{realisatie.activiteitslasten.onderzoek}", "f", 1
    )
    wrong = Tekst(2024, "vergelijking_begroting", "V", "{realisatie.activiteitslasten.x}", "f", 1)
    assert check_tekst(line) == [] and check_tekst(note) == []
    assert len(check_tekst(wrong)) == 1


def test_vng_check_names_the_line_of_a_wrong_placeholder(books_copy: Path) -> None:
    texts = books_copy.parent / "verslag-2024.beancount"
    lines = texts.read_text(encoding="utf-8").splitlines()
    number = next(
        i for i, line in enumerate(lines) if "{waarde_beleggingsportefeuille:miljoen}" in line
    )
    lines[number] = lines[number].replace(
        "{waarde_beleggingsportefeuille:miljoen}", "{portefeuille}"
    )
    texts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = vng("check", "--books", str(books_copy))
    assert result.returncode != 0
    assert f"verslag-2024.beancount:{number + 1}: plaatshouder {{portefeuille}}" in (
        result.stdout + result.stderr
    )


# --- filling the texts from the statements ------------------------------------------


@pytest.fixture(scope="module")
def report_tables(books: Books) -> dict[str, StatementTable]:
    from vng.build import entity_tables

    return {t.id: t for t in entity_tables(books, 2024)}


def test_every_figure_a_text_may_name_is_computed(report_tables: dict[str, StatementTable]) -> None:
    computed = figures(report_tables, 2024)
    group = {
        "groepsresultaat",
        "groepsresultaat_vorig_jaar",
        "groep_bedrijfsresultaat",
        "groep_bedrijfsresultaat_vorig_jaar",
        "groep_onverdeeld_resultaat",
        "groep_dekking_uit_vermogen",
        "groep_vpb",
    }
    assert set(computed) == set(FIGUREN) - group  # the group's come with the consolidation


def test_the_books_texts_fill_and_cover_the_sections(
    books: Books, report_tables: dict[str, StatementTable]
) -> None:
    texts, errors = read_teksten(books.entries)
    assert not errors
    assert {t.key for t in texts} <= set(SECTIES)
    filled = {g.key: g.text for g in fill(texts, list(report_tables.values()), 2024)}
    assert "geconsolideerde_resultaatbestemming" not in filled  # no group in these tables
    assert "{" not in "".join(filled.values())
    assert "€ 3,396 miljoen negatief" in filled["voorwoord"]  # the published bedrijfsresultaat
    assert "€ 1,665 miljoen hoger" in filled["voorwoord"]
    assert "26,42%" in filled["vermogen_en_solvabiliteit"]
    assert "25,79%" in filled["vermogen_en_solvabiliteit"]
    assert "€ 0,026 miljoen negatief" in filled["resultaatbestemming"]
    assert "€ 4,211 miljoen" in filled["niet_in_de_balans"]
    # the larger differences with the budget, as the published report gives them
    for printed in ("€ 2,861 miljoen", "€ 2,922 miljoen", "€ 2,637 miljoen", "€ 47,382 miljoen"):
        assert printed in filled["vergelijking_begroting"], printed
    for printed in ("€ 12,878 miljoen", "€ 0,652 miljoen", "€ 3,784 miljoen", "€ 4,258"):
        assert (
            printed in filled["vergelijking_vorig_jaar"] + filled["vergelijking_begroting"]
        ), printed


def test_a_heading_names_the_years_only(report_tables: dict[str, StatementTable]) -> None:
    years = Tekst(2024, "vergelijking_begroting", "Realisatie {jaar} met {vorig_jaar}", "x", "f", 4)
    assert check_tekst(years) == []
    [filled] = fill([years], list(report_tables.values()), 2024)
    assert filled.title == "Realisatie 2024 met 2023"
    figure = Tekst(2024, "vergelijking_begroting", "Resultaat {resultaat}", "x", "f", 4)
    typed = Tekst(2024, "vergelijking_begroting", "Vergelijking 2024", "x", "f", 4)
    for wrong, reason in ((figure, "een kop noemt alleen de jaren"), (typed, "getypt getal")):
        [error] = check_tekst(wrong)
        assert error.source["lineno"] == 4 and reason in error.message, error.message


def test_a_deelneming_is_a_figure_by_the_key_of_its_entity() -> None:
    from statements.table import Row

    note = StatementTable(
        "toelichting.resultaat_deelnemingen",
        "Resultaat deelnemingen (23)",
        ("Realisatie 2024", "Realisatie 2023"),
        (Row("risicobeheer", "VNG Risicobeheer B.V.", "line", (Decimal(716000), Decimal(232400))),),
    )
    tekst = Tekst(
        2024,
        "resultaatbestemming",
        "D",
        "{deelneming.risicobeheer:miljoen} na {deelneming_vorig_jaar.risicobeheer:miljoen}",
        "f",
        1,
    )
    assert check_tekst(tekst) == []
    [filled] = fill([tekst], [note], 2024)
    assert filled.text == "€ 0,716 miljoen na € 0,232 miljoen"
    missing = Tekst(2024, "resultaatbestemming", "D", "{deelneming.bestaat_niet}", "f", 1)
    with pytest.raises(StatementError, match="noemt geen bedrag van deze jaarrekening"):
        fill([missing], [note], 2024)
    assert len(check_tekst(Tekst(2024, "resultaatbestemming", "D", "{deelneming.}", "f", 1))) == 1


def test_a_deelneming_against_its_begroting_is_a_figure_by_entity_and_line() -> None:
    from statements.table import Row

    table = StatementTable(
        "consolidatie.begroting_deelnemingen",
        "Deelnemingen en begroting 2024",
        ("Realisatie 2024", "Begroot 2024"),
        (
            Row("connect.brutomarge", "b", "line", (Decimal(6703000), Decimal(6169000))),
            Row("connect.bedrijfskosten", "k", "line", (Decimal(-5226000), Decimal(-5585000))),
            Row("connect.financieel", "f", "line", (Decimal(41000), Decimal(0))),
        ),
    )
    tekst = Tekst(
        2024,
        "resultaatbestemming",
        "D",
        "{realisatie_deelneming.connect.brutomarge:miljoen} tegen "
        "{begroot_deelneming.connect.brutomarge:miljoen}: "
        "{afwijking_begroting_deelneming.connect.brutomarge:procent_abs} "
        "{verschil_begroting_deelneming.connect.brutomarge:richting}; kosten "
        "{verschil_begroting_deelneming.connect.bedrijfskosten:miljoen_abs} "
        "{verschil_begroting_deelneming.connect.bedrijfskosten:richting}",
        "f",
        1,
    )
    assert check_tekst(tekst) == []
    [filled] = fill([tekst], [table], 2024)
    assert filled.text == (
        "€ 6,703 miljoen tegen € 6,169 miljoen: 8,66% hoger; kosten € 0,359 miljoen hoger"
    )
    for missing in (
        "{begroot_deelneming.risicobeheer.brutomarge}",
        "{afwijking_begroting_deelneming.connect.financieel}",
    ):
        wrong = Tekst(2024, "resultaatbestemming", "D", missing, "f", 1)
        with pytest.raises(StatementError, match="noemt geen bedrag van deze jaarrekening"):
            fill([wrong], [table], 2024)  # no such line; a difference of nothing budgeted
    for malformed in ("{begroot_deelneming.connect}", "{begroot_deelneming.connect.}"):
        wrong = Tekst(2024, "resultaatbestemming", "D", malformed, "f", 1)
        assert len(check_tekst(wrong)) == 1


def test_a_deelneming_against_the_year_before_its_omzet_and_its_rendement() -> None:
    from statements.table import Row

    lines = StatementTable(
        "consolidatie.begroting_deelnemingen",
        "Deelnemingen",
        ("Realisatie 2024", "Begroot 2024", "Realisatie 2023"),
        (
            Row("x.marge", "m", "line", (Decimal(1736000), Decimal(36000), Decimal(1480000))),
            Row("x.marge.omzet", "o", "line", (Decimal(32000000), None, Decimal(29000000))),
            Row("x.omzet", "o", "line", (Decimal(41194000), None, Decimal(36000000))),
        ),
    )
    after_tax = StatementTable(
        "kerninformatie.aandeel_vng_bedrijven",
        "Aandeel",
        ("Realisatie 2024", "Realisatie 2023"),
        (Row("x", "X", "line", (Decimal(413000), Decimal(274300))),),
    )
    equity = StatementTable(
        "consolidatie.vermogen_deelnemingen",
        "Vermogen",
        ("2024", "2023"),
        (Row("x", "X", "line", (Decimal("4636499.11"), Decimal("4339762.17"))),),
    )
    tekst = Tekst(
        2024,
        "resultaatbestemming",
        "D",
        "{vorig_jaar_deelneming.x.marge:miljoen}; "
        "{verschil_vorig_jaar_deelneming.x.omzet:miljoen}; "
        "{groei_deelneming.x.omzet:procent_0} {groei_deelneming.x.marge.omzet:procent_1}; "
        "{marge_deelneming.x.marge:procent_1}; {deelneming_na_vpb.x:miljoen}: "
        "{rendement_deelneming.x:procent_1}, {rendement_deelneming_vorig_jaar.x:procent_1}; "
        "{afwijking_begroting_deelneming.x.marge:procent_0_abs}",
        "f",
        1,
    )
    assert check_tekst(tekst) == []
    [filled] = fill([tekst], [lines, after_tax, equity], 2024)
    assert filled.text == (
        "€ 1,480 miljoen; € 5,194 miljoen; 14% 10,3%; 4,2%; € 0,413 miljoen: 8,9%, 6,3%; 4722%"
    )
    for missing in ("{groei_deelneming.x.bestaat_niet}", "{rendement_deelneming.y}"):
        wrong = Tekst(2024, "resultaatbestemming", "D", missing, "f", 1)
        with pytest.raises(StatementError, match="noemt geen bedrag van deze jaarrekening"):
            fill([wrong], [lines, after_tax, equity], 2024)
    # the difference with a budget the books do not hold names nothing
    wrong = Tekst(2024, "resultaatbestemming", "D", "{begroot_deelneming.x.omzet}", "f", 1)
    with pytest.raises(StatementError, match="noemt geen bedrag van deze jaarrekening"):
        fill([wrong], [lines, after_tax, equity], 2024)
    for malformed in ("{groei_deelneming.x.a.b.c}", "{rendement_deelneming.x.marge}"):
        assert len(check_tekst(Tekst(2024, "resultaatbestemming", "D", malformed, "f", 1))) == 1


def test_a_figure_the_jaarrekening_lacks_stops_the_build_at_its_line(
    report_tables: dict[str, StatementTable],
) -> None:
    tekst = Tekst(
        2024, "resultaatbestemming", "R", "a\nb {groepsresultaat}", "verslag.beancount", 10
    )
    with pytest.raises(StatementError) as caught:
        fill([tekst], list(report_tables.values()), 2024)
    assert caught.value.lines() == [
        "verslag.beancount:12: plaatshouder {groepsresultaat} noemt geen bedrag van deze "
        "jaarrekening"
    ]


def test_figures_are_written_the_dutch_way() -> None:
    assert present(Decimal("-3396123.45"), "miljoen") == "€ -3,396 miljoen"
    assert present(Decimal("-3396123.45"), "miljoen_abs") == "€ 3,396 miljoen"
    assert present(Decimal("1234567"), "duizend") == "€ 1.235"
    assert present(Decimal("0.264174"), "procent") == "26,42%"
    assert present(Decimal("-0.264174"), "procent_abs") == "26,42%"
    assert present(Decimal("-1"), "teken") == "negatief"
    assert present(Decimal("5"), "richting") == "hoger"
    assert present(2024, None) == "2024"
    assert present(Decimal("328.59"), "getal") == "328,59"
    assert present(Decimal("1234.5"), "getal") == "1.234,5"


def test_the_total_of_a_note_of_the_baten_en_lasten_is_a_figure(
    report_tables: dict[str, StatementTable],
) -> None:
    total = "verschil_vorig_jaar.personeelslasten.totaal"
    tekst = Tekst(2024, "noot_personeelslasten", "S", f"{{{total}:miljoen}}", "f", 1)
    assert check_tekst(tekst) == []
    [filled] = fill([tekst], list(report_tables.values()), 2024)
    assert filled.text == "€ 3,728 miljoen"  # published: "stijgt met € 3,728 miljoen"
    for wrong in ("vorig_jaar.egalisatievoorziening.totaal", "vorig_jaar.personeelslasten.x"):
        [error] = check_tekst(Tekst(2024, "noot_personeelslasten", "S", f"{{{wrong}}}", "f", 1))
        assert "noemt geen berekend bedrag" in error.message, wrong


# --- the new parts against the published report, exactly ------------------------------


def test_beleggingsresultaat_as_published(books: Books) -> None:
    table = build_beleggingsresultaat(books, 2024)
    assert table is not None
    for line, printed in pub.BELEGGINGSRESULTAAT.items():
        erratum = pub.BELEGGINGSRESULTAAT_ERRATA.get(line)
        want = erratum[0] if erratum else printed
        assert in_thousands(table.row(line).amounts[0]) == want, line


def test_erratum_beleggingsresultaat_costs_contradict_note_22() -> None:
    """Note (22) prints the opbrengst van effecten at -240: the koersresultaat it holds
    is the realised result (-451) less the revaluation released on sale (444), so the
    dividends and costs together are 655 — the bestuursverslag's 794 - 127 is 667."""
    opbrengst = pub.TOELICHTING["financiele_baten_lasten"]["opbrengst_effecten"][0]
    realised = pub.VERLOOP["effecten"]["Gerealiseerde waardedalingen of -stijgingen"][2]
    released = pub.VERLOOP["herwaarderingsreserve"]["Realisatie herwaardering door verkoop"][2]
    dividend_and_costs = opbrengst - (realised - released)
    printed = pub.BELEGGINGSRESULTAAT["dividenden"] + pub.BELEGGINGSRESULTAAT["kosten"]
    assert dividend_and_costs == 655 and printed == 667
    books_costs = pub.BELEGGINGSRESULTAAT_ERRATA["kosten"][0]
    gross_dividend = 815  # 794 after the dividend tax of 21 (note (4): 144 - 123)
    tax = (
        pub.TOELICHTING["belastingen_vordering"]["totaal"][0]
        - (pub.TOELICHTING["belastingen_vordering"]["totaal"][1])
    )
    assert gross_dividend - tax == pub.BELEGGINGSRESULTAAT["dividenden"]
    # one apart, as sums of rounded figures go: 815 - 161 = 654 against 655
    assert (gross_dividend + books_costs, dividend_and_costs) == (654, 655)
    # the koersresultaat is the released-and-realised result plus the revaluation: 3.787
    # from the rounded figures of the verloop, 3.788 as printed
    mutatie = pub.VERLOOP["herwaarderingsreserve"]["Mutatie herwaardering"][2]
    koers = realised - released + mutatie
    assert (koers, pub.BELEGGINGSRESULTAAT["koersresultaat"]) == (3787, 3788)


def test_erratum_beleggingsresultaat_costs_from_the_text() -> None:
    """The text above the table grows the portfolio by 4.437 with a koersresultaat of
    3.725, dividends of 794 and 80 from the move to Van Lanschot "na eliminatie van
    beheerkosten": the costs it leaves are 162, the books' 161 within the rounding of
    four printed figures, not the table's 127."""
    tekst = pub.BELEGGINGEN_TEKST
    beheerkosten = tekst["koersresultaat"] + tekst["dividenden"] + tekst["omzetting"]
    beheerkosten -= tekst["toename"]
    assert beheerkosten == 162
    books_costs, printed, _ = pub.BELEGGINGSRESULTAAT_ERRATA["kosten"]
    assert (beheerkosten, books_costs) == (162, -161) and abs(beheerkosten + printed) > 30
    # with the costs of the books the table's own total follows
    result = pub.BELEGGINGSRESULTAAT["netto_inkomsten"] + books_costs
    result += pub.BELEGGINGSRESULTAAT["koersresultaat"]
    assert result == pub.BELEGGINGSRESULTAAT_ERRATA["beleggingsresultaat"][0]
    printed_income = pub.BELEGGINGSRESULTAAT["coupon"] + pub.BELEGGINGSRESULTAAT["rente"]
    assert (
        printed_income + pub.BELEGGINGSRESULTAAT["dividenden"]
        == (pub.BELEGGINGSRESULTAAT["netto_inkomsten"])
    )


def test_verplichtingen_as_published(books: Books) -> None:
    table = build_verplichtingen(books, 2024)
    assert table is not None
    got = {row.label: in_thousands(row.amounts[0]) for row in table.rows}
    assert got == pub.VERPLICHTINGEN


def test_vergelijking_as_published(report_tables: dict[str, StatementTable]) -> None:
    begroting = report_tables["bestuursverslag.vergelijking_begroting"]
    vorig = report_tables["bestuursverslag.vergelijking_vorig_jaar"]
    for line, printed in pub.VERSCHIL_BEGROTING.items():
        assert in_thousands(begroting.row(line).amounts[2]) == printed, line
    for line, printed in pub.VERSCHIL_VORIG_JAAR.items():
        erratum = pub.VERSCHIL_ERRATA.get(line)
        want = erratum[0] if erratum else printed
        assert in_thousands(vorig.row(line).amounts[2]) == want, line


def test_bedrijfsresultaat_2023_and_its_difference_round_as_printed(
    tables_2024: dict[str, StatementTable],
) -> None:
    """The totals are rounded from unrounded amounts: the books' 2023 bedrijfsresultaat
    rounds to the printed -3.543 and its difference with 2024 to the printed 147."""
    row = tables_2024["enkelvoudig.staat_van_baten_en_lasten"].row("bedrijfsresultaat")
    assert in_thousands(row.amounts[2]) == pub.BATEN_LASTEN["bedrijfsresultaat"][2]
    assert (
        in_thousands(row.amounts[0] - row.amounts[2])
        == (pub.VERSCHIL_VORIG_JAAR["bedrijfsresultaat"])
    )
    assert pub.VERSCHIL_ERRATA == {}


def test_every_text_section_is_in_the_pdf(books: Books) -> None:
    from statements.render.pdf import (
        FINANCIEEL_BELEID,
        GRONDSLAGEN,
        GROUP_BALANS_SECTIONS,
        NOTE_OPENING_TEXTS,
        NOTE_TEXTS,
    )

    placed = (
        {key for key, _ in FINANCIEEL_BELEID}
        | {
            "voorwoord",
            "financieel_beleid",
            "resultaat_toelichting",
            "resultaatbestemming",
            "toelichting_algemeen",
            "niet_in_de_balans",
            "fiscale_eenheid",
            "toelichting_deelnemingen",
            "wnt",
            "geconsolideerde_resultaatbestemming",
            "geconsolideerd_algemeen",
            "gebeurtenissen_na_balansdatum",
            "overige_gegevens",
        }
        | set(GROUP_BALANS_SECTIONS)
        | set(GRONDSLAGEN)
        | set(NOTE_OPENING_TEXTS.values())
        | set(NOTE_TEXTS.values())
    )
    assert placed == set(SECTIES)


# --- the facts of the bestuursverslag in the books ----------------------------------

FACTS = """
2024-01-01 custom "wnt-functie" "geluk" "Algemeen Directeur"
  naam: "Leonard Geluk"
  instelling: "V"
  soort: "leidinggevend"
  begin: 2024-01-01
  einde: 2024-12-31
  deeltijdfactor: 1.0
  dienstbetrekking: TRUE
  beloning: 1.00 EUR
  termijn: 0.00 EUR
2024-01-01 custom "wnt-functie" "dijksma" "Voorzitter"
  naam: "Mw. S. Dijksma"
  instelling: "V"
  soort: "toezichthouder-voorzitter"
  ambt: "Burgemeester"
  begin: 2024-01-01
  einde: 2024-12-31
2024-12-31 custom "vng-personeel" 2024
  fte_ultimo: 328.59
  fte_gemiddeld: 318.38
  uitstroom: 106.6
  verzuim: 5.98
2024-12-31 custom "vng-personeel" 2023
  fte_gemiddeld: 303.33
  verzuim: 5.49
  bezetting: 1
2024-12-31 custom "vng-deelneming" "diensten"
  directie: "geluk, onbekend"
  vestiging: "Den Haag"
2024-12-31 custom "vng-deelneming" "connect"
  directie: "L.D. de Vries"
"""


def test_the_facts_of_the_bestuursverslag_are_checked_at_their_line(tmp_path: Path) -> None:
    path = tmp_path / "feiten.beancount"
    path.write_text(FACTS, encoding="utf-8")
    entries, errors, options = loader.load_file(str(path))
    assert not errors
    _, found = check_teksten(entries, options)
    messages = sorted(format_error(e).replace(str(path), "F") for e in found)
    assert messages == [
        "F:12: wnt-functie: ambt zonder plaats",
        "F:19: vng-personeel: uitstroom: een percentage tot 100 (106.6)",
        "F:24: vng-personeel: fte_ultimo: een getal van nul of meer ontbreekt (None)",
        "F:28: vng-deelneming diensten: 'onbekend' is geen persoon van de WNT-verantwoording"
        " (wnt-functie); schrijf een naam of een bekende sleutel",
        'F:31: vng-deelneming: vestiging: "plaats" ontbreekt',
    ]


def test_the_embedded_facts_have_no_errors(books: Books) -> None:
    _, found = check_teksten(list(books.entries), books.options)
    assert [format_error(e) for e in found] == []


@pytest.fixture(scope="module")
def group_tables(books: Books) -> dict[str, StatementTable]:
    """The vereniging's tables as the build of the group makes them (with the
    group's names of the entities)."""
    from statements.consolidatie import read_group
    from tests.conftest import BOOKS_DIR
    from vng.build import entity_tables

    group = read_group(str(BOOKS_DIR.parent / "groep" / "groep.beancount"))
    names = {e.key: e.name for e in group.entities}
    return {t.id: t for t in entity_tables(books, 2024, names)}


def test_resultaatontwikkeling_has_the_begroting_of_the_next_year(
    group_tables: dict[str, StatementTable],
) -> None:
    table = group_tables["bestuursverslag.resultaatontwikkeling"]
    assert table.columns == ("Realisatie 2023", "Begroot 2024", "Realisatie 2024", "Begroot 2025")
    got = {row.id: in_thousands(row.amounts[3]) for row in table.rows if row.amounts[3] is not None}
    # the published begroting 2025: baten, lasten, bedrijfsresultaat and the deficit
    # after the Willemshof's 607 from the bestemmingsreserve, covered from the vermogen
    assert got["som_der_baten"] == 140_802
    assert got["som_der_lasten"] == 145_768
    assert got["bedrijfsresultaat"] == -4_966
    assert got["resultaat"] == -4_966 + 607
    assert got["dekking_uit_vermogen"] == 4_359
    svbl = group_tables["enkelvoudig.staat_van_baten_en_lasten"]
    for row in table.rows:  # the other columns are the staat's, in the published order
        mine, planned, before = svbl.row(row.id).amounts
        assert row.amounts[:3] == (before, planned, mine), row.id


def test_personeelsgegevens_as_published(group_tables: dict[str, StatementTable]) -> None:
    table = group_tables["bestuursverslag.personeel"]
    texts = {row.id: row.texts for row in table.rows if row.texts}
    assert texts == {
        "fte_ultimo": ("328,59 fte", "308,16 fte"),
        "fte_gemiddeld": ("318,38 fte", "303,33 fte"),
        "uitstroom": ("6,6%", "16,0%"),
        "verzuim": ("5,98%", "5,49%"),
    }
    share = table.row("salarislasten").amounts
    svbl = group_tables["enkelvoudig.staat_van_baten_en_lasten"]
    pay = svbl.row("salarissen").amounts[0] + svbl.row("sociale_lasten").amounts[0]
    assert share[0] == pay / svbl.row("som_der_lasten").amounts[0]
    # the report prints 18% for both years: whole percents, not rounded up
    assert [int(s * 100) for s in share if s is not None] == [18, 18]


def test_samenstelling_bestuur_from_the_people_of_the_wnt(
    group_tables: dict[str, StatementTable],
) -> None:
    bestuur = group_tables["bestuursverslag.samenstelling_bestuur"]
    assert bestuur.columns == ("Functie bestuur", "Functie ambt", "Plaats")
    assert bestuur.row("dijksma").texts == ("Voorzitter", "Burgemeester", "Utrecht")
    assert bestuur.row("spies").texts[1:] == ("Burgemeester", "Alphen aan den Rijn")
    toezicht = group_tables["wnt.toezichthouders"]
    names = {row.label for row in toezicht.rows}
    assert {row.label for row in bestuur.rows} <= names  # one source for the names
    assert len(bestuur.rows) == 23


def test_deelnemingen_with_their_statutaire_directie(
    group_tables: dict[str, StatementTable],
) -> None:
    table = group_tables["bestuursverslag.deelnemingen"]
    got = {row.label: row.texts for row in table.rows}
    assert got["VNG Diensten B.V."] == ("Leonard Geluk en Pieter Jeroense", "Den Haag")
    assert got["VNG Risicobeheer B.V."] == ("C. Ravensbergen", "Den Haag")
    assert list(got) == [
        "VNG Diensten B.V.",
        "VNG Connect Holding B.V.",
        "VNG Risicobeheer B.V.",
        "VNG International B.V.",
        "VNG Realisatie B.V.",
    ]


def test_beleggingsportefeuille_value_with_its_rekening_courant(
    group_tables: dict[str, StatementTable],
) -> None:
    table = group_tables["bestuursverslag.beleggingsportefeuille"]
    effecten = group_tables["toelichting.overige_effecten"].row("effectenportefeuille")
    assert table.row("effecten").amounts == effecten.amounts  # the balance's market value
    assert in_thousands(table.row("rekening_courant").amounts[0]) == 332  # as published
    waarde = table.row("waarde").amounts
    assert waarde[0] == effecten.amounts[0] + table.row("rekening_courant").amounts[0]


def test_vraagbaak_as_published(group_tables: dict[str, StatementTable]) -> None:
    table = group_tables["bestuursverslag.vraagbaak"]
    got = {row.id: row.texts for row in table.rows}
    assert got == {
        "contactmomenten": ("23.890", "27.194"),  # the sum of the two below, computed
        "telefonisch": ("8.788", "10.854"),
        "mail": ("15.102", "16.340"),
        "vragen": ("6.485", "6.759"),
    }


def test_a_vraagbaak_count_is_a_whole_number(tmp_path: Path) -> None:
    path = tmp_path / "vraagbaak.beancount"
    path.write_text(
        '2024-12-31 custom "vng-vraagbaak" 2024\n  telefonisch: 1.5\n  mail: 2\n  vragen: 3\n',
        encoding="utf-8",
    )
    entries, errors, options = loader.load_file(str(path))
    assert not errors
    _, found = check_teksten(entries, options)
    assert [format_error(e).replace(str(path), "F") for e in found] == [
        "F:1: vng-vraagbaak: telefonisch: een aantal, een heel getal (1.5)"
    ]


def test_the_rendement_is_the_result_on_the_value_a_year_before(
    group_tables: dict[str, StatementTable],
) -> None:
    computed = figures(group_tables, 2024)
    waarde = group_tables["bestuursverslag.beleggingsportefeuille"].row("waarde").amounts[1]
    resultaat = group_tables["bestuursverslag.beleggingsresultaat"].row("beleggingsresultaat")
    assert computed["rendement_beleggingsportefeuille"] == resultaat.amounts[0] / waarde
    # the voorwoord's "7%", to a whole percent
    assert round(computed["rendement_beleggingsportefeuille"] * 100) == 7


def test_beleggingsresultaat_coupon_and_rente_from_the_books(books_copy: Path) -> None:
    """Rentebaten booked with a lot of the portfolio are coupon, with its rekening
    courant rente; both count in the netto inkomsten and the beleggingsresultaat."""
    before = build_beleggingsresultaat(load_books(str(books_copy)), 2024)
    with (books_copy.parent / "2024.beancount").open("a") as books_file:
        books_file.write(
            '\n2024-12-30 * "Van Lanschot Kempen" "Coupon herbelegd"\n'
            "  Activa:FinancieleVasteActiva:Effecten:Obligaties  10 VLCRED {56.00 EUR}\n"
            "  Activa:LiquideMiddelen:Bank:Effectenrekening  -60.00 EUR\n"
            "  Baten:Financieel:Rentebaten  -500.00 EUR\n"
            '\n2024-12-30 * "Van Lanschot Kempen" "Rente rekening courant"\n'
            "  Activa:LiquideMiddelen:Bank:Effectenrekening  1200.40 EUR\n"
            "  Baten:Financieel:Rentebaten  -1200.40 EUR\n"
        )
    after = build_beleggingsresultaat(load_books(str(books_copy)), 2024)
    assert before is not None and after is not None
    assert before.row("coupon").amounts == before.row("rente").amounts == (Decimal(0),)
    assert after.row("coupon").amounts == (Decimal("500.00"),)
    assert after.row("rente").amounts == (Decimal("1200.40"),)

    def grown(line: str) -> Decimal:
        return after.row(line).amounts[0] - before.row(line).amounts[0]

    assert grown("netto_inkomsten") == Decimal("1700.40")
    # the lot bought is valued at the year-end price: its koersresultaat moves too
    assert grown("beleggingsresultaat") == Decimal("1700.40") + grown("koersresultaat")
