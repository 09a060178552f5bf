"""Bank statements to entries: one entry per booking, the closing balance as a
``balance`` assertion, continuity checked.

A statement is refused, naming it (``file:line`` of its start and its number), when
its bookings do not add up from the opening to the closing balance, or when its
opening balance is not the books' balance of the account at the start of its
opening day (or, for a bank that dates the opening balance on the previous
statement's last day, at its end). An account with nothing booked yet has balance
0: its first statement opens at 0, or its opening balance is booked first.

Every booking carries ``referentie``: the account's IBAN and the bank's own
reference where the bank gives one, else a key made from the statement (its
number, the booking's date, amount and text, and which of the statement's equal
bookings it is). Importing a file twice adds nothing, an overlapping statement only
what is new, and two genuine equal payments on one day are two bookings.

The counter posting of each booking is decided by ``importers.coderen``: the open
invoice it pays, else the account the books' own history predicts, else the
``te_verwerken`` account of ``custom "vng-import" "bank"``.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import amount as bean_amount
from beancount.core import data

from importers.base import REFERENCE, Importer, ImportFailure, clean_text, known_references
from vng_accounts.import_settings import normal_iban

CURRENCY = "EUR"
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")
END_TO_END = "endtoendid"
REVERSAL = "storno"


@dataclass(frozen=True)
class Booking:
    date: datetime.date
    amount: Decimal
    reference: str | None  # the bank's own reference, None when it gives none
    end_to_end: str | None
    counterparty: str
    description: str
    lineno: int
    details: str = ""  # the booking's text as the file has it: part of the key
    reversal: bool = False
    counter_iban: str | None = None


@dataclass(frozen=True)
class Statement:
    iban: str  # the account as the file names it (an IBAN, or a bank's account number)
    opening_date: datetime.date
    opening: Decimal
    closing_date: datetime.date
    closing: Decimal
    bookings: tuple[Booking, ...]
    lineno: int
    number: str = ""
    currency: str = CURRENCY
    final: bool = True  # a final closing balance (not an intermediate one)
    opening_may_be_previous_day: bool = False  # the opening dated on the day before

    @property
    def label(self) -> str:
        number = f"nummer {self.number} " if self.number else ""
        return f"{number}van {self.iban}, {self.opening_date} t/m {self.closing_date}"


# A coder turns a booking's entry with only its bank posting into a complete entry.
Coder = Callable[[data.Transaction, Booking], data.Transaction]


def _iban_number(iban: str) -> str:
    """The account number inside a Dutch-style IBAN (its last ten characters),
    without leading zeros: what a bank writes when it writes no IBAN."""
    return iban[-10:].lstrip("0")


def _bban(iban: str) -> str:
    """The national account number inside an IBAN (after its country and check
    digits), without leading zeros: what a bank of another country writes when it
    writes no IBAN (``300000002778989``, bank code and number ``11010100/2324817618``)."""
    return iban[4:].lstrip("0")


def account_for(iban: str, accounts: Mapping[str, str], filename: str, lineno: int) -> str:
    """The account whose ``open`` carries ``iban``; refused, saying how to add it."""
    return accounts[resolve_iban(iban, accounts, filename, lineno)]


def resolve_iban(name: str, accounts: Mapping[str, str], filename: str, lineno: int) -> str:
    """The books' IBAN of the account a statement names: its IBAN, or (older formats)
    the account number inside exactly one of the books' IBANs."""
    iban = normal_iban(name)
    if iban in accounts:
        return iban
    if not _IBAN.fullmatch(iban):
        digits = "".join(c for c in iban.rpartition("/")[2] if c.isdigit()).lstrip("0")
        whole = re.sub(r"[^A-Z0-9]", "", iban).lstrip("0")
        found = [
            i
            for i in accounts
            if (digits and _iban_number(i) == digits) or (whole and _bban(i) == whole)
        ]
        if len(found) == 1:
            return found[0]
        raise ImportFailure(
            filename,
            lineno,
            f"rekeningnummer {name} hoort bij {'meer dan één' if found else 'geen'} IBAN van "
            "de boeken: geef de rekening haar IBAN (iban: in de metadata van haar open)",
        )
    raise ImportFailure(
        filename,
        lineno,
        f"IBAN {name} staat bij geen rekening in de boeken: geef de rekening "
        f'iban: "{iban}" in de metadata van haar open, bijvoorbeeld '
        f'2025-01-01 open Activa:LiquideMiddelen:Bank:Naam EUR met iban: "{iban}"',
    )


def statement_date(statements: Sequence[Statement]) -> datetime.date:
    """The document's date: the day of its last closing ``balance`` assertion."""
    return max(s.closing_date for s in statements) + datetime.timedelta(days=1)


def stable_key(iban: str, statement: Statement, booking: Booking, occurrence: int) -> str:
    """A booking's key when the bank gives no reference of its own: the statement's
    account and number, the booking's date, amount and text, and which of the
    statement's bookings with that date, amount and text it is."""
    parts = (
        iban,
        statement.number,
        booking.date.isoformat(),
        str(booking.amount),
        " ".join(booking.details.split()),
        str(occurrence),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
    return f"{iban}/afschrift/{digest}"


def references(iban: str, statement: Statement) -> list[str]:
    """Each booking's ``referentie``, in the statement's order."""
    seen: Counter[tuple[datetime.date, Decimal, str]] = Counter()
    keys = []
    for booking in statement.bookings:
        if booking.reference:
            keys.append(f"{iban}/{booking.reference}")
            continue
        shape = (booking.date, booking.amount, " ".join(booking.details.split()))
        keys.append(stable_key(iban, statement, booking, seen[shape]))
        seen[shape] += 1
    return keys


class BankImporter(Importer):
    """A bank statement format: ``parse`` the file into statements of the books' bank
    accounts (IBAN -> account, from the ``open`` entries' ``iban``); the counter
    posting of each booking comes from ``coder`` (``importers.coderen``), else the
    booking waits on the ``te_verwerken`` account of ``custom "vng-import" "bank"``."""

    def __init__(
        self,
        ibans: Mapping[str, str],
        accounts: Mapping[str, str],
        coder_for: Callable[[data.Entries, str], Coder] | None = None,
    ) -> None:
        self.ibans = {normal_iban(k): v for k, v in ibans.items()}
        self.accounts = accounts
        self.coder_for = coder_for

    def parse(self, filepath: str) -> list[Statement]:
        raise NotImplementedError

    def account(self, filepath: str) -> str:
        statement = self.parse(filepath)[0]
        return account_for(statement.iban, self.ibans, filepath, statement.lineno)

    def document_date(self, filepath: str) -> datetime.date | None:
        return statement_date(self.parse(filepath))

    def entries(self, filepath: str, existing: data.Entries) -> data.Entries:
        statements = self.parse(filepath)
        known = known_references(existing)
        new: list[data.Directive] = []  # what this file adds, for the next statement's check
        entries: list[data.Directive] = []
        last_closing = _last_closing_per_day(statements)
        currencies = {
            e.account: e.currencies for e in existing if isinstance(e, data.Open) and e.currencies
        }
        for index, statement in enumerate(statements):
            iban = resolve_iban(statement.iban, self.ibans, filepath, statement.lineno)
            account = self.ibans[iban]
            if account in currencies and statement.currency not in currencies[account]:
                raise ImportFailure(
                    filepath,
                    statement.lineno,
                    f"afschrift in {statement.currency} ({statement.label}), maar "
                    f"{account} houdt {', '.join(currencies[account])}",
                )
            coder = self._coder([*existing, *new], account)
            made = statement_entries(
                statement,
                iban,
                account,
                filepath,
                existing,
                coder,
                earlier=new,
                with_balance=last_closing[(normal_iban(statement.iban), statement.closing_date)]
                == index,
            )
            entries += made
            new += [
                e
                for e in made
                if not (isinstance(e, data.Transaction) and str(e.meta[REFERENCE]) in known)
            ]
            known |= {str(e.meta[REFERENCE]) for e in made if isinstance(e, data.Transaction)}
        return entries

    def _coder(self, existing: data.Entries, account: str) -> Coder:
        if self.coder_for is not None:
            return self.coder_for(existing, account)
        suspense = self.accounts["te_verwerken"]
        return lambda entry, booking: to_suspense(entry, suspense)


def _last_closing_per_day(statements: Sequence[Statement]) -> dict[tuple[str, object], int]:
    """Per account and closing day, the last statement with a final closing balance:
    only its balance is asserted (intraday statements share their day, and an
    intermediate closing balance is not the day's)."""
    last: dict[tuple[str, object], int] = {}
    for index, statement in enumerate(statements):
        key = (normal_iban(statement.iban), statement.closing_date)
        last[key] = index if statement.final else last.get(key, -1)
    return last


def to_suspense(entry: data.Transaction, suspense: str) -> data.Transaction:
    """The entry with its counter posting on the suspense account, to be coded."""
    bank = entry.postings[0]
    assert bank.units is not None
    counter = data.Posting(suspense, -bank.units, None, None, None, None)
    return entry._replace(flag="!", postings=[bank, counter])


def balance_before(
    existing: Sequence[data.Directive], account: str, day: datetime.date, currency: str = CURRENCY
) -> Decimal:
    """The books' balance of ``account`` at the start of ``day`` (0 when nothing is
    booked on it yet), in ``currency``."""
    return sum(
        (
            posting.units.number
            for entry in existing
            if isinstance(entry, data.Transaction) and entry.date < day
            for posting in entry.postings
            if posting.account == account
            and posting.units is not None
            and posting.units.currency == currency
            and isinstance(posting.units.number, Decimal)
        ),
        Decimal(0),
    )


def _booked(
    existing: Sequence[data.Directive],
    earlier: Sequence[data.Directive],
    account: str,
    day: datetime.date,
    currency: str,
) -> Decimal:
    """The balance a statement opening on ``day`` continues: the books' balance at
    the start of that day, and whatever the file's earlier statements add."""
    return balance_before(existing, account, day, currency) + balance_before(
        earlier, account, datetime.date.max, currency
    )


def _check(
    statement: Statement,
    account: str,
    filename: str,
    existing: Sequence[data.Directive],
    earlier: Sequence[data.Directive] = (),
) -> None:
    movements = sum((b.amount for b in statement.bookings), Decimal(0))
    if statement.opening + movements != statement.closing:
        raise ImportFailure(
            filename,
            statement.lineno,
            (
                f"afschrift sluit niet ({statement.label}): begin {statement.opening} + mutaties "
                f"{movements} is niet het eindsaldo {statement.closing}"
            ),
        )
    day = statement.opening_date
    booked = _booked(existing, earlier, account, day, statement.currency)
    if booked == statement.opening:
        return
    next_day = day + datetime.timedelta(days=1)
    if (
        statement.opening_may_be_previous_day
        and all(b.date >= next_day for b in statement.bookings)
        and _booked(existing, earlier, account, next_day, statement.currency) == statement.opening
    ):
        return
    raise ImportFailure(
        filename,
        statement.lineno,
        (
            f"beginsaldo {statement.opening} op {day} sluit niet aan op "
            f"het saldo {booked} van {account} in de boeken op die dag (afschrift "
            f"{statement.label})"
        ),
    )


def statement_entries(
    statement: Statement,
    iban: str,
    account: str,
    filename: str,
    existing: Sequence[data.Directive],
    coder: Coder,
    with_balance: bool = True,
    earlier: Sequence[data.Directive] = (),
) -> list[data.Directive]:
    _check(statement, account, filename, existing, earlier)
    entries: list[data.Directive] = []
    for booking, reference in zip(statement.bookings, references(iban, statement), strict=True):
        meta = data.new_metadata(filename, booking.lineno)
        meta[REFERENCE] = reference
        if booking.end_to_end:
            meta[END_TO_END] = booking.end_to_end
        if booking.reversal:
            meta[REVERSAL] = "ja"
        units = bean_amount.Amount(booking.amount, statement.currency)
        entry = data.Transaction(
            meta,
            booking.date,
            "!",
            clean_text(booking.counterparty) or None,
            clean_text(booking.description),
            frozenset(),
            frozenset(),
            [data.Posting(account, units, None, None, None, None)],
        )
        entries.append(coder(entry, booking))
    if with_balance:
        entries.append(
            data.Balance(
                data.new_metadata(filename, statement.lineno),
                statement.closing_date + datetime.timedelta(days=1),
                account,
                bean_amount.Amount(statement.closing, statement.currency),
                None,
                None,
            )
        )
    return entries
