"""The general ledger of one entity and year, as the accountant receives it.

A pure builder: accounts with their number, RGS code and statement line; the opening
balance per account on 1 January (the result of earlier years on the account that
holds it, so the opening balance foots); the year's transactions grouped in journals
(dagboeken), each line with its document reference back to the books
(``file:line``); and per transaction the flags auditors select on.

For the auditfile also: per transaction its source (``file:line``), the user who booked
it (from a function the caller passes, e.g. the git author of its lines) and a document
number (the books' ``referentie``, ``document`` or ``factuur``, else the transaction's
own number); per line on a debtor or creditor account the customer or supplier
(``relatie`` metadata, else the payee) and the invoice (``factuur`` metadata, or the
reference of a sales or purchase entry); and the customers and suppliers with their
balances on 1 January and 31 December.

The journal of a transaction: its ``dagboek`` metadata, else the ``dagboek`` of an
account's ``open`` (``bank``, ``verkoop``, ``inkoop``, ``salaris``, ``memoriaal``), else
the lines its accounts land on: liquide middelen (bank), personeelslasten without
cash (salaris), handelsdebiteuren (verkoop), handelscrediteuren (inkoop), memoriaal.

The XAF auditfile and the workbook format this model; they do not compute.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data
from beancount.parser import options as bean_options

from statements.balances import book_value, transactions
from statements.errors import StatementError
from vng_accounts import bedrag
from vng_accounts.books import Books
from vng_accounts.layouts import (
    BALANS,
    BATEN_LASTEN,
    GECONSOLIDEERD_BALANS,
    GECONSOLIDEERD_BATEN_LASTEN,
    Layout,
)

ZERO = Decimal(0)
ROUND = Decimal(1000)
LARGE = Decimal(100000)
NEAR_YEAR_END = datetime.timedelta(days=10)
RARE = 3

JOURNALS = {
    "B": "Bank en kas",
    "P": "Inkopen",
    "S": "Verkopen",
    "Y": "Salarissen",
    "M": "Memoriaal",
}
# the books' names of the journals (``dagboek`` metadata)
DAGBOEKEN = {"bank": "B", "inkoop": "P", "verkoop": "S", "salaris": "Y", "memoriaal": "M"}
# the order in which an entry's accounts decide its journal
_PRIORITY = ("B", "Y", "S", "P")
_BANK_LINES = frozenset({"liquide_middelen"})
_SALARY_LINES = frozenset({"salarissen", "sociale_lasten", "pensioenbijdragen"})
CUSTOMER_LINES = frozenset({"handelsdebiteuren"})
SUPPLIER_LINES = frozenset({"handelscrediteuren"})
UNKNOWN_USER = "onbekend"
# who booked the lines (file, line numbers) of a transaction
Users = Callable[[str, Sequence[int]], str]
# when they were booked: seconds since the epoch, 0 when unknown
Times = Callable[[str, Sequence[int]], int]
LOCAL = zoneinfo.ZoneInfo("Europe/Amsterdam")

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
    line_id: str = ""  # the line it lands on, in the entity's own layout
    journal: str = ""  # the dagboek of its open, as a journal code
    statement_line: str = ""  # its line of the enkelvoudige jaarrekening ("" for none)
    group_line: str = ""  # its line of the geconsolideerde jaarrekening
    sign: int = 1  # the presentation sign of its enkelvoudige line (credit lines -1)
    lead: str = ""  # the note (toelichting number) its enkelvoudige line belongs to
    label: str = ""  # the label of that line, unambiguous within its layout
    lead_title: str = ""  # the heading of that note


@dataclass(frozen=True)
class Line:
    account: str
    amount: Decimal  # debit positive
    description: str
    cust_sup: str = ""  # the customer or supplier, on a debtor or creditor account
    inv_ref: str = ""  # the invoice


@dataclass(frozen=True)
class Entry:
    number: str
    journal: str
    date: datetime.date
    description: str
    docref: str
    lines: tuple[Line, ...]
    flags: tuple[str, ...]
    source: str = ""  # file:line in the books
    user: str = ""  # who booked it
    document: str = ""  # the document or reference number
    booked_at: datetime.datetime | None = None  # when it was booked (git), local time

    @property
    def total_debit(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.amount > 0), ZERO)


@dataclass(frozen=True)
class Relation:
    """A customer (C), supplier (S) or both (B), with its balance on the debtor and
    creditor accounts on 1 January and at the end of the year (debit positive)."""

    ident: str
    name: str
    kind: str
    opening: Decimal
    closing: Decimal


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
    relations: tuple[Relation, ...] = ()
    # the suspense accounts (te_verwerken of the books' ``vng-import`` settings)
    suspense: tuple[str, ...] = ()

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
        ledger.entity,
        ledger.year,
        ledger.accounts,
        ledger.opening,
        (),
        ledger.currency,
        turnover,
        ledger.relations,
        ledger.suspense,
    )


def account_number(account: str, meta: dict[str, object]) -> str:
    """The grootboeknummer from the books, or a stable short id when there is none."""
    number = meta.get("nummer")
    if isinstance(number, str) and number:
        return number
    return "R" + hashlib.sha1(account.encode("utf-8")).hexdigest()[:10]


def line_labels(layout: Layout) -> dict[str, tuple[str, int, str, str]]:
    """Per line of ``layout``: its label, made unambiguous with its heading where the
    layout uses the label twice ("Intercompany (Vorderingen)", "Intercompany
    (Kortlopende schulden)"), its sign, the note it belongs to and that note's heading."""
    counts = Counter(line.label for line in layout.lines if line.kind == "line")
    heading, note, title = "", "", ""
    result = {}
    for line in layout.lines:
        if line.kind == "header":
            heading, note, title = line.label, line.note or "", line.label if line.note else ""
            continue
        if line.kind != "line":
            continue
        label = f"{line.label} ({heading})" if counts[line.label] > 1 and heading else line.label
        own = bool(line.note)
        result[line.id] = (label, line.sign, line.note or note, line.label if own else title)
    return result


_LABELS = {layout.id: line_labels(layout) for layout in (BALANS, BATEN_LASTEN)}
# the presentation sign of each line of the consolidation worksheets
WORKSHEET_SIGNS = {
    f"consolidatie.werkblad_{kind}": {
        line.id: line.sign for line in layout.lines if line.kind == "line"
    }
    for kind, layout in (
        ("balans", GECONSOLIDEERD_BALANS),
        ("baten_lasten", GECONSOLIDEERD_BATEN_LASTEN),
    )
}


def _accounts(books: Books) -> dict[str, LedgerAccount]:
    types = bean_options.get_account_types(books.options)  # type: ignore[no-untyped-call]
    result = {}
    for account, spec in sorted(books.chart.accounts.items()):
        balance_sheet = account.split(":", 1)[0] in (types.assets, types.liabilities, types.equity)
        layout = BALANS if balance_sheet else BATEN_LASTEN
        line_id = spec.lines.get(layout.id)
        group = GECONSOLIDEERD_BALANS if balance_sheet else GECONSOLIDEERD_BATEN_LASTEN
        group_line = spec.lines.get(group.id) or ""
        label, sign, lead, lead_title = _LABELS[layout.id].get(line_id or "", ("", 1, "", ""))
        plain = layout.line(line_id).label if line_id else ""
        result[account] = LedgerAccount(
            account,
            account_number(account, dict(spec.meta)),
            account.replace(":", " - "),
            "B" if balance_sheet else "P",
            spec.rgs,
            plain,
            str(spec.note or ""),
            line_id or group_line,
            DAGBOEKEN.get(str(spec.meta.get("dagboek", "")), ""),
            line_id or "",
            group_line,
            sign,
            lead,
            label,
            lead_title,
        )
    return result


def _account_journal(account: LedgerAccount) -> str:
    if account.journal:
        return account.journal
    if account.line_id in _BANK_LINES:
        return "B"
    if account.line_id in _SALARY_LINES:
        return "Y"
    if account.line_id in CUSTOMER_LINES:
        return "S"
    if account.line_id in SUPPLIER_LINES:
        return "P"
    return ""


def _journal(entry: data.Transaction, codes: dict[str, str]) -> str:
    """The entry's journal: its own ``dagboek``, else the first in ``_PRIORITY`` of its
    accounts' journals (``codes``: per account, ``_account_journal``), else memoriaal."""
    own = DAGBOEKEN.get(str(entry.meta.get("dagboek", "")))
    if own:
        return own
    found = {codes[p.account] for p in entry.postings}
    return next((code for code in _PRIORITY if code in found), "M")


def _relation_kind(account: LedgerAccount) -> str:
    if account.line_id in CUSTOMER_LINES:
        return "C"
    if account.line_id in SUPPLIER_LINES:
        return "S"
    return ""


def relation_id(entry: data.Transaction, posting: data.Posting) -> tuple[str, str]:
    """(custSupID, name) of a debtor or creditor line: ``relatie`` metadata on the posting
    or the entry, else the payee; an id longer than 35 characters is shortened with a
    hash, so it stays unique."""
    name = str(entry.payee or entry.narration or UNKNOWN_USER)
    meta = posting.meta or {}
    ident = str(meta.get("relatie") or entry.meta.get("relatie") or name)
    if len(ident) > 35:
        ident = ident[:26] + "~" + hashlib.sha1(ident.encode("utf-8")).hexdigest()[:8]
    return ident, name


def _document(entry: data.Transaction, number: str) -> str:
    meta = entry.meta
    reference = meta.get("referentie") or meta.get("document") or meta.get("factuur")
    return str(reference) if reference else number


def _invoice(entry: data.Transaction, posting: data.Posting, journal: str) -> str:
    invoice = (posting.meta or {}).get("factuur") or entry.meta.get("factuur")
    if invoice:
        return str(invoice)
    if journal in ("S", "P"):  # the entry of a sales or purchase invoice
        return str(entry.meta.get("referentie") or entry.meta.get("document") or "")
    return ""


def _source(entry: data.Directive) -> str:
    meta = entry.meta
    return f"{os.path.basename(str(meta.get('filename', '')))}:{meta.get('lineno', 0)}"


def _lines(entry: data.Transaction) -> list[int]:
    lines = [int(entry.meta.get("lineno", 0))]
    lines += [int(p.meta["lineno"]) for p in entry.postings if p.meta and "lineno" in p.meta]
    return lines


def _user(entry: data.Transaction, users: Users | None) -> str:
    if users is None:
        return UNKNOWN_USER
    return users(str(entry.meta.get("filename", "")), _lines(entry)) or UNKNOWN_USER


def _booked_at(entry: data.Transaction, times: Times | None) -> datetime.datetime | None:
    """When the entry was booked, in Dutch local time: the git time of its lines, else
    its ``geboekt`` metadata (a date, at midnight), else unknown."""
    when = times(str(entry.meta.get("filename", "")), _lines(entry)) if times else 0
    if when:
        return datetime.datetime.fromtimestamp(when, LOCAL).replace(tzinfo=None)
    booked = entry.meta.get("geboekt")
    if isinstance(booked, datetime.date):
        return datetime.datetime(booked.year, booked.month, booked.day)
    return None


def _docref(entry: data.Directive) -> str:
    meta = entry.meta
    reference = meta.get("referentie") or meta.get("document")
    if reference:
        return str(reference)
    return f"{os.path.basename(str(meta.get('filename', '')))}:{meta.get('lineno', 0)}"


def _flags(
    entry: data.Transaction,
    journal: str,
    year: int,
    usage: Counter[str],
    amounts: Sequence[Decimal],
) -> tuple[str, ...]:
    """The signals of a transaction of ``year``; ``amounts`` those of its postings, in
    the books' own currency."""
    flags = []
    booked = entry.meta.get("geboekt")
    if isinstance(booked, datetime.date) and booked.year > year:
        flags.append("na_jaareinde")
    if journal == "M":
        flags.append("memoriaal")
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
    if currency != "EUR" and bedrag.units(posting).currency == currency:
        return bedrag.number(posting)
    return book_value(entry, posting)


def suspense_accounts(books: Books) -> tuple[str, ...]:
    """The accounts on which entries wait to be assigned: every ``te_verwerken`` of the
    books' ``vng-import`` settings, and an account named ``TeVerwerken``."""
    found = {
        str(e.meta["te_verwerken"])
        for e in books.entries
        if isinstance(e, data.Custom) and e.type == "vng-import" and "te_verwerken" in e.meta
    }
    found |= {a for a in books.chart.accounts if a.rsplit(":", 1)[-1] == "TeVerwerken"}
    return tuple(sorted(found))


def build_proefbalans(books: Books, year: int) -> Grootboek:
    """The trial balance of ``year`` alone (accounts, opening balances, turnover), as
    ``summarised(build_grootboek(books, year))`` but without making the entries."""
    accounts = _accounts(books)
    types = bean_options.get_account_types(books.options)  # type: ignore[no-untyped-call]
    currency = (books.options.get("operating_currency") or ["EUR"])[0]
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    opening: dict[str, Decimal] = defaultdict(Decimal)
    debit: dict[str, Decimal] = defaultdict(Decimal)
    credit: dict[str, Decimal] = defaultdict(Decimal)
    earlier_result = ZERO
    for entry in transactions(books, None, end):
        for posting in entry.postings:
            amount = _amount(entry, posting, currency)
            if entry.date >= start:
                (debit if amount > 0 else credit)[posting.account] += abs(amount)
            elif accounts[posting.account].kind == "P":
                earlier_result += amount
            else:
                opening[posting.account] += amount
    if earlier_result:
        opening[_previous_result_account(books, types)] += earlier_result
    moved = sorted(set(debit) | set(credit))
    return Grootboek(
        books.settings.entity_name,
        year,
        tuple(sorted(accounts.values(), key=lambda a: a.number)),
        tuple(sorted((a, v) for a, v in opening.items() if v)),
        (),
        currency,
        tuple((a, debit.get(a, ZERO), credit.get(a, ZERO)) for a in moved),
    )


def build_grootboek(
    books: Books, year: int, users: Users | None = None, times: Times | None = None
) -> Grootboek:
    """The general ledger of ``year``; ``users`` says who booked a transaction (its
    file and line numbers), else every user is "onbekend"; ``times`` when (git)."""
    accounts = _accounts(books)
    types = bean_options.get_account_types(books.options)  # type: ignore[no-untyped-call]
    currency = (books.options.get("operating_currency") or ["EUR"])[0]
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    opening: dict[str, Decimal] = defaultdict(Decimal)
    in_year = transactions(books, start, end)
    earlier_result = ZERO
    relations = _Relations()
    for entry in transactions(books, None, start):
        for posting in entry.postings:
            amount = _amount(entry, posting, currency)
            if accounts[posting.account].kind == "P":
                earlier_result += amount
            else:
                opening[posting.account] += amount
                relations.add(entry, posting, accounts[posting.account], amount, True)
    if earlier_result:
        opening[_previous_result_account(books, types)] += earlier_result
    usage: Counter[str] = Counter(p.account for e in in_year for p in e.postings)
    entries = []
    counters: Counter[str] = Counter()
    codes = {name: _account_journal(account) for name, account in accounts.items()}
    for entry in in_year:
        journal = _journal(entry, codes)
        counters[journal] += 1
        description = " ".join(x for x in (entry.payee, entry.narration) if x)
        lines = []
        amounts = [_amount(entry, p, currency) for p in entry.postings]
        for p, amount in zip(entry.postings, amounts, strict=True):
            ident = relations.add(entry, p, accounts[p.account], amount, False)
            invoice = _invoice(entry, p, journal) if ident else ""
            lines.append(Line(p.account, amount, description, ident, invoice))
        number = f"{journal}{year}-{counters[journal]:05d}"
        entries.append(
            Entry(
                number,
                journal,
                entry.date,
                description,
                _docref(entry),
                tuple(lines),
                _flags(entry, journal, year, usage, amounts),
                _source(entry),
                _user(entry, users),
                _document(entry, number),
                _booked_at(entry, times),
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
        None,
        relations.result(),
        suspense_accounts(books),
    )


class _Relations:
    """The customers and suppliers met on the debtor and creditor accounts, with their
    balances before the year and at its end."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.kinds: dict[str, set[str]] = defaultdict(set)
        self.opening: dict[str, Decimal] = defaultdict(Decimal)
        self.closing: dict[str, Decimal] = defaultdict(Decimal)

    def add(
        self,
        entry: data.Transaction,
        posting: data.Posting,
        account: LedgerAccount,
        amount: Decimal,
        before: bool,
    ) -> str:
        """The custSupID of this line ("" when it is no debtor or creditor line)."""
        kind = _relation_kind(account)
        if not kind:
            return ""
        ident, name = relation_id(entry, posting)
        self.names.setdefault(ident, name)
        self.kinds[ident].add(kind)
        if before:
            self.opening[ident] += amount
        self.closing[ident] += amount
        return ident

    def result(self) -> tuple[Relation, ...]:
        return tuple(
            Relation(
                ident,
                self.names[ident],
                "B" if len(self.kinds[ident]) > 1 else next(iter(self.kinds[ident])),
                self.opening.get(ident, ZERO),
                self.closing[ident],
            )
            for ident in sorted(self.names)
        )


def company_ids(books: Books) -> dict[str, str]:
    """The entity's KvK number, BTW number and RGS version for the auditfile; a missing
    KvK or BTW number is an error at the books' ``vng-entiteit`` entry, naming it."""
    settings = books.settings
    source = dict(settings.entity_source) or None
    name = settings.entity_name or "(geen vng-entiteit)"
    for key, what in (("kvk", "KvK-nummer"), ("btw", "btw-identificatienummer")):
        if not str(settings.entity.get(key, "")).strip():
            message = (
                f'entiteit "{name}": instelling {key} ({what}) ontbreekt; de auditfile '
                f'vraagt haar (vng-entiteit ... {key}: "...")'
            )
            raise StatementError(source, message)
    return {k: str(v).strip() for k, v in settings.entity.items()}


def _previous_result_account(books: Books, types: object) -> str:
    """The account on which the books keep the result of earlier years."""
    for account, spec in sorted(books.chart.accounts.items()):
        if spec.lines.get(BALANS.id) == "onverdeeld_resultaat" and "baten_lasten" not in spec.meta:
            return account
    for account in sorted(books.chart.accounts):
        if account.endswith(":OnverdeeldResultaat"):
            return account
    raise ValueError("geen rekening voor het onverdeeld resultaat van eerdere jaren")
