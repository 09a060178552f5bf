"""The large sheets of the workbook (journaal, grootboekkaarten, the journal-entry
tests' hits) hold hundreds of thousands of cells: their rows are written as the
sheet's XML (SpreadsheetML ``<row>`` and ``<c>`` elements) as they are made, in the
form openpyxl gives the same cells (inline strings, ``t="n"`` numbers and dates, the
workbook's own style ids), and are put into the sheet when openpyxl saves the
workbook; everything else of the sheet (its header cells, column widths, frozen
panes, filter) is openpyxl's. ``save`` writes the workbook so.

Rows made apart from the workbook (an entity's journaal, in the build's worker, kept
in its cache) are compressed there once (``SheetRows.pack``): a raw deflate stream
that ends on a byte boundary without ending the stream (a sync flush), so that the
sheet's member in the zip is the sheet's head, those bytes and its tail, each
deflated on its own and put one after the other. The member's CRC-32 is combined
from those of its parts (``crc32_combine``, as zlib computes it).

A sheet of only its own cells is compressed the same way, on its own: a later
workbook that shows the same sheet takes those bytes as they are (``save``'s
``made``), and is the same workbook as one that made them again."""

from __future__ import annotations

import datetime
import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.relationship import RelationshipList
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
    # the first rows compressed (``pack``); ``parts`` the rows after them, if any
    packed: Deflated | None = None

    def xml(self) -> bytes:
        # openpyxl's sheets are ASCII, every other character a character reference
        return "".join(self.parts).encode("ascii", "xmlcharrefreplace")

    def pack(self) -> None:
        """Compress the rows once, for every workbook they go into."""
        assert self.packed is None
        self.packed = deflated(self.xml(), final=False)
        self.parts = []

    def pieces(self) -> tuple[bytes | Deflated, ...]:
        """The rows: those compressed before, then the others."""
        rest = (self.xml(),) if self.parts else ()
        return (self.packed, *rest) if self.packed is not None else rest


@dataclass(frozen=True)
class Deflated:
    """Data as a raw deflate stream (``data``), with the CRC-32 and the length of what
    it holds; ``final`` when the stream ends there, else it ends with a sync flush."""

    data: bytes
    crc: int
    size: int
    final: bool


# the fastest deflate: the workbook is made on every build, and a stronger level costs
# seconds for a few per cent of its size
LEVEL = 1


def deflated(data: bytes, final: bool) -> Deflated:
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    out = packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)
    return Deflated(out, zlib.crc32(data), len(data), final)


def _gf2_times(matrix: Sequence[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: Sequence[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


@functools.cache
def _zero_bytes() -> tuple[list[int], ...]:
    """Per k the operator (over GF(2)) that turns a CRC-32 into the CRC-32 of the same
    data followed by 2**k zero bytes."""
    operator = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    for _ in range(3):
        operator = _gf2_square(operator)  # two, four, eight bits: a byte
    operators = [operator]
    for _ in range(63):
        operators.append(_gf2_square(operators[-1]))
    return tuple(operators)


def crc32_combine(first: int, second: int, length: int) -> int:
    """The CRC-32 of two pieces one after the other, from the first's CRC, the second's
    and the second's length (zlib's crc32_combine)."""
    for operator in _zero_bytes():
        if not length:
            break
        if length & 1:
            first = _gf2_times(operator, first)
        length >>= 1
    return first ^ second


def _member(pieces: Sequence[bytes | Deflated]) -> Deflated:
    """One zip member's data as one deflate stream of the pieces after each other, the
    last ending it: a piece of bytes is compressed here, one compressed already is
    taken as it is."""
    parts: list[bytes] = []
    crc, size, final = 0, 0, False
    for number, piece in enumerate(pieces):
        if isinstance(piece, Deflated):
            assert not piece.final
            crc = crc32_combine(crc, piece.crc, piece.size)
            made = piece
        else:
            crc = zlib.crc32(piece, crc)
            made = deflated(piece, final=number == len(pieces) - 1)
        parts.append(made.data)
        size += made.size
        final = made.final
    if not final:  # a stream ends with a final block
        parts.append(deflated(b"", final=True).data)
    return Deflated(b"".join(parts), crc, size, True)


def piece_data(piece: bytes | Deflated) -> bytes:
    """What a piece holds, uncompressed."""
    if isinstance(piece, bytes):
        return piece
    return zlib.decompressobj(-zlib.MAX_WBITS).decompress(piece.data)


class _Archive:
    """What openpyxl's ExcelWriter writes the workbook's parts into (``writestr``,
    ``namelist``), written as a zip file at the end (``zip``): each member deflated,
    a sheet's rows compressed beforehand taken as they are."""

    def __init__(self) -> None:
        self.members: list[tuple[str, tuple[bytes | Deflated, ...]]] = []

    def writestr(self, name: str, data: str | bytes) -> None:
        self.pieces(name, (data.encode("utf-8") if isinstance(data, str) else data,))

    def pieces(self, name: str, pieces: tuple[bytes | Deflated, ...]) -> None:
        self.members.append((name, pieces))

    def namelist(self) -> list[str]:
        return [name for name, _ in self.members]

    def close(self) -> None:
        pass

    def zip(self) -> bytes:
        when = datetime.datetime.now()  # noqa: DTZ005 - a zip's times are local, as zipfile's
        time = when.hour << 11 | when.minute << 5 | when.second // 2
        date = (when.year - 1980) << 9 | when.month << 5 | when.day
        out = io.BytesIO()
        central: list[bytes] = []
        for name, pieces in self.members:
            member = _member(pieces)
            encoded = name.encode("ascii")  # the parts of a workbook have ASCII names
            offset = out.tell()
            if max(offset, len(member.data), member.size) >= 0xFFFFFFFF:
                return self.zip64()
            # what the local header and the central directory both say of the member:
            # no flags, deflate, time, date, CRC, sizes, the length of its name
            shared = struct.pack(
                "<HHHHIIIH",
                0,
                8,
                time,
                date,
                member.crc,
                len(member.data),
                member.size,
                len(encoded),
            )
            # local header: version 2.0 needed, no extra field
            out.write(struct.pack("<IH", 0x04034B50, 20) + shared + struct.pack("<H", 0))
            out.write(encoded)
            out.write(member.data)
            # its entry in the central directory: made on Unix by version 2.0, a file
            # read and written by its owner (as zipfile writes it)
            entry = (
                struct.pack("<IBBH", 0x02014B50, 20, 3, 20)
                + shared
                + struct.pack("<HHHHII", 0, 0, 0, 0, 0o600 << 16, offset)
            )
            central.append(entry + encoded)
        start = out.tell()
        directory = b"".join(central)
        out.write(directory)
        count = len(central)
        end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0)
        out.write(end)
        return out.getvalue()

    def zip64(self) -> bytes:
        """A workbook too large for a plain zip: written by zipfile, with its ZIP64
        records (every piece decompressed and compressed again)."""
        out = io.BytesIO()
        with zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=LEVEL
        ) as archive:
            for name, pieces in self.members:
                archive.writestr(name, b"".join(piece_data(p) for p in pieces))
        return out.getvalue()


class _SheetWriter(WorksheetWriter):
    def __init__(self, ws: Worksheet, rows: SheetRows) -> None:
        self.extra = rows
        super().__init__(ws, io.BytesIO())

    def write_dimensions(self) -> None:
        ws, rows = self.ws, self.extra
        if not rows.last_row:
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

    def sheet(self) -> tuple[bytes | Deflated, ...]:
        """The sheet's XML with the rows at the end of its ``sheetData``, in pieces."""
        out = self.out
        assert isinstance(out, io.BytesIO)
        data = out.getvalue()
        if not self.extra.last_row:
            return (data,)
        end = data.index(b"</sheetData>")  # text in a cell has its < escaped
        return (data[:end], *self.extra.pieces(), data[end:])


class _ExcelWriter(ExcelWriter):
    def __init__(
        self,
        workbook: Workbook,
        archive: _Archive,
        rows: Mapping[str, SheetRows],
        made: Mapping[str, Deflated],
        written: Callable[[Worksheet, Deflated], None] | None,
    ):
        super().__init__(workbook, archive)  # type: ignore[arg-type]
        self.rows = rows
        self.pieces = archive
        self.made = made
        self.written = written

    def write_worksheet(self, ws: Worksheet) -> None:
        # as ExcelWriter.write_worksheet, the sheet's XML in memory rather than a file
        rows = self.rows.get(ws.title) or SheetRows()
        ws._drawing = SpreadsheetDrawing()  # type: ignore[attr-defined]
        ws._drawing.charts = ws._charts  # type: ignore[attr-defined]
        ws._drawing.images = ws._images  # type: ignore[attr-defined]
        made = self.made.get(ws.title)
        if made is not None:  # as an earlier workbook wrote it: no cells, links or comments
            ws._hyperlinks, ws._comments = [], []  # type: ignore[attr-defined]
            ws._rels = RelationshipList()  # type: ignore[attr-defined]
            self.pieces.pieces(ws.path[1:], (made,))
            self.manifest.append(ws)
            return
        writer = _SheetWriter(ws, rows)
        writer.write()
        ws._rels = writer._rels  # type: ignore[attr-defined]
        pieces = writer.sheet()
        if len(pieces) == 1 and isinstance(pieces[0], bytes):
            # a sheet of its own cells alone is compressed as one taken from an earlier
            # workbook is (that one's bytes are these), with or without one to take
            pieces = (deflated(pieces[0], final=False),)
            if self.written is not None:
                self.written(ws, pieces[0])
        self.pieces.pieces(ws.path[1:], pieces)
        self.manifest.append(ws)


def save(
    book: Workbook,
    rows: Mapping[str, SheetRows],
    made: Mapping[str, Deflated] | None = None,
    written: Callable[[Worksheet, Deflated], None] | None = None,
) -> bytes:
    """The workbook as ``Workbook.save`` writes it, with per sheet title the rows
    written as XML below the sheet's own cells; ``made`` per sheet title its XML as an
    earlier workbook wrote it (``written`` was told of it there), put in as it is:
    nothing of that sheet's cells is written. ``written`` is told of each sheet of
    only its own cells (none written as XML), with its XML as compressed, as it is
    written."""
    archive = _Archive()
    book.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    _ExcelWriter(book, archive, rows, made or {}, written).save()
    return archive.zip()
