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
auditfile is never returned and a million posting lines never stand in memory. The
parts both versions share are in ``statements.render.auditfile``.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from statements.grootboek import Entry, Grootboek, Line, Relation
from statements.render.auditfile import (
    SCHEMAS,
    Writer,
    amount,
    clean,
    header,
    opening,
    periods,
    tr_lines,
    transaction_head,
    transactions,
    write_auditfile,
)

NS = "http://www.odb.belastingdienst.nl/Belastingdienst/BCPP/1.1/structures/XmlauditfileXAF_4.0"
XSD: Path = SCHEMAS / "XmlAuditfileFinancieel4.0.xsd"
VERSION = "4.0"


def render_xaf40(
    ledger: Grootboek,
    company: dict[str, str],
    created: datetime.date,
    target: str | None = None,
    validated: bool = True,
) -> bytes:
    """The auditfile, validated against the XSD; written to ``target`` (then b"" is
    returned) or returned whole; ``validated=False``: a file the caller validates.
    ``company`` holds ``kvk``, ``btw``, ``rgs_versie`` and
    ``plaats`` (and ``land``, default NL) from the books' settings."""

    def body(w: Writer) -> None:
        with header(w, ledger, created, "2"):
            if company.get("rgs_versie"):
                w.el("RGSVersion", clean(company["rgs_versie"], 20))
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
            periods(w, ledger.year)
            opening(w, ledger, dated=False)
            transactions(w, ledger, _transaction)

    return write_auditfile(target, NS, XSD, VERSION, body, validated)


def _relations(w: Writer, relations: tuple[Relation, ...]) -> None:
    if not relations:
        return
    with w.open("customersSuppliers"):
        for relation in relations:
            with w.open("customerSupplier"):
                w.el("custSupID", clean(relation.ident, 35))
                w.el("custSupName", clean(relation.name, 50))
                w.el("custSupTp", relation.kind)
                for element, value in (("opBal", relation.opening), ("clBal", relation.closing)):
                    size, kind = amount(value)
                    w.el(f"{element}Desc", size)  # the schema's name for the amount
                    w.el(f"{element}Tp", kind)


def _general_ledger(w: Writer, ledger: Grootboek) -> None:
    with w.open("generalLedger"):
        for account in ledger.accounts:
            with w.open("ledgerAccount"):
                w.el("accID", clean(account.number, 35))
                w.el("accDesc", clean(account.name, 255))
                w.el("accTp", account.kind)
                if account.rgs:
                    w.el("RGScode", clean(account.rgs, 255))


def _line_extra(line: Line) -> str:
    """A line on a debtor or creditor account: the customer or supplier, the invoice."""
    extra = ""
    if line.cust_sup:
        extra += f"<custSupID>{escape(clean(line.cust_sup, 35))}</custSupID>"
    if line.inv_ref:
        extra += f"<invRef>{escape(clean(line.inv_ref, 255))}</invRef>"
    return extra


def _transaction(w: Writer, entry: Entry, numbers: dict[str, str]) -> None:
    docref = escape(clean(entry.document or entry.number, 255))
    w.write(
        f"{transaction_head(entry)}"
        f"<Source>{escape(clean(entry.source, 999))}</Source>"
        f"<User>{escape(clean(entry.user or 'onbekend', 999))}</User>"
        f"{tr_lines(entry, numbers, docref, _line_extra)}</transaction>\n"
    )
