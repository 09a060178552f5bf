"""New books: their first year's balans shows the opening balance as the comparative
column (the balance sheet at the end of the year before the books begin)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from statements.enkelvoudig import build_balance_sheet, build_note
from vng_accounts.books import load_books
from vng_accounts.toelichting import NOTES

BOOKS = """
option "name_assets" "Activa"
option "name_liabilities" "Passiva"
option "name_equity" "Vermogen"
option "name_income" "Baten"
option "name_expenses" "Lasten"
option "operating_currency" "EUR"

2024-01-01 custom "vng-entiteit" "Stichting Nieuw"
2024-01-01 open Activa:Bank EUR
  rgs: "BLimBan"
  balans: "liquide_middelen"
  toelichting: "liquide_middelen.bank"
2024-01-01 open Passiva:Crediteuren EUR
  rgs: "BSchCreHac"
  balans: "handelscrediteuren"
2024-01-01 open Vermogen:AlgemeneReserve EUR
  rgs: "BEivOvr"
  balans: "overige_reserves"
2024-01-01 open Baten:Contributie EUR
  rgs: "WOmzNop"
  baten_lasten: "contributie"

2024-01-01 * "Beginbalans 2024"
  mutatie: "beginbalans"
  Activa:Bank                 1500.00 EUR
  Passiva:Crediteuren         -400.00 EUR
  Vermogen:AlgemeneReserve   -1100.00 EUR

2024-03-01 * "Gemeente" "Contributie 2024"
  Activa:Bank                  250.00 EUR
  Baten:Contributie           -250.00 EUR
"""


def _books(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS, encoding="utf-8")
    books = load_books(str(path))
    assert books.errors == ()
    return books


def test_the_first_year_shows_the_opening_balance_as_the_year_before(tmp_path: Path) -> None:
    balans = build_balance_sheet(_books(tmp_path), 2024)
    assert balans.columns == ("2024", "2023")
    assert balans.row("liquide_middelen").amounts == (Decimal("1750.00"), Decimal("1500.00"))
    assert balans.row("handelscrediteuren").amounts == (Decimal("400.00"), Decimal("400.00"))
    assert balans.row("overige_reserves").amounts == (Decimal("1100.00"), Decimal("1100.00"))
    # the year's result is not part of the opening
    assert balans.row("onverdeeld_resultaat").amounts == (Decimal("250.00"), Decimal("0"))


def test_a_note_of_the_first_year_shows_the_opening_balance_too(tmp_path: Path) -> None:
    books = _books(tmp_path)
    note = build_note(books, next(n for n in NOTES if n.key == "liquide_middelen"), 2024)
    assert note.row("totaal").amounts == (Decimal("1750.00"), Decimal("1500.00"))


def test_the_year_before_the_opening_is_empty(tmp_path: Path) -> None:
    balans = build_balance_sheet(_books(tmp_path), 2023)
    assert balans.row("liquide_middelen").amounts == (Decimal("1500.00"), Decimal("0"))


def test_a_kasstroom_key_that_is_no_flow_is_an_error_at_its_open(tmp_path: Path) -> None:
    text = BOOKS.replace(
        '  balans: "handelscrediteuren"\n',
        '  balans: "handelscrediteuren"\n  kasstroom: "belasting"\n',
    ).replace(
        '  baten_lasten: "contributie"\n', '  baten_lasten: "contributie"\n  kasstroom: "vpb"\n'
    )
    path = tmp_path / "main.beancount"
    path.write_text(text, encoding="utf-8")
    errors = [f"{e.source['lineno']}: {e.message}" for e in load_books(str(path)).errors]
    assert errors == [
        '14: rekening Passiva:Crediteuren: kasstroom "belasting" is geen regel van het '
        "kasstroomoverzicht (afschrijvingen, betaalde_interest, bijzondere_baten_lasten, "
        "financiering, imva, kortlopende_schulden, mva, ontvangen_interest, "
        "resultaat_effecten, voorgaande_jaren, voorzieningen, vorderingen, vpb)",
        "21: rekening Baten:Contributie: kasstroom alleen op balansrekeningen",
    ], errors
