"""CAMT.053 (ISO 20022 bank-to-customer statement) as the Dutch banks deliver it:
versions .001.02, .001.04 and .001.08, several statements and accounts in one file.

- an account is named by its IBAN (``Acct/Id/IBAN``) or by an account number
  (``Acct/Id/Othr/Id``), matched to the books' IBANs as for MT940;
- the opening balance is ``OPBD`` (or ``PRCD``, the previous closing), the closing
  ``CLBD``, as an ISO code (``Tp/CdOrPrtry/Cd``) or, as some banks write it, as a
  proprietary one (``Tp/CdOrPrtry/Prtry``); only booked entries (``Sts`` ``BOOK``)
  count;
- a CAMT.052 (intraday report) or CAMT.054 (debit/credit notification) is recognised
  and refused, saying so: it is not a statement, and its bookings come again in the
  day's CAMT.053;
- an entry (``Ntry``) with several transactions (``TxDtls``) is one booking per
  transaction when each gives its amount and they add up to the entry; else one
  booking of the entry;
- the bank's reference is ``AcctSvcrRef`` (the transaction's, else the entry's with
  the transaction's position); without one the booking gets the statement's key
  (``importers.bank``);
- a reversal (``RvslInd``) is booked in the direction ``CdtDbtInd`` gives, marked
  ``storno``;
- the description is the unstructured remittance information (``Ustrd``), the
  structured creditor reference (``Strd/CdtrRefInf/Ref``, a betalingskenmerk) or the
  entry's additional information.

The XML is read defensively: no DTD, no entities, no network, at most 20 MB.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

from lxml import etree

from importers.bank import CURRENCY, BankImporter, Booking, Statement
from importers.base import ImportFailure, decimal_amount

MAX_BYTES = 20 * 1024 * 1024
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053"
_NOT_STATEMENTS = {
    "camt.052": "een tussentijds rekeningoverzicht (camt.052)",
    "camt.054": "een bij- of afschrijvingsbericht (camt.054)",
}
NO_REFERENCE = {"", "NOTPROVIDED", "NONREF"}


def _safe_parse(filepath: str) -> etree._Element:
    size = os.path.getsize(filepath)
    if size > MAX_BYTES:
        raise ImportFailure(filepath, 0, f"bestand van {size} bytes is groter dan toegestaan")
    with open(filepath, "rb") as handle:
        raw = handle.read()
    head = raw.upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        line = raw[: head.find(b"<!")].count(b"\n") + 1
        raise ImportFailure(filepath, line, "DTD of entiteiten zijn niet toegestaan in CAMT.053")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportFailure(filepath, exc.lineno or 0, f"geen geldige XML: {exc.msg}") from None


def _line(node: etree._Element) -> int:
    return node.sourceline or 0


def _path(path: str) -> str:
    return "./" + "/".join(f"*[local-name()='{p}']" for p in path.split("/"))


def _all(node: etree._Element, path: str) -> list[etree._Element]:
    found = node.xpath(_path(path))
    return [n for n in found if isinstance(n, etree._Element)] if isinstance(found, list) else []


def _find(node: etree._Element, path: str) -> etree._Element | None:
    found = _all(node, path)
    return found[0] if found else None


def _text(node: etree._Element | None, *paths: str) -> str | None:
    """The text of the first of ``paths`` that ``node`` has."""
    if node is None:
        return None
    for path in paths:
        found = _find(node, path)
        if found is not None and found.text and found.text.strip():
            return found.text.strip()
    return None


def _signed(value: Decimal, sign: str | None, node: etree._Element, filepath: str) -> Decimal:
    if sign not in ("CRDT", "DBIT"):
        raise ImportFailure(filepath, _line(node), f"CdtDbtInd {sign!r} ongeldig")
    return value if sign == "CRDT" else -value


def _amount(node: etree._Element, filepath: str) -> Decimal:
    value = decimal_amount(_text(node, "Amt"), filepath, _line(node))
    return _signed(value, _text(node, "CdtDbtInd"), node, filepath)


def _date(node: etree._Element, path: str, filepath: str) -> datetime.date:
    text = _text(node, path + "/Dt") or (_text(node, path + "/DtTm") or "")[:10]
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ImportFailure(filepath, _line(node), f"datum {text!r} ongeldig") from None


def _remittance(details: etree._Element | None, entry: etree._Element) -> str:
    """Unstructured remittance information, else the structured creditor reference,
    else the entry's (or transaction's) additional information."""
    nodes = [details] if details is not None else []
    for node in [*nodes, entry]:
        unstructured = " ".join(
            (n.text or "").strip() for n in _all(node, "RmtInf/Ustrd") if (n.text or "").strip()
        )
        structured = " ".join(
            (n.text or "").strip()
            for n in _all(node, "RmtInf/Strd/CdtrRefInf/Ref")
            if (n.text or "").strip()
        )
        if unstructured and structured:
            return f"{unstructured} (kenmerk {structured})"
        if unstructured or structured:
            return unstructured or f"Betalingskenmerk {structured}"
    return _text(details, "AddtlTxInf") or _text(entry, "AddtlNtryInf") or ""


def _party(details: etree._Element | None, credit: bool) -> tuple[str, str | None]:
    """The counterparty's name and IBAN: the debtor of a credit, the creditor of a debit."""
    if details is None:
        return "", None
    roles = ("Dbtr", "Cdtr") if credit else ("Cdtr", "Dbtr")
    for role in roles:
        name = _text(details, f"RltdPties/{role}/Nm", f"RltdPties/{role}/Pty/Nm")
        if name:
            iban = _text(details, f"RltdPties/{role}Acct/Id/IBAN")
            return name, iban
    return "", None


def _details_amount(details: etree._Element, sign: str | None, filepath: str) -> Decimal | None:
    """A transaction's own amount (.001.04 and later ``Amt``, .001.02
    ``AmtDtls/TxAmt/Amt``), signed; None when it gives none."""
    text = _text(details, "Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt")
    if text is None:
        return None
    value = decimal_amount(text, filepath, _line(details))
    return _signed(value, _text(details, "CdtDbtInd") or sign, details, filepath)


def _key_text(node: etree._Element) -> str:
    """A transaction's text, for the statement's key when there is no reference."""
    return " ".join(t.strip() for t in node.itertext() if t.strip())


def _bookings(entry: etree._Element, filepath: str) -> list[Booking]:
    amount = _amount(entry, filepath)
    sign = _text(entry, "CdtDbtInd")
    day = _date(entry, "BookgDt", filepath) if _find(entry, "BookgDt") is not None else None
    day = day or _date(entry, "ValDt", filepath)
    reversal = (_text(entry, "RvslInd") or "").lower() in ("true", "1")
    reference = _text(entry, "AcctSvcrRef")
    transactions = _all(entry, "NtryDtls/TxDtls")
    given = [_details_amount(d, sign, filepath) for d in transactions]
    amounts = [a for a in given if a is not None]
    split = (
        len(transactions) > 1
        and len(amounts) == len(transactions)
        and sum(amounts, Decimal(0)) == amount
    )
    parts: list[tuple[etree._Element | None, Decimal]] = [(None, amount)]
    if split:
        parts = list(zip(transactions, amounts, strict=True))
    elif len(transactions) == 1:
        parts = [(transactions[0], amount)]
    bookings = []
    for index, (details, value) in enumerate(parts, 1):
        own = _text(details, "Refs/AcctSvcrRef")
        if own and own.upper() not in NO_REFERENCE:
            ref: str | None = own
        elif reference and reference.upper() not in NO_REFERENCE:
            ref = f"{reference}/{index}" if split else reference
        else:
            ref = None
        end_to_end = _text(details, "Refs/EndToEndId")
        if end_to_end and end_to_end.upper() in NO_REFERENCE:
            end_to_end = None
        name, iban = _party(details, value > 0)
        description = _remittance(details, entry)
        if not split and len(transactions) > 1:
            description = description or f"Verzamelboeking van {len(transactions)} transacties"
        bookings.append(
            Booking(
                day,
                value,
                ref,
                end_to_end,
                name,
                description,
                _line(details if details is not None else entry),
                details=_key_text(details if details is not None else entry),
                reversal=reversal,
                counter_iban=iban,
            )
        )
    return bookings


_OPENING = ("OPBD", "PRCD")
_CLOSING = ("CLBD",)


def _balance(
    statement: etree._Element, codes: tuple[str, ...], filepath: str
) -> tuple[datetime.date, Decimal, str]:
    for code in codes:
        for balance in _all(statement, "Bal"):
            kind = _text(balance, "Tp/CdOrPrtry/Cd") or _text(balance, "Tp/CdOrPrtry/Prtry")
            if (kind or "").strip().upper() == code:
                amount = _find(balance, "Amt")
                currency = amount.get("Ccy") if amount is not None else None
                return (
                    _date(balance, "Dt", filepath),
                    _amount(balance, filepath),
                    currency or CURRENCY,
                )
    raise ImportFailure(filepath, _line(statement), f"saldo {codes[0]} ontbreekt")


def _statement(node: etree._Element, filepath: str) -> Statement:
    account = _text(node, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
    if not account:
        raise ImportFailure(filepath, _line(node), "IBAN van de rekening ontbreekt")
    bookings = tuple(
        booking
        for entry in _all(node, "Ntry")
        if (_text(entry, "Sts/Cd") or _text(entry, "Sts") or "BOOK").upper() == "BOOK"
        for booking in _bookings(entry, filepath)
    )
    opening_date, opening, currency = _balance(node, _OPENING, filepath)
    closing_date, closing, _ = _balance(node, _CLOSING, filepath)
    return Statement(
        account,
        opening_date,
        opening,
        closing_date,
        closing,
        bookings,
        _line(node),
        number=_text(node, "ElctrncSeqNb", "LglSeqNb", "Id") or "",
        currency=_text(node, "Acct/Ccy") or currency,
        opening_may_be_previous_day=True,
    )


def parse(filepath: str) -> list[Statement]:
    root = _safe_parse(filepath)
    namespace = root.nsmap.get(None) or ""
    for message, what in _NOT_STATEMENTS.items():
        if message in namespace:
            raise ImportFailure(
                filepath,
                _line(root),
                f"{what} is geen afschrift: importeer het dagafschrift (camt.053)",
            )
    if not namespace.startswith(NAMESPACE):
        raise ImportFailure(filepath, _line(root), "geen CAMT.053-bestand")
    statements = [_statement(node, filepath) for node in _all(root, "BkToCstmrStmt/Stmt")]
    if not statements:
        raise ImportFailure(filepath, _line(root), "geen afschrift (Stmt) in het bestand")
    return statements


class Camt053Importer(BankImporter):
    """CAMT.053 statements of the books' bank accounts."""

    def identify(self, filepath: str) -> bool:
        if not filepath.lower().endswith(".xml"):
            return False
        with open(filepath, "rb") as handle:
            head = handle.read(4096)
        return any(message.encode() in head for message in ("camt.053", *_NOT_STATEMENTS))

    def parse(self, filepath: str) -> list[Statement]:
        return parse(filepath)
