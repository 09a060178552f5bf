"""MT940 statements (SWIFT), as ING, Rabobank and ABN AMRO export them.

Fields :25: (account), :60F:/:60M: (opening), :61: (booking, with the bank's
reference after ``//``), :86: (description, with /EREF/, /NAME/, /REMI/ where the
bank gives them) and :62F:/:62M: (closing). Amounts use a decimal comma.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from importers.bank import BankImporter, Booking, Statement
from importers.base import ImportFailure, sane

# ASCII digits only: ``\d`` would also admit other scripts' digits, which Decimal reads
_BALANCE = re.compile(
    r"^(?P<sign>[CD])(?P<date>\d{6})(?P<ccy>[A-Z]{3})(?P<amount>\d+,\d{0,2})$", re.ASCII
)
_LINE61 = re.compile(
    r"^(?P<value>\d{6})(?P<entry>\d{4})?(?P<sign>R?[CD])[A-Z]?"
    r"(?P<amount>\d+,\d{0,2})N(?P<type>[A-Z0-9]{3})(?P<ref>[^/]*)(//(?P<bank>\S+))?",
    re.ASCII,
)


def _amount(text: str, filepath: str, lineno: int) -> Decimal:
    whole, _, cents = text.partition(",")
    return sane(Decimal(f"{whole}.{cents.ljust(2, '0')}"), text, filepath, lineno)


def _date(text: str, filepath: str, lineno: int) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%y%m%d").date()
    except ValueError:
        raise ImportFailure(filepath, lineno, f"datum {text!r} ongeldig") from None


def _fields(filepath: str) -> list[tuple[str, str, int]]:
    fields: list[tuple[str, str, int]] = []
    with open(filepath, encoding="utf-8", errors="strict") as handle:
        for lineno, line in enumerate(handle, 1):
            line = line.rstrip("\r\n")
            match = re.match(r"^:(\d{2}[A-Z]?):(.*)$", line)
            if match:
                fields.append((match.group(1), match.group(2), lineno))
            elif fields and line and not line.startswith("-"):
                tag, value, start = fields[-1]
                fields[-1] = (tag, value + "\n" + line, start)
    return fields


def _balance(value: str, filepath: str, lineno: int) -> tuple[datetime.date, Decimal]:
    match = _BALANCE.match(value.strip())
    if not match:
        raise ImportFailure(filepath, lineno, f"saldo {value!r} ongeldig")
    amount = _amount(match["amount"], filepath, lineno)
    return _date(match["date"], filepath, lineno), amount if match["sign"] == "C" else -amount


def _description(text: str) -> tuple[str | None, str, str]:
    flat = text.replace("\n", "")
    parts = dict(re.findall(r"/(EREF|NAME|REMI|IBAN|BIC|CSID|MARF)/([^/]*)", flat))
    if parts:
        return parts.get("EREF"), parts.get("NAME", ""), parts.get("REMI", "")
    return None, "", flat


def parse(filepath: str) -> list[Statement]:
    statements: list[Statement] = []
    current: dict[str, object] = {}
    bookings: list[Booking] = []
    for tag, value, lineno in _fields(filepath):
        if tag == "25":
            current = {"iban": re.sub(r"[A-Z]{3}$", "", value.strip()), "lineno": lineno}
            bookings = []
        elif tag in ("60F", "60M"):
            current["opening"] = _balance(value, filepath, lineno)
        elif tag == "61":
            bookings.append(_booking(value, filepath, lineno))
        elif tag == "86" and bookings:
            end_to_end, name, remi = _description(value)
            last = bookings[-1]
            bookings[-1] = Booking(
                last.date, last.amount, last.reference, end_to_end, name, remi, last.lineno
            )
        elif tag in ("62F", "62M"):
            if "opening" not in current:
                raise ImportFailure(filepath, lineno, "eindsaldo zonder beginsaldo (:60F:)")
            opening_date, opening = current["opening"]  # type: ignore[misc]
            closing_date, closing = _balance(value, filepath, lineno)
            statements.append(
                Statement(
                    str(current["iban"]),
                    opening_date,
                    opening,
                    closing_date,
                    closing,
                    tuple(bookings),
                    lineno,
                )
            )
    if not statements:
        raise ImportFailure(filepath, 1, "geen MT940-afschrift gevonden")
    return statements


def _booking(value: str, filepath: str, lineno: int) -> Booking:
    match = _LINE61.match(value.split("\n")[0])
    if not match:
        raise ImportFailure(filepath, lineno, f"boekingsregel :61: ongeldig: {value!r}")
    amount = _amount(match["amount"], filepath, lineno)
    sign = match["sign"].lstrip("R")
    reference = (match["bank"] or "").strip() or match["ref"].strip()
    if not reference or reference == "NONREF":
        raise ImportFailure(filepath, lineno, "boeking zonder bankreferentie")
    return Booking(
        _date(match["value"], filepath, lineno),
        amount if sign == "C" else -amount,
        reference,
        None,
        "",
        "",
        lineno,
    )


class Mt940Importer(BankImporter):
    """MT940 statements of the books' bank accounts."""

    def identify(self, filepath: str) -> bool:
        if not filepath.lower().endswith((".sta", ".940", ".mt940", ".txt")):
            return False
        with open(filepath, "rb") as handle:
            head = handle.read(2048)
        return b":20:" in head and b":25:" in head

    def parse(self, filepath: str) -> list[Statement]:
        return parse(filepath)
