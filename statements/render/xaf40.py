"""The XML Auditfile Financieel 4.0 of one entity and year.

The version the Belastingdienst accepts from 1 January 2027. Formats a ``Grootboek``:
the company with its KvK and BTW numbers, the customers and suppliers with their
opening and closing balances, the general ledger with an RGS code per account, the
opening balance and the year's transactions per journal (bank, verkoop, inkoop,
salaris, memoriaal), each with its source in the books and the user who booked it,
each line with its document number and, on a debtor or creditor account, the customer
or supplier and the invoice.

Written as a stream and validated while it is read back against the official XSD
(``schemas/XmlAuditfileFinancieel4.0.xsd``), one transaction at a time, so an invalid
auditfile is never returned and a million posting lines never stand in memory.
"""

from __future__ import annotations

import contextlib
import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from statements.grootboek import JOURNALS, Entry, Grootboek, Relation
from statements.render.xaf import SOFTWARE, AuditfileError, _amount, _periods, _Writer, clean

NS = "http://www.odb.belastingdienst.nl/Belastingdienst/BCPP/1.1/structures/XmlauditfileXAF_4.0"
XSD = Path(__file__).resolve().parent / "schemas" / "XmlAuditfileFinancieel4.0.xsd"
VERSION = "4.0"


def render_xaf40(
    ledger: Grootboek,
    company: dict[str, str],
    created: datetime.date,
    target: str | None = None,
) -> bytes:
    """The auditfile, validated against the XSD; written to ``target`` (then b"" is
    returned) or returned whole. ``company`` holds ``kvk``, ``btw``, ``rgs_versie`` and
    ``plaats`` (and ``land``, default NL) from the books' settings."""
    with open(target, "wb") if target is not None else contextlib.nullcontext(io.BytesIO()) as out:
        w = _Writer(out)
        w.write(f"<?xml version='1.0' encoding='UTF-8'?>\n<auditfile xmlns=\"{NS}\">\n")
        _header(w, ledger, company, created)
        with w.open("company"):
            if company.get("kvk"):
                w.el("Commercenr", clean(company["kvk"], 100))
            w.el("companyName", clean(ledger.entity or "Onbekend", 255))
            w.el("taxRegistrationCountry", clean(company.get("land", "NL"), 2))
            w.el("taxRegIdent", clean(company.get("btw", ""), 30))
            if company.get("plaats"):
                with w.open("streetAddress"):
                    w.el("city", clean(company["plaats"], 50))
                    w.el("country", clean(company.get("land", "NL"), 2))
            _relations(w, ledger.relations)
            _general_ledger(w, ledger)
            _periods(w, ledger.year)
            _opening(w, ledger)
            _transactions(w, ledger)
        w.write("</auditfile>\n")
        w.flush()
        document = b"" if target is not None else out.getvalue()
    validate(target if target is not None else io.BytesIO(document))
    return document


def validate(source: Any) -> None:
    """Validate an auditfile against the XSD as a stream; raise ``AuditfileError``."""
    try:
        for _, element in etree.iterparse(source, tag=f"{{{NS}}}transaction", schema=_schema()):
            element.clear()  # a validated transaction is not kept
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise AuditfileError(f"auditfile voldoet niet aan XAF 4.0: {exc}") from exc


_SCHEMA: list[Any] = []


def _schema() -> Any:
    if not _SCHEMA:
        _SCHEMA.append(etree.XMLSchema(etree.parse(str(XSD))))
    return _SCHEMA[0]


def _header(w: _Writer, ledger: Grootboek, company: dict[str, str], created: datetime.date) -> None:
    with w.open("header"):
        w.el("fiscalYear", ledger.year)
        w.el("startDate", datetime.date(ledger.year, 1, 1).isoformat())
        w.el("endDate", datetime.date(ledger.year, 12, 31).isoformat())
        w.el("curCode", ledger.currency)
        w.el("dateCreated", created.isoformat())
        w.el("softwareDesc", SOFTWARE)
        w.el("softwareVersion", "2")
        if company.get("rgs_versie"):
            w.el("RGSVersion", clean(company["rgs_versie"], 20))


def _relations(w: _Writer, relations: tuple[Relation, ...]) -> None:
    if not relations:
        return
    with w.open("customersSuppliers"):
        for relation in relations:
            with w.open("customerSupplier"):
                w.el("custSupID", clean(relation.ident, 35))
                w.el("custSupName", clean(relation.name, 50))
                w.el("custSupTp", relation.kind)
                for element, value in (("opBal", relation.opening), ("clBal", relation.closing)):
                    amount, kind = _amount(value)
                    w.el(f"{element}Desc", amount)  # the schema's name for the amount
                    w.el(f"{element}Tp", kind)


def _general_ledger(w: _Writer, ledger: Grootboek) -> None:
    with w.open("generalLedger"):
        for account in ledger.accounts:
            with w.open("ledgerAccount"):
                w.el("accID", clean(account.number, 35))
                w.el("accDesc", clean(account.name, 255))
                w.el("accTp", account.kind)
                if account.rgs:
                    w.el("RGScode", clean(account.rgs, 255))


def _opening(w: _Writer, ledger: Grootboek) -> None:
    numbers = {a.account: a.number for a in ledger.accounts}
    debit = sum((v for _, v in ledger.opening if v > 0), Decimal(0))
    credit = -sum((v for _, v in ledger.opening if v < 0), Decimal(0))
    with w.open("openingBalance"):
        w.el("linesCount", len(ledger.opening))
        w.el("totalDebit", f"{debit:.2f}")
        w.el("totalCredit", f"{credit:.2f}")
        for nr, (account, value) in enumerate(ledger.opening, 1):
            amount, kind = _amount(value)
            with w.open("obLine"):
                w.el("nr", nr)
                w.el("accID", clean(numbers[account], 35))
                w.el("amnt", amount)
                w.el("amntTp", kind)


def _transactions(w: _Writer, ledger: Grootboek) -> None:
    numbers = {a.account: escape(clean(a.number, 35)) for a in ledger.accounts}
    debit = credit = Decimal(0)
    count = 0
    journals: dict[str, list[Entry]] = {code: [] for code in JOURNALS}
    for entry in ledger.entries:
        journals[entry.journal].append(entry)
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
            if not journals[code]:
                continue
            with w.open("journal"):
                w.el("jrnID", code)
                w.el("desc", name)
                w.el("jrnTp", code)
                for entry in journals[code]:
                    _transaction(w, entry, numbers)


def _transaction(w: _Writer, entry: Entry, numbers: dict[str, str]) -> None:
    docref = escape(clean(entry.document or entry.number, 255))
    day = entry.date.isoformat()
    lines = []
    for nr, line in enumerate(entry.lines, 1):
        amount, kind = _amount(line.amount)
        extra = ""
        if line.cust_sup:
            extra += f"<custSupID>{escape(clean(line.cust_sup, 35))}</custSupID>"
        if line.inv_ref:
            extra += f"<invRef>{escape(clean(line.inv_ref, 255))}</invRef>"
        lines.append(
            f"<trLine><nr>{nr}</nr><accID>{numbers[line.account]}</accID>"
            f"<docRef>{docref}</docRef><effDate>{day}</effDate>"
            f"<desc>{escape(clean(line.description))}</desc>"
            f"<amnt>{amount}</amnt><amntTp>{kind}</amntTp>{extra}</trLine>"
        )
    w.write(
        f"<transaction><nr>{escape(entry.number)}</nr>"
        f"<desc>{escape(clean(entry.description))}</desc>"
        f"<periodNumber>{entry.date.month}</periodNumber><trDt>{day}</trDt>"
        f"<Source>{escape(clean(entry.source, 999))}</Source>"
        f"<User>{escape(clean(entry.user or 'onbekend', 999))}</User>"
        f"{''.join(lines)}</transaction>\n"
    )
