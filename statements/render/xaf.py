"""The XML Auditfile Financieel 3.2 of one entity and year.

Formats a ``Grootboek``: the general ledger with RGS codes, the opening balance and
the year's transactions per journal. Text is cleaned of characters XML cannot carry;
the result is validated against the official XSD before it is returned, so an
invalid auditfile is never written. The parts both versions share are in
``statements.render.auditfile``.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from statements.grootboek import Entry, Grootboek
from statements.render import auditfile as af

NS = "http://www.auditfiles.nl/XAF/3.2"
XSD: Path = af.SCHEMAS / "XmlAuditfileFinancieel3.2.xsd"
VERSION = "3.2"


def render_xaf(
    ledger: Grootboek,
    company: dict[str, str],
    created: datetime.date,
    target: str | None = None,
    validated: bool = True,
) -> bytes:
    """The auditfile, validated against the XSD; written to ``target`` (then b"" is
    returned) or returned whole. ``validated=False``: a file the caller validates."""

    def body(w: af.Writer) -> None:
        with af.header(w, ledger, created, "1"):
            pass
        with w.open("company"):
            if company.get("kvk"):
                w.el("companyIdent", af.clean(company["kvk"], 35))
            w.el("companyName", af.clean(ledger.entity or "Onbekend", 999))
            w.el("taxRegistrationCountry", "NL")
            w.el("taxRegIdent", af.clean(company.get("btw", ""), 30))
            _general_ledger(w, ledger)
            af.periods(w, ledger.year)
            af.opening(w, ledger, dated=True)
            af.transactions(w, ledger, _transaction)

    return af.write_auditfile(target, NS, XSD, VERSION, body, validated)


def _general_ledger(w: af.Writer, ledger: Grootboek) -> None:
    with w.open("generalLedger"):
        for account in ledger.accounts:
            with w.open("ledgerAccount"):
                w.el("accID", af.clean(account.number, 35))
                w.el("accDesc", af.clean(account.name, 999))
                w.el("accTp", account.kind)
                if account.line:
                    w.el("leadCode", af.clean(account.line, 999))
                if account.rgs:
                    w.el("leadReference", af.clean(account.rgs, 999))
                w.el("leadCrossRef", af.clean(account.account, 999))


def _transaction(w: af.Writer, entry: Entry, numbers: dict[str, str]) -> None:
    w.write(
        f"{af.transaction_head(entry)}"
        f"<amnt>{entry.total_debit:.2f}</amnt><amntTp>D</amntTp>"
        f"<sourceID>{escape(af.clean(entry.docref, 35))}</sourceID>"
        f"{af.tr_lines(entry, numbers, escape(af.clean(entry.docref, 999)), None)}</transaction>\n"
    )
