"""The Financieel Jaarverslag as a PDF for the ALV.

Formats the statement tables the builders computed and the texts the books hold, in
the shape and order of the published report: cover, inhoudsopgave (one line per part,
each a link), the bestuursverslag (voorwoord, financieel beleid with its tables),
kerninformatie, samenstelling bestuur en directie, the enkelvoudige jaarrekening with
its grondslagen and toelichting, the WNT-verantwoording, the geconsolideerde
jaarrekening when the books hold it with its toelichting, the overzicht mutatie eigen
vermogen, the ondertekening and the overige gegevens, each under the heading the
published report gives it. Every h1 and h2 is a bookmark in the PDF's outline.

Amounts are shown in € 1.000 (``1.234``, ``-1.234``; the WNT to the cent), rounded
here, once, for print. Every text from the books is escaped: markup in a name or a
narration prints as written. The font is DejaVu, embedded, so every name prints.
Column headers wrap at word boundaries, a word too long for its column is hyphenated
the Dutch way (``pyphen``). A reference to a note, ``(n)``, is printed only when the
document holds that note.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

import pyphen
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from statements.bestuursverslag import RESULTAATONTWIKKELING
from statements.render.format import datum, euros, percentage, thousands
from statements.render.rapport import PdfError, Report, Section
from statements.table import Row, StatementTable

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
BLUE = colors.HexColor("#00508C")
LIGHT = colors.HexColor("#E6EEF6")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOTE = re.compile(r"\((\d+)\)")
WIDTH = 170 * mm  # the frame's width: A4 less the margins
CELL_PADDING = 6.0  # reportlab's default left plus right padding of a table cell

# The spaces inside a figure with its unit: after "€" before its amount, between an
# amount and "miljoen", "mln", "fte" or "%", and in "x € 1.000".
_BOUND = re.compile(r"(?<=€) (?=[-−]?\d)|(?<=\d) (?=(?:miljoen|mln|fte)\b|%)|(?<=\bx) (?=€)")


def unbroken(value: str) -> str:
    """``value`` with the spaces inside a figure non-breaking: reportlab breaks a
    paragraph's line at a plain space but not at U+00A0, so "€ 3,396 miljoen" never
    ends a line at "€" (only a figure wider than its whole line would still be split)."""
    return _BOUND.sub("\u00a0", value)


IN_THOUSANDS = unbroken("(bedragen x € 1.000)")
BEFORE_APPROPRIATION = unbroken("Voor bestemming van het resultaat (bedragen x € 1.000)")


def _fonts() -> tuple[str, str]:
    for folder in FONT_DIRS:
        regular = os.path.join(folder, "DejaVuSans.ttf")
        bold = os.path.join(folder, "DejaVuSans-Bold.ttf")
        if os.path.exists(regular) and os.path.exists(bold):
            if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("DejaVu", regular))
                pdfmetrics.registerFont(TTFont("DejaVu-Bold", bold))
            return "DejaVu", "DejaVu-Bold"
    raise PdfError("lettertype DejaVu niet gevonden (Debian-pakket fonts-dejavu-core)")


def text(value: object) -> str:
    """Text from the books, safe for reportlab's paragraph markup, each figure held
    together with its unit (``unbroken``)."""
    return unbroken(escape(_CONTROL.sub("", "" if value is None else str(value))))


@lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="nl_NL")


def wrap_words(value: str, font: str, size: float, width: float) -> list[str]:
    """``value`` in lines no wider than ``width``: broken at spaces, and a word that
    does not fit on a line of its own hyphenated at a Dutch hyphenation point. A word
    without a point that fits stays whole (and is wider than ``width``)."""

    def fits(piece: str) -> bool:
        return pdfmetrics.stringWidth(piece, font, size) <= width

    lines: list[str] = []
    current = ""
    for word in value.split():
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while not fits(current):
            split = next(
                (
                    (head, tail)
                    for head, tail in _dictionary().iterate(current)
                    if fits(head + "-") and not head.endswith("-")
                ),
                None,
            )
            if split is None:
                break
            lines.append(split[0] + "-")
            current = split[1]
    if current:
        lines.append(current)
    return lines


class _Styles:
    def __init__(self) -> None:
        regular, bold = _fonts()
        self.body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13)
        self.bullet = ParagraphStyle(
            "bullet", parent=self.body, leftIndent=12, bulletIndent=2, spaceBefore=1
        )
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8, leading=10)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=8.5, leading=10.5)
        self.cell_bold = ParagraphStyle("cellb", parent=self.cell, fontName=bold)
        self.num = ParagraphStyle("num", parent=self.cell, alignment=TA_RIGHT)
        self.num_bold = ParagraphStyle("numb", parent=self.num, fontName=bold)
        self.head_left = ParagraphStyle("headl", parent=self.cell_bold, splitLongWords=0)
        self.head_right = ParagraphStyle("headr", parent=self.num_bold, splitLongWords=0)
        self.h1 = ParagraphStyle(
            "h1", fontName=bold, fontSize=18, leading=22, textColor=BLUE, spaceAfter=8
        )
        self.h2 = ParagraphStyle(
            "h2",
            fontName=bold,
            fontSize=12.5,
            leading=16,
            textColor=BLUE,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,  # a heading never ends a page
        )
        self.h3 = ParagraphStyle(
            "h3",
            fontName=bold,
            fontSize=10,
            leading=13,
            spaceBefore=6,
            spaceAfter=2,
            keepWithNext=1,
        )
        self.note = ParagraphStyle("note", parent=self.small, textColor=colors.grey)
        self.cover = ParagraphStyle(
            "cover", fontName=bold, fontSize=30, leading=36, textColor=colors.white
        )
        self.cover_sub = ParagraphStyle(
            "coversub", fontName=regular, fontSize=15, leading=20, textColor=colors.white
        )
        self.toc = [ParagraphStyle("toc1", fontName=regular, fontSize=10.5, leading=17)]
        self.regular, self.bold = regular, bold


class _Document(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, report: Report, styles: _Styles) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=22 * mm,
            bottomMargin=20 * mm,
            title=f"Financieel Jaarverslag {report.year}",
            author=report.entity,
        )
        self.report, self.styles = report, styles
        self.headings = 0
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates(
            [
                PageTemplate("cover", [frame], onPage=self._cover),
                PageTemplate("page", [frame], onPage=self._page),
            ]
        )

    def beforeDocument(self) -> None:
        self.headings = 0  # every pass of multiBuild names the headings alike

    def afterFlowable(self, flowable: Any) -> None:
        """Each part (h1) a line of the inhoudsopgave with a link; every h1 and h2 a
        bookmark in the outline."""
        if not isinstance(flowable, Paragraph) or flowable.style.name not in ("h1", "h2"):
            return
        level = 0 if flowable.style.name == "h1" else 1
        title = flowable.getPlainText().replace("\u00a0", " ")  # as the reader searches it
        self.headings += 1
        key = f"kop-{self.headings}"
        canvas: Canvas = self.canv
        canvas.bookmarkPage(key)
        canvas.addOutlineEntry(title, key, level=level, closed=level > 0)
        if level == 0:
            self.notify("TOCEntry", (0, title, self.page, key))

    def _cover(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(BLUE)
        canvas.rect(0, A4[1] * 0.45, A4[0], A4[1] * 0.55, stroke=0, fill=1)
        canvas.restoreState()

    def _page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(self.styles.regular, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(
            self.leftMargin, A4[1] - 12 * mm, f"Financieel Jaarverslag {self.report.year}"
        )
        canvas.drawRightString(
            A4[0] - self.rightMargin, A4[1] - 12 * mm, _CONTROL.sub("", self.report.entity)
        )
        canvas.setStrokeColor(LIGHT)
        canvas.line(self.leftMargin, A4[1] - 13.5 * mm, A4[0] - self.rightMargin, A4[1] - 13.5 * mm)
        canvas.drawRightString(A4[0] - self.rightMargin, 10 * mm, f"{doc.page}")
        canvas.restoreState()


def _row_style(row: Row, styles: _Styles) -> tuple[ParagraphStyle, ParagraphStyle]:
    strong = row.kind in ("header", "subtotal", "total")
    return (styles.cell_bold if strong else styles.cell, styles.num_bold if strong else styles.num)


# A text cell that is a figure with its unit (``328,59 fte``, ``6,6%``, ``23.890``) is
# set right, as the figures of its column are.
_FIGURE = re.compile(r"^-?[\d.,]+( ?(fte|%))?$")


def _text_columns(table: StatementTable) -> set[int]:
    """The columns of text (the WNT's functie and periode, the bestuur's ambt): no row
    has an amount in them and some cell is words, not a figure. They are set left,
    header and cells; every other column right, as its figures."""
    words = {
        column
        for row in table.rows
        for column, value in enumerate(row.texts)
        if value is not None and not _FIGURE.match(value)
    }
    figures = {
        column
        for row in table.rows
        for column, value in enumerate(row.amounts)
        if value is not None and not (row.texts and row.texts[column] is not None)
    }
    return words - figures


def header_cell(label: str, width: float, style: ParagraphStyle) -> Paragraph:
    """A column header in a column ``width`` wide: wrapped at word boundaries,
    hyphenated where a word does not fit."""
    lines = wrap_words(label, style.fontName, style.fontSize, width - CELL_PADDING)
    return Paragraph("<br/>".join(text(line) for line in lines), style)


def column_widths(
    table: StatementTable, first_width: float, widths: Sequence[float]
) -> list[float]:
    rest = (WIDTH - first_width) / max(len(table.columns), 1)
    return list(widths) or [first_width] + [rest] * len(table.columns)


def statement_flowable(
    table: StatementTable,
    styles: _Styles,
    amounts: str = "thousands",
    first_width: float = 85 * mm,
    widths: Sequence[float] = (),
    notes: frozenset[str] | None = None,
) -> Table:
    """A statement table: labels left, amounts right; totals bold with a rule above.

    ``notes``: the notes the document holds; a row's reference to another is left out
    (None: print every reference)."""
    fmt = {"thousands": thousands, "euros": euros}[amounts]
    columns = column_widths(table, first_width, widths)
    texts = _text_columns(table)
    header: list[Paragraph] = [Paragraph("", styles.cell)]
    for index, label in enumerate(table.columns):
        head = styles.head_left if index in texts else styles.head_right
        header.append(header_cell(label, columns[index + 1], head))
    data: list[list[Paragraph]] = [header]
    style: list[Any] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, BLUE),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
    ]
    for index, row in enumerate(table.rows, 1):
        label_style, number_style = _row_style(row, styles)
        indent = "&nbsp;" * 3 * max(row.level - 1, 0)
        shown = row.note and (notes is None or row.note in notes)
        note = f" ({text(row.note)})" if shown else ""
        cells = [Paragraph(indent + text(row.label) + note, label_style)]
        for column in range(len(table.columns)):
            left = column in texts
            cells.append(Paragraph(_cell(row, column, fmt), label_style if left else number_style))
        data.append(cells)
        if row.kind in ("subtotal", "total"):
            style.append(("LINEABOVE", (1, index), (-1, index), 0.4, colors.black))
        if row.kind == "header" and row.level == 0:
            style.append(("BACKGROUND", (0, index), (-1, index), LIGHT))
    flowable = Table(data, colWidths=columns, repeatRows=1)
    flowable.setStyle(TableStyle(style))
    return flowable


def _cell(row: Row, column: int, fmt: Any) -> str:
    if row.texts and row.texts[column] is not None:
        return text(row.texts[column])
    value = row.amounts[column] if column < len(row.amounts) else None
    if row.kind == "header":
        return ""
    if row.kind == "ratio":
        return percentage(value)
    return str(fmt(value))


def note_numbers(tables: Sequence[StatementTable]) -> frozenset[str]:
    """The notes the document holds: the numbers in the titles of its toelichting."""
    return frozenset(
        found.group(1)
        for table in tables
        if table.id.startswith("toelichting.")
        for found in [_NOTE.search(table.title)]
        if found
    )


PALETTE = [
    BLUE,
    colors.HexColor("#3C8DBC"),
    colors.HexColor("#8CB4D8"),
    colors.HexColor("#F39C12"),
    colors.HexColor("#27AE60"),
    colors.HexColor("#7F8C8D"),
    colors.HexColor("#C0392B"),
]


def _pie(title: str, items: Sequence[tuple[str, Decimal]], styles: _Styles) -> Drawing:
    """A pie of the positive parts, its legend right under it: each swatch next to
    its label (negative parts are named in the legend but cannot be drawn as a
    slice)."""
    drawing = Drawing(82 * mm, 78 * mm)
    positive = [(label, value) for label, value in items if value > 0]
    total = sum((v for _, v in positive), Decimal(0))
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = _pt(21 * mm), _pt(31 * mm), _pt(38 * mm), _pt(38 * mm)
    pie.data = [float(v) for _, v in positive]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 0.5
    for index in range(len(positive)):
        pie.slices[index].fillColor = PALETTE[index % len(PALETTE)]
    drawing.add(pie)
    drawing.add(String(0, 74 * mm, title, fontName=styles.bold, fontSize=9, fillColor=BLUE))
    legend = Legend()
    legend.x, legend.y = _pt(4 * mm), _pt(27 * mm)
    legend.fontName, legend.fontSize = styles.regular, 7
    legend.alignment = "right"  # the label right of its swatch
    legend.dx, legend.dy = 6, 6
    legend.dxTextSpace = 4
    legend.deltay = 9
    legend.boxAnchor = "nw"
    legend.columnMaximum = 10
    entries = [
        (PALETTE[i % len(PALETTE)], f"{label}: € {thousands(v)} ({_share(v, total)})")
        for i, (label, v) in enumerate(positive)
    ]
    entries += [
        (colors.white, f"{label}: € {thousands(v)} (negatief)") for label, v in items if v < 0
    ]
    legend.colorNamePairs = entries
    drawing.add(legend)
    return drawing


def _pt(length: float) -> int:
    return round(length)


def _share(value: Decimal, total: Decimal) -> str:
    return f"{(value / total * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def _composition(svbl: StatementTable, styles: _Styles) -> Table:
    baten = [
        (r.label, r.amounts[0])
        for r in svbl.rows
        if r.kind == "line"
        and r.id
        in (
            "contributie",
            "bijdrage_projecten",
            "overige_baten",
            "financiele_baten_lasten",
            "resultaat_deelnemingen",
        )
    ]
    lasten_ids = [ref for _, ref in svbl.row("som_der_lasten").sums]
    lasten = [(svbl.row(i).label, svbl.row(i).amounts[0]) for i in lasten_ids]
    left = _pie(
        f"Samenstelling van baten VNG {svbl.columns[0][-4:]}",
        [(label, v or Decimal(0)) for label, v in baten],
        styles,
    )
    right = _pie(
        f"Samenstelling van lasten VNG {svbl.columns[0][-4:]}",
        [(label, v or Decimal(0)) for label, v in lasten],
        styles,
    )
    grid = Table([[left, right]], colWidths=[85 * mm, 85 * mm])
    grid.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return grid


# --- the document, part by part ------------------------------------------------------

Tables = Mapping[str, StatementTable]


def render_pdf(report: Report, tables: Sequence[StatementTable]) -> bytes:
    styles = _Styles()
    by_id = {t.id: t for t in tables}
    notes = note_numbers(tables)
    buffer = io.BytesIO()
    doc = _Document(buffer, report, styles)
    story: list[Any] = []
    story += _cover(report, styles)
    story += _contents(styles)
    story += _voorwoord(report, styles)
    story += _financieel_beleid(report, by_id, styles, notes)
    story += _kerninformatie(by_id, styles, notes)
    story += _bestuur(report, by_id, styles)
    story += _enkelvoudig(report, by_id, styles, notes)
    story += _grondslagen(report, by_id, styles)
    story += _toelichting(report, _enkelvoudige_notes(tables), by_id, styles, notes)
    story += _wnt(report, by_id, styles)
    story += _geconsolideerd(report, tables, styles, notes)
    story += _geconsolideerde_toelichting(report, tables, by_id, styles)
    story += _mutatie_eigen_vermogen(by_id, styles, notes)
    story += _ondertekening(report, by_id, styles)
    story += _part(report, "overige_gegevens", styles)
    doc.multiBuild(story)
    return buffer.getvalue()


def _cover(report: Report, styles: _Styles) -> list[Any]:
    return [
        Spacer(1, 40 * mm),
        Paragraph("Financieel Jaarverslag", styles.cover),
        Paragraph(str(report.year), styles.cover),
        Spacer(1, 8 * mm),
        Paragraph(text(report.entity), styles.cover_sub),
        NextPageTemplate("page"),
        PageBreak(),
    ]


def _contents(styles: _Styles) -> list[Any]:
    """The inhoudsopgave: the parts only, one page, each line a link to its part."""
    toc = TableOfContents()
    toc.levelStyles = styles.toc
    toc.dotsMinLevel = 0
    return [
        Paragraph("Inhoudsopgave", ParagraphStyle("tochead", parent=styles.h1)),
        toc,
        PageBreak(),
    ]


def paragraphs(value: str, styles: _Styles) -> list[Any]:
    """A text of the books as paragraphs: a blank line between paragraphs, ``- ``
    a bullet, ``### `` a heading inside the section."""
    story: list[Any] = []
    for block in re.split(r"\n\s*\n", value.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        prose: list[str] = []
        for line in lines:
            if line.startswith("### "):
                story += _prose(prose, styles)
                prose = []
                story.append(Paragraph(text(line[4:]), styles.h3))
            elif line.startswith("- "):
                story += _prose(prose, styles)
                prose = []
                story.append(Paragraph(text(line[2:]), styles.bullet, bulletText="•"))
            elif prose or not story or not lines[0].startswith("- "):
                prose.append(line)
            else:  # a bullet continued on the next line
                last = story.pop()
                story.append(Paragraph(f"{last.text} {text(line)}", styles.bullet, bulletText="•"))
        story += _prose(prose, styles)
        story.append(Spacer(1, 2 * mm))
    return story


def _prose(lines: list[str], styles: _Styles) -> list[Any]:
    return [Paragraph(text(" ".join(lines)), styles.body)] if lines else []


def _section(report: Report, key: str, styles: _Styles, heading: ParagraphStyle) -> list[Any]:
    section = report.section(key)
    if section is None:
        return []
    return [Paragraph(text(section.title), heading), *paragraphs(section.text, styles)]


def _part(report: Report, key: str, styles: _Styles) -> list[Any]:
    """A part of the report that is text only, on a page of its own."""
    story = _section(report, key, styles, styles.h1)
    return story + [PageBreak()] if story else []


def _voorwoord(report: Report, styles: _Styles) -> list[Any]:
    if report.section("voorwoord"):
        return _part(report, "voorwoord", styles)
    return [
        Paragraph("Voorwoord", styles.h1),
        *paragraphs(report.voorwoord, styles),
        PageBreak(),
    ]


def _summary(table: StatementTable, keep: Sequence[str]) -> StatementTable:
    """The rows ``keep`` of ``table``, in its order: the figures as the table has them."""
    return replace(table, rows=tuple(r for r in table.rows if r.id in keep))


# The financieel beleid of the bestuursverslag: its sections in the published order,
# each with the table (by id) that goes with it.
FINANCIEEL_BELEID: tuple[tuple[str, str | None], ...] = (
    ("samenstelling_baten_lasten", None),
    ("beleggingsportefeuille", "bestuursverslag.beleggingsportefeuille"),
    ("beleggingsportefeuille", "bestuursverslag.beleggingsresultaat"),
    ("herwaarderingsreserve", None),
    ("liquiditeitspositie", None),
    ("vermogen_en_solvabiliteit", None),
    ("fraude_en_continuiteit", None),
    ("mvo", None),
    ("deelnemingen", "bestuursverslag.deelnemingen"),
    ("resultaatontwikkeling", "bestuursverslag.resultaatontwikkeling"),
    ("vergelijking_begroting", "bestuursverslag.vergelijking_begroting"),
    ("vergelijking_vorig_jaar", "bestuursverslag.vergelijking_vorig_jaar"),
    ("bedrijfsrisicos", None),
)


def _financieel_beleid(
    report: Report, by_id: Tables, styles: _Styles, notes: frozenset[str]
) -> list[Any]:
    story = _section(report, "financieel_beleid", styles, styles.h1) or [
        Paragraph("Financieel beleid", styles.h1)
    ]
    svbl = by_id.get("enkelvoudig.staat_van_baten_en_lasten")
    previous = None
    for key, table_id in FINANCIEEL_BELEID:
        # a section with two tables: its text once, before the first
        part = _section(report, key, styles, styles.h2) if key != previous else []
        previous = key
        if key == "samenstelling_baten_lasten" and svbl:
            part = (part or [Paragraph("Samenstelling van de baten en lasten", styles.h2)]) + [
                _composition(svbl, styles),
                Paragraph(IN_THOUSANDS, styles.note),
            ]
        table = by_id.get(table_id) if table_id else None
        if key == "resultaatontwikkeling" and svbl and table is None:
            part = (part or [Paragraph("Resultaatontwikkeling van de Vereniging", styles.h2)]) + [
                Paragraph(IN_THOUSANDS, styles.note),
                statement_flowable(_summary(svbl, RESULTAATONTWIKKELING), styles, notes=notes),
            ]
        if table is not None:
            part += _bestuursverslag_table(table, styles, notes)
        story += part
    return story + [PageBreak()]


def _bestuursverslag_table(
    table: StatementTable, styles: _Styles, notes: frozenset[str]
) -> list[Any]:
    """A table of the bestuursverslag under its heading: amounts in € 1.000, a table
    of text (the deelnemingen) with its columns as wide as it needs."""
    if all(r.texts for r in table.rows):
        return [
            Spacer(1, 2 * mm),
            Paragraph(text(table.title), styles.h3),
            statement_flowable(table, styles, widths=[65 * mm, 70 * mm, 35 * mm]),
        ]
    return [
        Spacer(1, 2 * mm),
        Paragraph(f"{text(table.title)} {IN_THOUSANDS}", styles.h3),
        statement_flowable(table, styles, first_width=70 * mm, notes=notes),
    ]


# The group's figures the kerninformatie opens with (statements.consolidatie).
GROEP_KERN = ("kerninformatie.groep_balans", "kerninformatie.groep_baten_lasten")


# The kerninformatie's tables after the group's summaries, in the published order.
KERN_TABELLEN = (
    "kerninformatie.aandeel_vng_bedrijven",
    "bestuursverslag.personeel",
    "bestuursverslag.vraagbaak",
)


KERNINFORMATIE = "Kerninformatie van de VNG"
BESTUUR = "Samenstelling bestuur en directie VNG"


def wnt_title(report: Report) -> str:
    return f"WNT-verantwoording {report.year} {report.entity}"


def _kerninformatie(by_id: Tables, styles: _Styles, notes: frozenset[str]) -> list[Any]:
    story: list[Any] = [
        Paragraph(KERNINFORMATIE, styles.h1),
        Paragraph(IN_THOUSANDS, styles.note),
    ]
    for table_id in GROEP_KERN:
        table = by_id.get(table_id)
        if table:
            story += [
                Paragraph(text(table.title), styles.h3),
                statement_flowable(table, styles, notes=frozenset()),
            ]
    for table_id in KERN_TABELLEN:
        table = by_id.get(table_id)
        if table:
            shown = _unreferenced(table)
            story += [
                Paragraph(text(shown.title), styles.h3),
                statement_flowable(shown, styles, notes=frozenset()),
            ]
    kengetallen = by_id.get("enkelvoudig.kengetallen")
    if kengetallen:
        story += [Paragraph("Kengetallen", styles.h2), statement_flowable(kengetallen, styles)]
    return story + [PageBreak()]


def _unreferenced(table: StatementTable) -> StatementTable:
    """A table of the jaarrekening as the kerninformatie shows it: its title there,
    without note numbers."""
    title = _NOTE.sub("", table.title).strip()
    return replace(table, title=title, rows=tuple(replace(r, note=None) for r in table.rows))


def _bestuur(report: Report, by_id: Tables, styles: _Styles) -> list[Any]:
    table = by_id.get("bestuursverslag.samenstelling_bestuur")
    if table is None:
        return []
    story: list[Any] = [Paragraph(BESTUUR, styles.h1)]
    story += [Paragraph(text(table.title), styles.note)]
    widths = (
        [52 * mm, 48 * mm, 28 * mm, 42 * mm] if len(table.columns) == 3 else [70 * mm, 100 * mm]
    )
    story.append(statement_flowable(table, styles, widths=widths))
    directie = by_id.get("bestuursverslag.directie")
    if directie:
        story += [
            Paragraph(text(directie.title), styles.h2),
            statement_flowable(directie, styles, widths=[60 * mm, 110 * mm]),
        ]
    return story + [PageBreak()]


def _enkelvoudig(
    report: Report, by_id: Tables, styles: _Styles, notes: frozenset[str]
) -> list[Any]:
    story: list[Any] = [Paragraph(f"Enkelvoudige jaarrekening {report.year}", styles.h1)]
    for key in ("enkelvoudig.balans", "enkelvoudig.staat_van_baten_en_lasten"):
        table = by_id.get(key)
        if table:
            story += [
                Paragraph(text(table.title), styles.h2),
                Paragraph(
                    BEFORE_APPROPRIATION if key.endswith("balans") else IN_THOUSANDS,
                    styles.note,
                ),
                statement_flowable(table, styles, notes=notes),
                PageBreak(),
            ]
    if story[-1:] and isinstance(story[-1], PageBreak):
        story.pop()
    story += _section(report, "resultaat_toelichting", styles, styles.h3)
    story += _section(report, "resultaatbestemming", styles, styles.h2) or _bestemming(
        report, by_id, styles
    )
    return story + [PageBreak()]


def _bestemming(report: Report, by_id: Tables, styles: _Styles) -> list[Any]:
    """The proposal for the onverdeeld resultaat, for books without its text."""
    svbl = by_id.get("enkelvoudig.staat_van_baten_en_lasten")
    if svbl is None:
        return []
    result = svbl.row("onverdeeld_resultaat").amounts[0] or Decimal(0)
    millions = f"{abs(result) / 1000000:.3f}".replace(".", ",")
    sign = "negatief" if result < 0 else "positief"
    direction = "ten laste van" if result < 0 else "ten gunste van"
    return [
        Paragraph("Resultaatsbestemming", styles.h2),
        Paragraph(
            unbroken(
                f"Het onverdeeld resultaat over {report.year}, € {millions} miljoen {sign}, "
                f"wordt voorgesteld {direction} de overige reserves te brengen."
            ),
            styles.body,
        ),
    ]


MAATSCHAPPIJEN = "groep.maatschappijen"
# the sections after the toelichting algemeen, in the published order; the companies
# of the group after the verbonden partijen and consolidatie
GRONDSLAGEN = (
    "grondslagen",
    "verbonden_partijen",
    "grondslagen_posten",
    "grondslagen_kasstroomoverzicht",
    "overige_informatie",
)


def _grondslagen(report: Report, by_id: Tables, styles: _Styles) -> list[Any]:
    """The toelichting algemeen and the grondslagen; the companies of the group after
    the verbonden partijen, as the consolidation's scope."""
    story = _section(report, "toelichting_algemeen", styles, styles.h1)
    for key in GRONDSLAGEN:
        story += _section(report, key, styles, styles.h2)
        table = by_id.get(MAATSCHAPPIJEN)
        if key == "verbonden_partijen" and table is not None and table.rows:
            story.append(
                KeepTogether(
                    [
                        Paragraph(text(table.title), styles.h3),
                        statement_flowable(table, styles, first_width=70 * mm),
                    ]
                )
            )
    return story + [PageBreak()] if story else []


# The published order of the tables within a note (the others by their id); the
# herwaarderingsreserve belongs to the eigen vermogen (8).
_WITHIN_NOTE = (
    "toelichting.deelnemingen",
    "toelichting.deelneming_",
    "toelichting.overige_effecten",
    "toelichting.effecten",
    "toelichting.herwaarderingsreserve",
    "toelichting.overige_reserves",
    "toelichting.bestemmingsreserve",
    "toelichting.statutaire_reserve",
    "toelichting.omrekenverschillen",
    "toelichting.onverdeeld_resultaat",
)
_NOTE_OF = {"toelichting.herwaarderingsreserve": 8}
BALANS_NOTES = range(1, 15)  # the notes on the balance; 15 and on the baten en lasten


# tables that belong to a note without its number in their title, after its table
_PART_OF_NOTE = {
    "toelichting.geconsolideerd.personeelslasten_bezetting": 31,
    "toelichting.geconsolideerd.accountantshonoraria": 32,
}


def note_order(table: StatementTable) -> tuple[int, int, str]:
    found = _NOTE.search(table.title)
    number = _NOTE_OF.get(table.id, int(found.group(1)) if found else 99)
    number = _PART_OF_NOTE.get(table.id, number)
    within = next(
        (i for i, prefix in enumerate(_WITHIN_NOTE) if table.id.startswith(prefix)),
        len(_WITHIN_NOTE) + (table.id in _PART_OF_NOTE),  # a further table after its note
    )
    return (number, within, table.id)


def restated(table: StatementTable, by_id: Tables) -> tuple[StatementTable, list[str]]:
    """A note whose prior-year total differs from that year on the balance (the
    presentation changed): its column says so, and a sentence gives both amounts."""
    key = table.id.removeprefix("toelichting.")
    balans = by_id.get("enkelvoudig.balans")
    line = next((r for r in balans.rows if r.id == key), None) if balans else None
    total = next((r for r in table.rows if r.id == "totaal"), None)
    if line is None or total is None or len(table.columns) != 2 or len(line.amounts) != 2:
        return table, []
    if thousands(line.amounts[1]) == thousands(total.amounts[1]):
        return table, []
    year = table.columns[1]
    columns = (table.columns[0], f"{year} (wijziging presentatie)")
    sentence = (
        f"Vergelijkende cijfers aangepast: de specificatie toont {year} in de presentatie "
        f"van {table.columns[0]} (€ {thousands(total.amounts[1])}); de balans per 31 december "
        f"{year} toont de post zoals toen gepresenteerd, € {thousands(line.amounts[1])}."
    )
    return replace(table, columns=columns), [sentence]


def _note(table: StatementTable, by_id: Tables, styles: _Styles) -> Any:
    shown, disclosure = restated(table, by_id)
    first = 70 * mm if len(table.columns) > 3 else 85 * mm
    title = text(table.title)
    if table.id in _NOTE_OF and not _NOTE.search(table.title):
        title = f"{title} ({_NOTE_OF[table.id]})"
    return KeepTogether(
        [
            Paragraph(title, styles.h2),
            statement_flowable(shown, styles, first_width=first),
            *[Paragraph(text(s), styles.small) for s in disclosure],
        ]
    )


def _toelichting(
    report: Report,
    tables: Sequence[StatementTable],
    by_id: Tables,
    styles: _Styles,
    notes: frozenset[str],
) -> list[Any]:
    ordered = sorted((t for t in tables if t.id.startswith("toelichting.")), key=note_order)
    if not ordered:
        return []
    story: list[Any] = []
    for title, numbers, extra in (
        ("Toelichting op de enkelvoudige balans", BALANS_NOTES, "balans"),
        ("Toelichting op de enkelvoudige staat van baten en lasten", range(15, 99), ""),
    ):
        part = [t for t in ordered if note_order(t)[0] in numbers]
        if not part:
            continue
        story += [Paragraph(title, styles.h1), Paragraph(IN_THOUSANDS, styles.note)]
        seen: set[int] = set()
        for table in part:
            number = note_order(table)[0]
            if number in NOTE_HEADINGS and number not in seen:
                story += _note_heading(number, by_id, styles)
                story += _note_text(report, NOTE_OPENING_TEXTS.get(number), styles)
            seen.add(number)
            story.append(_note(table, by_id, styles))
            story += _note_text(report, NOTE_TEXTS.get(table.id), styles)
        if extra:
            story += _verplichtingen(report, by_id, styles, notes)
        else:
            story += _section(report, "toelichting_deelnemingen", styles, styles.h2)
        story.append(PageBreak())
    return story


# A note of several tables opens with its heading, as published: the financiële vaste
# activa (2), the eigen vermogen (8) with its lines on the balance, the voorzieningen (9),
# the overige lasten (21) with their line of the staat van baten en lasten.
NOTE_HEADINGS = {
    2: "Financiële vaste activa",
    8: "Eigen vermogen",
    9: "Voorzieningen",
    21: "Overige lasten",
}


# The texts of the books inside a note, under the heading the note opens with and after
# one of its tables, as published: they have no heading of their own in the PDF.
NOTE_OPENING_TEXTS = {9: "noot_voorzieningen"}
NOTE_TEXTS = {
    "toelichting.egalisatievoorziening": "noot_egalisatievoorziening",
    "toelichting.voorziening_ambtsjubilea": "noot_ambtsjubilea",
    "toelichting.personeelslasten": "noot_personeelslasten",
}


def _note_text(report: Report, key: str | None, styles: _Styles) -> list[Any]:
    section = report.section(key) if key else None
    return [Spacer(1, 2 * mm), *paragraphs(section.text, styles)] if section else []


def eigen_vermogen(by_id: Tables) -> StatementTable | None:
    """The eigen vermogen (8) as the balance has it: its reserves and their total."""
    balans = by_id.get("enkelvoudig.balans")
    if balans is None:
        return None
    ids = [r.id for r in balans.rows]
    if "eigen_vermogen" not in ids or "totaal_eigen_vermogen" not in ids:
        return None
    rows = balans.rows[ids.index("eigen_vermogen") + 1 : ids.index("totaal_eigen_vermogen") + 1]
    return StatementTable(
        "toelichting.eigen_vermogen",
        "Eigen vermogen (8)",
        balans.columns,
        tuple(
            replace(r, label="Stand per 31 december", level=0)
            if r.id == "totaal_eigen_vermogen"
            else replace(r, level=0, note=None)
            for r in rows
        ),
    )


def overige_lasten(by_id: Tables) -> StatementTable | None:
    """The overige lasten (21) as the staat van baten en lasten has them: realisatie,
    begroot and the year before, above their specificatie."""
    svbl = by_id.get("enkelvoudig.staat_van_baten_en_lasten")
    row = next((r for r in svbl.rows if r.id == "overige_lasten"), None) if svbl else None
    if svbl is None or row is None:
        return None
    return StatementTable(
        "toelichting.overige_lasten",
        "Overige lasten (21)",
        svbl.columns,
        (replace(row, level=0, note=None),),
    )


def note_opening(number: int, by_id: Tables) -> StatementTable | None:
    """The table a note opens with, where it is a view of a statement."""
    if number == 8:
        return eigen_vermogen(by_id)
    if number == 21:
        return overige_lasten(by_id)
    return None


def _note_heading(number: int, by_id: Tables, styles: _Styles) -> list[Any]:
    table = note_opening(number, by_id)
    if table is not None:
        return [_note(table, by_id, styles)]
    return [Paragraph(f"{NOTE_HEADINGS[number]} ({number})", styles.h2)]


def _verplichtingen(
    report: Report, by_id: Tables, styles: _Styles, notes: frozenset[str]
) -> list[Any]:
    story = _section(report, "niet_in_de_balans", styles, styles.h2)
    table = by_id.get("toelichting.verplichtingen")
    if table is not None:
        if not story:
            story = [Paragraph(text(table.title), styles.h2)]
        story.append(statement_flowable(table, styles, notes=notes))
    return story + _section(report, "fiscale_eenheid", styles, styles.h2)


def _geconsolideerd(
    report: Report, tables: Sequence[StatementTable], styles: _Styles, notes: frozenset[str]
) -> list[Any]:
    group = [t for t in tables if t.id.startswith("geconsolideerd.") and t.id != MUTATIE_EV]
    if not group:
        return []
    story: list[Any] = [Paragraph(f"Geconsolideerde jaarrekening {report.year}", styles.h1)]
    for table in group:
        subtitle = BEFORE_APPROPRIATION if table.id == "geconsolideerd.balans" else IN_THOUSANDS
        story += [
            Paragraph(text(table.title), styles.h2),
            Paragraph(subtitle, styles.note),
            statement_flowable(table, styles, notes=notes),
        ]
        if table.id == "geconsolideerd.staat_van_baten_en_lasten":
            story += _section(report, "geconsolideerde_resultaatbestemming", styles, styles.h2)
        story.append(CondPageBreak(60 * mm))
    return story + [PageBreak()]


MUTATIE_EV = "geconsolideerd.mutatie_eigen_vermogen"


def _mutatie_eigen_vermogen(by_id: Tables, styles: _Styles, notes: frozenset[str]) -> list[Any]:
    """The overzicht mutatie eigen vermogen, after the notes of the group as published."""
    table = by_id.get(MUTATIE_EV)
    if table is None:
        return []
    return [
        Paragraph(text(table.title), styles.h1),
        Paragraph(IN_THOUSANDS, styles.note),
        statement_flowable(table, styles, notes=notes),
        PageBreak(),
    ]


GROUP_NOTES = "toelichting.geconsolideerd."  # the ids of the notes (24)–(32)
# the texts after the overige informatie of the geconsolideerde balans, as published
GROUP_BALANS_SECTIONS = (
    "groep_fiscale_eenheid",
    "gebeurtenissen_na_balansdatum",
    "ketenaansprakelijkheid",
)
GROUP_BALANS_NOTES = range(24, 29)  # on the geconsolideerde balans; 29 and on the baten en lasten


def _enkelvoudige_notes(tables: Sequence[StatementTable]) -> list[StatementTable]:
    """Every table but the notes of the geconsolideerde jaarrekening."""
    return [t for t in tables if not t.id.startswith(GROUP_NOTES)]


def _geconsolideerde_toelichting(
    report: Report, tables: Sequence[StatementTable], by_id: Tables, styles: _Styles
) -> list[Any]:
    """The toelichting op de geconsolideerde balans and staat van baten en lasten: the
    notes (24)–(32), each in its part, in the order of their numbers; the events after
    the balance date close the notes on the balans, as published."""
    ordered = sorted((t for t in tables if t.id.startswith(GROUP_NOTES)), key=note_order)
    story: list[Any] = []
    for title, balans in (
        ("Toelichting op de geconsolideerde balans", True),
        ("Toelichting op de geconsolideerde staat van baten en lasten", False),
    ):
        part = [t for t in ordered if (note_order(t)[0] in GROUP_BALANS_NOTES) == balans]
        if not part:
            continue
        story += [Paragraph(title, styles.h1), Paragraph(IN_THOUSANDS, styles.note)]
        if not balans:
            story += _section(report, "geconsolideerd_algemeen", styles, styles.h2)
        story += [_note(t, by_id, styles) for t in part]
        if balans:
            story += _overige_informatie(by_id, styles)
            for key in GROUP_BALANS_SECTIONS:
                story += _section(report, key, styles, styles.h2)
        story.append(PageBreak())
    return story


OVERIGE_INFORMATIE = ("overige_informatie.bankgaranties", "overige_informatie.verplichtingen")


def _overige_informatie(by_id: Tables, styles: _Styles) -> list[Any]:
    """The group's guarantees and commitments off the balance, each a table."""
    tables = [by_id[i] for i in OVERIGE_INFORMATIE if i in by_id]
    if not tables:
        return []
    story: list[Any] = [Paragraph("Overige informatie", styles.h2)]
    for table in tables:
        first = 60 * mm if len(table.columns) > 1 else 85 * mm
        story.append(
            KeepTogether(
                [
                    Paragraph(text(table.title), styles.h3),
                    statement_flowable(table, styles, first_width=first),
                ]
            )
        )
    return story


def _wnt(report: Report, by_id: Tables, styles: _Styles) -> list[Any]:
    top = by_id.get("wnt.topfunctionarissen")
    if top is None:
        return []
    story: list[Any] = [
        Paragraph(text(wnt_title(report)), styles.h1),
        *(paragraphs(wnt.text, styles) if (wnt := report.section("wnt")) else []),
        Paragraph(unbroken("Bezoldiging topfunctionarissen (bedragen x € 1)"), styles.h2),
    ]
    for year, gegevens in per_year(top):
        heading = [Paragraph(f"Gegevens {year}", styles.h3)] if year else []
        story.append(
            KeepTogether(
                [*heading, statement_flowable(gegevens, styles, "euros", first_width=70 * mm)]
            )
        )
    drempel = by_id.get("wnt.drempel")
    below = {r.id for r in drempel.rows} if drempel else set()
    toezicht = by_id.get("wnt.toezichthouders") or StatementTable("", "", (), ())
    for key in ("wnt.toezichthouders", "wnt.drempel", "wnt.overige_functionarissen"):
        table = by_id.get(key)
        if table is None:
            continue
        if key == "wnt.toezichthouders":
            # a toezichthouder at or below the drempel is listed once, under 1d
            table = replace(table, rows=tuple(r for r in table.rows if r.id not in below))
            if not table.rows and drempel and drempel.rows:
                continue
        story.append(Paragraph(text(table.title), styles.h2))
        if key == "wnt.drempel" and below & {r.id for r in toezicht.rows}:
            story.append(
                Paragraph(
                    f"Overzicht {report.year} voor de WNT van de Toezichthoudende functionarissen",
                    styles.h3,
                )
            )
        if table.rows:
            widths = (
                [50 * mm, 50 * mm, 30 * mm]
                if len(table.columns) == 2
                else [45 * mm, 40 * mm, 27 * mm, 24 * mm, 34 * mm]
            )
            story.append(statement_flowable(table, styles, "euros", widths=widths))
        else:
            story.append(Paragraph("Geen.", styles.body))
    return story + [PageBreak()]


def per_year(table: StatementTable) -> list[tuple[str, StatementTable]]:
    """A table whose columns end in their year ("Leonard Geluk 2024") as one table per
    year, the year left out of the columns: the WNT's gegevens per year, as published."""
    years: dict[str, list[int]] = {}
    for index, column in enumerate(table.columns):
        head, _, year = column.rpartition(" ")
        if not (year.isdigit() and len(year) == 4 and head):
            return [("", table)] if table.columns else []
        years.setdefault(year, []).append(index)

    def pick(values: tuple[Any, ...], columns: list[int]) -> tuple[Any, ...]:
        return tuple(values[i] for i in columns) if values else values

    return [
        (
            year,
            replace(
                table,
                columns=tuple(table.columns[i].rpartition(" ")[0] for i in columns),
                rows=tuple(
                    replace(r, amounts=pick(r.amounts, columns), texts=pick(r.texts, columns))
                    for r in table.rows
                ),
            ),
        )
        for year, columns in years.items()
    ]


def _ondertekening(report: Report, by_id: Tables, styles: _Styles) -> list[Any]:
    signing = by_id.get("ondertekening")
    if signing is None:
        return []
    story: list[Any] = [
        Paragraph("Ondertekening", styles.h1),
        Paragraph(
            text(
                f"{report.plaats}, {datum(report.opgemaakt)}"
                if report.opgemaakt
                else f"{report.plaats}, ...................... {report.year + 1}"
            ),
            styles.body,
        ),
        Paragraph("Namens het bestuur,", styles.body),
        Paragraph(text(report.entity), styles.body),
        Spacer(1, 6 * mm),
    ]
    data = [
        [
            Paragraph(text(r.label), styles.cell),
            Paragraph(text(r.texts[0]), styles.cell),
            Paragraph("", styles.cell),
        ]
        for r in signing.rows
    ]
    if not data:  # the books name no bestuurder for the year: lines to sign by hand
        data = [[Paragraph("", styles.cell)] * 3 for _ in range(2)]
    grid = Table(data, colWidths=[60 * mm, 60 * mm, 50 * mm])
    grid.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (2, 0), (2, -1), 0.3, colors.grey),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return story + [grid, PageBreak()]


# --- the document's parts as data, for a page that shows the same document ------------


@dataclass(frozen=True)
class Deel:
    """A part of the document as the PDF sets it: its key (an anchor), its title (the
    PDF's outline), and what it holds in order — texts of the books and tables."""

    key: str
    title: str
    items: tuple[Section | StatementTable, ...]


def text_blocks(value: str) -> tuple[tuple[str, str], ...]:
    """A text of the books as blocks, the way ``paragraphs`` sets it: ``kop`` (a
    heading inside the section), ``alinea`` or ``punt`` (a bullet)."""
    blocks: list[tuple[str, str]] = []
    for block in re.split(r"\n\s*\n", value.strip()):
        prose: list[str] = []
        for line in (line.strip() for line in block.splitlines() if line.strip()):
            kind = "kop" if line.startswith("### ") else "punt" if line.startswith("- ") else ""
            if kind:
                if prose:
                    blocks.append(("alinea", " ".join(prose)))
                    prose = []
                blocks.append((kind, line[4:] if kind == "kop" else line[2:]))
            elif blocks and blocks[-1][0] == "punt" and not prose:
                blocks[-1] = ("punt", f"{blocks[-1][1]} {line}")  # a bullet continued
            else:
                prose.append(line)
        if prose:
            blocks.append(("alinea", " ".join(prose)))
    return tuple(blocks)


def with_openings(
    notes: list[StatementTable], by_id: Tables, report: Report | None = None
) -> list[Section | StatementTable]:
    """The notes with the table each opens with (``note_opening``) before its others,
    and the texts of ``report`` inside them (``NOTE_OPENING_TEXTS``, ``NOTE_TEXTS``)."""
    shown: list[Section | StatementTable] = []
    seen: set[int] = set()

    def texts(key: str | None) -> list[Section | StatementTable]:
        found = report.section(key) if report and key else None
        return [found] if found else []

    for table in notes:
        number = note_order(table)[0]
        if number not in seen:
            opening = note_opening(number, by_id)
            shown += [opening] if opening is not None else []
            shown += texts(NOTE_OPENING_TEXTS.get(number))
        seen.add(number)
        shown += [table, *texts(NOTE_TEXTS.get(table.id))]
    return shown


def outline(report: Report, tables: Sequence[StatementTable]) -> tuple[Deel, ...]:
    """The parts of the document in the order ``render_pdf`` sets them, each with its
    texts and tables (a summary as the PDF shows it); the parts the books lack left out."""
    by_id = {t.id: t for t in tables}

    def sections(*keys: str) -> list[Section | StatementTable]:
        return [s for s in (report.section(k) for k in keys) if s is not None]

    def present(*ids: str) -> list[Section | StatementTable]:
        return [by_id[i] for i in ids if i in by_id]

    voorwoord = sections("voorwoord") or [Section("voorwoord", "Voorwoord", report.voorwoord)]
    beleid = sections("financieel_beleid")
    svbl = by_id.get("enkelvoudig.staat_van_baten_en_lasten")
    previous = None
    for key, table_id in FINANCIEEL_BELEID:
        beleid += sections(key) if key != previous else []
        previous = key
        if key == "resultaatontwikkeling" and svbl and table_id not in by_id:
            beleid.append(_summary(svbl, RESULTAATONTWIKKELING))
        beleid += present(table_id) if table_id else []
    kern: list[Section | StatementTable] = present(*GROEP_KERN)
    kern += [_unreferenced(t) for t in present(*KERN_TABELLEN) if isinstance(t, StatementTable)]
    kern += present("enkelvoudig.kengetallen")
    notes = sorted(
        (t for t in _enkelvoudige_notes(tables) if t.id.startswith("toelichting.")),
        key=note_order,
    )
    group_notes = sorted((t for t in tables if t.id.startswith(GROUP_NOTES)), key=note_order)
    groep = [t for t in tables if t.id.startswith("geconsolideerd.") and t.id != MUTATIE_EV]
    parts = [
        Deel("voorwoord", "Voorwoord", tuple(voorwoord)),
        Deel("financieel_beleid", "Financieel beleid", tuple(beleid)),
        Deel("kerninformatie", KERNINFORMATIE, tuple(kern)),
        Deel(
            "bestuur",
            BESTUUR,
            tuple(present("bestuursverslag.samenstelling_bestuur", "bestuursverslag.directie")),
        ),
        Deel(
            "enkelvoudig",
            f"Enkelvoudige jaarrekening {report.year}",
            tuple(
                present("enkelvoudig.balans", "enkelvoudig.staat_van_baten_en_lasten")
                + sections("resultaat_toelichting", "resultaatbestemming")
            ),
        ),
        Deel(
            "toelichting_algemeen",
            "Toelichting algemeen",
            tuple(
                sections("toelichting_algemeen", *GRONDSLAGEN[:2])
                + present(MAATSCHAPPIJEN)
                + sections(*GRONDSLAGEN[2:])
            ),
        ),
        Deel(
            "toelichting_balans",
            "Toelichting op de enkelvoudige balans",
            tuple(
                with_openings([t for t in notes if note_order(t)[0] in BALANS_NOTES], by_id, report)
                + sections("niet_in_de_balans")
                + present("toelichting.verplichtingen")
                + sections("fiscale_eenheid")
            ),
        ),
        Deel(
            "toelichting_baten_lasten",
            "Toelichting op de enkelvoudige staat van baten en lasten",
            tuple(
                with_openings([t for t in notes if 15 <= note_order(t)[0] < 99], by_id, report)
                + sections("toelichting_deelnemingen")
            ),
        ),
        Deel(
            "wnt",
            wnt_title(report),
            tuple(
                sections("wnt")
                + present(
                    "wnt.topfunctionarissen",
                    "wnt.toezichthouders",
                    "wnt.drempel",
                    "wnt.overige_functionarissen",
                )
            ),
        ),
        Deel(
            "geconsolideerd",
            f"Geconsolideerde jaarrekening {report.year}",
            tuple([*groep, *sections("geconsolideerde_resultaatbestemming")] if groep else []),
        ),
        Deel(
            "toelichting_geconsolideerde_balans",
            "Toelichting op de geconsolideerde balans",
            tuple(
                [t for t in group_notes if note_order(t)[0] in GROUP_BALANS_NOTES]
                + present(*OVERIGE_INFORMATIE)
                + (sections(*GROUP_BALANS_SECTIONS) if groep else [])
            ),
        ),
        Deel(
            "toelichting_geconsolideerde_baten_lasten",
            "Toelichting op de geconsolideerde staat van baten en lasten",
            tuple(
                (sections("geconsolideerd_algemeen") if groep else [])
                + [t for t in group_notes if note_order(t)[0] not in GROUP_BALANS_NOTES]
            ),
        ),
        Deel(
            "mutatie_eigen_vermogen", "Overzicht mutatie eigen vermogen", tuple(present(MUTATIE_EV))
        ),
        Deel("ondertekening", "Ondertekening", tuple(present("ondertekening"))),
        Deel("overige_gegevens", "Overige gegevens", tuple(sections("overige_gegevens"))),
    ]
    return tuple(p for p in parts if p.items)
