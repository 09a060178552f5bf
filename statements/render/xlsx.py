"""The accountant's workbook: index, proefbalans of every entity for the year and the
year before, lead schedules, grootboekkaarten and journaal of every entity, the
journal-entry tests, the consolidation worksheets and every statement, live.

Formats what the builders computed, and links it: a statement line with accounts
behind it is a formula over the proefbalans (``SUMIFS`` on its mapping column, the
line id, or on the accounts themselves), so that changing one amount of the
proefbalans moves the statements. The formula is written only when it gives the
builder's amount to the cent on the books' own figures; where no formula over the
proefbalans does (a budget, a translated or computed amount), the amount stands as a
number and the sheet "Meldingen" says which cells. Totals are formulas over the lines
they total (the builder says which). The consolidation worksheets sum each entity's
column from its own proefbalans, the group column over every column, and carry a
check per elimination column that it nets to zero in the books' sign.

Amounts are exact decimals (number cells, Dutch Excel shows ``1.234,56``); dates
are date cells; text is always text: a text cell (never a formula, never an error
value such as ``#N/A``), and one that starts with ``=``, ``+``, ``-`` or ``@`` (a
narration the bank sent, ``=SUM(A1)``) carries the quote prefix, so that editing the
cell in Excel or LibreOffice keeps it text. Characters a workbook cannot hold are
removed and listed on "Meldingen". The large sheets (journaal, grootboekkaarten, the
journal-entry tests' hits) are written row by row as the sheet's XML
(``statements.render.sheetdata``): the same cells, styles and text safety as the
openpyxl cells of the other sheets, without a cell object per value. The journal
beside the workbook (CSV) puts an apostrophe before a text that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return (``csv_text``), as OWASP advises
against CSV injection; its amounts are numbers without a sign and stay as they are.

A rebuild takes the proefbalansen, lead schedules, consolidation worksheets and
statements whose content did not change from the last workbook as they were written
(``SheetMemo``, kept by the caller), with the same bytes as made again.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from statements.grootboek import FLAGS, WORKSHEET_SIGNS, Grootboek, LedgerAccount
from statements.journaalposten import BOOKING_TIME, PER_ENTRY, Analysis, Hit
from statements.render.sheetdata import Deflated, SheetRows, escape, save
from statements.table import Row, StatementTable

EURO = "#,##0.00;-#,##0.00"
RATIO = "0.00%"
DATE = "dd-mm-yyyy"
DATETIME = "dd-mm-yyyy hh:mm"
ZERO = Decimal(0)
# the characters XML cannot hold: control characters, lone surrogates, U+FFFE and U+FFFF
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REMOVED = "stuurtekens verwijderd"
# what a spreadsheet reads as the start of a formula (a tab or carriage return before
# one, in a CSV file, as well)
FORMULA_START = ("=", "+", "-", "@")
CSV_FORMULA_START = (*FORMULA_START, "\t", "\r")
_YEAR = re.compile(r"\b(\d{4})\b")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True)
LINK = Font(color="0563C1", underline="single")
HEAD = PatternFill("solid", fgColor="DDE5F0")
# the most rows a sheet of the workbook holds before its lines go to a CSV file
SHEET_ROWS = 1_000_000
_PB = [
    "Nummer",
    "Naam",
    "Rekening",
    "Soort",
    "RGS",
    "Regel",
    "Regel jaarrekening",
    "Regel geconsolideerd",
    "Toelichting",
    "Beginbalans",
    "Debet",
    "Credit",
    "Eindbalans",
]
_KIND = {"B": "Balans", "P": "Baten en lasten"}
# the proefbalans's columns by what they hold
_COL = {name: get_column_letter(i) for i, name in enumerate(_PB, 1)}
# the letters of the columns a sheet written as XML has, by number
_LETTERS = ("", *(get_column_letter(i) for i in range(1, 703)))
_VALUES = ("Eindbalans", "Beginbalans", "Debet", "Credit")


@dataclass(frozen=True)
class EntityLedgers:
    """One entity of the workbook: the ledger of the year and the trial balance of the
    year before (None when there is none); ``sheets`` its journaal and grootboekkaarten
    rows made beforehand from this ledger (``entity_sheets``), or None to make them.
    With those rows the ledger may be without its entries (``summarised``): what the
    workbook shows of them is in the rows."""

    ledger: Grootboek
    prior: Grootboek | None = None
    sheets: EntitySheets | None = None


# the styles of the cells of the sheets written as XML, registered first in every
# workbook: their ids are the same in each, so that rows made apart from the workbook
# (``entity_sheets``) fit in it
_ROW_STYLES = ((EURO, False), (DATE, False), (DATETIME, False), ("", True))
# the styles of the sheets a workbook takes from an earlier one where what they show is
# unchanged (``SheetMemo``: proefbalansen, lead schedules, consolidation worksheets,
# statements), registered next in every workbook, so that their ids are the same in
# each: (number format, font, fill, alignment). A sheet with a style not among these
# (a label that starts like a formula, in bold) is made anew in every workbook.
_SHEET_STYLES: tuple[tuple[str, Font | None, PatternFill | None, Alignment | None], ...] = (
    ("", BOLD, HEAD, None),
    (EURO, None, None, None),
    ("", BOLD, None, None),
    (EURO, BOLD, None, None),
    ("", TITLE, None, None),
    ("0", None, None, None),
    ("", None, None, WRAP),
    (RATIO, None, None, None),
)


@dataclass(frozen=True)
class MadeSheet:
    """A sheet as a workbook wrote it: its XML, compressed, and what making it noted
    on its cells (cell, message); its filter, which the workbook names."""

    xml: Deflated
    notes: tuple[tuple[str, str], ...]
    auto_filter: str
    keys: tuple[str, ...] = ()  # what it is kept under: each a description of its content


@dataclass
class SheetMemo:
    """The sheets of an earlier workbook by the key of what they show (``known``), and
    after ``render_xlsx`` those of the new one (``made``), for the next: a sheet whose
    key is known is put in as it was written, not made again. The key is the digest of
    everything the sheet is made of (the ledger's accounts and figures, the statement,
    the proefbalansen its formulas point at, its title); a statement is kept under a
    second key as well, of the statement and the formulas chosen for its amounts, and a
    lead schedule's formulas are made of where the proefbalans is, not its figures. The
    caller keeps the memo of one version of the program only."""

    known: Mapping[str, MadeSheet] = field(default_factory=dict)
    made: dict[str, MadeSheet] = field(default_factory=dict)


def _digest(*parts: object) -> str:
    """The key of a sheet made of ``parts``, each written out in full (``repr``); ""
    when one shows an object by its address (that sheet is then made every time)."""
    data = repr(parts)
    if " object at 0x" in data:
        return ""
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class _Writer:
    def __init__(self, beside: Mapping[str, str], memo: SheetMemo | None = None) -> None:
        self.beside = dict(beside)  # entity -> the CSV file beside the workbook
        self.memo = memo
        self.taken_over: dict[str, MadeSheet] = {}  # sheet -> as an earlier workbook wrote it
        # sheet -> (its keys, where its notes begin, the styles registered before it)
        self.making: dict[str, tuple[tuple[str, ...], int, tuple[int, ...]]] = {}
        # sheet -> its keys, its notes
        self.keeping: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {}
        self.preamble: set[StyleArray] = set()
        self.book = Workbook()
        self.notes: list[tuple[str, str, str]] = []
        self.taken: set[str] = set()
        self.index: list[tuple[str, str, str]] = []  # sheet, group, description
        self.styles: dict[str, StyleArray] = {}  # number format -> its cell style
        self.xml_rows: dict[str, SheetRows] = {}  # sheet -> the rows written as XML
        self.style_ids: dict[tuple[str, bool], str] = {}  # (format, quote) -> s="…"
        self.text_cells = _TextCells(self)
        first = self.book.active
        assert first is not None
        for number_format, quote in _ROW_STYLES:
            self.style_id(first, number_format, quote)
            self.preamble.add(self._style(first, number_format, quote=quote))
        for number_format, font, fill, alignment in _SHEET_STYLES:
            self.preamble.add(self._style(first, number_format, font, fill, alignment))

    def _style(
        self,
        sheet: Worksheet,
        number_format: str = "",
        font: Font | None = None,
        fill: PatternFill | None = None,
        alignment: Alignment | None = None,
        quote: bool = False,
    ) -> StyleArray:
        """The style of a cell with these, registered in the workbook."""
        cell = Cell(sheet, row=1, column=1)  # not put in the sheet: only its style
        if number_format:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if alignment is not None:
            cell.alignment = alignment
        if quote:
            cell.quotePrefix = True
        assert cell.style_id is not None  # registered in the workbook's cell styles
        return StyleArray(cell._style)  # type: ignore[attr-defined]

    def _registered(self) -> tuple[int, ...]:
        """How many styles, and parts of styles, the workbook has registered."""
        b = self.book
        return tuple(
            len(found)
            for found in (
                b._cell_styles,  # type: ignore[attr-defined]
                b._fonts,  # type: ignore[attr-defined]
                b._fills,  # type: ignore[attr-defined]
                b._borders,  # type: ignore[attr-defined]
                b._number_formats,  # type: ignore[attr-defined]
                b._alignments,  # type: ignore[attr-defined]
                b._protections,  # type: ignore[attr-defined]
                b._named_styles,  # type: ignore[attr-defined]
            )
        )

    def key(self, *parts: object) -> str:
        """The key of a sheet made of ``parts`` (``_digest``); "" without a memo."""
        return _digest(*parts) if self.memo is not None else ""

    def knows(self, key: str) -> bool:
        """Whether an earlier workbook wrote a sheet made of what ``key`` says."""
        return self.memo is not None and bool(key) and key in self.memo.known

    def reuse(self, sheet: Worksheet, key: str, *also: str) -> bool:
        """Whether ``sheet``, made of what ``key`` says, is the one an earlier workbook
        wrote (its notes and filter taken with it): then it is not to be made. Else the
        sheet made next is kept for a later workbook, if it may be (``made``). It is
        kept under the keys ``also`` as well: other descriptions of the same content."""
        keys = tuple(k for k in (key, *also) if k)
        if self.memo is None or not key:
            return False
        found = self.memo.known.get(key)
        if found is None:
            self.making[sheet.title] = (keys, len(self.notes), self._registered())
            return False
        self.taken_over[sheet.title] = found
        for kept in (*found.keys, *keys):
            self.memo.made[kept] = found
        self.notes.extend((sheet.title, cell, message) for cell, message in found.notes)
        if found.auto_filter:
            sheet.auto_filter.ref = found.auto_filter
        return True

    def made(self, sheet: Worksheet) -> None:
        """``sheet`` is made (after ``reuse``): kept for a later workbook when making it
        registered no style and noted nothing on another sheet."""
        opened = self.making.pop(sheet.title, None)
        if opened is None:
            return
        keys, start, before = opened
        notes = self.notes[start:]
        if self._registered() == before and all(title == sheet.title for title, _, _ in notes):
            self.keeping[sheet.title] = (keys, tuple((c, message) for _, c, message in notes))

    def _written(self, sheet: Worksheet, xml: Deflated) -> None:
        """A sheet is written: kept, when it was to be, if every style it has is one
        that every workbook registers first (so writing it registered none)."""
        kept = self.keeping.pop(sheet.title, None)
        if kept is None:
            return
        parts: list[Any] = [*sheet._cells.values(), *sheet.column_dimensions.values()]
        parts += sheet.row_dimensions.values()
        if any(p.has_style and p._style not in self.preamble for p in parts):
            return
        assert self.memo is not None
        keys, notes = kept
        made = MadeSheet(xml, notes, str(sheet.auto_filter.ref or ""), keys)
        for key in keys:
            self.memo.made[key] = made

    def sheet(self, name: str, group: str, description: str) -> Worksheet:
        title = _sheet_title(name, self.taken)
        if len(self.taken) == 1:
            sheet = self.book.active
            assert sheet is not None
            sheet.title = title
        else:
            sheet = self.book.create_sheet(title)
        self.index.append((title, group, description))
        return sheet

    def note(self, sheet: Worksheet | str, cell: str, message: str) -> None:
        self.notes.append((sheet if isinstance(sheet, str) else sheet.title, cell, message))

    def _put(
        self,
        sheet: Worksheet,
        row: int,
        column: int,
        value: str | Decimal | datetime.date,
        kind: str,
        style: str = "",
    ) -> Cell:
        """A new cell holding ``value`` of openpyxl's data type ``kind`` (what its value
        setter would infer; the renderer knows the type), with the number format
        ``style``, whose style openpyxl looks up once per format and not per cell."""
        cell = sheet._cells.get((row, column))
        if cell is not None:  # written before: openpyxl's own path keeps its style
            assert isinstance(cell, Cell)
            cell.value = value
            cell.data_type = kind  # the setter's guess ("=…" a formula) overruled
            if style:
                cell.number_format = style
            return cell
        # the stubs leave out the cell's value and style as stored (what the setters fill)
        cell = Cell(sheet, row=row, column=column)
        cell._value = value  # type: ignore[attr-defined]
        cell.data_type = kind
        if style:
            known = self.styles.get(style)
            if known is None:
                cell.number_format = style
                self.styles[style] = StyleArray(cell._style)  # type: ignore[attr-defined]
            else:
                cell._style = StyleArray(known)  # type: ignore[attr-defined]
        sheet._cells[(row, column)] = cell
        return cell

    def text(self, sheet: Worksheet, row: int, column: int, value: object) -> Cell:
        cleaned, removed = _cleaned(value)
        if removed:
            self.note(sheet, f"{get_column_letter(column)}{row}", REMOVED)
        # text is text: never a formula or an error value, whatever it starts with
        cell = self._put(sheet, row, column, cleaned, "s")
        if cleaned.startswith(FORMULA_START):
            # the quote prefix: Excel and LibreOffice keep it text when it is edited
            cell.quotePrefix = True
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
        self._put(sheet, row, column, value, "n", number_format)

    def date(self, sheet: Worksheet, row: int, column: int, value: datetime.date | None) -> None:
        if value is None:
            return
        style = DATETIME if isinstance(value, datetime.datetime) else DATE
        self._put(sheet, row, column, value, "d", style)

    def formula(
        self,
        sheet: Worksheet,
        row: int,
        column: int,
        formula: str,
        number_format: str = EURO,
        bold: bool = False,
    ) -> None:
        cell = self._put(sheet, row, column, formula, "f", number_format)
        if bold:
            cell.font = BOLD

    def header(self, sheet: Worksheet, titles: Sequence[str], row: int = 1) -> None:
        for column, title in enumerate(titles, 1):
            cell = self.text(sheet, row, column, title)
            cell.font = BOLD
            cell.fill = HEAD
        sheet.freeze_panes = f"A{row + 1}"

    def style_id(self, sheet: Worksheet, number_format: str = "", quote: bool = False) -> str:
        """The attribute ``s="…"`` of a cell with the number format and the quote
        prefix, its style registered in the workbook's stylesheet ("" for the
        default style, as openpyxl leaves it out)."""
        key = (number_format, quote)
        found = self.style_ids.get(key)
        if found is None:
            cell = Cell(sheet, row=1, column=1)  # not put in the sheet: only its style
            if number_format:
                cell.number_format = number_format
            if quote:
                cell.quotePrefix = True
            found = f' s="{cell.style_id}"' if cell.has_style else ""
            self.style_ids[key] = found
        return found

    def rows(self, sheet: Worksheet, kinds: Sequence[str]) -> _Rows:
        """The rows of ``sheet`` below the cells it has, written as XML as they come;
        ``kinds`` per column from A what it holds (``_TEXT``, ``_TIME``, ``_AMOUNT``)."""
        rows = _Rows(self, sheet, kinds)
        self.xml_rows[sheet.title] = rows.data
        return rows

    def save(self) -> bytes:
        made = {title: found.xml for title, found in self.taken_over.items()}
        return save(
            self.book, self.xml_rows, made, self._written if self.memo is not None else None
        )


def _cleaned(value: object) -> tuple[str, bool]:
    """``value`` as a cell's text, and whether characters were removed."""
    cleaned = "" if value is None else str(value)
    removed = False
    if _ILLEGAL.search(cleaned):
        cleaned = _ILLEGAL.sub("", cleaned)
        removed = True
    return cleaned[:32767], removed  # the most a cell holds


class _TextCells(dict[object, str]):
    """Per text, its cell's XML after the cell reference, as ``_Writer.text`` makes the
    cell: a text cell, with the quote prefix where it starts like a formula, the
    characters a workbook cannot hold removed (and the text in ``removed``)."""

    def __init__(self, w: _Writer) -> None:
        super().__init__()
        self.w = w
        self.removed: set[object] = set()

    def __missing__(self, value: object) -> str:
        cleaned, removed = _cleaned(value)
        if removed:
            self.removed.add(value)
        style = ""
        if cleaned.startswith(FORMULA_START):
            style = self.w.style_id(self.w.book.worksheets[0], quote=True)
        if not cleaned:
            xml = f'{style} t="inlineStr"></c>'
        else:
            space = ' xml:space="preserve"' if cleaned != cleaned.strip() else ""
            xml = f'{style} t="inlineStr"><is><t{space}>{escape(cleaned)}</t></is></c>'
        self[value] = xml
        return xml


class _Dates(dict[datetime.date, str]):
    """Per date (or time), its cell's XML after the cell reference: its serial number
    in the number format ``DATE`` (``DATETIME``)."""

    def __init__(self, w: _Writer, sheet: Worksheet) -> None:
        super().__init__()
        self.w = w
        self.sheet = sheet

    def __missing__(self, value: datetime.date) -> str:
        time = isinstance(value, datetime.datetime)
        style = self.w.style_id(self.sheet, DATETIME if time else DATE)
        serial = to_excel(value, self.w.book.epoch)  # type: ignore[no-untyped-call]
        xml = f'{style} t="n"><v>{safe_string(serial)}</v></c>'
        self[value] = xml
        return xml


# a number as openpyxl writes it (safe_string): as a float, to 16 digits
_NUMBER = "%.16g"


class _Amounts(dict[Decimal, str]):
    """Per amount, its cell's XML after the cell reference: a number in the number
    format ``EURO``. A zero is made each time (-0 and 0 are equal keys, written
    apart)."""

    def __init__(self, euro: str) -> None:
        super().__init__()
        self.euro = euro

    def __missing__(self, value: Decimal) -> str:
        xml = f'{self.euro} t="n"><v>{_NUMBER % value}</v></c>'
        if value:
            self[value] = xml
        return xml


# what a column of rows written as XML holds: text, a date (or time), an amount (EURO)
_TEXT, _TIME, _AMOUNT = "tekst", "datum of tijd", "bedrag"


class _Rows:
    """The rows of a large sheet below its header as the sheet's XML, a row at a time:
    the cells ``_Writer`` makes (``text``, ``date``, ``amount``), text as safe, without
    an openpyxl cell per value."""

    def __init__(self, w: _Writer, sheet: Worksheet, kinds: Sequence[str]) -> None:
        self.w = w
        self.sheet = sheet
        self.kinds = tuple(kinds)
        self.letters = _LETTERS[1 : 1 + len(kinds)]
        self.data = SheetRows(first_column=1, last_column=len(kinds))
        self.texts = w.text_cells
        self.dates = _Dates(w, sheet)
        self.euro = w.style_id(sheet, EURO)
        self.amounts = _Amounts(self.euro)
        # per column the start of its cells and what makes the rest of one from a value
        made: dict[str, dict[Any, str]] = {
            _TEXT: self.texts,
            _TIME: self.dates,
            _AMOUNT: self.amounts,
        }
        self.columns = tuple(
            (f'<c r="{letter}', made[kind].__getitem__)
            for letter, kind in zip(self.letters, self.kinds, strict=True)
        )

    def add(self, row: int, values: Sequence[object]) -> None:
        """Row ``row`` (below the rows before it): per column its value, None for no
        cell; an amount is a finite Decimal."""
        assert row > self.data.last_row, (self.sheet.title, row)
        self.data.parts.append(self._row(str(row), values))
        if not self.data.first_row:
            self.data.first_row = row
        self.data.last_row = row
        for letter in self._removed(values):  # noted at every cell, as _Writer.text does
            self.w.note(self.sheet, f"{letter}{row}", REMOVED)

    def _row(self, row: str, values: Sequence[object]) -> str:
        cells = "".join(
            [
                f'{start}{row}"{rest(value)}'
                for (start, rest), value in zip(self.columns, values, strict=True)
                if value is not None
            ]
        )
        return f'<row r="{row}">{cells}</row>'

    def _removed(self, values: Sequence[object]) -> list[str]:
        """The columns of the row's texts that had characters removed."""
        if not self.texts.removed:
            return []
        return [
            letter
            for letter, kind, value in zip(self.letters, self.kinds, values, strict=True)
            if kind == _TEXT and value in self.texts.removed
        ]

    def loose(self, values: Sequence[object]) -> LooseRow:
        """A row that does not know yet where it goes (``put``)."""
        return LooseRow(self._row(_WHERE, values), tuple(self._removed(values)))

    def put(self, row: int, loose: LooseRow) -> None:
        """A row made by ``loose`` as row ``row``: as ``add`` makes it."""
        assert row > self.data.last_row, (self.sheet.title, row)
        self.data.parts.append(loose.xml.replace(_WHERE, str(row)))
        if not self.data.first_row:
            self.data.first_row = row
        self.data.last_row = row
        for letter in loose.removed:
            self.w.note(self.sheet, f"{letter}{row}", REMOVED)


# in a row made before its place is known, where its number goes: a character that
# no cell holds (a text's control characters are removed)
_WHERE = "\x00"


@dataclass(frozen=True)
class LooseRow:
    """A row of a sheet written as XML before its number is known: its XML with
    ``_WHERE`` for the number, and the columns whose text had characters removed."""

    xml: str
    removed: tuple[str, ...] = ()


def _sheet_title(name: str, taken: set[str]) -> str:
    """A sheet name of at most 31 characters, cut at a word, unique in the workbook."""
    base = re.sub(r"[\[\]\*\?/\\:']", "", name).strip() or "Blad"
    base = _cut(base, 31)
    title, n = base, 1
    while title in taken:
        n += 1
        title = f"{_cut(base, 27)} {n}"
    taken.add(title)
    return title


def _cut(text: str, size: int) -> str:
    if len(text) <= size:
        return text
    words = text[: size + 1].split(" ")
    cut = " ".join(words[:-1]).rstrip(" -(,&") if len(words) > 1 else text[:size]
    return cut or text[:size]


def short_name(entity: str) -> str:
    """The entity's name without its legal form and the group's name ("VNG")."""
    words = [w for w in entity.replace("-VNG ", " ").split() if w not in ("B.V.", "N.V.", "VNG")]
    return " ".join(words) or entity


def _ref(sheet: str, cell: str) -> str:
    return f"{quote_sheetname(sheet)}!{cell}"


# --- proefbalans ------------------------------------------------------------------------


@dataclass
class _Balance:
    """A proefbalans sheet as the formulas see it: where each account is, and its
    figures, to choose the formula that gives a statement's amount."""

    title: str
    last: int  # the last row of the accounts
    accounts: dict[str, LedgerAccount] = field(default_factory=dict)
    values: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    digest: str = ""  # the key of its sheet: what it shows (``SheetMemo``)

    # per set of columns, the accounts of each combination of their values
    _groups: dict[tuple[str, ...], dict[tuple[str, ...], set[str]]] = field(default_factory=dict)

    def column(self, name: str) -> str:
        return f"{quote_sheetname(self.title)}!${_COL[name]}$2:${_COL[name]}${self.last}"

    def shape(self) -> tuple[str, int]:
        """What a formula over a column of the sheet is made of (``column``), whatever
        the figures in it."""
        return self.title, self.last

    def selected(self, criteria: Sequence[tuple[str, str]]) -> set[str]:
        """The accounts whose columns have the criteria's values."""
        columns = tuple(c for c, _ in criteria)
        if columns not in self._groups:
            groups: dict[tuple[str, ...], set[str]] = defaultdict(set)
            for account in self.accounts.values():
                groups[tuple(_field(account, c) for c in columns)].add(account.account)
            self._groups[columns] = dict(groups)
        return self._groups[columns].get(tuple(v for _, v in criteria), set())

    def sumifs(self, value: str, criteria: Sequence[tuple[str, str]]) -> str:
        parts = ", ".join(f'{self.column(c)}, "{_quoted(v)}"' for c, v in criteria)
        return f"SUMIFS({self.column(value)}, {parts})"


def _quoted(value: str) -> str:
    """A SUMIFS criterion that matches ``value`` itself: quotes doubled, the wildcards
    and a leading comparison escaped."""
    escaped = re.sub(r"([~*?])", r"~\1", value).replace('"', '""')
    return "=" + escaped if escaped[:1] in "<>=" else escaped


def _proefbalans(w: _Writer, ledger: Grootboek, name: str, prior: bool) -> _Balance:
    what = "jaar ervoor" if prior else "boekjaar"
    sheet = w.sheet(
        f"PB {ledger.year} {short_name(ledger.entity)}",
        "Proefbalansen",
        f"Proefbalans {ledger.year} van {ledger.entity} ({what}, {ledger.currency})",
    )
    opening = dict(ledger.opening)
    debit, credit = ledger.debit_credit()
    balance = _Balance(sheet.title, 1 + len(ledger.accounts))
    for account in ledger.accounts:
        figures = {
            "Beginbalans": opening.get(account.account, ZERO),
            "Debet": debit.get(account.account, ZERO),
            "Credit": credit.get(account.account, ZERO),
        }
        figures["Eindbalans"] = figures["Beginbalans"] + figures["Debet"] - figures["Credit"]
        balance.accounts[account.account] = account
        balance.values[account.account] = figures
    balance.digest = w.key("proefbalans", sheet.title, ledger.accounts, balance.values)
    if not w.reuse(sheet, balance.digest):
        _proefbalans_cells(w, sheet, ledger.accounts, balance)
        w.made(sheet)
    return balance


def _proefbalans_cells(
    w: _Writer, sheet: Worksheet, accounts: Sequence[LedgerAccount], balance: _Balance
) -> None:
    w.header(sheet, _PB)
    for row, account in enumerate(accounts, 2):
        texts = (
            account.number,
            account.name,
            account.account,
            _KIND.get(account.kind, account.kind),
            account.rgs,
            account.statement_line,
            account.label,
            account.group_line,
            account.note,
        )
        for column, value in enumerate(texts, 1):
            w.text(sheet, row, column, value)
        figures = balance.values[account.account]
        for column, key in enumerate(("Beginbalans", "Debet", "Credit"), 10):
            w.amount(sheet, row, column, figures[key])
        w.formula(sheet, row, 13, f"=J{row}+K{row}-L{row}")
    total = balance.last + 1
    w.text(sheet, total, 2, "Totaal").font = BOLD
    for column in range(10, 14):
        letter = get_column_letter(column)
        w.formula(sheet, total, column, f"=SUM({letter}2:{letter}{total - 1})", bold=True)
    sheet.auto_filter.ref = f"A1:M{balance.last}"
    _widths(sheet, [10, 45, 50, 14, 16, 28, 40, 28, 36, 18, 18, 18, 18])


# --- formulas over the proefbalans ---------------------------------------------------------


def _selections(
    balance: _Balance, accounts: Sequence[str], column_title: str
) -> Iterator[tuple[list[tuple[str, str]] | None, set[str]]]:
    """The sets of accounts a cell may be the sum of, each with the SUMIFS criteria
    that select exactly it (None: the accounts one by one)."""
    chosen = {a for a in accounts if a in balance.accounts}
    if not chosen:
        return
    on_column = {a for a in chosen if balance.accounts[a].label == column_title}
    groups = [on_column] if on_column else []
    groups.append(chosen)
    for group in list(groups):
        for note in sorted({balance.accounts[a].note for a in group}):
            groups.append({a for a in group if balance.accounts[a].note == note})
    seen: list[set[str]] = []
    for group in groups:
        if group and group not in seen:
            seen.append(group)
            yield _criteria(balance, group), group


def _criteria(balance: _Balance, group: set[str]) -> list[tuple[str, str]] | None:
    one = next(iter(group))
    first = balance.accounts[one]
    options = [
        [("Regel", first.statement_line)],
        [("Toelichting", first.note)],
        [("Regel jaarrekening", first.label), ("Toelichting", first.note)],
    ]
    for option in options:
        if not all(value for _, value in option):
            continue
        if balance.selected(option) == group:
            return option
    return None


def _field(account: LedgerAccount, column: str) -> str:
    return {
        "Regel": account.statement_line,
        "Toelichting": account.note,
        "Regel jaarrekening": account.label,
        "Regel geconsolideerd": account.group_line,
        "Soort": _KIND.get(account.kind, account.kind),
        "Rekening": account.account,
    }[column]


def _sum_formula(
    balance: _Balance, value: str, criteria: list[tuple[str, str]] | None, group: set[str]
) -> str:
    if criteria is not None:
        return balance.sumifs(value, criteria)
    return "+".join(balance.sumifs(value, [("Rekening", a)]) for a in sorted(group))


def _formula_for(
    balance: _Balance, accounts: Sequence[str], column_title: str, amount: Decimal
) -> str | None:
    """A formula over the proefbalans that gives ``amount``, or None."""
    for criteria, group in _selections(balance, accounts, column_title):
        if criteria is None and len(group) > 12:
            continue
        for value in (*_VALUES, "Mutatie"):
            if value == "Mutatie":
                total = sum(
                    (
                        balance.values[a]["Eindbalans"] - balance.values[a]["Beginbalans"]
                        for a in group
                    ),
                    ZERO,
                )
            else:
                total = sum((balance.values[a][value] for a in group), ZERO)
            for sign in (1, -1):
                if sign * total == amount:  # the formula's text made for this one only
                    text = _value_formula(balance, value, criteria, group)
                    return f"={'-' if sign < 0 else ''}({text})"
    return _with_result(balance, accounts, amount)


def _value_formula(
    balance: _Balance, value: str, criteria: list[tuple[str, str]] | None, group: set[str]
) -> str:
    """The sum of a column of the proefbalans (or of the year's ``Mutatie``) over the
    accounts of ``group``, selected by ``criteria``."""
    if value == "Mutatie":
        return (
            f"({_sum_formula(balance, 'Eindbalans', criteria, group)})"
            f"-({_sum_formula(balance, 'Beginbalans', criteria, group)})"
        )
    return _sum_formula(balance, value, criteria, group)


def _with_result(balance: _Balance, accounts: Sequence[str], amount: Decimal) -> str | None:
    """The onverdeeld resultaat: its balance accounts and the year's result, which is
    every baten and lasten account of the proefbalans."""
    group = {a for a in accounts if a in balance.accounts and balance.accounts[a].kind == "B"}
    if not group:
        return None
    criteria = _criteria(balance, group)
    if criteria is None and len(group) > 12:
        return None
    result = sum(
        (v["Eindbalans"] for a, v in balance.values.items() if balance.accounts[a].kind == "P"),
        ZERO,
    )
    closing = sum((balance.values[a]["Eindbalans"] for a in group), ZERO)
    if -(closing + result) != amount:
        return None
    whole = balance.sumifs("Eindbalans", [("Soort", _KIND["P"])])
    return f"=-({_sum_formula(balance, 'Eindbalans', criteria, group)}+{whole})"


# --- statements -------------------------------------------------------------------------


@dataclass
class _Links:
    """What the statements link to: the proefbalans of the reporting entity per year,
    and per group line the group column of the consolidation worksheets."""

    year: int
    balances: dict[int, _Balance]
    group: dict[str, str] = field(default_factory=dict)  # line id -> cell
    group_values: dict[str, Decimal] = field(default_factory=dict)

    def digest(self) -> str:
        """What a statement's formulas are made of: the key of its sheet without it."""
        balances = sorted((year, b.digest) for year, b in self.balances.items())
        return _digest(self.year, balances, self.group, self.group_values)


def _column_year(title: str, year: int) -> int | None:
    if "begro" in title.lower():
        return None
    found = _YEAR.search(title)
    return int(found.group(1)) if found else year


def _statement(
    w: _Writer, table: StatementTable, links: _Links, name: str, group: str, made_of: str
) -> None:
    """A statement's sheet; ``made_of`` is ``links.digest()``. Its content is the
    statement and its formulas: when what those are chosen from (the proefbalansen,
    the consolidation) is unchanged, so is the sheet; else the formulas are chosen,
    and a sheet with the same statement and formulas is the same sheet (a change in
    the books leaves most statements, and their formulas, as they were)."""
    sheet = w.sheet(name, group, table.title)
    whole = w.key("staat", sheet.title, table, made_of)
    if w.knows(whole):
        w.reuse(sheet, whole)
        return
    formulas = _statement_formulas(table, links)
    chosen = w.key("staat-formules", sheet.title, table, tuple(formulas.items()))
    if not w.reuse(sheet, chosen, whole):
        _statement_cells(w, sheet, table, formulas)
        w.made(sheet)


def _statement_formulas(table: StatementTable, links: _Links) -> dict[tuple[int, int], str | None]:
    """Per cell (row, column) of a statement's sheet that shows an amount of the
    statement, not a sum of its rows: the formula over the proefbalans or the
    consolidation that gives it, or None (the amount as a value)."""
    formulas: dict[tuple[int, int], str | None] = {}
    above: set[str] = set()  # the rows so far, this one included (a sum's terms)
    for row_number, row in enumerate(table.rows, 4):
        above.add(row.id)
        for column, value in enumerate(row.amounts, 2):
            if (row.texts and row.texts[column - 2] is not None) or value is None:
                continue
            if row.sums and all(ref in above for _, ref in row.sums):
                continue
            formulas[(row_number, column)] = _line_formula(table, row, column - 2, value, links)
    return formulas


def _statement_cells(
    w: _Writer,
    sheet: Worksheet,
    table: StatementTable,
    formulas: Mapping[tuple[int, int], str | None],
) -> None:
    w.text(sheet, 1, 1, table.title).font = TITLE
    w.text(sheet, 2, 1, "bedragen in euro's; regels als formule over de proefbalans")
    w.header(sheet, ["", *table.columns], row=3)
    positions: dict[str, int] = {}
    kept: list[str] = []
    for row_number, row in enumerate(table.rows, 4):
        positions[row.id] = row_number
        cell = w.text(sheet, row_number, 1, ("   " * row.level) + row.label)
        if row.kind in ("subtotal", "total", "header"):
            cell.font = BOLD
        for column, value in enumerate(row.amounts, 2):
            letter = get_column_letter(column)
            texts = row.texts[column - 2] if row.texts else None
            if texts is not None:
                w.text(sheet, row_number, column, texts)
                continue
            if value is None:
                continue
            if row.sums and all(ref in positions for _, ref in row.sums):
                terms = "".join(
                    f"{'+' if sign > 0 else '-'}{letter}{positions[ref]}"
                    for sign, ref in row.sums
                    if sheet[f"{letter}{positions[ref]}"].value is not None
                )
                w.formula(sheet, row_number, column, "=" + (terms.lstrip("+") or "0"), bold=True)
                continue
            formula = formulas[(row_number, column)]
            if formula:
                w.formula(sheet, row_number, column, formula)
            else:
                w.amount(sheet, row_number, column, value, RATIO if row.kind == "ratio" else EURO)
                if row.kind != "ratio" and (row.accounts or table.id.startswith("geconsolideerd")):
                    kept.append(f"{letter}{row_number}")
    if kept:
        w.note(
            sheet,
            ", ".join(kept[:12]) + (f" (+{len(kept) - 12})" if len(kept) > 12 else ""),
            f"{len(kept)} bedrag(en) als waarde: geen formule over de proefbalans geeft het "
            "bedrag van de jaarrekening (begroting, omrekening, berekening)",
        )
    _widths(sheet, [60] + [20] * len(table.columns))
    sheet.column_dimensions["A"].alignment = WRAP


def _line_formula(
    table: StatementTable, row: Row, column: int, value: Decimal, links: _Links
) -> str | None:
    year = _column_year(table.columns[column], links.year)
    if year is None:
        return None
    if table.id.startswith("geconsolideerd") or table.id == "toelichting.resultaat_deelnemingen":
        if year == links.year and row.id in links.group and links.group_values[row.id] == value:
            return "=" + links.group[row.id]
        return None
    if not row.accounts or year not in links.balances:
        return None
    return _formula_for(links.balances[year], row.accounts, table.columns[column], value)


def _worksheet(
    w: _Writer, table: StatementTable, balances: Mapping[str, _Balance], links: _Links
) -> None:
    """A consolidation worksheet: entity columns from their proefbalans, elimination
    columns as the consolidation made them, the group as the sum of all columns, the
    books' sign per line, and a row that nets each column in that sign."""
    kind = "B" if table.id.endswith("balans") else "P"
    signs = WORKSHEET_SIGNS.get(table.id, {})
    sheet = w.sheet(
        "Consolidatie " + ("balans" if kind == "B" else "baten en lasten"),
        "Consolidatie",
        table.title,
    )
    group_column = get_column_letter(len(table.columns) + 1)
    for row_number, row in enumerate(table.rows, 4):  # what the statements link to
        if len(row.amounts) >= len(table.columns):
            links.group[row.id] = _ref(sheet.title, f"{group_column}{row_number}")
            links.group_values[row.id] = row.amounts[len(table.columns) - 1] or ZERO
    made_of = [(name, balance.digest) for name, balance in balances.items()]
    if not w.reuse(sheet, w.key("werkblad", sheet.title, table, signs, made_of)):
        _worksheet_cells(w, sheet, table, balances, kind, signs)
        w.made(sheet)


def _worksheet_cells(
    w: _Writer,
    sheet: Worksheet,
    table: StatementTable,
    balances: Mapping[str, _Balance],
    kind: str,
    signs: Mapping[str, int],
) -> None:
    w.text(sheet, 1, 1, table.title).font = TITLE
    w.text(sheet, 2, 1, "entiteiten uit hun proefbalans; geconsolideerd = som van de kolommen")
    sign_column = len(table.columns) + 2
    w.header(sheet, ["", *table.columns, "Teken (boeken)"], row=3)
    last = 3 + len(table.rows)
    for row_number, row in enumerate(table.rows, 4):
        w.text(sheet, row_number, 1, row.label)
        sign = signs.get(row.id, 1)
        w.amount(sheet, row_number, sign_column, Decimal(sign), "0")
        for column, value in enumerate(row.amounts, 2):
            title = table.columns[column - 2]
            if column - 2 == len(table.columns) - 1:
                w.formula(
                    sheet,
                    row_number,
                    column,
                    f"=SUM(B{row_number}:{get_column_letter(column - 1)}{row_number})",
                    bold=True,
                )
                continue
            balance = balances.get(title)
            formula = _entity_formula(balance, row.id, kind, sign, value) if balance else None
            if formula:
                w.formula(sheet, row_number, column, formula)
            else:
                w.amount(sheet, row_number, column, value)
                if balance is not None and value:
                    w.note(
                        sheet,
                        f"{get_column_letter(column)}{row_number}",
                        f"{title}: omgerekend of berekend bedrag, als waarde",
                    )
    check = last + 1
    w.text(sheet, check, 1, "Saldo in het teken van de boeken (eliminaties: 0)").font = BOLD
    entities = sum(1 for t in table.columns if t in balances)
    signs_range = f"${get_column_letter(sign_column)}$4:${get_column_letter(sign_column)}${last}"
    for column in range(2, len(table.columns) + 2):
        letter = get_column_letter(column)
        w.formula(
            sheet, check, column, f"=SUMPRODUCT({letter}4:{letter}{last},{signs_range})", bold=True
        )
        if column - 2 >= entities and column - 2 < len(table.columns) - 1:
            net = sum(
                ((r.amounts[column - 2] or ZERO) * signs.get(r.id, 1) for r in table.rows), ZERO
            )
            if net:
                w.note(
                    sheet,
                    f"{letter}{check}",
                    f"eliminatie {table.columns[column - 2]}: saldo {net} op dit werkblad "
                    "(de tegenboeking staat op het andere werkblad)",
                )
    sheet.freeze_panes = "B4"
    _widths(sheet, [50] + [18] * (len(table.columns) + 1))


def _entity_formula(
    balance: _Balance, line: str, kind: str, sign: int, value: Decimal | None
) -> str | None:
    if value is None:
        return None
    soort = _KIND[kind]
    group = {
        a for a, acc in balance.accounts.items() if acc.group_line == line and acc.kind == kind
    }
    total = sum((balance.values[a]["Eindbalans"] for a in group), ZERO)
    text = balance.sumifs("Eindbalans", [("Regel geconsolideerd", line), ("Soort", soort)])
    if sign * total == value:
        return f"={'-' if sign < 0 else ''}({text})"
    result = sum(
        (v["Eindbalans"] for a, v in balance.values.items() if balance.accounts[a].kind == "P"),
        ZERO,
    )
    if kind == "B" and sign * (total + result) == value:  # the group equity takes the result
        whole = balance.sumifs("Eindbalans", [("Soort", _KIND["P"])])
        return f"={'-' if sign < 0 else ''}({text}+{whole})"
    return None


# --- lead schedules ---------------------------------------------------------------------


def _leads(w: _Writer, links: _Links, ledger: Grootboek) -> None:
    """Per note: the accounts of its lines, this year and the year before, from the
    proefbalans, in the statement's sign."""
    now, before = links.balances.get(ledger.year), links.balances.get(ledger.year - 1)
    if now is None:
        return
    notes: dict[str, list[LedgerAccount]] = defaultdict(list)
    for account in ledger.accounts:
        if account.lead and account.statement_line:
            notes[account.lead].append(account)
    for note in sorted(notes, key=lambda n: (len(n), n)):
        accounts = sorted(notes[note], key=lambda a: (a.statement_line, a.number))
        heading = accounts[0].lead_title or accounts[0].label.split(" (")[0]
        sheet = w.sheet(
            f"Lead {note} {heading}",
            "Lead schedules",
            f"Lead schedule toelichting {note}: {heading}",
        )
        # its formulas sum a column of the proefbalansen: their figures are not in it
        made_of = (now.shape(), before.shape() if before else None)
        if not w.reuse(sheet, w.key("lead", sheet.title, ledger.year, accounts, made_of)):
            _lead_cells(w, sheet, ledger.year, accounts, now, before)
            w.made(sheet)


def _lead_cells(
    w: _Writer,
    sheet: Worksheet,
    year: int,
    accounts: Sequence[LedgerAccount],
    now: _Balance,
    before: _Balance | None,
) -> None:
    w.header(
        sheet,
        [
            "Nummer",
            "Naam",
            "Regel jaarrekening",
            str(year),
            str(year - 1),
            "Verschil",
        ],
    )
    row = 2
    for account in accounts:
        for column, value in enumerate((account.number, account.name, account.label), 1):
            w.text(sheet, row, column, value)
        for column, balance in ((4, now), (5, before)):
            if balance is None:
                continue
            minus = "-" if account.sign < 0 else ""
            w.formula(
                sheet,
                row,
                column,
                f"={minus}{balance.sumifs('Eindbalans', [('Nummer', account.number)])}",
            )
        w.formula(sheet, row, 6, f"=D{row}-E{row}")
        row += 1
    w.text(sheet, row, 2, "Totaal").font = BOLD
    for number, letter in enumerate("DEF", 4):
        w.formula(sheet, row, number, f"=SUM({letter}2:{letter}{row - 1})", bold=True)
    _widths(sheet, [10, 50, 40, 18, 18, 18])


# --- grootboekkaarten and journaal --------------------------------------------------------

_JOURNAAL = [
    "Boekstuk",
    "Dagboek",
    "Datum",
    "Geboekt op",
    "Gebruiker",
    "Omschrijving",
    "Bron",
    "Nummer",
    "Rekening",
    "Debet",
    "Credit",
]


def journal_file(entity: str, year: int) -> str:
    """The name of the CSV file beside the workbook with the journal of ``entity``."""
    words = "".join(c if c.isalnum() else " " for c in entity.lower()).split()
    return f"journaal-{'-'.join(words) or 'entiteit'}-{year}.csv"


def csv_text(value: str) -> str:
    """Text for a CSV cell that a spreadsheet shows as text: with an apostrophe before
    it when it starts like a formula (``=``, ``+``, ``-``, ``@``, a tab, a carriage
    return). Only for text: a number written as a number (``-12.50``) stays one."""
    return "'" + value if value.startswith(CSV_FORMULA_START) else value


def write_journal_csv(ledger: Grootboek, analysis: Analysis | None, path: str) -> int:
    """Every posting line of ``ledger`` with the columns of the Journaal sheet, the
    ledger's flags and the journal-entry tests (``ja`` where a line is hit), as CSV
    (UTF-8, comma, dates YYYY-MM-DD, amounts exact with a decimal point) to ``path``;
    returns the number of lines. For books too large for a worksheet. Every text
    (boekstuk, dagboek, gebruiker, omschrijving, bron, rekening) is ``csv_text``."""
    import csv

    numbers = {a.account: (csv_text(a.number), csv_text(a.name)) for a in ledger.accounts}
    names = analysis.names if analysis else {}
    count = sum(len(e.lines) for e in ledger.entries)
    blank = ("",) * len(names)  # a line no test hits: most of them
    marks: dict[int, list[str]] = {}
    for column, test in enumerate(names):
        assert analysis is not None
        for hit in analysis.flags.get(test, ()):
            marks.setdefault(int(hit), list(blank))[column] = "ja"
    position = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*_JOURNAAL, *FLAGS.values(), *names.values()])
        for entry in ledger.entries:
            booked = entry.booked_at.strftime("%Y-%m-%d %H:%M") if entry.booked_at else ""
            head = (
                csv_text(entry.number),
                csv_text(entry.journal),
                entry.date.isoformat(),
                booked,
                csv_text(entry.user),
            )
            source = csv_text(entry.docref)
            flags = ["ja" if flag in entry.flags else "" for flag in FLAGS]
            rows = []
            for line in entry.lines:
                amount = format(abs(line.amount), "f")
                debit = (amount, "") if line.amount > 0 else ("", amount)
                rows.append(
                    (
                        *head,
                        csv_text(line.description),
                        source,
                        *numbers[line.account],
                        *debit,
                        *flags,
                        *marks.get(position, blank),
                    )
                )
                position += 1
            writer.writerows(rows)
    return count


def _without_entries(w: _Writer, sheet: Worksheet, ledger: Grootboek) -> bool:
    """Books too large for a worksheet: say where the entries are instead."""
    if ledger.turnover is None:
        return False
    name = w.beside.get(ledger.entity)
    if name:
        w.text(
            sheet,
            2,
            1,
            f"{ledger.entity}: de boekingen van {ledger.year} staan in {name}, naast deze "
            "werkmap: elke boekingsregel met de kolommen van dit blad, de signalen en de "
            "journaalpostentests (CSV: UTF-8, komma, datums JJJJ-MM-DD, bedragen exact met "
            "een punt, een tekst die begint met =, +, -, @ of een tab met een apostrof "
            "ervoor); dit blad zou de praktische grenzen van een werkblad overschrijden.",
        )
        w.note(sheet, "A2", f"boekingen niet in de werkmap: zie {name} naast de werkmap")
        return True
    w.text(
        sheet,
        2,
        1,
        f"{ledger.entity}: de boekingen van {ledger.year} staan in de auditfile (XAF) van "
        "deze entiteit; dit blad zou de praktische grenzen van een werkblad overschrijden.",
    )
    w.note(sheet, "A2", "boekingen niet in de werkmap: zie de auditfile van de entiteit")
    return True


def _grootboekkaarten(w: _Writer, ledger: Grootboek, made: SheetPart | None = None) -> None:
    sheet = w.sheet(
        f"Grootboek {short_name(ledger.entity)}",
        "Grootboekkaarten",
        f"Grootboekkaarten {ledger.year} van {ledger.entity}",
    )
    w.header(
        sheet, ["Nummer", "Naam", "Datum", "Boekstuk", "Omschrijving", "Bron", "Debet", "Credit"]
    )
    if made is None and _without_entries(w, sheet, ledger):
        return
    last = _attach(w, sheet, made) if made else _grootboek_rows(w, sheet, ledger)
    sheet.auto_filter.ref = f"A1:H{max(2, last)}"
    _widths(sheet, [10, 45, 12, 16, 60, 22, 16, 16])


def _grootboek_rows(w: _Writer, sheet: Worksheet, ledger: Grootboek) -> int:
    """The grootboekkaarten's rows below the header; the last row's number."""
    names = {a.account: (a.number, a.name) for a in ledger.accounts}
    lines = [
        ((names[line.account][0], entry.date, entry.number), entry, line)
        for entry in ledger.entries
        for line in entry.lines
    ]
    lines.sort(key=itemgetter(0))  # stable: in the ledger's order within an account's day
    rows = w.rows(sheet, [_TEXT, _TEXT, _TIME, _TEXT, _TEXT, _TEXT, _AMOUNT, _AMOUNT])
    for row, (_, entry, line) in enumerate(lines, 2):
        number, name = names[line.account]
        amount = abs(line.amount)
        debit = line.amount > 0
        rows.add(
            row,
            (
                number,
                name,
                entry.date,
                entry.number,
                line.description,
                entry.docref,
                amount if debit else None,
                None if debit else amount,
            ),
        )
    return len(lines) + 1


def _journaal(
    w: _Writer, ledger: Grootboek, analysis: Analysis | None, made: SheetPart | None = None
) -> None:
    sheet = w.sheet(
        f"Journaal {short_name(ledger.entity)}",
        "Journaal",
        f"Journaal {ledger.year} van {ledger.entity}, met de signalen op elke regel",
    )
    names = analysis.names if analysis else {}
    columns = len(FLAGS) + len(names)
    w.header(
        sheet,
        [
            "Boekstuk",
            "Dagboek",
            "Datum",
            "Geboekt op",
            "Gebruiker",
            "Omschrijving",
            "Bron",
            "Nummer",
            "Rekening",
            "Debet",
            "Credit",
            *FLAGS.values(),
            *names.values(),
        ],
    )
    if made is None and _without_entries(w, sheet, ledger):
        return
    last = _attach(w, sheet, made) if made else _journaal_rows(w, sheet, ledger, analysis)
    sheet.auto_filter.ref = f"A1:{get_column_letter(11 + columns)}{last}"
    _widths(sheet, [16, 8, 12, 16, 14, 50, 22, 10, 45, 16, 16] + [14] * columns)


def _journaal_rows(
    w: _Writer, sheet: Worksheet, ledger: Grootboek, analysis: Analysis | None
) -> int:
    """The journaal's rows below the header, with the signals and the journal-entry
    tests that hit each line; the last row's number (1 for none)."""
    flags = list(FLAGS)
    tests = list(analysis.names) if analysis else []
    numbers = {a.account: (a.number, a.name) for a in ledger.accounts}
    hits = analysis.line_hits() if analysis else {}
    row, position = 2, 0
    marked = [_TEXT] * (len(flags) + len(tests))
    rows = w.rows(sheet, [_TEXT, _TEXT, _TIME, _TIME, *[_TEXT] * 5, _AMOUNT, _AMOUNT, *marked])
    unmarked = (None,) * len(tests)  # "ja" where a line is flagged or hit, else no cell
    for entry in ledger.entries:
        marks = ["ja" if flag in entry.flags else None for flag in flags]
        for line in entry.lines:
            number, name = numbers[line.account]
            amount = abs(line.amount)
            debit = line.amount > 0
            found = hits.get(position)
            rows.add(
                row,
                (
                    entry.number,
                    entry.journal,
                    entry.date,
                    entry.booked_at,
                    entry.user,
                    line.description,
                    entry.docref,
                    number,
                    name,
                    amount if debit else None,
                    None if debit else amount,
                    *marks,
                    *(["ja" if t in found else None for t in tests] if found else unmarked),
                ),
            )
            row += 1
            position += 1
    return row - 1


@dataclass(frozen=True)
class SheetPart:
    """The rows of one large sheet of an entity, made apart from the workbook: as XML,
    the notes on its cells (cell, message), and the number of its last row."""

    rows: SheetRows
    notes: tuple[tuple[str, str], ...]
    last: int


@dataclass(frozen=True)
class EntitySheets:
    """What the workbook shows of an entity, made where its ledger is (the build's
    worker, kept in its cache), to be put in as it is: its journaal and grootboekkaarten
    rows (None for books too large for a worksheet: their journal is beside it), and
    per journal-entry test the rows of its hits: numbered and compressed for the
    entity that comes first in those sheets (``first_tests``), else numbered where the
    workbook puts them (``tests``)."""

    journaal: SheetPart | None
    grootboekkaarten: SheetPart | None
    tests: tuple[tuple[str, tuple[LooseRow, ...]], ...] = ()
    first_tests: tuple[tuple[str, SheetPart], ...] = ()


def entity_sheets(
    ledger: Grootboek,
    analysis: Analysis | None,
    first: bool,
    grootboekkaarten: bool = True,
) -> EntitySheets:
    """The rows of the entity's journaal and grootboekkaarten as the workbook writes
    them, compressed, unless the books are too large for a worksheet, and those of its
    journal-entry tests' hits; ``first`` for the entity that comes first in the
    workbook. Without ``grootboekkaarten`` those are left to ``grootboek_rows`` (None
    here). The style ids in the rows are those every workbook registers first
    (``_ROW_STYLES``)."""
    first_tests = _first_hits(analysis) if analysis is not None and first else ()
    tests = () if analysis is None or first else _loose_hits(analysis)
    if ledger.turnover is not None:
        return EntitySheets(None, None, tests, first_tests)
    w = _Writer({})
    journaal = w.sheet("Journaal", "", "")
    return EntitySheets(
        _part(w, journaal, _journaal_rows(w, journaal, ledger, analysis)),
        grootboek_rows(ledger) if grootboekkaarten else None,
        tests,
        first_tests,
    )


def grootboek_rows(ledger: Grootboek) -> SheetPart | None:
    """The rows of the entity's grootboekkaarten as ``entity_sheets`` makes them, None
    for books too large for a worksheet."""
    if ledger.turnover is not None:
        return None
    w = _Writer({})
    sheet = w.sheet("Grootboek", "", "")
    return _part(w, sheet, _grootboek_rows(w, sheet, ledger))


def _part(w: _Writer, sheet: Worksheet, last: int) -> SheetPart:
    """The rows ``w`` made in ``sheet`` as a part of an entity's sheets, compressed."""
    data = w.xml_rows[sheet.title]
    if data.parts:
        data.pack()
    notes = tuple((cell, message) for title, cell, message in w.notes if title == sheet.title)
    return SheetPart(data, notes, last)


def kept_analysis(analysis: Analysis, made: EntitySheets) -> Analysis:
    """The analysis as the workbook needs it beside the rows made of it (``made``):
    without the positions of the lines hit (the journaal's signals are in its rows, or
    in the journal beside the workbook) nor the hits made into rows already."""
    apart = {test for test, _ in (*made.tests, *made.first_tests)}
    hits = {test: found for test, found in analysis.hits.items() if test not in apart}
    return dataclasses.replace(analysis, flags={}, hits=hits)


def _attach(w: _Writer, sheet: Worksheet, made: SheetPart) -> int:
    """Put rows made apart into ``sheet``; the number of their last row."""
    w.xml_rows[sheet.title] = made.rows
    for cell, message in made.notes:
        w.note(sheet, cell, message)
    return made.last


# --- journal-entry tests -------------------------------------------------------------------


JET_SOURCES = (
    "Gebruiker en tijdstip van boeken komen uit de git-geschiedenis van de boeken (git "
    "blame): per boeking de auteur en het tijdstip van de laatste commit die een van haar "
    "regels veranderde. Zonder commit is de gebruiker 'onbekend' en het tijdstip de "
    "metadata 'geboekt' (een datum) of onbekend. Boeken die in één commit zijn vastgelegd "
    "dragen allemaal de auteur en het tijdstip van die commit: dan raken de criteria op "
    "het tijdstip van boeken (na het einde van het boekjaar; weekend, feestdag of nacht) "
    "elke regel, en zegt dat niets over het boeken zelf. Aandeel: het deel van de regels "
    "van de entiteit dat het criterium raakt; een criterium op een boeking raakt al haar "
    "regels."
)


def _journal_tests(
    w: _Writer, analyses: Sequence[Analysis], made: Mapping[str, EntitySheets]
) -> None:
    if not analyses:
        return
    sheet = w.sheet(
        "JET overzicht",
        "Journaalpostentests",
        "Journaalpostentests (NV COS 240): per criterium en entiteit het aantal "
        "getroffen regels en hun aandeel",
    )
    names = analyses[0].names
    w.text(sheet, 1, 1, "Journaalpostentests (NV COS 240 / ISA 240.A44)").font = BOLD
    last = 2 + 2 * len(analyses)  # the column "Let op"
    w.text(sheet, 2, 1, JET_SOURCES).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    sheet.row_dimensions[2].height = 90
    w.text(sheet, 3, 1, "Populatie (regels)").font = BOLD
    heads = ["Criterium"]
    for column, analysis in enumerate(analyses):
        w.amount(sheet, 3, 2 + 2 * column, Decimal(analysis.population), "0")
        heads += [short_name(analysis.entity), f"{short_name(analysis.entity)} aandeel"]
    w.header(sheet, [*heads, "Let op"], row=4)
    for row, (test, label) in enumerate(names.items(), 5):
        w.text(sheet, row, 1, label)
        for column, analysis in enumerate(analyses):
            w.amount(sheet, row, 2 + 2 * column, Decimal(analysis.counts.get(test, 0)), "0")
            w.amount(sheet, row, 3 + 2 * column, analysis.share(test), "0.0%")
        everywhere = [short_name(a.entity) for a in analyses if a.hits_every_line(test)]
        if everywhere:
            whom = ", ".join(everywhere)
            if len(everywhere) == len(analyses) > 1:
                whom = "elke entiteit"
            note = f"raakt elke regel van {whom}"
            if test in BOOKING_TIME:
                note += ": zijn de boeken in één commit vastgelegd, dan is dat het tijdstip (rij 2)"
            w.text(sheet, row, last, note).font = BOLD
    _widths(sheet, [55] + [16, 10] * len(analyses) + [60])
    for test, label in names.items():
        _test_sheet(w, test, label, analyses, made)
    _benford(w, analyses)
    for analysis in analyses:
        for message in analysis.messages:
            w.note("JET overzicht", "", f"{analysis.entity}: {message}")


# the columns of a journal-entry test's sheet below its header
_HIT_KINDS = (_TEXT, _TEXT, _TIME, _TIME, _TEXT, _TEXT, _TEXT, _AMOUNT, _TEXT, _TEXT)


def _hit_values(analysis: Analysis, hit: Hit) -> tuple[object, ...]:
    return (
        analysis.entity,
        hit.entry,
        hit.date,
        hit.booked_at,
        hit.user,
        hit.number,
        hit.account,
        hit.amount,
        hit.description,
        hit.reason,
    )


def _loose_hits(analysis: Analysis) -> tuple[tuple[str, tuple[LooseRow, ...]], ...]:
    """Per journal-entry test the rows of its sheet for the entity's hits, made apart
    from the workbook (``entity_sheets``)."""
    w = _Writer({})
    rows = w.rows(w.sheet("JET", "", ""), _HIT_KINDS)
    return tuple(
        (test, tuple(rows.loose(_hit_values(analysis, hit)) for hit in analysis.hits[test]))
        for test in analysis.names
        if test in analysis.hits
    )


def _first_hits(analysis: Analysis) -> tuple[tuple[str, SheetPart], ...]:
    """Per journal-entry test the rows of its sheet for the hits of the entity that
    comes first in it (the reporting entity), numbered from the first row below the
    header and compressed (``entity_sheets``)."""
    w = _Writer({})
    made = []
    for test in analysis.names:
        if not analysis.hits.get(test):
            continue
        sheet = w.sheet(f"JET {test}", "", "")
        rows = w.rows(sheet, _HIT_KINDS)
        for row, hit in enumerate(analysis.hits[test], FIRST_HIT_ROW):
            rows.add(row, _hit_values(analysis, hit))
        rows.data.pack()
        notes = tuple((cell, note) for title, cell, note in w.notes if title == sheet.title)
        made.append((test, SheetPart(rows.data, notes, row)))
    return tuple(made)


# the first row of a journal-entry test's sheet below its header
FIRST_HIT_ROW = 4


def _test_sheet(
    w: _Writer,
    test: str,
    label: str,
    analyses: Sequence[Analysis],
    made: Mapping[str, EntitySheets],
) -> None:
    sheet = w.sheet(f"JET {label}", "Journaalpostentests", f"Journaalpostentest: {label}")
    w.text(sheet, 1, 1, label).font = BOLD
    w.text(
        sheet,
        2,
        1,
        "Populatie: "
        + "; ".join(
            f"{a.entity} {a.population} regels, {a.counts.get(test, 0)} getroffen"
            + (f" (alle in {w.beside[a.entity]})" if a.entity in w.beside else "")
            for a in analyses
        )
        + (". Een rij per boeking (haar eerste regel)" if test in PER_ENTRY else ""),
    )
    w.header(
        sheet,
        [
            "Entiteit",
            "Boekstuk",
            "Datum",
            "Geboekt op",
            "Gebruiker",
            "Nummer",
            "Rekening",
            "Bedrag",
            "Omschrijving",
            "Reden",
        ],
        row=3,
    )
    row = FIRST_HIT_ROW
    rows = w.rows(sheet, _HIT_KINDS)
    for analysis in analyses:
        sheets = made.get(analysis.entity)
        first = dict(sheets.first_tests).get(test) if sheets else None
        if first is not None and row == FIRST_HIT_ROW:  # made, numbered, where it was
            data = rows.data
            data.packed, data.first_row, data.last_row = first.rows.packed, row, first.last
            data.first_column, data.last_column = first.rows.first_column, first.rows.last_column
            for cell, message in first.notes:
                w.note(sheet, cell, message)
            row = first.last + 1
            continue
        loose = dict(sheets.tests) if sheets else {}
        if test in loose:  # made where the entity's analysis was
            hits: Sequence[LooseRow | Sequence[object]] = loose[test]
        elif analysis.counts.get(test) and test not in analysis.hits:
            # its rows were made for the top of this sheet, and it comes below another
            raise ValueError(f"{analysis.entity}: de treffers van {test} staan niet bovenaan")
        else:
            hits = [_hit_values(analysis, hit) for hit in analysis.hits.get(test, ())]
        for hit in hits:
            if row > SHEET_ROWS:
                w.note(sheet, f"A{row}", "meer treffers dan een werkblad houdt: zie de auditfile")
                return
            if isinstance(hit, LooseRow):
                rows.put(row, hit)
            else:
                rows.add(row, hit)
            row += 1
    sheet.auto_filter.ref = f"A3:J{max(4, row - 1)}"
    _widths(sheet, [30, 16, 12, 16, 14, 10, 45, 16, 50, 40])


def _benford(w: _Writer, analyses: Sequence[Analysis]) -> None:
    sheet = w.sheet(
        "JET Benford",
        "Journaalpostentests",
        "Benford: eerste cijfer van de bedragen per entiteit (chi-kwadraat, MAD)",
    )
    w.header(
        sheet,
        [
            "Entiteit",
            "Regels",
            "Chi-kwadraat",
            "MAD",
            "Oordeel",
            "Afwijkende cijfers",
            *[f"{d} waargenomen" for d in range(1, 10)],
            *[f"{d} verwacht" for d in range(1, 10)],
        ],
    )
    for row, analysis in enumerate(analyses, 2):
        b = analysis.benford
        w.text(sheet, row, 1, analysis.entity)
        if b is None:
            w.text(sheet, row, 5, "te weinig bedragen")
            continue
        w.amount(sheet, row, 2, Decimal(b.count), "0")
        w.amount(sheet, row, 3, b.chi_square, "0.00")
        w.amount(sheet, row, 4, b.mad, "0.0000")
        w.text(sheet, row, 5, b.verdict)
        w.text(sheet, row, 6, " ".join(str(d) for d in b.deviating))
        for digit in range(9):
            w.amount(sheet, row, 7 + digit, b.observed[digit], RATIO)
            w.amount(sheet, row, 16 + digit, b.expected[digit], RATIO)
    _widths(sheet, [36, 10, 14, 10, 24, 18] + [12] * 18)


# --- the workbook -------------------------------------------------------------------------


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _table_name(table: StatementTable) -> str:
    title = table.title
    if table.id.startswith("geconsolideerd"):
        title = "Gec. " + title.removeprefix("Geconsolideerde ").removeprefix("Geconsolideerd ")
    return title


def render_xlsx(
    entities: Sequence[EntityLedgers],
    tables: Sequence[StatementTable],
    analyses: Sequence[Analysis] = (),
    beside: Mapping[str, str] | None = None,
    memo: SheetMemo | None = None,
) -> bytes:
    """The accountant's workbook; ``entities`` the reporting entity first, then the
    others of the group; ``analyses`` the journal-entry tests per entity; ``beside``
    per entity the file with its journal beside the workbook (``write_journal_csv``),
    for books too large for a worksheet. With ``memo`` the sheets of an earlier
    workbook whose content is unchanged are taken as they were written, and those of
    this one are left in it for the next (``SheetMemo``): the workbook is the same as
    without."""
    w = _Writer(beside or {}, memo)
    index = w.sheet("Index", "Index", "Dit overzicht")
    meldingen = w.sheet("Meldingen", "Index", "Wat de opbouw van de werkmap opmerkte")
    own = entities[0]
    balances: dict[str, _Balance] = {}
    links = _Links(own.ledger.year, {})
    for number, item in enumerate(entities):
        balance = _proefbalans(w, item.ledger, item.ledger.entity, False)
        balances[item.ledger.entity] = balance
        if item.prior is not None:
            prior = _proefbalans(w, item.prior, item.prior.entity, True)
        if number == 0:
            links.balances[item.ledger.year] = balance
            if item.prior is not None:
                links.balances[item.prior.year] = prior
    _leads(w, links, own.ledger)
    for table in tables:
        if table.id.startswith("consolidatie.werkblad"):
            _worksheet(w, table, balances, links)
    by_entity = {a.entity: a for a in analyses}
    made_of = links.digest() if memo is not None else ""
    for table in tables:
        if not table.id.startswith("consolidatie.werkblad"):
            group = table.id.partition(".")[0].capitalize()
            _statement(w, table, links, _table_name(table), group, made_of)
    for item in entities:
        made = item.sheets
        analysis = by_entity.get(item.ledger.entity)
        _journaal(w, item.ledger, analysis, made.journaal if made else None)
        _grootboekkaarten(w, item.ledger, made.grootboekkaarten if made else None)
    _journal_tests(
        w,
        [by_entity[e.ledger.entity] for e in entities if e.ledger.entity in by_entity],
        {e.ledger.entity: e.sheets for e in entities if e.sheets is not None},
    )
    _index(w, index)
    w.header(meldingen, ["Blad", "Cel", "Melding"])
    for row, note in enumerate(w.notes, 2):
        for column, value in enumerate(note, 1):
            w.text(meldingen, row, column, value)
    _widths(meldingen, [32, 24, 100])
    return w.save()


def _index(w: _Writer, sheet: Worksheet) -> None:
    w.text(sheet, 1, 1, "Werkmap van de accountant").font = TITLE
    w.header(sheet, ["Blad", "Onderdeel", "Inhoud"], row=3)
    row = 4
    for row, (title, group, description) in enumerate(w.index, 4):
        cell = w.text(sheet, row, 1, title)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheetname(title)}!A1")
        cell.font = LINK
        w.text(sheet, row, 2, group)
        w.text(sheet, row, 3, description)
    for entity, name in w.beside.items():
        row += 1
        cell = w.text(sheet, row, 1, name)
        cell.hyperlink = name  # beside the workbook
        cell.font = LINK
        w.text(sheet, row, 2, "Naast de werkmap")
        w.text(sheet, row, 3, f"Journaal van {entity}: elke boekingsregel, met de signalen")
    _widths(sheet, [34, 22, 100])
