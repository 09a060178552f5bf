"""The auditfile in the version asked for: XAF 4.0 (the default, and from 1 January
2027 the only one the Belastingdienst accepts) or XAF 3.2.

What the two versions share lives here: the streaming writer, the text cleaning, the
periods, the opening balance and the transactions per journal with their totals, the
posting line, and the validation against the version's XSD while the written file is
read back. ``xaf`` (3.2) and ``xaf40`` (4.0) write what differs: the header, the
company, the general ledger and the transaction itself.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from lxml import etree

from statements.grootboek import JOURNALS, Entry, Grootboek, Line
from statements.render.xafcheck import check

VERSIONS = ("4.0", "3.2")
DEFAULT = "4.0"
SOFTWARE = "VNG jaarrekening (beancount)"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
CHECKER = Path(__file__).resolve().parent / "xafcheck.py"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class AuditfileError(Exception):
    pass


def render_auditfile(
    ledger: Grootboek,
    company: dict[str, str],
    created: datetime.date,
    target: str | None = None,
    version: str = DEFAULT,
) -> bytes:
    """The auditfile of ``version``, validated; written to ``target`` (then b"" is
    returned) or returned whole."""
    return _version(version).render(ledger, company, created, target)


def start_auditfile(
    ledger: Grootboek,
    company: dict[str, str],
    created: datetime.date,
    target: str,
    version: str = DEFAULT,
) -> Validation:
    """The auditfile of ``version`` written to ``target``, and its validation started
    beside this process: ``wait()`` on the result raises what the XSD finds."""
    found = _version(version)
    found.render(ledger, company, created, target, validated=False)
    return Validation(target, found.ns, found.xsd, version)


@dataclass(frozen=True)
class _Version:
    render: Callable[..., bytes]
    ns: str
    xsd: Path


def _version(version: str) -> _Version:
    # the versions build on this module, so they are imported when one is asked for
    from statements.render import xaf, xaf40

    if version not in VERSIONS:
        raise AuditfileError(f"onbekende XAF-versie {version} (bekend: {', '.join(VERSIONS)})")
    if version == "4.0":
        return _Version(xaf40.render_xaf40, xaf40.NS, xaf40.XSD)
    return _Version(xaf.render_xaf, xaf.NS, xaf.XSD)


def clean(text: str, limit: int | None = None) -> str:
    """Text as XML 1.0 can carry it, within the schema's length."""
    # a printable character is one XML carries (no control, surrogate or non-character)
    result = text if text.isprintable() else _NOT_XML.sub("", text)
    return result[:limit] if limit else result


class Writer:
    """Writes the XML text as it is made, in chunks: the auditfile of a million posting
    lines never stands in memory, as a tree or as one string. Every text is escaped
    here, after ``clean`` removed what XML cannot carry."""

    def __init__(self, handle: IO[bytes]) -> None:
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


def write_auditfile(
    target: str | None,
    ns: str,
    xsd: Path,
    version: str,
    body: Callable[[Writer], None],
    validated: bool = True,
) -> bytes:
    """The ``<auditfile>`` of namespace ``ns`` with ``body`` in it, written to
    ``target`` (then b"" is returned) or returned whole; validated against ``xsd``,
    one transaction at a time. ``validated=False``: the caller validates the file
    (``start_auditfile``); one returned whole is always validated here."""
    out: IO[bytes]
    if target is None:
        with io.BytesIO() as out:
            _write(Writer(out), ns, body)
            document = out.getvalue()
        validate(io.BytesIO(document), ns, xsd, version)
        return document
    with open(target, "wb") as out:
        _write(Writer(out), ns, body)
    if validated:
        Validation(target, ns, xsd, version).wait()
    return b""


def _write(w: Writer, ns: str, body: Callable[[Writer], None]) -> None:
    w.write(f"<?xml version='1.0' encoding='UTF-8'?>\n<auditfile xmlns=\"{ns}\">\n")
    body(w)
    w.write("</auditfile>\n")
    w.flush()


class Validation:
    """A written auditfile read against its XSD by a process of its own
    (``xafcheck.py``), one transaction at a time. That process is started afresh and
    imports only lxml: it shares none of this process's memory (a forked copy of
    books of a million posting lines would), and while it reads, this process goes on
    with the rest of the build on the other core."""

    def __init__(self, target: str, ns: str, xsd: Path, version: str) -> None:
        self.version = version
        self.process = subprocess.Popen(
            [sys.executable, str(CHECKER), ns, str(xsd), target],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait(self) -> None:
        """Until the file is read; raises ``AuditfileError`` with the XSD's finding."""
        try:
            said = self.process.communicate()[1].decode("utf-8", "replace").strip()
        except BaseException:
            self.stop()
            raise
        code = self.process.returncode
        if code != 0:
            found = said or f"de controle stopte met code {code}"
            raise AuditfileError(f"auditfile voldoet niet aan XAF {self.version}: {found}")

    def stop(self) -> None:
        """Ends the validation unfinished (the build stopped on another error)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


def validate(source: str | IO[bytes], ns: str, xsd: Path, version: str) -> None:
    """Validate an auditfile against ``xsd`` as a stream; raise ``AuditfileError``."""
    try:
        check(source, ns, _schema(xsd))
    except etree.XMLSyntaxError as exc:
        raise AuditfileError(f"auditfile voldoet niet aan XAF {version}: {exc}") from exc


_SCHEMAS: dict[Path, etree.XMLSchema] = {}


def _schema(xsd: Path) -> etree.XMLSchema:
    if xsd not in _SCHEMAS:
        _SCHEMAS[xsd] = etree.XMLSchema(etree.parse(str(xsd)))
    return _SCHEMAS[xsd]


def amount(value: Decimal) -> tuple[str, str]:
    """An amount as the auditfile carries it: its size and D (debit) or C (credit)."""
    return f"{abs(value):.2f}", "D" if value >= 0 else "C"


@contextlib.contextmanager
def header(w: Writer, ledger: Grootboek, created: datetime.date, software: str) -> Iterator[None]:
    """The header's common part; what a version adds is written inside."""
    with w.open("header"):
        w.el("fiscalYear", ledger.year)
        w.el("startDate", datetime.date(ledger.year, 1, 1).isoformat())
        w.el("endDate", datetime.date(ledger.year, 12, 31).isoformat())
        w.el("curCode", ledger.currency)
        w.el("dateCreated", created.isoformat())
        w.el("softwareDesc", SOFTWARE)
        w.el("softwareVersion", software)
        yield


def periods(w: Writer, year: int) -> None:
    with w.open("periods"):
        for month in range(1, 13):
            first = datetime.date(year, month, 1)
            last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
            with w.open("period"):
                w.el("periodNumber", month)
                w.el("startDatePeriod", first.isoformat())
                w.el("endDatePeriod", last.isoformat())


def opening(w: Writer, ledger: Grootboek, dated: bool) -> None:
    """The opening balance; ``dated``: with its date and description (XAF 3.2)."""
    numbers = {a.account: a.number for a in ledger.accounts}
    debit = sum((v for _, v in ledger.opening if v > 0), Decimal(0))
    credit = -sum((v for _, v in ledger.opening if v < 0), Decimal(0))
    with w.open("openingBalance"):
        if dated:
            w.el("opBalDate", datetime.date(ledger.year, 1, 1).isoformat())
            w.el("opBalDesc", f"Beginbalans {ledger.year}")
        w.el("linesCount", len(ledger.opening))
        w.el("totalDebit", f"{debit:.2f}")
        w.el("totalCredit", f"{credit:.2f}")
        for nr, (account, value) in enumerate(ledger.opening, 1):
            size, kind = amount(value)
            with w.open("obLine"):
                w.el("nr", nr)
                w.el("accID", clean(numbers[account], 35))
                w.el("amnt", size)
                w.el("amntTp", kind)


Transaction = Callable[[Writer, Entry, dict[str, str]], None]
"""Writes one transaction, given the escaped account numbers."""


def transactions(w: Writer, ledger: Grootboek, transaction: Transaction) -> None:
    """The transactions with their totals, per journal."""
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
                    transaction(w, entry, numbers)


LineExtra = Callable[[Line], str]
"""A version's elements at the end of a posting line."""


def tr_lines(entry: Entry, numbers: dict[str, str], docref: str, extra: LineExtra | None) -> str:
    """The posting lines of a transaction; ``extra`` adds a version's elements."""
    day = entry.date.isoformat()
    lines = []
    said = {entry.description: escape(clean(entry.description))}  # mostly the lines' own
    for nr, line in enumerate(entry.lines, 1):
        size, kind = amount(line.amount)
        desc = said.get(line.description)
        if desc is None:
            desc = said[line.description] = escape(clean(line.description))
        lines.append(
            f"<trLine><nr>{nr}</nr><accID>{numbers[line.account]}</accID>"
            f"<docRef>{docref}</docRef><effDate>{day}</effDate>"
            f"<desc>{desc}</desc>"
            f"<amnt>{size}</amnt><amntTp>{kind}</amntTp>"
            f"{extra(line) if extra else ''}</trLine>"
        )
    return "".join(lines)


def transaction_head(entry: Entry) -> str:
    """A transaction's number, description, period and date."""
    return (
        f"<transaction><nr>{escape(entry.number)}</nr>"
        f"<desc>{escape(clean(entry.description))}</desc>"
        f"<periodNumber>{entry.date.month}</periodNumber><trDt>{entry.date.isoformat()}</trDt>"
    )
