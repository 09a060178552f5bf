"""The statements are computed from the books: change a posting and they change;
no published figure is typed into the product's code."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from statements.enkelvoudig import build_balance_sheet, build_baten_lasten
from tests import published_2024 as pub
from tests.conftest import ROOT
from vng_accounts.books import load_books

EXTRA = Decimal("12345.67")


def test_changing_a_transaction_changes_the_statements(books_copy: Path) -> None:
    before = load_books(str(books_copy))
    year_file = books_copy.parent / "2024.beancount"
    text = year_file.read_text(encoding="utf-8")
    # the first catering invoice of 2024 becomes EXTRA more expensive
    pattern = re.compile(
        r'(\* "Cateraar" "Inkoopfacturen restauratieve voorzieningen januari 2024"\n'
        r"\s+Lasten:KantoorHuisvesting:Restauratief\s+)([\d.]+)( EUR\n"
        r"\s+Passiva:Kortlopend:Handelscrediteuren\s+)(-[\d.]+)"
    )
    match = pattern.search(text)
    assert match, "invoice not found in the books"
    new_cost = Decimal(match[2]) + EXTRA
    text = pattern.sub(lambda m: f"{m[1]}{new_cost}{m[3]}{-new_cost}", text, count=1)
    year_file.write_text(text, encoding="utf-8")
    after = load_books(str(books_copy))
    assert after.errors == ()

    def row(books, table, line, column=0):  # type: ignore[no-untyped-def]
        return table(books, 2024).row(line).amounts[column]

    assert row(after, build_baten_lasten, "kantoor_huisvesting") == (
        row(before, build_baten_lasten, "kantoor_huisvesting") + EXTRA
    )
    assert row(after, build_baten_lasten, "onverdeeld_resultaat") == (
        row(before, build_baten_lasten, "onverdeeld_resultaat") - EXTRA
    )
    assert row(after, build_balance_sheet, "handelscrediteuren") == (
        row(before, build_balance_sheet, "handelscrediteuren") + EXTRA
    )
    assert row(after, build_balance_sheet, "onverdeeld_resultaat") == (
        row(before, build_balance_sheet, "onverdeeld_resultaat") - EXTRA
    )
    # the comparative year did not move
    assert row(after, build_baten_lasten, "kantoor_huisvesting", 2) == (
        row(before, build_baten_lasten, "kantoor_huisvesting", 2)
    )


def _published_numbers() -> set[str]:
    numbers: set[int] = set()
    for table in (pub.BALANS, pub.BATEN_LASTEN):
        for values in table.values():
            numbers.update(abs(v) for v in values if v is not None)
    for note in pub.TOELICHTING.values():
        for values in note.values():
            numbers.update(abs(v) for v in values if v is not None)
    # small figures (0, 4, 31, ...) also occur as ordinary constants
    big = {n for n in numbers if n >= 100}
    return (
        {str(n) for n in big}
        | {f"{n:,}".replace(",", ".") for n in big}
        | {str(n * 1000) for n in big}
    )


# Constants that coincide with a published figure but are no figure of the report.
NOT_FIGURES = {
    "999": "maximum text length in the XAF 3.2 schema (String999)",
    "200000": "a band boundary of the contributie tariff (inwoners), docstring example",
    "240": "the number of the auditing standard on fraud (NV COS 240, ISA 240)",
}


def test_no_published_figure_in_the_code() -> None:
    figures = _published_numbers() - set(NOT_FIGURES)
    offenders = []
    for package in ("vng_accounts", "statements", "importers"):
        for source in sorted((ROOT / package).rglob("*.py")):
            tokens = set(re.findall(r"\d[\d.]*\d|\d", source.read_text(encoding="utf-8")))
            found = tokens & figures
            if found:
                offenders.append(f"{source.relative_to(ROOT)}: {sorted(found)}")
    assert offenders == []


def test_a_year_without_postings_is_empty(books) -> None:  # type: ignore[no-untyped-def]
    """Nothing is carried in from outside the books: 2025 has no postings, so no figures."""
    table = build_baten_lasten(books, 2025)
    assert table.row("som_der_baten").amounts[0] == 0
    assert table.row("som_der_lasten").amounts[0] == 0
    # the begroting 2025 is in the books as Fava budgets: the column is their sum
    budgeted = sum(
        (
            entry.values[2].value.number
            for entry in books.entries
            if isinstance(entry, data.Custom)
            and entry.type == "budget"
            and entry.date.year == 2025
            and str(entry.values[0].value).startswith("Lasten:")
        ),
        Decimal(0),
    )
    assert budgeted > 0
    assert table.row("som_der_lasten").amounts[1] == budgeted
    assert (
        table.row("som_der_lasten").amounts[2]
        == build_baten_lasten(books, 2024).row("som_der_lasten").amounts[0]
    )
