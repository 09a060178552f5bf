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

from importers.base import REFERENCE, ImportFailure, clean_text

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
    account = accounts.get(iban.replace(" ", "").upper())
    if account is None:
        raise ImportFailure(filename, lineno, f"rekening {iban} is niet bekend in de boeken")
    return account


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
