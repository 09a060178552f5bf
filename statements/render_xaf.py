"""The XML Auditfile Financieel 3.2 of one entity and year.

Formats a ``Grootboek``: the general ledger with RGS codes, the opening balance and
the year's transactions per journal. Text is cleaned of characters XML cannot carry;
the result is validated against the official XSD before it is returned, so an
invalid auditfile is never written.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

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


class _Writer:
    """Writes elements as they are made (lxml's incremental writer): the auditfile of
    a million posting lines never stands in memory as a tree."""

    def __init__(self, xf: Any) -> None:
        self.xf = xf

    def el(self, name: str, text: object | None = None) -> None:
        with self.xf.element(_TAGS.get(name) or _tag(name)):
            if text is not None:
                self.xf.write(str(text))

    def open(self, name: str) -> Any:
        return self.xf.element(_TAGS.get(name) or _tag(name))


_TAGS: dict[str, str] = {}


def _tag(name: str) -> str:
    _TAGS[name] = f"{{{NS}}}{name}"
    return _TAGS[name]


def _amount(value: Decimal) -> tuple[str, str]:
    return f"{abs(value):.2f}", "D" if value >= 0 else "C"


def render_xaf(
    ledger: Grootboek,
    company: dict[str, str],
    created: datetime.date,
    target: str | None = None,
) -> bytes:
    """The auditfile, validated against the XSD; written to ``target`` (then b"" is
    returned) or returned whole."""
    buffer: Any = target if target is not None else io.BytesIO()
    with etree.xmlfile(buffer, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{NS}}}auditfile", nsmap={None: NS}):
            w = _Writer(xf)
            with w.open("header"):
                w.el("fiscalYear", ledger.year)
                w.el("startDate", datetime.date(ledger.year, 1, 1).isoformat())
                w.el("endDate", datetime.date(ledger.year, 12, 31).isoformat())
                w.el("curCode", ledger.currency)
                w.el("dateCreated", created.isoformat())
                w.el("softwareDesc", SOFTWARE)
                w.el("softwareVersion", "1")
            with w.open("company"):
                if company.get("kvk"):
                    w.el("companyIdent", clean(company["kvk"], 35))
                w.el("companyName", clean(ledger.entity or "Onbekend", 999))
                w.el("taxRegistrationCountry", "NL")
                w.el("taxRegIdent", clean(company.get("btw", ""), 30))
                _general_ledger(w, ledger)
                _periods(w, ledger.year)
                _opening(w, ledger)
                _transactions(w, ledger)
    source: Any = target if target is not None else io.BytesIO(buffer.getvalue())
    try:
        for _, element in etree.iterparse(source, events=("end",), schema=_schema()):
            if element.getparent() is not None and element.getparent().tag.endswith("}journal"):
                element.clear()  # a validated transaction is not kept
    except etree.XMLSyntaxError as exc:
        raise AuditfileError(f"auditfile voldoet niet aan XAF 3.2: {exc}") from exc
    return b"" if target is not None else buffer.getvalue()


_SCHEMA: list[Any] = []


def _schema() -> Any:
    if not _SCHEMA:
        _SCHEMA.append(etree.XMLSchema(etree.parse(str(XSD))))
    return _SCHEMA[0]


def _general_ledger(w: _Writer, ledger: Grootboek) -> None:
    with w.open("generalLedger"):
        for account in ledger.accounts:
            with w.open("ledgerAccount"):
                w.el("accID", clean(account.number, 35))
                w.el("accDesc", clean(account.name, 999))
                w.el("accTp", account.kind)
                if account.line:
                    w.el("leadCode", clean(account.line, 999))
                if account.rgs:
                    w.el("leadReference", clean(account.rgs, 999))
                w.el("leadCrossRef", clean(account.account, 999))


def _periods(w: _Writer, year: int) -> None:
    with w.open("periods"):
        for month in range(1, 13):
            first = datetime.date(year, month, 1)
            last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
            with w.open("period"):
                w.el("periodNumber", month)
                w.el("startDatePeriod", first.isoformat())
                w.el("endDatePeriod", last.isoformat())


def _opening(w: _Writer, ledger: Grootboek) -> None:
    numbers = {a.account: a.number for a in ledger.accounts}
    debit = sum((v for _, v in ledger.opening if v > 0), Decimal(0))
    credit = -sum((v for _, v in ledger.opening if v < 0), Decimal(0))
    with w.open("openingBalance"):
        w.el("opBalDate", datetime.date(ledger.year, 1, 1).isoformat())
        w.el("opBalDesc", f"Beginbalans {ledger.year}")
        w.el("linesCount", len(ledger.opening))
        w.el("totalDebit", f"{debit:.2f}")
        w.el("totalCredit", f"{credit:.2f}")
        for nr, (account, value) in enumerate(ledger.opening, 1):
            amount, kind = _amount(value)
            with w.open("obLine"):
                w.el("nr", nr)
                w.el("accID", numbers[account])
                w.el("amnt", amount)
                w.el("amntTp", kind)


def _transactions(w: _Writer, ledger: Grootboek) -> None:
    numbers = {a.account: a.number for a in ledger.accounts}
    debit = credit = Decimal(0)
    count = 0
    for entry in ledger.entries:
        for line in entry.lines:
            count += 1
            if line.amount > 0:
                debit += line.amount
            else:
                credit -= line.amount
    with w.open("transactions"):
        w.el("linesCount", count)
        w.el("totalDebit", f"{debit:.2f}")
        w.el("totalCredit", f"{credit:.2f}")
        for code, name in JOURNALS.items():
            entries = [e for e in ledger.entries if e.journal == code]
            if not entries:
                continue
            with w.open("journal"):
                w.el("jrnID", code)
                w.el("desc", name)
                w.el("jrnTp", code)
                for entry in entries:
                    _transaction(w, entry, numbers)


def _transaction(w: _Writer, entry: Any, numbers: dict[str, str]) -> None:
    docref = clean(entry.docref, 999)
    day = entry.date.isoformat()
    with w.open("transaction"):
        w.el("nr", entry.number)
        w.el("desc", clean(entry.description))
        w.el("periodNumber", entry.date.month)
        w.el("trDt", day)
        w.el("amnt", f"{entry.total_debit:.2f}")
        w.el("amntTp", "D")
        w.el("sourceID", clean(entry.docref, 35))
        for nr, line in enumerate(entry.lines, 1):
            amount, kind = _amount(line.amount)
            with w.open("trLine"):
                w.el("nr", nr)
                w.el("accID", numbers[line.account])
                w.el("docRef", docref)
                w.el("effDate", day)
                w.el("desc", clean(line.description))
                w.el("amnt", amount)
                w.el("amntTp", kind)
