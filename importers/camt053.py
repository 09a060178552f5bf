"""CAMT.053 (ISO 20022 bank-to-customer statement) as the Dutch banks deliver it.

The XML is read defensively: no DTD, no entities, no network, at most 20 MB. A
booking needs the bank's own reference (AcctSvcrRef, else a real EndToEndId).
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

from lxml import etree

from importers.bank import BankImporter, Booking, Statement
from importers.base import ImportFailure, decimal_amount

MAX_BYTES = 20 * 1024 * 1024
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053"


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


def _find(node: etree._Element, path: str) -> etree._Element | None:
    found = node.xpath("./" + "/".join(f"*[local-name()='{p}']" for p in path.split("/")))
    return found[0] if found else None


def _text(node: etree._Element, path: str) -> str | None:
    found = _find(node, path)
    return found.text.strip() if found is not None and found.text else None


def _amount(node: etree._Element, filepath: str) -> Decimal:
    sign = _text(node, "CdtDbtInd")
    value = decimal_amount(_text(node, "Amt"), filepath, _line(node))
    if sign not in ("CRDT", "DBIT"):
        raise ImportFailure(filepath, _line(node), f"CdtDbtInd {sign!r} ongeldig")
    return value if sign == "CRDT" else -value


def _date(node: etree._Element, path: str, filepath: str) -> datetime.date:
    text = _text(node, path + "/Dt") or (_text(node, path + "/DtTm") or "")[:10]
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ImportFailure(filepath, _line(node), f"datum {text!r} ongeldig") from None


def _booking(entry: etree._Element, filepath: str) -> Booking:
    details = _find(entry, "NtryDtls/TxDtls")
    end_to_end = _text(details, "Refs/EndToEndId") if details is not None else None
    if end_to_end == "NOTPROVIDED":
        end_to_end = None
    reference = _text(entry, "AcctSvcrRef") or end_to_end
    if not reference:
        raise ImportFailure(
            filepath, _line(entry), "boeking zonder bankreferentie (AcctSvcrRef of EndToEndId)"
        )
    credit = _text(entry, "CdtDbtInd") == "CRDT"
    party = None
    if details is not None:
        party = _text(details, "RltdPties/Dbtr/Nm" if credit else "RltdPties/Cdtr/Nm")
    description = " ".join(t.strip() for t in entry.xpath(".//*[local-name()='Ustrd']/text()"))
    return Booking(
        _date(entry, "BookgDt", filepath),
        _amount(entry, filepath),
        reference,
        end_to_end,
        party or "",
        description or _text(entry, "AddtlNtryInf") or "",
        _line(entry),
    )


def _balance(statement: etree._Element, code: str, filepath: str) -> tuple[datetime.date, Decimal]:
    for balance in statement.xpath("./*[local-name()='Bal']"):
        if _text(balance, "Tp/CdOrPrtry/Cd") == code:
            return _date(balance, "Dt", filepath), _amount(balance, filepath)
    raise ImportFailure(filepath, _line(statement), f"saldo {code} ontbreekt")


def parse(filepath: str) -> list[Statement]:
    root = _safe_parse(filepath)
    if not (root.nsmap.get(None) or "").startswith(NAMESPACE):
        raise ImportFailure(filepath, _line(root), "geen CAMT.053-bestand")
    statements = []
    for node in root.xpath(".//*[local-name()='Stmt']"):
        iban = _text(node, "Acct/Id/IBAN")
        if not iban:
            raise ImportFailure(filepath, _line(node), "IBAN van de rekening ontbreekt")
        bookings = tuple(
            _booking(e, filepath)
            for e in node.xpath("./*[local-name()='Ntry']")
            if (_text(e, "Sts/Cd") or _text(e, "Sts") or "BOOK") == "BOOK"
        )
        (opening_date, opening) = _balance(node, "OPBD", filepath)
        (closing_date, closing) = _balance(node, "CLBD", filepath)
        statements.append(
            Statement(iban, opening_date, opening, closing_date, closing, bookings, _line(node))
        )
    return statements


class Camt053Importer(BankImporter):
    """CAMT.053 statements of the books' bank accounts."""

    def identify(self, filepath: str) -> bool:
        if not filepath.lower().endswith(".xml"):
            return False
        with open(filepath, "rb") as handle:
            return b"camt.053" in handle.read(4096)

    def parse(self, filepath: str) -> list[Statement]:
        return parse(filepath)
