"""Importers: golden files (``file`` beside ``file.beancount``), deduplication on the
source's own reference, and hostile or broken files refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from beancount.parser import parser, printer

from importers.base import ImportFailure, dutch_amount, new_entries
from importers.config import importers_for
from vng_accounts.books import Books

DATA = Path(__file__).resolve().parent / "importers"
GOLDEN = sorted(
    p for p in DATA.rglob("*") if p.is_file() and (p.parent / (p.name + ".beancount")).exists()
)
# the bank accounts of the other banks' statements, opened beside the embedded books
ACCOUNTS = DATA / "rekeningen.beancount"


def with_accounts(books: Books) -> list:  # type: ignore[type-arg]
    """The embedded books and the test accounts of the other banks."""
    extra, errors, _ = parser.parse_file(str(ACCOUNTS))
    assert not errors
    return [*books.entries, *extra]


def _importers(books: Books) -> list:  # type: ignore[type-arg]
    return importers_for(with_accounts(books))


def _importer(books: Books, path: Path):  # type: ignore[no-untyped-def]
    found = [i for i in _importers(books) if i.identify(str(path))]
    assert len(found) == 1, (path, found)
    return found[0]


def _render(entries: list) -> str:  # type: ignore[type-arg]
    return "".join(printer.format_entry(e) + "\n" for e in entries)


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden(books: Books, path: Path) -> None:
    entries = new_entries(_importer(books, path), str(path), with_accounts(books))
    expected = (path.parent / (path.name + ".beancount")).read_text(encoding="utf-8")
    assert _render(entries) == expected


def test_golden_files_exist() -> None:
    assert len(GOLDEN) >= 5


def test_reimporting_adds_nothing_and_overlap_adds_only_the_new(books: Books) -> None:
    first = DATA / "camt053" / "ing-2024-03-01.xml"
    importer = _importer(books, first)
    once = new_entries(importer, str(first), list(books.entries))
    assert len(once) == 4
    # the two genuine € 25 payments of two members on the same day are both kept
    assert sum(1 for e in once if getattr(e, "narration", "").startswith("Deelname")) == 2
    assert new_entries(importer, str(first), list(books.entries) + once) == []
    overlap = DATA / "camt053" / "ing-2024-03-overlap.xml"
    added = new_entries(importer, str(overlap), list(books.entries) + once)
    assert [getattr(e, "payee", None) for e in added] == ["Gemeente Zeewolde", None]


def test_a_statement_that_does_not_continue_is_refused(books: Books) -> None:
    first = DATA / "camt053" / "ing-2024-03-01.xml"
    importer = _importer(books, first)
    once = new_entries(importer, str(first), list(books.entries))
    gap = DATA / "camt053" / "ing-2024-03-02-sluit-niet-aan.xml"
    with pytest.raises(
        ImportFailure,
        match=r"ing-2024-03-02-sluit-niet-aan.xml:5: beginsaldo "
        r"998000.00 op 2024-03-02 sluit niet aan",
    ):
        new_entries(importer, str(gap), list(books.entries) + once)


REFUSED = {
    "camt053/xxe.xml": "xxe.xml:2: DTD of entiteiten zijn niet toegestaan",
    "camt053/billion-laughs.xml": "billion-laughs.xml:2: DTD of entiteiten zijn niet toegestaan",
    "camt053/ing-2024-03-01-telt-niet.xml": "telt-niet.xml:5: afschrift sluit niet",
    "mt940/abn-2024-03-telt-niet.sta": "telt-niet.sta:1: afschrift sluit niet (nummer 00061",
    "salaris/salarisjournaal-formule.csv": "formule.csv:2: naam '=HYPERLINK",
    "salaris/salarisjournaal-dubbelzinnig.csv": "dubbelzinnig.csv:2: bedrag '5,212' is geen "
    "eenduidig",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_or_broken_files_are_refused_whole(books: Books, name: str) -> None:
    path = DATA / name
    importer = [i for i in _importers(books) if i.identify(str(path))]
    assert importer, name
    with pytest.raises(ImportFailure) as caught:
        new_entries(importer[0], str(path), with_accounts(books))
    assert REFUSED[name] in str(caught.value)


@pytest.mark.parametrize(
    "text,value",
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("-12,00", "-12.00"),
        ("12", "12"),
        ("1.234.567,89", "1234567.89"),
    ],
)
def test_dutch_amounts(text: str, value: str) -> None:
    assert str(dutch_amount(text, "f", 1)) == value


@pytest.mark.parametrize("text", ["1,234", "1.234", "1,2", "12.34", "1.23,45", "€ 12,00", ""])
def test_ambiguous_amounts_are_refused(text: str) -> None:
    with pytest.raises(ImportFailure, match="f:7: bedrag"):
        dutch_amount(text, "f", 7)


def test_the_books_contributie_is_what_the_invoicing_produces(books: Books) -> None:
    """The contributie 2025, invoiced in November 2024, is the importer's output on the
    members file in the books (ledger/vereniging/leden/leden-2025.csv) with the tariff
    2025 of the books — and reproduces the published vooruit gefactureerde contributie."""
    from decimal import Decimal

    from beancount.core import data

    from importers.config import settings_of
    from importers.leden import LedenImporter, read_tariff
    from tests.conftest import BOOKS_DIR

    members = BOOKS_DIR / "leden" / "leden-2025.csv"
    MEMBERS = settings_of(books.entries).accounts("leden")  # noqa: N806
    fresh = LedenImporter(MEMBERS).extract(str(members), list(books.entries))
    booked = [
        e
        for e in books.entries
        if isinstance(e, data.Transaction)
        and str(e.meta.get("referentie", "")).startswith("contributie/2025/")
    ]
    assert len(booked) == len(fresh) == 342
    total = sum(
        (p.units.number for e in fresh for p in e.postings if p.account == MEMBERS["contributie"]),
        Decimal(0),
    )
    assert total == sum(
        (p.units.number for e in booked for p in e.postings if p.account == MEMBERS["contributie"]),
        Decimal(0),
    )
    assert abs(-total / 1000 - 29748) < 1  # published: vooruit gefactureerde contributie 2024
    tariff = read_tariff(list(books.entries), 2025, str(members))
    assert tariff.contributie(25000) == Decimal("47275.00")  # 5.000 x 2,023 + 20.000 x 1,858
