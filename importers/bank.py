"""Bank statements to entries: one entry per booking, the closing balance as a
``balance`` assertion, continuity checked.

A statement is refused when its bookings do not add up from the opening to the
closing balance, or when its opening balance is not the books' balance of the
account at the start of its opening day. An account with nothing booked yet has
balance 0: its first statement opens at 0, or its opening balance is booked first.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import amount as bean_amount
from beancount.core import data

from importers.base import REFERENCE, Importer, ImportFailure, clean_text
from vng_accounts.import_settings import normal_iban

CURRENCY = "EUR"


@dataclass(frozen=True)
class Booking:
    date: datetime.date
    amount: Decimal
    reference: str
    end_to_end: str | None
    counterparty: str
    description: str
    lineno: int


@dataclass(frozen=True)
class Statement:
    iban: str
    opening_date: datetime.date
    opening: Decimal
    closing_date: datetime.date
    closing: Decimal
    bookings: tuple[Booking, ...]
    lineno: int


def account_for(iban: str, accounts: Mapping[str, str], filename: str, lineno: int) -> str:
    """The account whose ``open`` carries ``iban``; refused, saying how to add it."""
    account = accounts.get(normal_iban(iban))
    if account is None:
        raise ImportFailure(
            filename,
            lineno,
            f"IBAN {iban} staat bij geen rekening in de boeken: geef de rekening "
            f'iban: "{normal_iban(iban)}" in de metadata van haar open, bijvoorbeeld '
            f'2025-01-01 open Activa:LiquideMiddelen:Bank:Naam EUR met iban: "{normal_iban(iban)}"',
        )
    return account


def statement_date(statements: Sequence[Statement]) -> datetime.date:
    """The document's date: the day of its last closing ``balance`` assertion."""
    return max(s.closing_date for s in statements) + datetime.timedelta(days=1)


class BankImporter(Importer):
    """A bank statement format: ``parse`` the file into statements of the books' bank
    accounts (IBAN -> account, from the ``open`` entries' ``iban``); unmatched
    bookings wait on the ``te_verwerken`` account of ``custom "vng-import" "bank"``."""

    def __init__(self, ibans: Mapping[str, str], accounts: Mapping[str, str]) -> None:
        self.ibans = {normal_iban(k): v for k, v in ibans.items()}
        self.accounts = accounts

    def parse(self, filepath: str) -> list[Statement]:
        raise NotImplementedError

    def account(self, filepath: str) -> str:
        statement = self.parse(filepath)[0]
        return account_for(statement.iban, self.ibans, filepath, statement.lineno)

    def document_date(self, filepath: str) -> datetime.date | None:
        return statement_date(self.parse(filepath))

    def entries(self, filepath: str, existing: data.Entries) -> data.Entries:
        entries: list[data.Directive] = []
        for statement in self.parse(filepath):
            account = account_for(statement.iban, self.ibans, filepath, statement.lineno)
            entries += statement_entries(
                statement, account, self.accounts["te_verwerken"], filepath, [*existing, *entries]
            )
        return entries


def balance_before(existing: Sequence[data.Directive], account: str, day: datetime.date) -> Decimal:
    """The books' balance of ``account`` at the start of ``day`` (0 when nothing is
    booked on it yet), in EUR."""
    return sum(
        (
            posting.units.number
            for entry in existing
            if isinstance(entry, data.Transaction) and entry.date < day
            for posting in entry.postings
            if posting.account == account
            and posting.units is not None
            and posting.units.currency == CURRENCY
            and isinstance(posting.units.number, Decimal)
        ),
        Decimal(0),
    )


def statement_entries(
    statement: Statement,
    account: str,
    suspense: str,
    filename: str,
    existing: Sequence[data.Directive],
) -> list[data.Directive]:
    movements = sum((b.amount for b in statement.bookings), Decimal(0))
    if statement.opening + movements != statement.closing:
        raise ImportFailure(
            filename,
            statement.lineno,
            (
                f"afschrift sluit niet: begin {statement.opening} + mutaties {movements} is niet "
                f"het eindsaldo {statement.closing}"
            ),
        )
    booked = balance_before(existing, account, statement.opening_date)
    if booked != statement.opening:
        raise ImportFailure(
            filename,
            statement.lineno,
            (
                f"beginsaldo {statement.opening} op {statement.opening_date} sluit niet aan op "
                f"het saldo {booked} van {account} in de boeken op die dag"
            ),
        )
    entries: list[data.Directive] = []
    for booking in statement.bookings:
        meta = data.new_metadata(filename, booking.lineno)
        meta[REFERENCE] = f"{statement.iban}/{booking.reference}"
        if booking.end_to_end:
            meta["endtoendid"] = booking.end_to_end
        units = bean_amount.Amount(booking.amount, CURRENCY)
        postings = [
            data.Posting(account, units, None, None, None, None),
            data.Posting(suspense, -units, None, None, None, None),
        ]
        entries.append(
            data.Transaction(
                meta,
                booking.date,
                "!",
                clean_text(booking.counterparty) or None,
                clean_text(booking.description),
                frozenset(),
                frozenset(),
                postings,
            )
        )
    closing_meta = data.new_metadata(filename, statement.lineno)
    entries.append(
        data.Balance(
            closing_meta,
            statement.closing_date + datetime.timedelta(days=1),
            account,
            bean_amount.Amount(statement.closing, CURRENCY),
            None,
            None,
        )
    )
    return entries
