"""The Financieel Jaarverslag as a PDF for the ALV.

Formats the statement tables the builders computed, in the shape of the published
report: cover, inhoudsopgave, voorwoord, kerninformatie with the composition of
baten and lasten as charts, the enkelvoudige jaarrekening with its toelichting, the
geconsolideerde jaarrekening when the books hold it, the WNT-verantwoording, the
resultaatbestemming and the ondertekening.

Amounts are shown in € 1.000 (``1.234``, ``-1.234``; the WNT to the cent), rounded
here, once, for print. Every text from the books is escaped: markup in a name or a
narration prints as written. The font is DejaVu, embedded, so every name prints.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

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

from statements.render.format import euros, percentage, thousands
from statements.table import Row, StatementTable

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
BLUE = colors.HexColor("#00508C")
LIGHT = colors.HexColor("#E6EEF6")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class PdfError(Exception):
    pass


@dataclass(frozen=True)
class Report:
    """What the PDF needs besides the tables: texts from the books' settings."""

    entity: str
    year: int
    voorwoord: str
    plaats: str


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
    """Text from the books, safe for reportlab's paragraph markup."""
    return escape(_CONTROL.sub("", "" if value is None else str(value)))


class _Styles:
    def __init__(self) -> None:
        regular, bold = _fonts()
        self.body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8, leading=10)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=8.5, leading=10.5)
        self.cell_bold = ParagraphStyle("cellb", parent=self.cell, fontName=bold)
        self.num = ParagraphStyle("num", parent=self.cell, alignment=TA_RIGHT)
        self.num_bold = ParagraphStyle("numb", parent=self.num, fontName=bold)
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
        )
        self.note = ParagraphStyle("note", parent=self.small, textColor=colors.grey)
        self.cover = ParagraphStyle(
            "cover", fontName=bold, fontSize=30, leading=36, textColor=colors.white
        )
        self.cover_sub = ParagraphStyle(
            "coversub", fontName=regular, fontSize=15, leading=20, textColor=colors.white
        )
        self.toc = [
            ParagraphStyle("toc1", fontName=regular, fontSize=10.5, leading=16),
            ParagraphStyle("toc2", fontName=regular, fontSize=9.5, leading=13, leftIndent=12),
        ]
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
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates(
            [
                PageTemplate("cover", [frame], onPage=self._cover),
                PageTemplate("page", [frame], onPage=self._page),
            ]
        )

    def afterFlowable(self, flowable: object) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
            level = 0 if flowable.style.name == "h1" else 1
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page))

    def _cover(self, canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFillColor(BLUE)
        canvas.rect(0, A4[1] * 0.45, A4[0], A4[1] * 0.55, stroke=0, fill=1)
        canvas.restoreState()

    def _page(self, canvas, doc) -> None:  # type: ignore[no-untyped-def]
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


def statement_flowable(
    table: StatementTable,
    styles: _Styles,
    amounts: str = "thousands",
    first_width: float = 85 * mm,
    widths: Sequence[float] = (),
) -> Table:
    """A statement table: labels left, amounts right; totals bold with a rule above."""
    fmt = {"thousands": thousands, "euros": euros}[amounts]
    header = [Paragraph("", styles.cell)] + [
        Paragraph(f"<b>{text(c)}</b>", styles.num) for c in table.columns
    ]
    data = [header]
    style = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, BLUE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
    ]
    for index, row in enumerate(table.rows, 1):
        label_style, number_style = _row_style(row, styles)
        indent = "&nbsp;" * 3 * max(row.level - 1, 0)
        note = f" ({text(row.note)})" if row.note and row.kind != "header" else ""
        cells = [Paragraph(indent + text(row.label) + note, label_style)]
        for column in range(len(table.columns)):
            is_text = bool(row.texts) and row.texts[column] is not None and row.kind != "text"
            cells.append(
                Paragraph(_cell(row, column, fmt), label_style if is_text else number_style)
            )
        data.append(cells)
        if row.kind in ("subtotal", "total"):
            style.append(("LINEABOVE", (1, index), (-1, index), 0.4, colors.black))
        if row.kind == "header" and row.level == 0:
            style.append(("BACKGROUND", (0, index), (-1, index), LIGHT))
    rest = (170 * mm - first_width) / max(len(table.columns), 1)
    columns = list(widths) or [first_width] + [rest] * len(table.columns)
    flowable = Table(data, colWidths=columns, repeatRows=1)
    flowable.setStyle(TableStyle(style))
    return flowable


def _cell(row: Row, column: int, fmt) -> str:  # type: ignore[no-untyped-def]
    if row.texts and row.texts[column] is not None:
        return text(row.texts[column])
    value = row.amounts[column] if column < len(row.amounts) else None
    if row.kind == "header":
        return ""
    if row.kind == "ratio":
        return percentage(value)
    return fmt(value)


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
    """A pie of the positive parts with a legend underneath (negative parts are named
    in the legend but cannot be drawn as a slice)."""
    drawing = Drawing(82 * mm, 92 * mm)
    positive = [(label, value) for label, value in items if value > 0]
    total = sum((v for _, v in positive), Decimal(0))
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 21 * mm, 44 * mm, 38 * mm, 38 * mm
    pie.data = [float(v) for _, v in positive]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 0.5
    for index in range(len(positive)):
        pie.slices[index].fillColor = PALETTE[index % len(PALETTE)]
    drawing.add(pie)
    drawing.add(String(0, 87 * mm, title, fontName=styles.bold, fontSize=9, fillColor=BLUE))
    legend = Legend()
    legend.x, legend.y = 2 * mm, 40 * mm
    legend.fontName, legend.fontSize = styles.regular, 7
    legend.dy, legend.deltay = 5, 9
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
        f"Samenstelling van de baten {svbl.columns[0][-4:]}",
        [(label, v or Decimal(0)) for label, v in baten],
        styles,
    )
    right = _pie(
        f"Samenstelling van de lasten {svbl.columns[0][-4:]}",
        [(label, v or Decimal(0)) for label, v in lasten],
        styles,
    )
    grid = Table([[left, right]], colWidths=[85 * mm, 85 * mm])
    grid.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return grid


def render_pdf(report: Report, tables: Sequence[StatementTable]) -> bytes:
    styles = _Styles()
    by_id = {t.id: t for t in tables}
    buffer = io.BytesIO()
    doc = _Document(buffer, report, styles)
    story: list[object] = []
    story += _cover(report, styles)
    story += _contents(styles)
    story += _voorwoord(report, styles)
    story += _kerninformatie(by_id, styles)
    story += _enkelvoudig(by_id, styles)
    story += _toelichting(tables, styles)
    story += _geconsolideerd(tables, styles)
    story += _wnt(by_id, styles)
    story += _slot(report, by_id, styles)
    doc.multiBuild(story)
    return buffer.getvalue()


def _cover(report: Report, styles: _Styles) -> list[object]:
    return [
        Spacer(1, 40 * mm),
        Paragraph("Financieel Jaarverslag", styles.cover),
        Paragraph(str(report.year), styles.cover),
        Spacer(1, 8 * mm),
        Paragraph(text(report.entity), styles.cover_sub),
        NextPageTemplate("page"),
        PageBreak(),
    ]


def _contents(styles: _Styles) -> list[object]:
    toc = TableOfContents()
    toc.levelStyles = styles.toc
    toc.dotsMinLevel = 0
    return [
        Paragraph("Inhoudsopgave", ParagraphStyle("tochead", parent=styles.h1)),
        toc,
        PageBreak(),
    ]


def _voorwoord(report: Report, styles: _Styles) -> list[object]:
    paragraphs = [p for p in report.voorwoord.split("\n\n") if p.strip()]
    return [
        Paragraph("Voorwoord", styles.h1),
        *[Paragraph(text(p), styles.body) for p in paragraphs],
        PageBreak(),
    ]


def _kerninformatie(by_id: dict[str, StatementTable], styles: _Styles) -> list[object]:
    story: list[object] = [Paragraph("Kerninformatie", styles.h1)]
    svbl = by_id.get("enkelvoudig.staat_van_baten_en_lasten")
    if svbl:
        story += [Paragraph("Resultaatontwikkeling (bedragen x € 1.000)", styles.h2)]
        keep = (
            "som_der_baten",
            "som_der_lasten",
            "bedrijfsresultaat",
            "financiele_baten_lasten",
            "resultaat_deelnemingen",
            "resultaat",
            "dekking_uit_vermogen",
            "onverdeeld_resultaat",
        )
        summary = StatementTable(
            svbl.id, svbl.title, svbl.columns, tuple(r for r in svbl.rows if r.id in keep)
        )
        story += [
            statement_flowable(summary, styles),
            Spacer(1, 6 * mm),
            _composition(svbl, styles),
        ]
    kengetallen = by_id.get("enkelvoudig.kengetallen")
    if kengetallen:
        story += [Paragraph("Kengetallen", styles.h2), statement_flowable(kengetallen, styles)]
    return story + [PageBreak()]


def _enkelvoudig(by_id: dict[str, StatementTable], styles: _Styles) -> list[object]:
    story: list[object] = [Paragraph("Enkelvoudige jaarrekening", styles.h1)]
    for key in ("enkelvoudig.balans", "enkelvoudig.staat_van_baten_en_lasten"):
        table = by_id.get(key)
        if table:
            story += [
                Paragraph(text(table.title), styles.h2),
                Paragraph(
                    "Voor bestemming van het resultaat (bedragen x € 1.000)"
                    if key.endswith("balans")
                    else "(bedragen x € 1.000)",
                    styles.note,
                ),
                statement_flowable(table, styles),
                PageBreak(),
            ]
    return story


def _toelichting(tables: Sequence[StatementTable], styles: _Styles) -> list[object]:
    notes = [t for t in tables if t.id.startswith("toelichting.")]
    if not notes:
        return []
    story: list[object] = [
        Paragraph("Toelichting op de enkelvoudige jaarrekening", styles.h1),
        Paragraph("(bedragen x € 1.000)", styles.note),
    ]
    for table in sorted(notes, key=_note_order):
        first = 70 * mm if len(table.columns) > 3 else 85 * mm
        story.append(
            KeepTogether(
                [
                    Paragraph(text(table.title), styles.h2),
                    statement_flowable(table, styles, first_width=first),
                ]
            )
        )
    return story + [PageBreak()]


def _note_order(table: StatementTable) -> tuple[int, str]:
    found = re.search(r"\((\d+)\)", table.title)
    return (int(found.group(1)) if found else 99, table.id)


def _geconsolideerd(tables: Sequence[StatementTable], styles: _Styles) -> list[object]:
    group = [t for t in tables if t.id.startswith("geconsolideerd.")]
    if not group:
        return []
    story: list[object] = [Paragraph("Geconsolideerde jaarrekening", styles.h1)]
    for table in group:
        story += [
            Paragraph(text(table.title), styles.h2),
            statement_flowable(table, styles),
            CondPageBreak(60 * mm),
        ]
    return story + [PageBreak()]


def _wnt(by_id: dict[str, StatementTable], styles: _Styles) -> list[object]:
    top = by_id.get("wnt.topfunctionarissen")
    if top is None:
        return []
    story: list[object] = [
        Paragraph("WNT-verantwoording", styles.h1),
        Paragraph("Bezoldiging topfunctionarissen (bedragen x € 1)", styles.h2),
    ]
    story.append(statement_flowable(top, styles, "euros", first_width=62 * mm))
    for key in ("wnt.toezichthouders", "wnt.drempel", "wnt.overige_functionarissen"):
        table = by_id.get(key)
        if table is None:
            continue
        story.append(Paragraph(text(table.title), styles.h2))
        if table.rows:
            widths = (
                [50 * mm, 50 * mm, 30 * mm]
                if len(table.columns) == 2
                else [45 * mm, 45 * mm, 30 * mm, 22 * mm, 28 * mm]
            )
            story.append(statement_flowable(table, styles, "euros", widths=widths))
        else:
            story.append(Paragraph("Geen.", styles.body))
    return story + [PageBreak()]


def _slot(report: Report, by_id: dict[str, StatementTable], styles: _Styles) -> list[object]:
    story: list[object] = [Paragraph("Resultaatbestemming", styles.h1)]
    svbl = by_id.get("enkelvoudig.staat_van_baten_en_lasten")
    if svbl:
        result = svbl.row("onverdeeld_resultaat").amounts[0] or Decimal(0)
        millions = f"{abs(result) / 1000000:.3f}".replace(".", ",")
        sign = "negatief" if result < 0 else "positief"
        direction = "ten laste van" if result < 0 else "ten gunste van"
        story.append(
            Paragraph(
                f"Het onverdeeld resultaat over {report.year}, € {millions} miljoen {sign}, wordt "
                f"voorgesteld {direction} de overige reserves te brengen.",
                styles.body,
            )
        )
    signing = by_id.get("ondertekening")
    if signing:
        story += [
            Paragraph("Ondertekening", styles.h1),
            Paragraph(
                text(f"{report.plaats}, ...................... {report.year + 1}"), styles.body
            ),
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
        grid = Table(data, colWidths=[60 * mm, 60 * mm, 50 * mm])
        grid.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (2, 0), (2, -1), 0.3, colors.grey),
                    ("TOPPADDING", (0, 0), (-1, -1), 7),
                ]
            )
        )
        story.append(grid)
    return story
