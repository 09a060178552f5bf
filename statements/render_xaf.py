"""The XML Auditfile Financieel 3.2 of one entity and year.

Formats a ``Grootboek``: the general ledger with RGS codes, the opening balance and
the year's transactions per journal. Text is cleaned of characters XML cannot carry;
the result is validated against the official XSD before it is returned, so an
invalid auditfile is never written.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

from lxml import etree

from statements.grootboek import JOURNALS, Grootboek

NS = "http://www.auditfiles.nl/XAF/3.2"
XSD = Path(__file__).resolve().parent / "schemas" / "XmlAuditfileFinancieel3.2.xsd"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SOFTWARE = "VNG jaarrekening (beancount)"


class AuditfileError(Exception):
    pass


def clean(text: str, limit: int | None = None) -> str:
    """Text as XML 1.0 can carry it, within the schema's length."""
    result = _NOT_XML.sub("", text)
    return result[:limit] if limit else result


def _el(parent: etree._Element, name: str, text: object | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        child.text = str(text)
    return child


def _amount(value: Decimal) -> tuple[str, str]:
    return f"{abs(value):.2f}", "D" if value >= 0 else "C"


def render_xaf(ledger: Grootboek, company: dict[str, str], created: datetime.date) -> bytes:
    root = etree.Element(f"{{{NS}}}auditfile", nsmap={None: NS})
    header = _el(root, "header")
    _el(header, "fiscalYear", ledger.year)
    _el(header, "startDate", datetime.date(ledger.year, 1, 1).isoformat())
    _el(header, "endDate", datetime.date(ledger.year, 12, 31).isoformat())
    _el(header, "curCode", ledger.currency)
    _el(header, "dateCreated", created.isoformat())
    _el(header, "softwareDesc", SOFTWARE)
    _el(header, "softwareVersion", "1")
    body = _el(root, "company")
    if company.get("kvk"):
        _el(body, "companyIdent", clean(company["kvk"], 35))
    _el(body, "companyName", clean(ledger.entity or "Onbekend", 999))
    _el(body, "taxRegistrationCountry", "NL")
    _el(body, "taxRegIdent", clean(company.get("btw", ""), 30))
    _general_ledger(body, ledger)
    _periods(body, ledger.year)
    _opening(body, ledger)
    _transactions(body, ledger)
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    parsed = etree.fromstring(document)
    if not schema.validate(parsed):
        raise AuditfileError(f"auditfile voldoet niet aan XAF 3.2: {schema.error_log.last_error}")
    return document


def _general_ledger(company: etree._Element, ledger: Grootboek) -> None:
    gl = _el(company, "generalLedger")
    for account in ledger.accounts:
        node = _el(gl, "ledgerAccount")
        _el(node, "accID", clean(account.number, 35))
        _el(node, "accDesc", clean(account.name, 999))
        _el(node, "accTp", account.kind)
        if account.line:
            _el(node, "leadCode", clean(account.line, 999))
        if account.rgs:
            _el(node, "leadReference", clean(account.rgs, 999))
        _el(node, "leadCrossRef", clean(account.account, 999))


def _periods(company: etree._Element, year: int) -> None:
    periods = _el(company, "periods")
    for month in range(1, 13):
        period = _el(periods, "period")
        _el(period, "periodNumber", month)
        first = datetime.date(year, month, 1)
        last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
        _el(period, "startDatePeriod", first.isoformat())
        _el(period, "endDatePeriod", last.isoformat())


def _opening(company: etree._Element, ledger: Grootboek) -> None:
    numbers = {a.account: a.number for a in ledger.accounts}
    opening = _el(company, "openingBalance")
    _el(opening, "opBalDate", datetime.date(ledger.year, 1, 1).isoformat())
    _el(opening, "opBalDesc", f"Beginbalans {ledger.year}")
    _el(opening, "linesCount", len(ledger.opening))
    debit = sum((v for _, v in ledger.opening if v > 0), Decimal(0))
    credit = -sum((v for _, v in ledger.opening if v < 0), Decimal(0))
    _el(opening, "totalDebit", f"{debit:.2f}")
    _el(opening, "totalCredit", f"{credit:.2f}")
    for nr, (account, value) in enumerate(ledger.opening, 1):
        line = _el(opening, "obLine")
        _el(line, "nr", nr)
        _el(line, "accID", numbers[account])
        amount, kind = _amount(value)
        _el(line, "amnt", amount)
        _el(line, "amntTp", kind)


def _transactions(company: etree._Element, ledger: Grootboek) -> None:
    numbers = {a.account: a.number for a in ledger.accounts}
    lines = [line for entry in ledger.entries for line in entry.lines]
    transactions = _el(company, "transactions")
    _el(transactions, "linesCount", len(lines))
    _el(
        transactions,
        "totalDebit",
        f"{sum((x.amount for x in lines if x.amount > 0), Decimal(0)):.2f}",
    )
    _el(
        transactions,
        "totalCredit",
        f"{-sum((x.amount for x in lines if x.amount < 0), Decimal(0)):.2f}",
    )
    for code, name in JOURNALS.items():
        entries = [e for e in ledger.entries if e.journal == code]
        if not entries:
            continue
        journal = _el(transactions, "journal")
        _el(journal, "jrnID", code)
        _el(journal, "desc", name)
        _el(journal, "jrnTp", code)
        for entry in entries:
            node = _el(journal, "transaction")
            _el(node, "nr", entry.number)
            _el(node, "desc", clean(entry.description))
            _el(node, "periodNumber", entry.date.month)
            _el(node, "trDt", entry.date.isoformat())
            _el(node, "amnt", f"{entry.total_debit:.2f}")
            _el(node, "amntTp", "D")
            _el(node, "sourceID", clean(entry.docref, 35))
            for nr, line in enumerate(entry.lines, 1):
                tr = _el(node, "trLine")
                _el(tr, "nr", nr)
                _el(tr, "accID", numbers[line.account])
                _el(tr, "docRef", clean(entry.docref, 999))
                _el(tr, "effDate", entry.date.isoformat())
                _el(tr, "desc", clean(line.description))
                amount, kind = _amount(line.amount)
                _el(tr, "amnt", amount)
                _el(tr, "amntTp", kind)
