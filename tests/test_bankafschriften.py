"""Bank statements as the banks write them: every MT940 golden file read as the
maintained ``mt-940`` package reads it, bookings without a bank reference kept
exactly once, and a statement that does not close refused, naming it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import mt940
import pytest
from beancount.core import data

from importers.base import ImportFailure, new_entries
from importers.mt940 import parse
from tests.test_importers import DATA, _importer, with_accounts
from vng_accounts.books import Books

MT940_FILES = sorted(
    p for p in (DATA / "mt940").iterdir() if p.suffix != ".beancount" and p.is_file()
)
# ASN and SNS put the counter IBAN (up to 34 characters) where the customer
# reference goes: mt-940 reads them with its ASN variant of :61:
_ASN_STYLE = ("asn", "sns")


def _theirs(path: Path) -> list[mt940.models.Transactions]:
    tags = None
    if path.name.startswith(_ASN_STYLE):
        asn = mt940.tags.StatementASNB()
        tags = {asn.id: asn}
    return mt940.parse_statements(str(path), tags=tags)


@pytest.mark.parametrize("path", MT940_FILES, ids=lambda p: p.name)
def test_we_read_every_mt940_file_as_mt940_reads_it(path: Path) -> None:
    theirs = _theirs(path)
    ours = parse(str(path))
    assert len(ours) == len(theirs)
    for statement, other in zip(ours, theirs, strict=True):
        closing = other.data.get("final_closing_balance") or other.data.get(
            "intermediate_closing_balance"
        )
        assert statement.closing == Decimal(str(closing.amount.amount))
        assert [(b.amount, b.date) for b in statement.bookings] == [
            (
                Decimal(str(t.data["amount"].amount)),
                t.data.get("entry_date") or t.data["date"],
            )
            for t in other
        ]


def test_mt940_files_of_every_bank_are_here() -> None:
    names = {p.name.split("-")[0] for p in MT940_FILES}
    assert {"ing", "abn", "rabobank", "sns", "triodos", "knab", "asn", "postfinance"} <= names


def _transactions(entries: list[data.Directive]) -> list[data.Transaction]:
    return [e for e in entries if isinstance(e, data.Transaction)]


def test_bookings_without_a_bank_reference_are_imported_once(books: Books) -> None:
    existing = with_accounts(books)
    path = DATA / "mt940" / "asn-2024-04.sta"
    importer = _importer(books, path)
    once = new_entries(importer, str(path), existing)
    coffee = [e for e in _transactions(once) if "Koffiehuis" in e.narration]
    # two genuine equal payments on one day, same text, no reference: both stay
    assert len(coffee) == 2 and coffee[0].meta["referentie"] != coffee[1].meta["referentie"]
    assert new_entries(importer, str(path), existing + once) == []
    overlap = DATA / "mt940" / "asn-2024-04-overlap.sta"
    added = new_entries(importer, str(overlap), existing + once)
    assert [(e.date.isoformat(), e.narration) for e in _transactions(added)] == [
        ("2024-04-25", "Betaalautomaat Koffiehuis Voorbeeld Den Haag")
    ]


def test_the_statement_that_does_not_close_is_named(books: Books, tmp_path: Path) -> None:
    text = (DATA / "mt940" / "generic-2024-04.sta").read_text(encoding="utf-8")
    path = tmp_path / "generiek.sta"
    path.write_text(text.replace(":62F:C240406EUR980,00", ":62F:C240406EUR981,00"))
    with pytest.raises(
        ImportFailure,
        match=r"generiek.sta:9: afschrift sluit niet \(nummer 2 van 0000000010, "
        r"2024-04-06 t/m 2024-04-06\): begin 990.00 \+ mutaties -10.00 is niet het eindsaldo "
        "981.00",
    ):
        new_entries(_importer(books, path), str(path), with_accounts(books))


def test_a_cut_off_mt940_file_is_refused(books: Books, tmp_path: Path) -> None:
    text = (DATA / "mt940" / "ing-2024-05.sta").read_text(encoding="utf-8")
    path = tmp_path / "afgebroken.sta"
    path.write_text(text.split(":62F:")[0], encoding="utf-8")
    with pytest.raises(ImportFailure, match=r"afgebroken.sta:4: afschrift zonder eindsaldo"):
        new_entries(_importer(books, path), str(path), with_accounts(books))


@pytest.mark.parametrize(
    "line,date,amount,reference",
    [
        ("2405010502C12,5NTRFNONREF", "2024-05-02", "12.50", None),
        ("240501    D4,50NBEA", "2024-05-01", "-4.50", None),
        ("2412310101D1,NTRFNONREF//B1", "2025-01-01", "-1.00", "B1"),
        ("240501RC10,00NTRFNONREF//X9", "2024-05-01", "-10.00", "X9"),
        ("240501RD10,00NTRFNONREF//X9", "2024-05-01", "10.00", "X9"),
        ("240501C\n7,00NTRFNONREF\n//ABC123", "2024-05-01", "7.00", "ABC123"),
    ],
)
def test_booking_lines_as_banks_write_them(
    tmp_path: Path, line: str, date: str, amount: str, reference: str | None
) -> None:
    path = tmp_path / "regel.sta"
    value = Decimal(amount)
    path.write_text(
        f":20:X\n:25:NL00INGB0000000001\n:28C:1\n:60F:C240101EUR0,00\n:61:{line}\n:86:tekst\n"
        f":62F:{'C' if value >= 0 else 'D'}250101EUR{str(abs(value)).replace('.', ',')}\n-\n",
        encoding="utf-8",
    )
    (statement,) = parse(str(path))
    (booking,) = statement.bookings
    assert (booking.date.isoformat(), booking.amount, booking.reference) == (
        date,
        value,
        reference,
    )


CAMT = DATA / "camt053"


@pytest.mark.parametrize("version", ["02", "04", "08"])
def test_camt053_of_each_version_has_a_golden_file(version: str) -> None:
    assert any(
        f"camt.053.001.{version}" in p.read_text(encoding="utf-8")[:400]
        for p in CAMT.glob("*.xml")
        if (p.parent / (p.name + ".beancount")).exists()
    )


def test_a_camt_batch_is_one_booking_per_transaction_and_once(books: Books) -> None:
    existing = with_accounts(books)
    path = CAMT / "ing-2024-06-03-v08.xml"
    importer = _importer(books, path)
    once = new_entries(importer, str(path), existing)
    batch = [e for e in _transactions(once) if "leergang" in e.narration]
    assert [e.postings[0].units.number for e in batch] == [Decimal(500), Decimal(600), Decimal(400)]
    # two statements of two accounts in one file, each with its closing balance
    assert {e.account for e in once if isinstance(e, data.Balance)} == {
        "Activa:LiquideMiddelen:Bank:ING",
        "Activa:LiquideMiddelen:Bank:Spaarrekening",
    }
    # the entry without AcctSvcrRef, the pending entry left out, nothing twice
    assert not any("Nog niet geboekt" in e.narration for e in _transactions(once))
    assert new_entries(importer, str(path), existing + once) == []


def test_a_camt_batch_without_amounts_is_one_booking(books: Books) -> None:
    path = CAMT / "rabobank-2024-04-05-v02.xml"
    entries = _transactions(new_entries(_importer(books, path), str(path), with_accounts(books)))
    assert [e.narration for e in entries][-1] == "Verzamelbetaling 2 posten"
    assert [e.meta.get("storno") for e in entries] == [None, "ja", None]


def test_a_camt_report_or_notification_is_refused_as_no_statement(books: Books) -> None:
    path = CAMT / "knab-2024-07-01-tussentijds.xml"
    importer = _importer(books, path)
    with pytest.raises(ImportFailure) as refused:
        new_entries(importer, str(path), with_accounts(books))
    assert str(refused.value) == (
        f"{path}:2: een tussentijds rekeningoverzicht (camt.052) is geen afschrift: "
        "importeer het dagafschrift (camt.053)"
    )
