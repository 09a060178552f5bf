"""Fava's import page does what ``vng import`` does: the same importers, built from
the same books, offer the same new entries for a file, leave out the same
duplicates and refuse the same files."""

from __future__ import annotations

from pathlib import Path

import pytest
from beancount.core import data
from fava.core.ingest import WrappedImporter, extract_from_file

from importers.base import ImportFailure
from importers.config import from_books, importers_for
from tests.test_import_veilig import camt
from tests.test_importers import DATA, with_accounts
from vng.importeren import extract_all
from vng_accounts.books import Books

FILES = [
    DATA / "camt053" / "ing-2024-12-02-contributie.xml",
    DATA / "camt053" / "ing-2024-06-03-v08.xml",
    DATA / "mt940" / "asn-2024-04.sta",
    DATA / "mt940" / "rabobank-2024-04.swi",
    DATA / "leden" / "leden-2026.csv",
]


def _favas(existing: list[data.Directive], path: Path) -> list[data.Directive]:
    """What Fava's import page extracts from ``path``, with its own ingest code."""
    (importer,) = [i for i in from_books(lambda: existing) if i.identify(str(path))]
    return extract_from_file(WrappedImporter(importer), path, existing)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fava_offers_what_vng_import_adds(books: Books, path: Path) -> None:
    existing = with_accounts(books)
    (found,) = extract_all([str(path)], existing, None)
    assert _favas(existing, path) == list(found.entries)
    assert _favas([*existing, *found.entries], path) == []  # a second time: nothing


def test_fava_refuses_what_vng_import_refuses(books: Books, tmp_path: Path) -> None:
    existing = with_accounts(books)
    in_2023 = camt(
        tmp_path / "ing-2023.xml",
        "0.00",
        "25.00",
        day="2023-06-01",
        bookings=(("25.00", "CRDT", "Gemeente X", "Factuur 1"),),
    )
    with pytest.raises(ImportFailure) as ours:
        extract_all([str(in_2023)], existing, None)
    with pytest.raises(ImportFailure) as favas:
        _favas(existing, in_2023)
    assert str(favas.value) == str(ours.value)


def test_both_use_the_same_importers(books: Books) -> None:
    existing = with_accounts(books)
    assert [i.name for i in from_books(lambda: existing)] == [
        i.name for i in importers_for(existing)
    ]
