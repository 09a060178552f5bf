"""The project's plugins on small ledgers, kept next to the test as beancount does."""

from __future__ import annotations

from decimal import Decimal

from beancount import loader

from vng_accounts.plugins.bedragen import check_bedragen
from vng_accounts.plugins.rekeningschema import check_rekeningschema

OPTIONS = """
option "name_assets" "Activa"
option "name_liabilities" "Passiva"
option "name_equity" "Vermogen"
option "name_income" "Baten"
option "name_expenses" "Lasten"
"""


def _errors(text: str, plugin) -> list[str]:  # type: ignore[no-untyped-def]
    entries, errors, options = loader.load_string(OPTIONS + text)
    assert errors == [], errors
    _, found = plugin(entries, options)
    return [f"{e.source['lineno']}: {e.message}" for e in found]


def test_mapped_accounts_pass() -> None:
    assert (
        _errors(
            """
2024-01-01 open Activa:Bank EUR
  rgs: "BLimBanRba"
  balans: "liquide_middelen"
2024-01-01 open Baten:Contributie EUR
  rgs: "WOmzCon"
  baten_lasten: "contributie"
2024-02-01 * "Gemeente" "Contributie"
  Activa:Bank        100.00 EUR
  Baten:Contributie
""",
            check_rekeningschema,
        )
        == []
    )


def test_account_with_postings_but_no_line() -> None:
    errors = _errors(
        """
2024-01-01 open Activa:Bank EUR
  rgs: "BLimBanRba"
  balans: "liquide_middelen"
2024-01-01 open Baten:Nieuw EUR
  rgs: "WOmzCon"
2024-02-01 * "Gemeente" "Iets nieuws"
  Activa:Bank        100.00 EUR
  Baten:Nieuw
""",
        check_rekeningschema,
    )
    assert len(errors) == 1
    assert errors[0].startswith("11: rekening Baten:Nieuw heeft boekingen maar geen regel")


def test_unused_unmapped_account_is_allowed() -> None:
    assert (
        _errors(
            """
2024-01-01 open Baten:Nieuw EUR
  rgs: "WOmzCon"
""",
            check_rekeningschema,
        )
        == []
    )


def test_unknown_line_two_lines_and_bad_rgs() -> None:
    errors = _errors(
        """
2024-01-01 open Activa:Bank EUR
  rgs: "BLimBanRba"
  balans: "kasgeld"
2024-01-01 open Activa:Kas EUR
  rgs: "BLimKasKas"
  balans: "liquide_middelen, handelsdebiteuren"
2024-01-01 open Lasten:Iets EUR
  rgs: "BLimKasKas"
  baten_lasten: "overige_lasten"
2024-01-01 open Lasten:Zonder EUR
  baten_lasten: "overige_lasten"
""",
        check_rekeningschema,
    )
    assert any(e.startswith("8: ") and '"kasgeld" is geen regel' in e for e in errors)
    assert any(e.startswith("11: ") and "verwijst naar 2 regels" in e for e in errors)
    assert any(e.startswith("14: ") and "past niet bij de hoofdrubriek" in e for e in errors)
    assert any(e.startswith("17: ") and "geen geldige RGS-code" in e for e in errors)


def test_unknown_toelichting_reference() -> None:
    errors = _errors(
        """
2024-01-01 open Activa:Kas EUR
  rgs: "BLimKasKas"
  balans: "liquide_middelen"
  toelichting: "liquide_middelen.spaarpot"
""",
        check_rekeningschema,
    )
    assert errors == [
        '8: rekening Activa:Kas: toelichting "liquide_middelen.spaarpot" is geen '
        "regel van een toelichting"
    ]


def test_amounts_are_whole_cents() -> None:
    errors = _errors(
        """
2024-01-01 open Activa:Bank EUR
2024-01-01 open Lasten:Kosten EUR
2024-02-01 * "Leverancier" "Factuur"
  Activa:Bank        -100.005 EUR
  Lasten:Kosten       100.005 EUR
2024-02-02 * "Leverancier" "Factuur"
  Activa:Bank        -100.500 EUR
  Lasten:Kosten       100.50 EUR
""",
        check_bedragen,
    )
    assert [e.split(":")[0] for e in errors] == ["11", "12"]  # both postings, not 100.500
    assert "meer dan 2 decimalen" in errors[0]


def test_fixed_asset_movements_must_say_what_they_are() -> None:
    from vng_accounts.plugins.mutaties import check_mutaties

    errors = _errors(
        """
2024-01-01 open Activa:Mva:Aanschafwaarde EUR
  component: "aanschafwaarde"
2024-01-01 open Passiva:Crediteuren EUR
2024-02-01 * "Leverancier" "Bureaus"
  Activa:Mva:Aanschafwaarde   1000.00 EUR
  Passiva:Crediteuren
2024-03-01 * "Leverancier" "Bureaus"
  mutatie: "afschrijving"
  Activa:Mva:Aanschafwaarde   1000.00 EUR
  Passiva:Crediteuren
2024-04-01 * "Leverancier" "Bureaus"
  mutatie: "investering"
  Activa:Mva:Aanschafwaarde   1000.00 EUR
    financiering: "subsidie"
  Passiva:Crediteuren
""",
        check_mutaties,
    )
    assert [e.split(":")[0] for e in errors] == ["11", "14", "20"]
    assert "zonder geldige mutatie" in errors[0]
    assert "kan niet op" in errors[1]
    assert "financiering" in errors[2]


def test_accountants_honorarium_says_a_known_service_on_lasten() -> None:
    from vng_accounts.plugins.mutaties import check_mutaties

    errors = _errors(
        """
2024-01-01 open Lasten:OverigeLasten EUR
2024-01-01 open Passiva:Crediteuren EUR
2024-10-31 * "Externe accountant" "Interim-controle jaarrekening 2024"
  Lasten:OverigeLasten   1000.00 EUR
    accountantshonorarium: "controle"
  Passiva:Crediteuren
2024-11-30 * "Externe accountant" "Advies"
  Lasten:OverigeLasten   1000.00 EUR
    accountantshonorarium: "advies"
  Passiva:Crediteuren
2024-12-31 * "Externe accountant" "Controle jaarrekening 2024"
  Lasten:OverigeLasten   1000.00 EUR
  Passiva:Crediteuren   -1000.00 EUR
    accountantshonorarium: "controle"
2024-12-31 * "Externe accountant" "Controle jaarrekening 2024"
  accountantshonorarium: "controle"
  Lasten:OverigeLasten   1000.00 EUR
  Passiva:Crediteuren
""",
        check_mutaties,
    )
    assert [e.split(":")[0] for e in errors] == ["15", "20", "22"]  # the posting, the entry
    assert 'accountantshonorarium "advies" onbekend' in errors[0]
    assert "alleen op een lastenrekening, niet op Passiva:Crediteuren" in errors[1]
    assert "niet bij de post" in errors[2]


# -- jaareinde: dekking uit de bestemmingsreserves and the resultaatbestemming ----------

JAAREINDE = """
2023-01-01 open Activa:Bank EUR
  balans: "liquide_middelen"
2023-01-01 open Vermogen:Bestemmingsreserves:Herhuisvesting EUR
2023-01-01 open Vermogen:OverigeReserves EUR
2023-01-01 open Vermogen:OnverdeeldResultaat:DekkingUitVermogen EUR
2023-01-01 open Vermogen:OnverdeeldResultaat:VorigeBoekjaren EUR
2023-01-01 open Lasten:Afschrijvingen EUR
2023-01-01 open Baten:Contributie EUR

2023-01-01 custom "vng-bestemmingsreserve" "wh" Vermogen:Bestemmingsreserves:Herhuisvesting
  doel: "Verbouwing"
  dekking: "Vermogen:OnverdeeldResultaat:DekkingUitVermogen"

2023-01-02 * "Vorming van de reserve"
  Activa:Bank                                   1000.00 EUR
  Vermogen:Bestemmingsreserves:Herhuisvesting  -1000.00 EUR

2023-03-01 * "Contributie"
  Activa:Bank            500.00 EUR
  Baten:Contributie     -500.00 EUR

2023-06-30 * "Afschrijving verbouwing"
  Lasten:Afschrijvingen   AMOUNT EUR
    dekking: "wh"
  Activa:Bank

2024-06-30 custom "vng-resultaatbestemming" 2023 Vermogen:OverigeReserves
  onverdeeld: "Vermogen:OnverdeeldResultaat:VorigeBoekjaren"
"""


def _derived(text: str) -> tuple[list[object], list[str]]:
    from vng_accounts.plugins.jaareinde import jaareinde

    entries, errors, options = loader.load_string(OPTIONS + text)
    assert errors == [], errors
    result, found = jaareinde(entries, options)
    derived = [e for e in result if getattr(e, "meta", {}).get("berekend")]
    return derived, [e.message for e in found]


def test_the_dekking_moves_the_covered_lasten_from_the_reserve() -> None:
    derived, errors = _derived(JAAREINDE.replace("AMOUNT", "300.00"))
    assert errors == []
    dekking = next(e for e in derived if "Dekking" in e.narration)  # type: ignore[attr-defined]
    assert str(dekking.date) == "2023-12-31"  # type: ignore[attr-defined]
    postings = {p.account: p.units.number for p in dekking.postings}  # type: ignore[attr-defined]
    assert postings == {
        "Vermogen:Bestemmingsreserves:Herhuisvesting": Decimal("300.00"),
        "Vermogen:OnverdeeldResultaat:DekkingUitVermogen": Decimal("-300.00"),
    }


def test_the_resultaatbestemming_moves_the_result_of_the_year() -> None:
    derived, _ = _derived(JAAREINDE.replace("AMOUNT", "300.00"))
    bestemming = next(e for e in derived if "Resultaatbestemming" in e.narration)  # type: ignore[attr-defined]
    postings = {p.account: p.units.number for p in bestemming.postings}  # type: ignore[attr-defined]
    # result 500 - 300 = 200, plus the dekking of 300 through the result: 500 to the reserve
    assert postings == {
        "Vermogen:OnverdeeldResultaat:VorigeBoekjaren": Decimal("500.00"),
        "Vermogen:OverigeReserves": Decimal("-500.00"),
    }


def test_a_dekking_larger_than_the_reserve_is_refused() -> None:
    derived, errors = _derived(JAAREINDE.replace("AMOUNT", "1500.00"))
    assert errors == [
        "dekking 2023 uit Vermogen:Bestemmingsreserves:Herhuisvesting: "
        "1500.00 gevraagd, de reserve heeft 1000.00"
    ]
    assert not [e for e in derived if "Dekking" in e.narration]  # type: ignore[attr-defined]


def test_each_years_dekking_is_held_against_the_reserve_at_its_own_year_end() -> None:
    """The reserve held for a year's dekking is its balance at that year-end: an
    addition on the last day of 2023 counts for 2023, one in 2024 only for 2024."""
    more = (
        '2023-12-31 * "Toevoeging aan de reserve"\n'
        "  Activa:Bank                                   500.00 EUR\n"
        "  Vermogen:Bestemmingsreserves:Herhuisvesting  -500.00 EUR\n\n"
        '2024-03-01 * "Toevoeging aan de reserve"\n'
        "  Activa:Bank                                   700.00 EUR\n"
        "  Vermogen:Bestemmingsreserves:Herhuisvesting  -700.00 EUR\n\n"
        '2024-06-30 * "Afschrijving verbouwing"\n'
        "  Lasten:Afschrijvingen   1900.00 EUR\n"
        '    dekking: "wh"\n'
        "  Activa:Bank\n"
    )
    derived, errors = _derived(JAAREINDE.replace("AMOUNT", "1600.00") + more)
    # 2023: 1.000 + 500 held for 1.600 asked; 2024: 1.000 + 500 + 700 for 1.900
    assert errors == [
        "dekking 2023 uit Vermogen:Bestemmingsreserves:Herhuisvesting: "
        "1600.00 gevraagd, de reserve heeft 1500.00"
    ]
    dekkingen = [e for e in derived if "Dekking" in e.narration]  # type: ignore[attr-defined]
    assert [str(e.date) for e in dekkingen] == ["2024-12-31"]  # type: ignore[attr-defined]


def test_a_dekking_with_an_unknown_key_is_refused() -> None:
    _, errors = _derived(
        JAAREINDE.replace("AMOUNT", "300.00").replace('dekking: "wh"', 'dekking: "x"')
    )
    assert errors == ['dekking "x": geen bestemmingsreserve met die sleutel']


# -- vaststelling: a vastgesteld year is frozen --------------------------------------------

VASTGESTELD = """
2023-01-01 open Activa:Bank EUR
2023-01-01 open Baten:Contributie EUR
2023-03-01 * "Contributie"
  Activa:Bank            500.00 EUR
  Baten:Contributie     -500.00 EUR
"""


def _lock(tmp_path, text: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    from vng_accounts.vaststelling import file_digest, lock_text

    entries, errors, _ = loader.load_string(OPTIONS + text)
    assert errors == []
    locked = lock_text(entries, 2023)
    (tmp_path / "vastgesteld-2023.txt").write_text(locked, encoding="utf-8")
    return locked, file_digest(locked)


def _check_locked(tmp_path, text: str, digest: str) -> list[str]:  # type: ignore[no-untyped-def]
    from vng_accounts.plugins.vaststelling import vaststelling

    books = tmp_path / "main.beancount"
    books.write_text(
        OPTIONS
        + text
        + f'2024-06-30 custom "vng-vastgesteld" 2023 "vastgesteld-2023.txt" "{digest}"\n',
        encoding="utf-8",
    )
    entries, errors, options = loader.load_file(str(books))
    assert errors == [], errors
    _, found = vaststelling(entries, options)
    return [e.message for e in found]


def test_a_vastgesteld_year_unchanged_passes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, digest = _lock(tmp_path, VASTGESTELD)
    assert _check_locked(tmp_path, VASTGESTELD, digest) == []


def test_a_changed_entry_in_a_vastgesteld_year_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, digest = _lock(tmp_path, VASTGESTELD)
    changed = VASTGESTELD.replace("500.00", "501.00")
    found = _check_locked(tmp_path, changed, digest)
    assert any("toegevoegd of gewijzigd: Contributie" in m for m in found), found
    assert any("verwijderd" in m for m in found), found


def test_a_tampered_lock_file_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, digest = _lock(tmp_path, VASTGESTELD)
    with open(tmp_path / "vastgesteld-2023.txt", "a", encoding="utf-8") as handle:
        handle.write("0" * 64 + " 2023-01-01 erbij\n")
    assert _check_locked(tmp_path, VASTGESTELD, digest) == [
        "vastgesteld 2023: vastgesteld-2023.txt is gewijzigd na de vaststelling"
    ]


# -- wnt: every function complete, within its norm year, reconciled with the payroll -----

WNT = """
2024-01-01 open Lasten:Personeel:Salarissen EUR
  wnt: "beloning"
2024-01-01 open Activa:Bank EUR
2024-01-01 custom "vng-entiteit" "Vereniging Voorbeeld"
2024-01-01 custom "wnt-norm" 2024 233000.00 EUR
  bron: "Regeling bezoldigingsmaxima 2024"
  zonder_dienstbetrekking_1_6: 30800.00 EUR
  zonder_dienstbetrekking_7_12: 23400.00 EUR
  uurtarief: 221.00 EUR
  drempel: 2100.00 EUR
2024-01-01 custom "wnt-functie" "jansen" "Directeur"
  naam: "A. Jansen"
  instelling: "Vereniging Voorbeeld"
  soort: "leidinggevend"
  begin: 2024-01-01
  einde: 2024-12-31
  deeltijdfactor: 1.0
  dienstbetrekking: TRUE
  beloning: BELONING EUR
  termijn: 0.00 EUR
2024-12-31 * "Salarissen 2024"
  Lasten:Personeel:Salarissen   120000.00 EUR
    medewerker: "jansen"
  Activa:Bank
"""


def _wnt(text: str) -> list[str]:
    from vng_accounts.plugins.wnt import check_wnt

    entries, errors, options = loader.load_string(OPTIONS + text)
    assert errors == [], errors
    _, found = check_wnt(entries, options)
    return [e.message for e in found]


def test_a_reconciled_wnt_function_passes() -> None:
    assert _wnt(WNT.replace("BELONING", "120000.00")) == []


def test_a_beloning_that_does_not_reconcile_with_the_payroll_is_named() -> None:
    found = _wnt(WNT.replace("BELONING", "119000.00"))
    assert len(found) == 1 and "jansen" in found[0] and "120000.00" in found[0], found


def test_a_function_without_a_norm_for_its_year_is_named() -> None:
    text = WNT.replace("BELONING", "120000.00").replace(
        '2024-01-01 custom "wnt-norm" 2024', '2024-01-01 custom "wnt-norm" 2023'
    )
    assert "wnt: geen wnt-norm voor 2024" in _wnt(text)
