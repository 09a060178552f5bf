"""Fava extension "Jaarrekening": the statements in Fava, with drill-down and downloads.

A thin adapter over the same builders and renderers the command line uses: the page
shows every statement of a year as a table, each line linking to the accounts behind
it (and from there to their postings); the PDF, the workbook and the auditfile can be
downloaded. Listed in the books as::

    2024-07-01 custom "fava-extension" "vng.fava"
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from beancount.core import data
from fava.ext import FavaExtensionBase, extension_endpoint
from flask import Response, request

from statements.grootboek import build_grootboek
from statements.render.pdf import Report, render_pdf
from statements.render.xaf import render_xaf
from statements.render.xlsx import render_xlsx
from statements.table import StatementTable
from statements.wnt import build_ondertekening
from vng.build import entity_tables
from vng_accounts.books import Books
from vng_accounts.chart import read_chart
from vng_accounts.settings import read_settings


class VngJaarrekening(FavaExtensionBase):
    report_title = "Jaarrekening"

    def _books(self) -> Books:
        entries = list(self.ledger.all_entries)
        options = self.ledger.options
        chart, _ = read_chart(entries, options)
        settings, _ = read_settings(entries)
        return Books(tuple(entries), dict(options), chart, settings, ())

    def years(self) -> list[int]:
        years = {e.date.year for e in self.ledger.all_entries if isinstance(e, data.Transaction)}
        today = datetime.date.today()
        return sorted(
            (y for y in years if datetime.date(y, 12, 31) < today), reverse=True
        ) or sorted(years, reverse=True)

    def year(self) -> int:
        asked = request.args.get("jaar", "")
        return int(asked) if asked.isdigit() else self.years()[0]

    def tables(self) -> Sequence[StatementTable]:
        # computed once per year and state of the books: Fava reloads the books when a
        # file changes, which gives them a new mtime and the page a new computation
        year = self.year()
        key = (self.ledger.mtime, id(self.ledger.all_entries), year)
        cached = getattr(self, "_tables", None)
        if cached is None or cached[0] != key:
            tables = entity_tables(self._books(), year)
            self._tables = (key, tables)
            return tables
        return cached[1]

    @staticmethod
    def amount(value: Decimal | None, kind: str) -> str:
        if value is None:
            return ""
        if kind == "ratio":
            return f"{value * 100:.2f}%".replace(".", ",")
        rounded = (value / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return "-" if rounded == 0 else f"{rounded:,}".replace(",", ".")

    def _download(self, content: bytes, name: str, mime: str) -> Response:
        return Response(
            content,
            mimetype=mime,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @extension_endpoint("pdf")
    def pdf(self) -> Response:
        books, year = self._books(), self.year()
        report = Report(
            books.settings.entity_name,
            year,
            books.settings.voorwoord.get(year, ""),
            books.settings.entity.get("plaats", ""),
        )
        content = render_pdf(report, tuple(self.tables()) + (build_ondertekening(books, year),))
        return self._download(content, f"financieel-jaarverslag-{year}.pdf", "application/pdf")

    @extension_endpoint("xlsx")
    def xlsx(self) -> Response:
        books, year = self._books(), self.year()
        content = render_xlsx(build_grootboek(books, year), self.tables())
        return self._download(
            content,
            f"werkmap-accountant-{year}.xlsx",
            "application/vnd." "openxmlformats-officedocument.spreadsheetml.sheet",
        )

    @extension_endpoint("xaf")
    def xaf(self) -> Response:
        books, year = self._books(), self.year()
        content = render_xaf(
            build_grootboek(books, year), books.settings.entity, datetime.date.today()
        )
        return self._download(content, f"auditfile-{year}.xaf", "application/xml")
