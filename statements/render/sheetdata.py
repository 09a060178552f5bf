"""The large sheets of the workbook (journaal, grootboekkaarten, the journal-entry
tests' hits) hold hundreds of thousands of cells: their rows are written as the
sheet's XML (SpreadsheetML ``<row>`` and ``<c>`` elements) as they are made, in the
form openpyxl gives the same cells (inline strings, ``t="n"`` numbers and dates, the
workbook's own style ids), and are put into the sheet when openpyxl saves the
workbook; everything else of the sheet (its header cells, column widths, frozen
panes, filter) is openpyxl's. ``save`` writes the workbook so."""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter


def escape(text: str) -> str:
    """Text as the content of an XML element, escaped as lxml escapes it (``&``, ``<``,
    ``>`` and a carriage return, which XML would otherwise read as a line end)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


@dataclass
class SheetRows:
    """Rows of a sheet below its openpyxl cells, as XML: ``parts`` joined are the
    ``<row>`` elements in order; ``last_row``, ``first_column`` and ``last_column``
    what they span (for the sheet's dimension)."""

    parts: list[str] = field(default_factory=list)
    first_row: int = 0
    last_row: int = 0
    first_column: int = 0
    last_column: int = 0

    def xml(self) -> bytes:
        # openpyxl's sheets are ASCII, every other character a character reference
        return "".join(self.parts).encode("ascii", "xmlcharrefreplace")


class _SheetWriter(WorksheetWriter):
    def __init__(self, ws: Worksheet, rows: SheetRows) -> None:
        self.extra = rows
        super().__init__(ws, io.BytesIO())

    def write_dimensions(self) -> None:
        ws, rows = self.ws, self.extra
        if not rows.parts:
            super().write_dimensions()
            return
        assert isinstance(ws, Worksheet) and ws._cells
        first_row, last_row = ws.min_row, ws.max_row
        first_column, last_column = ws.min_column, ws.max_column
        assert last_row < rows.first_row, ws.title  # below the sheet's own cells
        last_row = rows.last_row
        first_column = min(first_column, rows.first_column)
        last_column = max(last_column, rows.last_column)
        ref = (
            f"{get_column_letter(first_column)}{first_row}:"
            f"{get_column_letter(last_column)}{last_row}"
        )
        self.xf.send(SheetDimension(ref).to_tree())

    def sheet(self) -> bytes:
        """The sheet's XML with the rows at the end of its ``sheetData``."""
        out = self.out
        assert isinstance(out, io.BytesIO)
        data = out.getvalue()
        end = data.index(b"</sheetData>")  # text in a cell has its < escaped
        return b"".join((data[:end], self.extra.xml(), data[end:]))


class _ExcelWriter(ExcelWriter):
    def __init__(self, workbook: Workbook, archive: ZipFile, rows: Mapping[str, SheetRows]):
        super().__init__(workbook, archive)
        self.rows = rows

    def write_worksheet(self, ws: Worksheet) -> None:
        # as ExcelWriter.write_worksheet, the sheet's XML in memory rather than a file
        rows = self.rows.get(ws.title) or SheetRows()
        ws._drawing = SpreadsheetDrawing()  # type: ignore[attr-defined]
        ws._drawing.charts = ws._charts  # type: ignore[attr-defined]
        ws._drawing.images = ws._images  # type: ignore[attr-defined]
        writer = _SheetWriter(ws, rows)
        writer.write()
        ws._rels = writer._rels  # type: ignore[attr-defined]
        self._archive.writestr(ws.path[1:], writer.sheet())  # type: ignore[attr-defined]
        self.manifest.append(ws)


def save(book: Workbook, rows: Mapping[str, SheetRows]) -> bytes:
    """The workbook as ``Workbook.save`` writes it, with per sheet title the rows
    written as XML below the sheet's own cells."""
    buffer = io.BytesIO()
    # the fastest deflate: the workbook is made on every build, and a stronger level
    # costs seconds for a few per cent of its size
    archive = ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1)
    book.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    _ExcelWriter(book, archive, rows).save()
    return buffer.getvalue()
