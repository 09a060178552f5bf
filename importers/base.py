"""What every importer of the project shares: strict amounts, errors with file and
line, the checks on every entry an importer makes, and deduplication on the source's
own reference.

Every number an importer puts in the books is plain decimal notation with at most two
decimals and below 10^12 (``1e309``, ``1_000``, ``Infinity`` and ``١٢`` are refused);
a file that breaks that rule is refused whole. ``new_entries`` also refuses a new
entry dated in a year the books record as vastgesteld.

Text is kept as the source wrote it (``clean_text``: control characters, line breaks
included, become spaces, so every text prints on one line and reads back the same
through beancount's parser and Fava's editor). A payee or narration that starts like
a spreadsheet formula (``=SUM(A1)``, ``-correctie``, ``@foo``) is written by whoever
pays the VNG and is booked as it is: the exports keep it text (the workbook writes
it as a text cell, the CSV files put an apostrophe before it).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation

import beangulp
import beangulp.extract
from beancount.core import data

from vng_accounts.import_settings import MissingSetting
from vng_accounts.vaststelling import describe, read_locks

REFERENCE = "referentie"
DUPLICATE = "__duplicate__"
MAX_DIGITS = 12  # integer digits of an amount: below 10^12
_DUTCH = re.compile(r"^-?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+),[0-9]{2}$")
_PLAIN = re.compile(r"^-?[0-9]+$")
_DECIMAL = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
# how a number the books can hold prints: what beancount's parser reads back
_IN_BOOKS = re.compile(rf"^-?[0-9]{{1,{MAX_DIGITS}}}(\.[0-9]{{1,2}})?$")
_COUNT = re.compile(rf"^[0-9]{{1,{MAX_DIGITS}}}$")


class ImportFailure(Exception):
    """A file that cannot be imported: nothing of it is."""

    def __init__(self, filename: str, lineno: int, message: str) -> None:
        super().__init__(f"{filename}:{lineno}: {message}")
        self.filename, self.lineno, self.message = filename, lineno, message


def sane(value: Decimal, text: str, filename: str, lineno: int) -> Decimal:
    """``value`` if the books can hold it: plain, at most 2 decimals, below 10^12."""
    if not _IN_BOOKS.match(str(value)):
        raise ImportFailure(
            filename,
            lineno,
            f"bedrag {text!r} is geen gewoon bedrag (hoogstens 2 decimalen, "
            f"kleiner dan 10^{MAX_DIGITS})",
        )
    return value


def dutch_amount(text: str, filename: str, lineno: int) -> Decimal:
    """``1.234,56`` or ``1234,56`` or ``12``; anything ambiguous (``1,234``) refused."""
    value = text.strip()
    if _DUTCH.match(value):
        return sane(Decimal(value.replace(".", "").replace(",", ".")), text, filename, lineno)
    if _PLAIN.match(value):
        return sane(Decimal(value), text, filename, lineno)
    raise ImportFailure(
        filename,
        lineno,
        f"bedrag {text!r} is geen eenduidig Nederlands bedrag " "(verwacht 1.234,56)",
    )


def decimal_amount(text: str | None, filename: str, lineno: int) -> Decimal:
    """An amount in XML notation without a sign: ``1234.56``, ``25`` or ``25.5``."""
    value = (text or "").strip()
    if not _DECIMAL.match(value):
        raise ImportFailure(filename, lineno, f"bedrag {text!r} ongeldig (verwacht 1234.56)")
    try:
        return sane(Decimal(value), value, filename, lineno)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ImportFailure(filename, lineno, f"bedrag {text!r} ongeldig") from None


def whole_number(text: str, what: str, filename: str, lineno: int) -> int:
    """A count (stukken, inwoners): ASCII digits only, below 10^12."""
    if not _COUNT.match(text):
        raise ImportFailure(filename, lineno, f"{what} {text!r} is geen geheel aantal")
    return int(text)


# control characters and what Python and Fava's editor split lines on (NEL, U+2028/9):
# such a character would not read back the same from the books' file
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean_text(value: str) -> str:
    """Text for the books: control characters and line breaks become spaces,
    whitespace collapsed, on one line."""
    return " ".join(_CONTROL.sub(" ", value).split())


def one_line(entry: data.Directive) -> data.Directive:
    """``entry`` with every text it carries on one line: a payee or narration with a
    control character as ``clean_text``, a text of its metadata with each control
    character a space (the source's reference otherwise as it is: it is the key)."""
    meta = {
        key: _CONTROL.sub(" ", value) if isinstance(value, str) and key != "filename" else value
        for key, value in entry.meta.items()
    }
    if meta != entry.meta:
        entry = entry._replace(meta=meta)
    if isinstance(entry, data.Transaction):
        payee, narration = entry.payee, entry.narration
        if payee and _CONTROL.search(payee):
            entry = entry._replace(payee=clean_text(payee) or None)
        if narration and _CONTROL.search(narration):
            entry = entry._replace(narration=clean_text(narration))
    return entry


def _numbers(entry: data.Directive) -> Iterator[Decimal]:
    if isinstance(entry, data.Transaction):
        for posting in entry.postings:
            for value in (posting.units, posting.price):
                if value is not None and isinstance(value.number, Decimal):
                    yield value.number
            cost = posting.cost
            for attribute in ("number", "number_per", "number_total"):
                number = getattr(cost, attribute, None) if cost is not None else None
                if isinstance(number, Decimal):
                    yield number
    elif isinstance(entry, data.Balance | data.Price):
        if isinstance(entry.amount.number, Decimal):
            yield entry.amount.number


def check_entry(entry: data.Directive) -> None:
    """Refuse what the books cannot hold: a number that is not plain (``1E+309``).
    Text is not refused: the exports keep text that starts like a formula text."""
    filename, lineno = str(entry.meta.get("filename", "?")), int(entry.meta.get("lineno", 0))
    for number in _numbers(entry):
        sane(number, str(number), filename, lineno)


def known_references(existing: Sequence[data.Directive]) -> set[str]:
    return {
        str(e.meta[REFERENCE])
        for e in existing
        if isinstance(e, data.Transaction) and REFERENCE in e.meta
    }


class Importer(beangulp.Importer):
    """Deduplicates on ``referentie``: a second, genuine payment with the same amount,
    date and payee is kept; the same bank booking imported twice is not.

    Subclasses implement ``entries``; ``extract`` (what beangulp and Fava call) puts
    every text on one line (``one_line``) and checks every entry with ``check_entry``,
    so no importer can bypass either. An account the
    books' settings lack (``vng_accounts.import_settings``) refuses the file, naming
    the setting. ``date`` is the document's date for beangulp's archive (the last day
    the file covers), from ``document_date``; ``None`` when the file cannot be read
    (``extract`` says why)."""

    def entries(self, filepath: str, existing: data.Entries) -> data.Entries:
        raise NotImplementedError

    def document_date(self, filepath: str) -> datetime.date | None:
        return None

    def date(self, filepath: str) -> datetime.date | None:
        try:
            return self.document_date(filepath)
        except (ImportFailure, OSError, ValueError):
            return None

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        try:
            entries = self.entries(filepath, existing)
        except MissingSetting as missing:
            raise ImportFailure(filepath, 0, str(missing)) from None
        entries = [one_line(entry) for entry in entries]
        for entry in entries:
            check_entry(entry)
        return entries

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        seen = known_references(existing)
        for entry in entries:
            reference = entry.meta.get(REFERENCE) if isinstance(entry, data.Transaction) else None
            if reference is None:
                continue
            if str(reference) in seen:
                entry.meta[DUPLICATE] = True
            seen.add(str(reference))


def check_period_lock(
    entries: Sequence[data.Directive], existing: Sequence[data.Directive]
) -> None:
    """Refuse a new entry dated in a year the books record as vastgesteld."""
    locks, _ = read_locks(existing)
    for entry in entries:
        for lock in locks:
            if entry.date.year == lock.year:
                raise ImportFailure(
                    str(entry.meta.get("filename", "?")),
                    int(entry.meta.get("lineno", 0)),
                    f"boeking {entry.date} {describe(entry)!r} valt in het vastgestelde jaar "
                    f"{lock.year} (vastgesteld in {lock.meta.get('filename')}:"
                    f"{lock.meta.get('lineno')})",
                )


def new_entries(
    importer: beangulp.Importer, filepath: str, existing: data.Entries
) -> list[data.Directive]:
    """Extract (beangulp's: the importer's entries, sorted, their types checked),
    deduplicate and keep what is new (balance assertions already in the books are
    left out as well); what is new may not fall in a vastgesteld year."""
    entries = beangulp.extract.extract_from_file(importer, filepath, list(existing))
    importer.deduplicate(entries, list(existing))
    balances = {(e.date, e.account, e.amount) for e in existing if isinstance(e, data.Balance)}
    new = [
        e
        for e in entries
        if not e.meta.get(DUPLICATE)
        and not (isinstance(e, data.Balance) and (e.date, e.account, e.amount) in balances)
    ]
    check_period_lock(new, existing)
    return new
