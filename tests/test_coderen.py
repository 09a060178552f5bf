"""Coded, not retyped: a receipt that names its contributie invoice settles it, other
bookings get the counter account the books' own history predicts (flagged for
review), and what remains waits on the suspense account."""

from __future__ import annotations

from decimal import Decimal

from beancount.core import data
from beancount.parser import parser

from importers.base import new_entries
from importers.coderen import named_invoice, open_invoices
from tests.test_importers import DATA, _importer, with_accounts
from vng_accounts.books import Books

DEBTORS = "Activa:Vorderingen:Handelsdebiteuren"
SUSPENSE = "Activa:Vorderingen:Overlopend:TeVerwerken"


def _transactions(entries: list[data.Directive]) -> list[data.Transaction]:
    return [e for e in entries if isinstance(e, data.Transaction)]


def _counter(entry: data.Transaction) -> str:
    return entry.postings[1].account


def test_a_receipt_naming_its_invoice_settles_it(books: Books) -> None:
    existing = with_accounts(books)
    path = DATA / "camt053" / "ing-2024-12-02-contributie.xml"
    before = open_invoices(existing, DEBTORS)
    entries = new_entries(_importer(books, path), str(path), existing)
    after = open_invoices([*existing, *entries], DEBTORS)
    amsterdam, den_haag = "contributie/2025/GM0363", "contributie/2025/GM0518"
    assert before[amsterdam].open == Decimal("907925.61") and after[amsterdam].open == 0
    assert after[den_haag].open == before[den_haag].open - Decimal("300000.00")
    booked = _transactions(entries)
    assert [(e.flag, _counter(e), e.payee) for e in booked[:2]] == [
        ("*", DEBTORS, "Amsterdam"),
        ("*", DEBTORS, "'s-Gravenhage"),
    ]
    # more than is open, or an invoice the books do not have: not booked on it
    assert [(e.flag, _counter(e)) for e in booked[2:]] == [("!", SUSPENSE), ("!", SUSPENSE)]
    # the rest of Rotterdam's invoice stays open
    assert after["contributie/2025/GM0599"].open == before["contributie/2025/GM0599"].open


def test_how_a_receipt_names_its_invoice(books: Books) -> None:
    invoices = open_invoices(books.entries, DEBTORS)
    assert named_invoice("VNG contributie 2025 gm 0363", invoices).reference.endswith("GM0363")
    assert named_invoice("CONTRIBUTIE-2025-GM0518", invoices).reference.endswith("GM0518")
    assert named_invoice("Contributie 2025 Amsterdam", invoices) is None
    assert named_invoice("GM0363 GM0599", invoices) is None  # two invoices: neither


def test_the_counter_account_is_predicted_from_a_small_history(books: Books) -> None:
    history, errors, _ = parser.parse_file(str(DATA / "coderen" / "historie.beancount"))
    assert not errors
    existing = [*with_accounts(books), *history]
    path = DATA / "coderen" / "rabobank-2024-05-02.swi"
    booked = _transactions(new_entries(_importer(books, path), str(path), existing))
    assert [(e.payee, e.flag, _counter(e), e.meta.get("codering")) for e in booked] == [
        ("Drukkerij De Letter B.V.", "!", "Lasten:KantoorHuisvesting:Drukwerk", "voorspeld"),
        ("Schoonmaak Voorbeeld B.V.", "!", "Lasten:KantoorHuisvesting:Huisvesting", "voorspeld"),
        ("Adviesbureau Nieuw", "!", SUSPENSE, None),  # nothing in the history backs a guess
    ]
    assert all(e.postings[1].units == -e.postings[0].units for e in booked)


def test_without_history_everything_waits_on_the_suspense_account(books: Books) -> None:
    path = DATA / "coderen" / "rabobank-2024-05-02.swi"
    history, _, _ = parser.parse_file(str(DATA / "coderen" / "historie.beancount"))
    unreviewed = [e._replace(flag="!") if isinstance(e, data.Transaction) else e for e in history]
    existing = [*with_accounts(books), *unreviewed]
    booked = _transactions(new_entries(_importer(books, path), str(path), existing))
    assert {_counter(e) for e in booked} == {SUSPENSE}


def _query(books: Books, name: str, entries: list[data.Directive]) -> list[tuple[object, ...]]:
    from beanquery import query

    (stored,) = [e for e in books.entries if isinstance(e, data.Query) and e.name == name]
    _, rows = query.run_query(entries, books.options, stored.query_string)
    return [tuple(row) for row in rows]


def test_the_books_queries_show_what_is_still_to_code_and_to_settle(books: Books) -> None:
    """Fava lists the books' queries: what waits on the suspense account, the
    predictions to review, and the contributie invoices still open."""
    history, _, _ = parser.parse_file(str(DATA / "coderen" / "historie.beancount"))
    existing = [*with_accounts(books), *history]
    receipts = DATA / "camt053" / "ing-2024-12-02-contributie.xml"
    statement = DATA / "coderen" / "rabobank-2024-05-02.swi"
    imported = new_entries(_importer(books, receipts), str(receipts), existing)
    imported += new_entries(_importer(books, statement), str(statement), existing)
    entries = sorted([*existing, *imported], key=data.entry_sortkey)
    waiting = {row[1] for row in _query(books, "te-verwerken", entries)}
    assert {"Gemeente Rotterdam", "Gemeente Nergensveld", "Adviesbureau Nieuw"} <= waiting
    to_review = {(row[1], row[3]) for row in _query(books, "te-controleren", entries)}
    assert to_review == {
        ("Drukkerij De Letter B.V.", "Lasten:KantoorHuisvesting:Drukwerk"),
        ("Schoonmaak Voorbeeld B.V.", "Lasten:KantoorHuisvesting:Huisvesting"),
    }
    still_open = dict(_query(books, "contributie-open", entries))
    before = dict(_query(books, "contributie-open", list(books.entries)))
    assert "contributie/2025/GM0363" in before and "contributie/2025/GM0363" not in still_open
    assert still_open["contributie/2025/GM0518"] == Decimal("318054.47")
    assert len(still_open) == len(before) - 1


def test_at_year_end_the_invoices_paid_by_transfer_are_open(books: Books) -> None:
    """The incasso of November settles the invoices of the gemeenten that signed up
    for it, each by its own receipt; those who pay by transfer are open."""
    invoices = open_invoices(books.entries, DEBTORS)
    year_end = [i for i in invoices.values() if i.entry.date.year == 2024]
    open_at_year_end = dict(_query(books, "contributie-open", list(books.entries)))
    by_incasso = {i.reference for i in year_end if i.entry.meta.get("incasso") == "ja"}
    by_transfer = {i.reference for i in year_end} - by_incasso
    assert by_incasso and by_transfer
    assert set(open_at_year_end) == by_transfer
    assert all(invoices[r].open == 0 for r in by_incasso)
