"""The project's plugins on small ledgers, kept next to the test as beancount does."""

from __future__ import annotations

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
