"""``load_books`` on small ledgers written here: every error reaches the user once, as
``file:line: reason``."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import vng
from vng_accounts.books import load_books
from vng_accounts.errors import format_error

LEDGER = """option "name_assets" "Activa"
option "name_liabilities" "Passiva"
option "name_equity" "Vermogen"
option "name_income" "Baten"
option "name_expenses" "Lasten"
option "operating_currency" "EUR"
{plugins}
2024-01-01 open Activa:Bank EUR
  rgs: "BLimBanRba"
  balans: "liquide_middelen"
2024-01-01 open Baten:Contributie EUR
  rgs: "geen-code"
  baten_lasten: "contributie"
2024-02-01 * "Gemeente" "Contributie"
  Activa:Bank        100.00 EUR
  Baten:Contributie
"""

RGS = "rekening Baten:Contributie: geen geldige RGS-code"


def _write(tmp_path: Path, plugins: str = "") -> Path:
    main = tmp_path / "main.beancount"
    main.write_text(LEDGER.format(plugins=plugins), encoding="utf-8")
    return main


def test_an_error_in_the_chart_names_its_file_and_line(tmp_path: Path) -> None:
    main = _write(tmp_path)
    errors = [format_error(e) for e in load_books(str(main)).errors]
    assert errors.count(f"{main}:11: {RGS}") == 1, errors


def test_the_chart_error_is_named_once_when_the_books_list_the_check(tmp_path: Path) -> None:
    main = _write(tmp_path, 'plugin "vng_accounts.plugins.rekeningschema"\n')
    errors = [format_error(e) for e in load_books(str(main)).errors]
    assert errors.count(f"{main}:12: {RGS}") == 1, errors


def test_vng_check_reports_it_and_fails(tmp_path: Path) -> None:
    main = _write(tmp_path)
    result = vng("check", "--books", str(main))
    assert result.returncode != 0
    assert f"{main}:11: {RGS}" in result.stderr + result.stdout
