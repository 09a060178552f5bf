"""The XML Auditfile Financieel 3.2 of one entity and year.

Formats a ``Grootboek``: the general ledger with RGS codes, the opening balance and
the year's transactions per journal. Text is cleaned of characters XML cannot carry;
the result is validated against the official XSD before it is returned, so an
invalid auditfile is never written.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

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
    """Writes the XML text as it is made, in chunks: the auditfile of a million posting
    lines never stands in memory, as a tree or as one string. Every text is escaped
    here, after ``clean`` removed what XML cannot carry."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size > 1 << 20:
            self.flush()

    def flush(self) -> None:
        self.handle.write("".join(self.parts).encode("utf-8"))
        self.parts, self.size = [], 0

    def el(self, name: str, text: object | None = None) -> None:
        self.write(f"<{name}>{escape(str(text))}</{name}>" if text is not None else f"<{name}/>")

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[None]:
        self.write(f"<{name}>")
        yield
        self.write(f"</{name}>\n")


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
    with open(target, "wb") if target is not None else contextlib.nullcontext(io.BytesIO()) as out:
        w = _Writer(out)
        w.write(f"<?xml version='1.0' encoding='UTF-8'?>\n<auditfile xmlns=\"{NS}\">\n")
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
        w.write("</auditfile>\n")
        w.flush()
        document = b"" if target is not None else out.getvalue()
    source: Any = target if target is not None else io.BytesIO(document)
    try:
        for _, element in etree.iterparse(source, tag=f"{{{NS}}}transaction", schema=_schema()):
            element.clear()  # a validated transaction is not kept
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise AuditfileError(f"auditfile voldoet niet aan XAF 3.2: {exc}") from exc
    return document


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
    docref = escape(clean(entry.docref, 999))
    day = entry.date.isoformat()
    lines = []
    for nr, line in enumerate(entry.lines, 1):
        amount, kind = _amount(line.amount)
        lines.append(
            f"<trLine><nr>{nr}</nr><accID>{escape(numbers[line.account])}</accID>"
            f"<docRef>{docref}</docRef><effDate>{day}</effDate>"
            f"<desc>{escape(clean(line.description))}</desc>"
            f"<amnt>{amount}</amnt><amntTp>{kind}</amntTp></trLine>"
        )
    w.write(
        f"<transaction><nr>{escape(entry.number)}</nr>"
        f"<desc>{escape(clean(entry.description))}</desc>"
        f"<periodNumber>{entry.date.month}</periodNumber><trDt>{day}</trDt>"
        f"<amnt>{entry.total_debit:.2f}</amnt><amntTp>D</amntTp>"
        f"<sourceID>{escape(clean(entry.docref, 35))}</sourceID>{''.join(lines)}</transaction>\n"
    )
