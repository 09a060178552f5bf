"""The general ledger of one entity and year, as the accountant receives it.

A pure builder: accounts with their number, RGS code and statement line; the opening
balance per account on 1 January (the result of earlier years on the account that
holds it, so the opening balance foots); the year's transactions grouped in journals
(dagboeken), each line with its document reference back to the books
(``file:line``); and per transaction the flags auditors select on.

The XAF auditfile and the workbook format this model; they do not compute.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data
from beancount.parser import options as bean_options

from statements.balances import book_value
from vng_accounts.books import Books
from vng_accounts.layouts import BALANS, BATEN_LASTEN

ZERO = Decimal(0)
ROUND = Decimal(1000)
LARGE = Decimal(100000)
NEAR_YEAR_END = datetime.timedelta(days=10)
RARE = 3

JOURNALS = {
    "B": "Bank en kas",
    "P": "Inkopen",
    "S": "Verkopen",
    "M": "Memoriaal",
}

FLAGS = {
    "na_jaareinde": "geboekt na het einde van het boekjaar",
    "memoriaal": "memoriaalboeking (geen bank of kas)",
    "rond_bedrag": "rond bedrag (veelvoud van € 1.000)",
    "weekend": "gedateerd in het weekend",
    "zelden_gebruikt": f"rekening met minder dan {RARE} boekingen in het jaar",
    "groot_bij_jaareinde": "groot bedrag (≥ € 100.000) rond de jaareinde",
    "berekend": "berekende boeking (herwaardering, dekking, resultaatbestemming)",
}


@dataclass(frozen=True)
class LedgerAccount:
    account: str
    number: str
    name: str
    kind: str  # B (balans) or P (winst- en verlies)
    rgs: str
    line: str
    note: str


@dataclass(frozen=True)
class Line:
    account: str
    amount: Decimal  # debit positive
    description: str


@dataclass(frozen=True)
class Entry:
    number: str
    journal: str
    date: datetime.date
    description: str
    docref: str
    lines: tuple[Line, ...]
    flags: tuple[str, ...]

    @property
    def total_debit(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.amount > 0), ZERO)


@dataclass(frozen=True)
class Grootboek:
    entity: str
    year: int
    accounts: tuple[LedgerAccount, ...]
    opening: tuple[tuple[str, Decimal], ...]  # account, balance on 1 January
    entries: tuple[Entry, ...]
    currency: str = "EUR"
    # account, debit, credit over the year; kept when the entries are left out
    turnover: tuple[tuple[str, Decimal, Decimal], ...] | None = None

    def debit_credit(self) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        """Per account the year's debit and credit (both positive)."""
        if self.turnover is not None:
            return (
                {a: d for a, d, _ in self.turnover if d},
                {a: c for a, _, c in self.turnover if c},
            )
        debit: dict[str, Decimal] = defaultdict(Decimal)
        credit: dict[str, Decimal] = defaultdict(Decimal)
        for entry in self.entries:
            for line in entry.lines:
                if line.amount > 0:
                    debit[line.account] += line.amount
                else:
                    credit[line.account] -= line.amount
        return dict(debit), dict(credit)

    def closing(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for account, amount in self.opening:
            totals[account] += amount
        debit, credit = self.debit_credit()
        for account, amount in debit.items():
            totals[account] += amount
        for account, amount in credit.items():
            totals[account] -= amount
        return dict(totals)


def summarised(ledger: Grootboek) -> Grootboek:
    """The ledger without its entries: accounts, opening balances and turnover."""
    debit, credit = ledger.debit_credit()
    accounts = sorted(set(debit) | set(credit))
    turnover = tuple((a, debit.get(a, ZERO), credit.get(a, ZERO)) for a in accounts)
    return Grootboek(
        ledger.entity, ledger.year, ledger.accounts, ledger.opening, (), ledger.currency, turnover
    )


def account_number(account: str, meta: dict[str, object]) -> str:
    """The grootboeknummer from the books, or a stable short id when there is none."""
    number = meta.get("nummer")
    if isinstance(number, str) and number:
        return number
    return "R" + hashlib.sha1(account.encode("utf-8")).hexdigest()[:10]


def _accounts(books: Books) -> dict[str, LedgerAccount]:
    types = bean_options.get_account_types(books.options)
    result = {}
    for account, spec in sorted(books.chart.accounts.items()):
        balance_sheet = account.split(":", 1)[0] in (types.assets, types.liabilities, types.equity)
        layout = BALANS if balance_sheet else BATEN_LASTEN
        line_id = spec.lines.get(layout.id)
        result[account] = LedgerAccount(
            account,
            account_number(account, dict(spec.meta)),
            account.replace(":", " - "),
            "B" if balance_sheet else "P",
            spec.rgs,
            layout.line(line_id).label if line_id else "",
            str(spec.note or ""),
        )
    return result


def _journal(entry: data.Transaction, accounts: dict[str, LedgerAccount]) -> str:
    lines = {accounts[p.account].line for p in entry.postings if p.account in accounts}
    if "Liquide middelen" in lines:
        return "B"
    if "Handelscrediteuren" in lines:
        return "P"
    if "Handelsdebiteuren" in lines:
        return "S"
    return "M"


def _docref(entry: data.Directive) -> str:
    meta = entry.meta
    reference = meta.get("referentie") or meta.get("document")
    if reference:
        return str(reference)
    return f"{os.path.basename(str(meta.get('filename', '')))}:{meta.get('lineno', 0)}"


def _flags(
    entry: data.Transaction, journal: str, year: int, usage: Counter[str], currency: str = "EUR"
) -> tuple[str, ...]:
    flags = []
    booked = entry.meta.get("geboekt")
    if isinstance(booked, datetime.date) and booked.year > year:
        flags.append("na_jaareinde")
    if journal == "M":
        flags.append("memoriaal")
    amounts = [_amount(entry, p, currency) for p in entry.postings]
    debit = sum((a for a in amounts if a > 0), ZERO)
    if debit and debit % ROUND == 0:
        flags.append("rond_bedrag")
    if entry.date.weekday() >= 5:
        flags.append("weekend")
    if any(usage[p.account] < RARE for p in entry.postings):
        flags.append("zelden_gebruikt")
    year_end = datetime.date(year, 12, 31)
    if debit >= LARGE and abs(entry.date - year_end) <= NEAR_YEAR_END:
        flags.append("groot_bij_jaareinde")
    if "berekend" in entry.meta:
        flags.append("berekend")
    return tuple(flags)


def _amount(entry: data.Transaction, posting: data.Posting, currency: str) -> Decimal:
    """In the books' own currency (EUR, or TND for a foreign dochter)."""
    if posting.units.currency == currency and currency != "EUR":
        return Decimal(posting.units.number)
    return book_value(entry, posting)


def build_grootboek(books: Books, year: int) -> Grootboek:
    accounts = _accounts(books)
    types = bean_options.get_account_types(books.options)
    currency = (books.options.get("operating_currency") or ["EUR"])[0]
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    opening: dict[str, Decimal] = defaultdict(Decimal)
    in_year = [
        e for e in books.entries if isinstance(e, data.Transaction) and start <= e.date < end
    ]
    earlier_result = ZERO
    for entry in books.entries:
        if isinstance(entry, data.Transaction) and entry.date < start:
            for posting in entry.postings:
                amount = _amount(entry, posting, currency)
                if accounts[posting.account].kind == "P":
                    earlier_result += amount
                else:
                    opening[posting.account] += amount
    if earlier_result:
        opening[_previous_result_account(books, types)] += earlier_result
    usage: Counter[str] = Counter(p.account for e in in_year for p in e.postings)
    entries = []
    counters: Counter[str] = Counter()
    for entry in in_year:
        journal = _journal(entry, accounts)
        counters[journal] += 1
        description = " ".join(x for x in (entry.payee, entry.narration) if x)
        lines = tuple(
            Line(p.account, _amount(entry, p, currency), description) for p in entry.postings
        )
        entries.append(
            Entry(
                f"{journal}{year}-{counters[journal]:05d}",
                journal,
                entry.date,
                description,
                _docref(entry),
                lines,
                _flags(entry, journal, year, usage, currency),
            )
        )
    ordered = tuple(sorted(accounts.values(), key=lambda a: a.number))
    return Grootboek(
        books.settings.entity_name,
        year,
        ordered,
        tuple(sorted((a, v) for a, v in opening.items() if v)),
        tuple(entries),
        currency,
    )


def _previous_result_account(books: Books, types: object) -> str:
    """The account on which the books keep the result of earlier years."""
    for account, spec in sorted(books.chart.accounts.items()):
        if spec.lines.get(BALANS.id) == "onverdeeld_resultaat" and "baten_lasten" not in spec.meta:
            return account
    for account in sorted(books.chart.accounts):
        if account.endswith(":OnverdeeldResultaat"):
            return account
    raise ValueError("geen rekening voor het onverdeeld resultaat van eerdere jaren")
