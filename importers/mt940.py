"""MT940 statements (SWIFT) as the Dutch banks write them: ING, ABN AMRO, Rabobank,
SNS, Triodos, Knab, ASN, and PostFinance among others.

Read liberally, booked exactly:

- messages may be wrapped in SWIFT blocks (``{1:...}{2:...}{4:`` ... ``-}{5:...}``)
  or preceded by header lines (``ABNANL2A``, ``940``, ``:940:``); a file may hold
  several statements, of one account or several;
- ``:25:`` names the account by its IBAN (with or without the currency after it),
  or by the account number an older format writes (matched to the one IBAN of the
  books that holds it);
- ``:60F:``/``:60M:`` open and ``:62F:``/``:62M:`` close a statement; a statement
  whose bookings do not add up is refused, naming it;
- ``:61:`` is one booking: value date, an optional entry date (``MMDD``, or four
  spaces), the mark ``C``, ``D``, ``RC`` or ``RD`` (reversals), the amount with a
  decimal comma, on the same line or the next, the transaction type, the customer
  reference (``NONREF`` when there is none) and the bank's reference after ``//``
  when the bank gives one; the booking is dated on its entry date when there is one;
- ``:86:`` describes the booking before it: structured (``/EREF/``, ``/NAME/``,
  ``/REMI/``, ING's ``/CNTP/``, ``/REMI/USTD//``), in sub-fields (``>20``, ``?20``)
  or free text.

The parse is our own, so every booking keeps the line it came from; tests check it
against the maintained ``mt-940`` package on every golden file.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from importers.bank import CURRENCY, BankImporter, Booking, Statement
from importers.base import ImportFailure, sane

# ASCII digits only: ``\d`` would also admit other scripts' digits, which Decimal reads
_BALANCE = re.compile(
    r"^(?P<sign>[CD])(?P<date>[0-9]{6})(?P<ccy>[A-Z]{3})(?P<amount>[0-9]+(,[0-9]*)?)$"
)
_LINE61 = re.compile(
    r"^(?P<value>[0-9]{6})(?P<entry>[0-9]{4}|\s{4})?"
    r"(?P<mark>RC|RD|C|D)(?P<funds>[A-Z](?=[0-9\s]))?\s*\n?\s*"
    r"(?P<amount>[0-9]+(,[0-9]*)?)"
    r"(?P<type>[A-Z][A-Z0-9 ]{3})?"
    r"(?P<ref>[^\n]*?)(//(?P<bank>[^\n]*))?[ \t]*(\n(?P<extra>[\s\S]*))?$"
)
_FIELD = re.compile(r"^:(?P<tag>[0-9]{2}[A-Z]?|NS):(?P<value>.*)$")
_BLOCKS = re.compile(r"^(\{[1-3]:([^{}]|\{[^{}]*\})*\})*\{4:")
_END = re.compile(r"^-(\}.*)?\s*$")
_END_ING = re.compile(r"^-[A-Z]{1,3}\s*$")  # ING's "-XXX" after the last field
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")
# the keys of a structured :86: (ABN AMRO, Rabobank, ING, SNS, Triodos in SEPA form)
_KEYS = (
    "TRTP|IBAN|BIC|NAME|REMI|EREF|PREF|MARF|CSID|ORDP|BENM|ID|ADDR|ISDT|RTRN|CNTP|"
    "ULTC|ULTD|ULTB|PURP|SVCL|ACCW|BUSP|CREF|FX|EXCH|CHGS|OCMT|RETR|SRCH|TRCD"
)
_STRUCTURED = re.compile(rf"/({_KEYS})/")
_SUBFIELD = re.compile(r"[>?]([0-9]{2})")
_SUBFIELDS = re.compile(r"^\s*([0-9]{3})?[>?][0-9]{2}")
NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}


@dataclass
class _Draft:
    """A statement as it is read, field by field."""

    lineno: int
    account: str = ""
    number: str = ""
    currency: str = CURRENCY
    opening: tuple[datetime.date, Decimal] | None = None
    opening_final: bool = True
    bookings: list[Booking] = field(default_factory=list)
    details_for: int | None = None  # the booking a following :86: describes


def _amount(text: str, filepath: str, lineno: int) -> Decimal:
    whole, _, cents = text.partition(",")
    if len(cents) > 2 and not cents[2:].strip("0"):
        cents = cents[:2]  # zeros after the cents, as some banks pad every amount
    if len(cents) > 2:
        raise ImportFailure(filepath, lineno, f"bedrag {text!r} heeft meer dan 2 decimalen")
    return sane(Decimal(f"{whole}.{cents.ljust(2, '0')}"), text, filepath, lineno)


def _date(text: str, filepath: str, lineno: int) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%y%m%d").date()
    except ValueError:
        raise ImportFailure(filepath, lineno, f"datum {text!r} ongeldig") from None


def _value_date(text: str, filepath: str, lineno: int) -> datetime.date:
    """A booking's value date; the 30th of February (German banks' day of the
    quarter's interest) is the last day of that month, as ``mt-940`` reads it."""
    try:
        return _date(text, filepath, lineno)
    except ImportFailure:
        year, month, day = int(text[:2]), int(text[2:4]), int(text[4:6])
        if not (1 <= month <= 12 and 29 <= day <= 31):
            raise
        year += 2000 if year < 69 else 1900  # as strptime reads %y
        return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _entry_date(value: datetime.date, text: str | None) -> datetime.date:
    """The entry date ``MMDD`` in the year that puts it nearest the value date."""
    if not text or not text.strip().isdigit():
        return value
    month, day = int(text[:2]), int(text[2:])
    candidates = []
    for year in (value.year - 1, value.year, value.year + 1):
        try:
            candidates.append(datetime.date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs((d - value).days)) if candidates else value


def _read(filepath: str) -> list[str]:
    with open(filepath, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # the banks' other encoding
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def fields(filepath: str) -> list[tuple[str, str, int]]:
    """The file's fields (tag, value with its continuation lines, line), outside
    the SWIFT blocks and header lines around them."""
    found: list[tuple[str, str, int]] = []
    open_field = False
    for lineno, raw in enumerate(_read(filepath), 1):
        line = _BLOCKS.sub("", raw)
        if raw != line and not line.strip():
            open_field = False
            continue
        match = _FIELD.match(line)
        in_details = bool(found) and found[-1][0] == "86"
        if match:
            found.append((match["tag"], match["value"], lineno))
            open_field = True
        elif _END.match(line) or (_END_ING.match(line) and not in_details):
            open_field = False
        elif open_field and found:
            tag, value, start = found[-1]
            found[-1] = (tag, value + "\n" + line, start)
    return found


def _balance(value: str, filepath: str, lineno: int) -> tuple[datetime.date, Decimal, str]:
    match = _BALANCE.match(value.strip().replace(" ", ""))
    if not match:
        raise ImportFailure(filepath, lineno, f"saldo {value!r} ongeldig")
    amount = _amount(match["amount"], filepath, lineno)
    day = _date(match["date"], filepath, lineno)
    return day, amount if match["sign"] == "C" else -amount, match["ccy"]


def _account(value: str) -> str:
    """The account as :25: names it: the IBAN in it, else the account number."""
    flat = value.replace(" ", "").upper()
    iban = _IBAN.search(flat)
    if iban:
        found = iban.group(0)
        return found[:-3] if re.search(r"[0-9][A-Z]{3}$", found) else found
    first = flat.split("\n")[0]
    parts = [p for p in first.split("/") if p]
    if len(parts) > 1 and _BIC.fullmatch(parts[0]):
        first = "/".join(parts[1:])  # the bank's BIC before the account (BIC/number)
    first = re.sub(r"/?[A-Z]{3}$", "", first)  # the currency after it
    return first or value.strip()


def _structured(flat: str) -> dict[str, str]:
    marks = list(_STRUCTURED.finditer(flat))
    parts: dict[str, str] = {}
    for mark, after in zip(marks, [*marks[1:], None], strict=True):
        value = flat[mark.end() : after.start() if after else len(flat)]
        parts.setdefault(mark[1], value)
    return parts


def _strip(value: str) -> str:
    return value.strip().strip("/").strip()


def describe(text: str) -> tuple[str | None, str, str, str | None]:
    """End-to-end id, counterparty, description and counter IBAN of a :86: text."""
    lines = text.split("\n")
    flat = "".join(lines).strip()
    if _STRUCTURED.match(flat):
        return _from_structured(_structured(flat))
    if _SUBFIELDS.match(flat):
        return _from_subfields(text)
    return _free(lines)


def _from_structured(parts: dict[str, str]) -> tuple[str | None, str, str, str | None]:
    name, iban = _strip(parts.get("NAME", "")), _strip(parts.get("IBAN", "")) or None
    if "CNTP" in parts:  # ING: /CNTP/IBAN/BIC/NAME/CITY/
        pieces = parts["CNTP"].split("/")
        iban = iban or (pieces[0].strip() or None)
        name = name or (pieces[2].strip() if len(pieces) > 2 else "")
    remi = parts.get("REMI", "")
    if remi.startswith("USTD/"):
        remi = remi[len("USTD/") :]
    elif remi.startswith("STRD/"):  # /REMI/STRD/CUR/reference/
        remi = remi.split("/")[2] if remi.count("/") >= 2 else remi[len("STRD/") :]
    end_to_end = _strip(parts.get("EREF", "")) or None
    if end_to_end in NO_REFERENCE:
        end_to_end = None
    return end_to_end, name, _strip(remi), iban


def _from_subfields(text: str) -> tuple[str | None, str, str, str | None]:
    flat = text.replace("\n", "")
    marks = list(_SUBFIELD.finditer(flat))
    parts: dict[str, str] = {}
    for mark, after in zip(marks, [*marks[1:], None], strict=True):
        parts[mark[1]] = (
            parts.get(mark[1], "") + flat[mark.end() : after.start() if after else None]
        )
    description = "".join(parts.get(str(n), "") for n in (*range(20, 30), *range(60, 64)))
    name = " ".join(parts.get(n, "").strip() for n in ("32", "33")).strip()
    iban = parts.get("31", "").strip() or None
    end_to_end, description = _sepa_keys(description)
    return end_to_end, name, description, iban


# the SEPA keys of a German bank's purpose text: SVWZ+ the remittance information,
# EREF+ the end-to-end id, the others the mandate, creditor id, ultimate parties
_SEPA_KEY = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|PURP|COAM|OAMT|IBAN|BIC)\+")


def _sepa_keys(text: str) -> tuple[str | None, str]:
    """The end-to-end id and the remittance information of a purpose text in SEPA
    keys (``EREF+…SVWZ+…``); a text without them is its own description."""
    marks = list(_SEPA_KEY.finditer(text))
    if not marks or marks[0].start() > 0 and text[: marks[0].start()].strip():
        return None, text
    parts: dict[str, str] = {}
    for mark, after in zip(marks, [*marks[1:], None], strict=True):
        parts.setdefault(mark[1], text[mark.end() : after.start() if after else None].strip())
    end_to_end = parts.get("EREF") or None
    if end_to_end and end_to_end.upper() in NO_REFERENCE:
        end_to_end = None
    return end_to_end, parts.get("SVWZ", "")


def _joined(lines: list[str], first_width: int = 4) -> str:
    """Lines of a field as one text: a line the bank filled to the 65 characters of
    SWIFT's line continues on the next without a space (it was cut mid-word)."""
    text = ""
    for index, line in enumerate(lines):
        width = len(line) + (first_width if index == 0 else 0)
        piece = line.strip()
        if not piece:
            continue
        text += piece if (not text or text.endswith("\x00")) else " " + piece
        if width >= 65 and line == line.rstrip():
            text += "\x00"
    return text.replace("\x00", "")


def _free(lines: list[str]) -> tuple[str | None, str, str, str | None]:
    """Free text; SNS and ASN start it with the counter account and name, Knab ends
    it with ``REK: <IBAN>/NAAM: <name>``."""
    flat = _joined(lines)
    knab = re.search(
        r"\s*REK:\s*(?P<iban>[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30})\s*/\s*NAAM:\s*(?P<name>.*)$", flat
    )
    if knab:
        return None, knab["name"], flat[: knab.start()], knab["iban"]
    first = lines[0].strip() if lines else ""
    match = re.match(
        r"^(?P<account>[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}|[0-9]{7,10})\s+(?P<name>.+)$", first
    )
    if match:
        rest = _joined(lines[1:], 0)
        iban = match["account"] if not match["account"].isdigit() else None
        return None, match["name"], rest, iban
    return None, "", flat, None


def _booking(value: str, filepath: str, lineno: int) -> Booking:
    match = _LINE61.match(value)
    if not match:
        raise ImportFailure(filepath, lineno, f"boekingsregel :61: ongeldig: {value!r}")
    amount = _amount(match["amount"], filepath, lineno)
    mark = match["mark"]
    credit = mark in ("C", "RD")  # a reversed debit is a credit, a reversed credit a debit
    value_date = _value_date(match["value"], filepath, lineno)
    bank = (match["bank"] or "").strip()
    extra = (match["extra"] or "").strip()
    if not bank and extra.startswith("//"):  # the bank's reference on the next line
        bank = extra[2:].split()[0] if extra[2:].split() else ""
    customer = (match["ref"] or "").strip()
    return Booking(
        _entry_date(value_date, match["entry"]),
        amount if credit else -amount,
        None if bank.upper() in NO_REFERENCE else bank,
        None,
        "",
        "",
        lineno,
        details=" ".join(value.split()),
        reversal=mark.startswith("R"),
        counter_iban=customer if _IBAN.fullmatch(customer) else None,
    )


def _placeholder(text: str) -> str:
    """A text that is only a dash (``?20-``: a German bank's "no text") is no text."""
    return "" if not text.strip().strip("-").strip() else text


def _described(booking: Booking, text: str) -> Booking:
    end_to_end, name, description, iban = describe(text)
    name, description = _placeholder(name), _placeholder(description)
    return Booking(
        booking.date,
        booking.amount,
        booking.reference,
        end_to_end,
        name,
        description,
        booking.lineno,
        details=booking.details + "\n" + " ".join(text.split()),
        reversal=booking.reversal,
        counter_iban=iban or booking.counter_iban,
    )


def parse(filepath: str) -> list[Statement]:
    statements: list[Statement] = []
    draft: _Draft | None = None
    for tag, value, lineno in fields(filepath):
        if tag == "20":
            draft = _Draft(lineno)
            continue
        if draft is None:
            if tag in ("25", "60F", "60M", "61", "62F", "62M"):
                draft = _Draft(lineno)  # a statement without :20:
            else:
                continue
        if tag == "25":
            draft.account = _account(value)
        elif tag in ("28C", "28"):
            draft.number = value.strip()
        elif tag in ("60F", "60M"):
            day, amount, draft.currency = _balance(value, filepath, lineno)
            draft.opening, draft.opening_final = (day, amount), tag == "60F"
        elif tag == "61":
            draft.bookings.append(_booking(value, filepath, lineno))
            draft.details_for = len(draft.bookings) - 1
            continue
        elif tag == "86" and draft.details_for is not None:
            index = draft.details_for
            draft.bookings[index] = _described(draft.bookings[index], value)
        elif tag in ("62F", "62M"):
            statements.append(_close(draft, value, tag == "62F", filepath, lineno))
            draft = None
            continue
        draft.details_for = None
    if draft is not None and (draft.bookings or draft.opening):
        raise ImportFailure(
            filepath, draft.lineno, "afschrift zonder eindsaldo (:62F:): het bestand is afgebroken"
        )
    if not statements:
        raise ImportFailure(filepath, 1, "geen MT940-afschrift gevonden")
    return statements


def _close(draft: _Draft, value: str, final: bool, filepath: str, lineno: int) -> Statement:
    if draft.opening is None:
        raise ImportFailure(filepath, lineno, "eindsaldo zonder beginsaldo (:60F:)")
    if not draft.account:
        raise ImportFailure(filepath, draft.lineno, "afschrift zonder rekening (:25:)")
    closing_date, closing, currency = _balance(value, filepath, lineno)
    if currency != draft.currency:
        raise ImportFailure(
            filepath, lineno, f"eindsaldo in {currency}, beginsaldo in {draft.currency}"
        )
    opening_date, opening = draft.opening
    return Statement(
        draft.account,
        opening_date,
        opening,
        closing_date,
        closing,
        tuple(draft.bookings),
        draft.lineno,
        number=draft.number,
        currency=draft.currency,
        final=final,
        opening_may_be_previous_day=True,
    )


class Mt940Importer(BankImporter):
    """MT940 statements of the books' bank accounts."""

    def identify(self, filepath: str) -> bool:
        if filepath.lower().endswith((".xml", ".csv", ".beancount", ".pdf", ".xlsx")):
            return False
        try:
            with open(filepath, "rb") as handle:
                head = handle.read(8192)
        except OSError:
            return False
        return bool(re.search(rb"(^|[\n\r{:]):20:", head)) and b":25:" in head

    def parse(self, filepath: str) -> list[Statement]:
        return parse(filepath)
