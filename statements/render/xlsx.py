"""The accountant's workbook: proefbalans, mapping, grootboekkaarten, journaal with
audit flags, and every statement table.

Formats what the builders computed. Totals are live formulas over the cells above
them (the builder says which rows a total sums); amounts are exact decimals with a
number format that Dutch Excel shows as ``1.234,56``. Text is always text: a
narration starting with ``=``, ``+``, ``-`` or ``@`` never becomes a formula, and
characters a workbook cannot hold are removed and listed on the sheet "Meldingen".
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from statements.grootboek import FLAGS, Grootboek
from statements.table import StatementTable

EURO = "#,##0.00;-#,##0.00"
RATIO = "0.00%"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
BOLD = Font(bold=True)
HEAD = PatternFill("solid", fgColor="DDE5F0")


class _Writer:
    def __init__(self) -> None:
        self.book = Workbook()
        self.notes: list[tuple[str, str, str]] = []

    def text(self, sheet: Worksheet, row: int, column: int, value: object) -> Cell:
        raw = "" if value is None else str(value)
        cleaned = _ILLEGAL.sub("", raw)
        if cleaned != raw:
            self.notes.append(
                (
                    sheet.title,
                    f"{get_column_letter(column)}{row}",
                    "stuurtekens verwijderd uit de tekst",
                )
            )
        cell = sheet.cell(row=row, column=column)
        cell.value = cleaned
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    def amount(
        self,
        sheet: Worksheet,
        row: int,
        column: int,
        value: Decimal | None,
        number_format: str = EURO,
    ) -> None:
        if value is None:
            return
        cell = sheet.cell(row=row, column=column, value=value)
        cell.number_format = number_format

    def formula(
        self, sheet: Worksheet, row: int, column: int, formula: str, number_format: str = EURO
    ) -> None:
        cell = sheet.cell(row=row, column=column, value=formula)
        cell.number_format = number_format
        cell.font = BOLD

    def header(self, sheet: Worksheet, titles: Sequence[str], row: int = 1) -> None:
        for column, title in enumerate(titles, 1):
            cell = self.text(sheet, row, column, title)
            cell.font = BOLD
            cell.fill = HEAD
        sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def _sheet_title(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]\*\?/\\:]", "", name)[:28] or "Blad"
    title, n = base, 1
    while title in taken:
        n += 1
        title = f"{base[:25]} {n}"
    taken.add(title)
    return title


def _proefbalans(w: _Writer, ledger: Grootboek, title: str | None = None) -> None:
    if title is None:
        sheet = w.book.active
        sheet.title = "Proefbalans"
    else:
        sheet = w.book.create_sheet(title)
    w.header(
        sheet,
        [
            "Nummer",
            "Rekening",
            "RGS",
            "Regel jaarrekening",
            "Toelichting",
            "Beginbalans",
            "Debet",
            "Credit",
            "Eindbalans",
        ],
    )
    opening = dict(ledger.opening)
    debit, credit = ledger.debit_credit()
    row = 2
    for account in ledger.accounts:
        for column, value in enumerate(
            (account.number, account.account, account.rgs, account.line, account.note), 1
        ):
            w.text(sheet, row, column, value)
        w.amount(sheet, row, 6, opening.get(account.account, Decimal(0)))
        w.amount(sheet, row, 7, debit.get(account.account, Decimal(0)))
        w.amount(sheet, row, 8, credit.get(account.account, Decimal(0)))
        w.formula(sheet, row, 9, f"=F{row}+G{row}-H{row}")
        row += 1
    w.text(sheet, row, 2, "Totaal").font = BOLD
    for column in range(6, 10):
        letter = get_column_letter(column)
        w.formula(sheet, row, column, f"=SUM({letter}2:{letter}{row - 1})")
    _widths(sheet, [10, 60, 16, 40, 45, 18, 18, 18, 18])


def _mapping(w: _Writer, ledger: Grootboek, title: str) -> None:
    sheet = w.book.create_sheet(title)
    w.header(sheet, ["Nummer", "Rekening", "Soort", "RGS", "Regel jaarrekening", "Toelichting"])
    for row, account in enumerate(ledger.accounts, 2):
        values = (
            account.number,
            account.account,
            "Balans" if account.kind == "B" else "Baten en lasten",
            account.rgs,
            account.line,
            account.note,
        )
        for column, value in enumerate(values, 1):
            w.text(sheet, row, column, value)
    _widths(sheet, [10, 60, 16, 16, 40, 45])


def _grootboekkaarten(w: _Writer, ledger: Grootboek, title: str) -> None:
    sheet = w.book.create_sheet(title)
    w.header(
        sheet,
        ["Nummer", "Rekening", "Datum", "Boekstuk", "Omschrijving", "Bron", "Debet", "Credit"],
    )
    if _without_entries(w, sheet, ledger):
        return
    numbers = {a.account: a.number for a in ledger.accounts}
    lines = sorted(
        ((line.account, entry, line) for entry in ledger.entries for line in entry.lines),
        key=lambda item: (numbers[item[0]], item[1].date, item[1].number),
    )
    for row, (account, entry, line) in enumerate(lines, 2):
        for column, value in enumerate(
            (
                numbers[account],
                account,
                entry.date.isoformat(),
                entry.number,
                line.description,
                entry.docref,
            ),
            1,
        ):
            w.text(sheet, row, column, value)
        w.amount(sheet, row, 7 if line.amount > 0 else 8, abs(line.amount))
    _widths(sheet, [10, 50, 12, 16, 60, 22, 16, 16])


def _without_entries(w: _Writer, sheet: Worksheet, ledger: Grootboek) -> bool:
    """Books too large for a worksheet: say where the entries are instead."""
    if ledger.turnover is None:
        return False
    w.text(
        sheet,
        2,
        1,
        f"{ledger.entity}: de boekingen van {ledger.year} staan in de auditfile (XAF) van "
        "deze entiteit; dit blad zou de grenzen van een werkblad overschrijden.",
    )
    return True


def _journaal(w: _Writer, ledger: Grootboek, title: str) -> None:
    sheet = w.book.create_sheet(title)
    flags = list(FLAGS)
    w.header(
        sheet,
        [
            "Boekstuk",
            "Dagboek",
            "Datum",
            "Omschrijving",
            "Bron",
            "Rekening",
            "Debet",
            "Credit",
            *[FLAGS[f] for f in flags],
        ],
    )
    if _without_entries(w, sheet, ledger):
        return
    numbers = {a.account: a.number for a in ledger.accounts}
    row = 2
    for entry in ledger.entries:
        for index, line in enumerate(entry.lines):
            for column, value in enumerate(
                (
                    entry.number,
                    entry.journal,
                    entry.date.isoformat(),
                    line.description,
                    entry.docref,
                    f"{numbers[line.account]} {line.account}",
                ),
                1,
            ):
                w.text(sheet, row, column, value)
            w.amount(sheet, row, 7 if line.amount > 0 else 8, abs(line.amount))
            if index == 0:
                for offset, flag in enumerate(flags):
                    if flag in entry.flags:
                        w.text(sheet, row, 9 + offset, "ja")
            row += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(8 + len(flags))}{row - 1}"
    _widths(sheet, [16, 8, 12, 60, 22, 50, 16, 16] + [14] * len(flags))


def _statement(w: _Writer, table: StatementTable, title: str) -> None:
    sheet = w.book.create_sheet(title)
    w.text(sheet, 1, 1, table.title).font = Font(bold=True, size=12)
    w.text(sheet, 2, 1, "bedragen in euro's")
    w.header(sheet, ["", *table.columns], row=3)
    positions: dict[str, int] = {}
    for row_number, row in enumerate(table.rows, 4):
        positions[row.id] = row_number
        cell = w.text(sheet, row_number, 1, ("   " * row.level) + row.label)
        if row.kind in ("subtotal", "total", "header"):
            cell.font = BOLD
        for column, value in enumerate(row.amounts, 2):
            texts = row.texts[column - 2] if row.texts else None
            if texts is not None:
                w.text(sheet, row_number, column, texts)
            elif row.sums and value is not None and all(ref in positions for _, ref in row.sums):
                letter = get_column_letter(column)
                terms = "".join(
                    f"{'+' if sign > 0 else '-'}{letter}{positions[ref]}"
                    for sign, ref in row.sums
                    if sheet[f"{letter}{positions[ref]}"].value is not None
                )
                w.formula(sheet, row_number, column, "=" + (terms.lstrip("+") or "0"))
            else:
                w.amount(sheet, row_number, column, value, RATIO if row.kind == "ratio" else EURO)
    _widths(sheet, [60] + [20] * len(table.columns))
    sheet.column_dimensions["A"].alignment = Alignment(wrap_text=True)


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def render_xlsx(
    ledger: Grootboek,
    tables: Sequence[StatementTable],
    entities: Sequence[tuple[str, Grootboek]] = (),
) -> bytes:
    """The accountant's workbook of ``ledger``; ``entities`` adds the proefbalans of each
    other entity of the group (name, ledger), next to the consolidation worksheet."""
    w = _Writer()
    _proefbalans(w, ledger)
    taken = {"Proefbalans"}
    for name, other in entities:
        _proefbalans(w, other, _sheet_title(f"Proefbalans {name}", taken))
    _mapping(w, ledger, _sheet_title("Toewijzing", taken))
    _grootboekkaarten(w, ledger, _sheet_title("Grootboekkaarten", taken))
    _journaal(w, ledger, _sheet_title("Journaal", taken))
    for table in tables:
        group, _, name = table.id.partition(".")
        name = f"gec. {name}" if group == "geconsolideerd" else name
        _statement(w, table, _sheet_title(name, taken))
    sheet = w.book.create_sheet(_sheet_title("Meldingen", taken))
    w.header(sheet, ["Blad", "Cel", "Melding"])
    for row, note in enumerate(w.notes, 2):
        for column, value in enumerate(note, 1):
            w.text(sheet, row, column, value)
    buffer = io.BytesIO()
    w.book.save(buffer)
    return buffer.getvalue()
