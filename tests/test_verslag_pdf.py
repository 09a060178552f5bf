"""The PDF of the Financieel Jaarverslag as the ALV reads it: its parts in the
published order, an inhoudsopgave of the parts with links, an outline, no reference
to a note the document lacks, headers that wrap at word boundaries or hyphenate, and
the texts of the books with their figures filled in.

The PDF is built once by ``vng jaarverslag`` over the embedded books and read back
with pypdf."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.lib.enums import TA_LEFT, TA_RIGHT

from statements.render import pdf
from statements.table import Row, StatementTable
from tests import published_2024 as pub
from tests.conftest import BOOKS_DIR, vng


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verslag")
    result = vng(
        "jaarverslag",
        "--year",
        "2024",
        "--books",
        str(BOOKS_DIR / "main.beancount"),
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    return out / "financieel-jaarverslag-2024.pdf"


@pytest.fixture(scope="module")
def reader(pdf_path: Path) -> PdfReader:
    return PdfReader(str(pdf_path))


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, str(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def _pages(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _part(reader: PdfReader, title: str) -> str:
    """The text of the part (outline level 0) called ``title``."""
    parts = [(t, p) for level, t, p in _outline(reader) if level == 0]
    pages = _pages(reader)
    for index, (name, first) in enumerate(parts):
        if name == title:
            last = parts[index + 1][1] if index + 1 < len(parts) else len(pages)
            return " ".join(pages[first : max(last, first + 1)])
    raise AssertionError(f"geen deel {title}: {[t for t, _ in parts]}")


PARTS = [
    "Voorwoord",
    "Financieel beleid",
    "Kerninformatie van de VNG",
    "Samenstelling bestuur en directie VNG",
    "Enkelvoudige jaarrekening 2024",
    "Toelichting algemeen",
    "Toelichting op de enkelvoudige balans",
    "Toelichting op de enkelvoudige staat van baten en lasten",
    "WNT-verantwoording 2024 Vereniging van Nederlandse Gemeenten",
    "Geconsolideerde jaarrekening 2024",
    "Toelichting op de geconsolideerde balans",
    "Toelichting op de geconsolideerde staat van baten en lasten",
    "Overzicht mutatie eigen vermogen",
    "Ondertekening",
    "Overige gegevens",
]


# Every part and sub-part of the published Financieel Jaarverslag 2024, in its order:
# the heading as the report prints it (a table's title may go on: "Waarde
# beleggingsportefeuille (bedragen x € 1.000)").
DELEN = [
    "Voorwoord",
    "Financieel beleid",
    "Samenstelling van baten VNG",
    "Samenstelling van lasten VNG",
    "Beleggingsportefeuille",
    "Omvang van de beleggingsportefeuille",
    "Waarde beleggingsportefeuille",
    "Samenstelling resultaat beleggingsportefeuille",
    "Herwaarderingsreserve",
    "Sturen op liquiditeitspositie en werkkapitaal",
    "Liquiditeitspositie",
    "Vermogen en solvabiliteit",
    "Fraude en continuïteit",
    "Maatschappelijk verantwoord ondernemen",
    "Deelnemingen",
    "Resultaatontwikkeling van de Vereniging",
    "Vergelijking realisatie 2024 met begroting 2024",
    "Vergelijking realisatie 2024 met realisatie 2023",
    "Toelichting op de bedrijfsrisico's",
    "Projecten",
    "Subsidies",
    "Resultaat bedrijven",
    "Beleggingen",
    "Eigenrisicodrager WW en Bovenwettelijk WW (BWW)",
    "Frauderisico's",
    "Continuïteit",
    "Kerninformatie van de VNG",
    "Geconsolideerde balans van de VNG per ultimo 2024",
    "Geconsolideerde staat van baten en lasten van de VNG 2024",
    "Het aandeel in het resultaat van de VNG-bedrijven",
    "Personeelsgegevens van de Vereniging",
    "Vraagbaakfunctie van de Vereniging",
    "Samenstelling bestuur en directie VNG",
    "Directie",
    "Enkelvoudige jaarrekening 2024",
    "Enkelvoudige balans per 31 december 2024",
    "Enkelvoudige staat van baten en lasten over 2024",
    "Resultaatsbestemming",
    "Toelichting algemeen",
    "Doelstelling VNG",
    "Toepassing verslaggevingsstelsel",
    "Grondslagen voor waardering en resultaatbepaling",
    "Rapporteringsvaluta",
    "Vergelijkende cijfers",
    "Herwaardering",
    "Verbonden partijen",
    "Consolidatie",
    "Nevenvestigingen",
    "Valutaomrekening",
    "Immateriële vaste activa",
    "Materiële vaste activa",
    "Financiële vaste activa",
    "Effecten",
    "Vorderingen",
    "Liquide middelen",
    "Voorzieningen",
    "Kortlopende schulden",
    "Baten",
    "Bijdragen en subsidies",
    "Resultaat deelnemingen",
    "Lasten",
    "Intercompany-transacties",
    "Vennootschapsbelasting",
    "Pensioenen",
    "Algemene grondslagen kasstroomoverzicht",
    "Overige informatie",
    "Rente- en kredietrisico's",
    "Tekstuele analyse",
    "Toelichting op de enkelvoudige balans",
    "Materiële vaste activa (1)",
    "Financiële vaste activa (2)",
    "Deelnemingen (2)",
    "Overige effecten (2)",
    "Handelsdebiteuren (3)",
    "Belastingen (4)",
    "Intercompany (5)",
    "Overlopende activa (6)",
    "Liquide middelen (7)",
    "Eigen vermogen (8)",
    "Herwaarderingsreserve",
    "Overige reserves (8)",
    "Bestemmingsreserve (8)",
    "Wettelijke verplichte statutaire reserve (8)",
    "Omrekenverschillen (8)",
    "Onverdeeld resultaat boekjaar (8)",
    "Voorzieningen (9)",
    "Egalisatievoorziening (9)",
    "Voorziening ambtsjubilea (9)",
    "Handelscrediteuren (10)",
    "Belastingen en premie sociale verzekeringen (11)",
    "Intercompany (12)",
    "Overlopende passiva (13)",
    "Overige schulden (14)",
    "Niet in de balans opgenomen rechten en verplichtingen",
    "Wet Ketenaansprakelijkheid",
    "Hoofdelijke aansprakelijkheid",
    "Toelichting op de enkelvoudige staat van baten en lasten",
    "Bijdrage projecten (15)",
    "Fonds GGU 2024",
    "Overige baten (16)",
    "Salarissen, sociale lasten en pensioenlasten (17)",
    "Overige personeelslasten (18)",
    "Kantoor- en huisvestingslasten (19)",
    "Activiteitslasten (20)",
    "Overige lasten (21)",
    "Financiële baten en lasten (22)",
    "Resultaat deelnemingen (23)",
    "VNG Diensten B.V.",
    "VNG Connect Holding B.V.",
    "VNG Risicobeheer B.V.",
    "VNG International B.V.",
    "VNG Realisatie B.V.",
    "WNT-verantwoording 2024 Vereniging van Nederlandse Gemeenten",
    "Bezoldiging topfunctionarissen",
    "Gegevens 2024",
    "Gegevens 2023",
    "Overzicht 2024 voor de WNT van de Toezichthoudende functionarissen",
    "Geconsolideerde jaarrekening 2024",
    "Geconsolideerde balans per 31 december 2024",
    "Geconsolideerde staat van baten en lasten over 2024",
    "Resultaatsbestemming",
    "Geconsolideerd kasstroomoverzicht",
    "Toelichting op de geconsolideerde balans",
    "Materiële vaste activa (24)",
    "Liquide middelen (25)",
    "Voorzieningen (26)",
    "Overlopende passiva (27)",
    "Overige schulden (28)",
    "Overige informatie",
    "Bankgaranties",
    "Niet in de balans opgenomen rechten en verplichtingen",
    "Omzetbelasting",
    "Vennootschapsbelasting",
    "Gebeurtenissen na balansdatum",
    "Wet Ketenaansprakelijkheid",
    "Toelichting op de geconsolideerde staat van baten en lasten",
    "Algemeen",
    "Vergoeding geleverde diensten (29)",
    "Overige baten (30)",
    "Personeelslasten (31)",
    "Overige lasten (32)",
    "Honoraria",
    "Overzicht mutatie eigen vermogen",
    "Namens het bestuur",
    "Overige gegevens",
    "Overige zaken betreffende de jaarrekening",
    "Vaststelling jaarrekening",
]


def _lines(pdf_path: Path) -> list[str]:
    """The PDF's text as pdftotext reads it, a line a list item, after the inhoudsopgave."""
    found = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [" ".join(line.split()) for line in found.replace("\u2019", "'").splitlines()]
    contents = lines.index("Inhoudsopgave")
    return lines[next(i for i in range(contents + 1, len(lines)) if lines[i] == "Voorwoord") :]


def heading_at(lines: list[str], heading: str, start: int) -> int | None:
    """The first line from ``start`` that is ``heading``: a line (or a heading wrapped
    over the next lines) that starts with it, where a letter does not go on the word."""
    for index in range(start, len(lines)):
        for size in (1, 2, 3):
            joined = " ".join(lines[index : index + size])
            if len(joined) < len(heading):
                continue
            if joined.startswith(heading):
                rest = joined[len(heading) :]
                if not rest[:1].isalpha() and (not rest or len(lines[index]) < 80):
                    return index
            break
    return None


def parts_missing(lines: list[str], headings: list[str]) -> list[str]:
    """The headings not found in the PDF after the one before them."""
    missing, at = [], 0
    for heading in headings:
        found = heading_at(lines, heading, at)
        if found is None:
            missing.append(heading)
        else:
            at = found + 1
    return missing


def test_every_part_of_the_published_report_in_its_order(pdf_path: Path) -> None:
    assert parts_missing(_lines(pdf_path), DELEN) == []


def test_the_check_of_the_parts_can_fail(pdf_path: Path) -> None:
    lines = _lines(pdf_path)
    assert parts_missing(lines, ["Tekstuele analyse", "Rente- en kredietrisico's"]) == [
        "Rente- en kredietrisico's"  # out of order
    ]
    without = [line for line in lines if line != "Nevenvestigingen"]
    assert parts_missing(without, DELEN) == ["Nevenvestigingen"]
    assert heading_at(["Beleggingsportefeuilles"], "Beleggingsportefeuille", 0) is None


def test_the_new_parts_have_their_computed_figures(reader: PdfReader) -> None:
    balans = _part(reader, "Toelichting op de enkelvoudige balans")
    assert "Eigen vermogen (8) 2024 2023 Herwaarderingsreserves 6.462 1.780" in balans
    assert "Stand per 31 december 60.360 56.301" in balans
    baten_lasten = _part(reader, "Toelichting op de enkelvoudige staat van baten en lasten")
    for figure in ("€ 0,716 miljoen positief", "€ 1,518 miljoen positief", "€ 0,117 miljoen"):
        assert figure in baten_lasten, figure  # the deelnemingen as note (23) has them
    # note (21) opens with its line of the staat van baten en lasten, then its specificatie
    note_21 = baten_lasten[baten_lasten.index("Overige lasten (21)") :]
    assert "-907 1.404 1.802" in note_21[: note_21.index("Overige lasten (21): specificatie")]
    groep = _part(reader, "Toelichting op de geconsolideerde staat van baten en lasten")
    assert "€ 0,634 miljoen negatief" in groep and "€ 1,135 miljoen negatief" in groep
    wnt = _part(reader, "WNT-verantwoording 2024 Vereniging van Nederlandse Gemeenten")
    gegevens_2024 = wnt[wnt.index("Gegevens 2024") : wnt.index("Gegevens 2023")]
    assert "178.331,90" in gegevens_2024 and "166.299,89" not in gegevens_2024
    assert "166.299,89" in wnt[wnt.index("Gegevens 2023") :]
    # the norm of the year as the books' wnt-norm has it, before the tables
    intro = wnt[: wnt.index("Bezoldiging topfunctionarissen")]
    assert "bezoldigingsmaximum over 2024 bedraagt € 0,233 miljoen" in intro
    assert "voorzitter van het bestuur is het maximum 15,00%" in intro


def test_a_table_of_two_years_is_set_as_a_table_per_year() -> None:
    two = StatementTable(
        "wnt.x",
        "X",
        ("A 2024", "B 2024", "A 2023"),
        (Row("r", "R", "line", (Decimal(1), Decimal(2), Decimal(3)), texts=("a", "b", "c")),),
    )
    [(first, now), (second, before)] = pdf.per_year(two)
    assert (first, now.columns, now.rows[0].amounts, now.rows[0].texts) == (
        "2024",
        ("A", "B"),
        (Decimal(1), Decimal(2)),
        ("a", "b"),
    )
    assert (second, before.columns, before.rows[0].texts) == ("2023", ("A",), ("c",))
    plain = replace(two, columns=("A", "B", "C"))
    assert pdf.per_year(plain) == [("", plain)]


def test_the_parts_are_in_the_published_order(reader: PdfReader) -> None:
    parts = [t for level, t, _ in _outline(reader) if level == 0]
    positions = [parts.index(p) for p in PARTS]
    assert positions == sorted(positions), parts


def test_outline_has_the_parts_and_their_sections(reader: PdfReader) -> None:
    outline = _outline(reader)
    titles = [t for _, t, _ in outline]
    for title in ("Handelsdebiteuren (3)", "Handelscrediteuren (10)", "Overlopende passiva (13)"):
        assert title in titles, title
    assert all(level in (0, 1) for level, _, _ in outline)
    pages = [p for _, _, p in outline]
    assert pages == sorted(pages)  # each bookmark leads to its own place, in order


def test_inhoudsopgave_is_one_page_of_the_parts_each_a_link(reader: PdfReader) -> None:
    contents = reader.pages[1]
    page_text = contents.extract_text()
    assert "Inhoudsopgave" in page_text
    parts = [t for level, t, _ in _outline(reader) if level == 0]
    for part in parts:
        assert part in page_text, part
    assert "Inhoudsopgave" not in reader.pages[2].extract_text()  # one page
    assert "Handelsdebiteuren (3)" not in page_text  # the parts, not every table
    links = [a.get_object() for a in contents.get("/Annots", [])]
    links = [a for a in links if a.get("/Subtype") == "/Link"]
    assert len(links) >= len(parts)


def test_no_reference_to_a_note_that_does_not_exist(reader: PdfReader) -> None:
    notes = {
        found.group(1)
        for _, title, _ in _outline(reader)
        for found in [re.search(r"\((\d+)\)", title)]
        if found
    }
    text = " ".join(_pages(reader))
    referenced = set(re.findall(r"\((\d{1,2})\)", text))
    assert referenced, "geen enkele verwijzing gevonden"
    assert referenced <= notes, sorted(referenced - notes, key=int)


def test_balance_headings_carry_their_note_numbers(reader: PdfReader) -> None:
    text = _part(reader, "Enkelvoudige jaarrekening 2024")
    for heading in (
        "Materiële vaste activa (1)",
        "Financiële vaste activa (2)",
        "Eigen vermogen (8)",
        "Voorzieningen (9)",
        "Handelscrediteuren (10)",
    ):
        assert heading in text, heading


def test_consolidated_statements_say_their_unit_and_appropriation(reader: PdfReader) -> None:
    text = _part(reader, "Geconsolideerde jaarrekening 2024")
    balans = text.split("Geconsolideerde balans per 31 december 2024", 1)[1][:200]
    assert balans.lstrip().startswith("Voor bestemming van het resultaat (bedragen x € 1.000)")
    for title in (
        "Geconsolideerde staat van baten en lasten over 2024",
        "Geconsolideerd kasstroomoverzicht",
    ):
        assert text.split(title, 1)[1].lstrip().startswith("(bedragen x € 1.000)"), title


def test_notes_6_and_13_disclose_the_restated_comparatives(reader: PdfReader) -> None:
    text = _part(reader, "Toelichting op de enkelvoudige balans")
    for note, bruto, balans in (
        ("Overlopende activa (6)", "78.425", "9.076"),
        ("Overlopende passiva (13)", "131.085", "61.736"),
    ):
        part = text.split(note, 1)[1][:900]
        assert "2023 (wijziging presentatie)" in part, note
        assert "Vergelijkende cijfers aangepast" in part, note
        assert f"€ {bruto}" in part and f"€ {balans}" in part, note
    # a note whose comparatives are as on the balance says nothing of the kind
    other = text.split("Liquide middelen (7)", 1)[1][:400]
    assert "wijziging presentatie" not in other


def test_herwaarderingsreserve_stands_with_the_eigen_vermogen(reader: PdfReader) -> None:
    titles = [t for _, t, _ in _outline(reader)]
    herwaardering = next(i for i, t in enumerate(titles) if t.startswith("Herwaarderingsreserve ("))
    assert titles[herwaardering].endswith("(8)")
    assert (
        titles.index("Liquide middelen (7)") < herwaardering < titles.index("Overige reserves (8)")
    )


def test_toezichthouders_are_listed_once(reader: PdfReader) -> None:
    text = _part(reader, "WNT-verantwoording 2024 Vereniging van Nederlandse Gemeenten")
    for name, _, _ in pub.WNT_TOEZICHTHOUDERS:
        assert len(re.findall(re.escape(name) + r"(?![\w.])", text)) == 1, name


def test_wnt_text_columns_have_their_header_on_their_side(
    tables_2024: dict[str, StatementTable], books: Any
) -> None:
    from statements.wnt import build_toezichthouders

    table = build_toezichthouders(books, 2024, "Vereniging van Nederlandse Gemeenten")
    assert table.rows
    flowable = pdf.statement_flowable(table, pdf._Styles(), "euros")
    header = flowable._cellvalues[0]
    assert [cell.style.alignment for cell in header[1:3]] == [TA_LEFT, TA_LEFT]  # Functie, Periode
    assert [cell.style.alignment for cell in header[3:]] != [TA_LEFT, TA_LEFT]  # the amounts


def test_every_column_is_set_to_one_side(books: Any) -> None:
    """Header and cells of a column share their alignment: text left (the WNT's functie,
    the bestuur's ambt), figures right (amounts, fte, percentages), in every table."""
    from statements.wnt import build_drempel, build_toezichthouders
    from vng.build import entity_tables

    extra = [
        build_toezichthouders(books, 2024, "Vereniging van Nederlandse Gemeenten"),
        build_drempel(books, 2024, "Vereniging van Nederlandse Gemeenten"),
    ]
    sides: dict[str, set[int]] = {}
    for table in [*entity_tables(books, 2024), *[t for t in extra if t is not None]]:
        cells = pdf.statement_flowable(table, pdf._Styles(), "euros")._cellvalues
        for column in range(1, len(table.columns) + 1):
            found = {row[column].style.alignment for row in cells}
            assert len(found) == 1, (table.id, table.columns[column - 1], found)
            sides.setdefault(table.id, set()).update(found)
    assert sides["bestuursverslag.personeel"] == {TA_RIGHT}
    assert TA_LEFT in sides["bestuursverslag.samenstelling_bestuur"]


# --- headers wrap at word boundaries, or hyphenate -----------------------------------


def _broken_well(label: str, lines: list[str]) -> bool:
    """Every line of ``lines`` ends where ``label`` has a space, or with a hyphen the
    wrap inserted; together they spell ``label``."""
    rest = label
    for line in lines:
        if rest.startswith(line):
            rest = rest[len(line) :]
            if rest and not rest.startswith(" "):
                return False  # broken inside a word, without a hyphen
        elif line.endswith("-") and rest.startswith(line[:-1]):
            rest = rest[len(line) - 1 :]
        else:
            return False
        rest = rest.lstrip(" ")
    return rest == ""


@pytest.mark.parametrize(
    "label,width",
    [
        ("Bedrijfsgebouwen en -terreinen", 20 * pdf.mm),
        ("Machines en installaties", 20 * pdf.mm),
        ("Andere vaste bedrijfsmiddelen", 20 * pdf.mm),
        ("Individueel toepasselijke bezoldigingsmaximum", 24 * pdf.mm),
        ("Realisatie 2024", 28 * pdf.mm),
    ],
)
def test_a_header_wraps_at_words_or_hyphenates(label: str, width: float) -> None:
    styles = pdf._Styles()
    style = styles.head_right
    lines = pdf.wrap_words(label, style.fontName, style.fontSize, width - pdf.CELL_PADDING)
    assert _broken_well(label, lines), lines
    for line in lines:
        assert pdf.pdfmetrics.stringWidth(line, style.fontName, style.fontSize) <= (
            width - pdf.CELL_PADDING
        ), line


def test_the_check_of_a_header_can_fail() -> None:
    assert not _broken_well("Bedrijfsgebouwen", ["Bedrijfsge", "bouwen"])
    assert _broken_well("Bedrijfsgebouwen", ["Bedrijfs-", "gebouwen"])


def test_mva_headers_in_the_pdf_are_hyphenated(reader: PdfReader) -> None:
    text = _part(reader, "Toelichting op de enkelvoudige balans")
    assert "Bedrijfsge bouwen" not in text and "installa ties" not in text
    assert "Bedrijfs-" in text and "installa-" in text


def test_every_table_fits_its_frame(
    tables_2024: dict[str, StatementTable],
) -> None:
    """reportlab's wrapped size of each table within the frame's width; every header
    cell's lines within its column."""
    styles = pdf._Styles()
    for table in tables_2024.values():
        first = 70 * pdf.mm if len(table.columns) > 3 else 85 * pdf.mm
        flowable = pdf.statement_flowable(table, styles, first_width=first)
        header = list(flowable._cellvalues[0][1:])
        width, _ = flowable.wrap(pdf.WIDTH, 10_000)
        assert width <= pdf.WIDTH + 0.01, table.id
        for cell, column in zip(header, flowable._colWidths[1:], strict=True):
            for line in cell.text.split("<br/>"):
                plain = re.sub(r"<[^>]+>", "", line).replace("&amp;", "&")
                size = pdf.pdfmetrics.stringWidth(plain, cell.style.fontName, cell.style.fontSize)
                assert size <= column - pdf.CELL_PADDING + 0.01, (table.id, plain)


def test_a_reference_to_a_missing_note_is_left_out() -> None:
    table = StatementTable(
        "t",
        "T",
        ("2024",),
        (
            Row("a", "Met toelichting", "line", (Decimal(1),), 1, note="3"),
            Row("b", "Zonder toelichting", "line", (Decimal(1),), 1, note="27"),
        ),
    )
    flowable = pdf.statement_flowable(table, pdf._Styles(), notes=frozenset({"3"}))
    labels = [row[0].text for row in flowable._cellvalues[1:]]
    assert labels == ["Met toelichting (3)", "Zonder toelichting"]


def test_every_text_of_the_books_is_a_heading_of_the_pdf(reader: PdfReader, books: Any) -> None:
    from vng_accounts.teksten import read_teksten

    texts, _ = read_teksten(books.entries)
    pages = " ".join(_pages(reader))
    titles = {t for _, t, _ in _outline(reader)}
    for tekst in texts:
        title = tekst.title.format(jaar=2024, vorig_jaar=2023, volgend_jaar=2025)
        assert title in titles or f"{title} " in pages, tekst.key
    assert "{" not in pages  # every placeholder filled


def test_financieel_beleid_prints_the_portfolio_result(reader: PdfReader) -> None:
    text = _part(reader, "Financieel beleid")
    for line in (
        "Dividenden (na dividendbelasting) 794",
        "Overige lasten effectenportefeuille -161",
        "Koersresultaat 3.788",
        "Beleggingsresultaat 4.421",
        "Overige personeelslasten (18) 5.710 2.266 3.444",
    ):
        assert line in text, line
    assert "€ 3,396 miljoen negatief" in _part(reader, "Voorwoord")


def test_the_commitments_per_year_are_in_the_toelichting(reader: PdfReader) -> None:
    text = _part(reader, "Toelichting op de enkelvoudige balans")
    assert "Niet in de balans opgenomen rechten en verplichtingen" in text
    for line in ("2025 3.122", "2026 672", "2027 264", "2028 153", "Totaal 4.211"):
        assert line in text, line


# --- a figure stays on one line with its euro sign and its unit -----------------------


def figures_split(lines: list[str]) -> list[str]:
    """Each place where a figure is broken over two lines: a line that ends with "€"
    (or with the "x" of "x € 1.000"), or an amount at a line's end whose "miljoen",
    "mln" or "%" opens the next line."""
    found = []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if (
            line.endswith("€")
            or (line.endswith(" x") and following.startswith("€"))
            or (line[-1:].isdigit() and re.match(r"(?:miljoen|mln)\b|%", following))
        ):
            found.append(f"{line} | {following}")
    return found


def test_the_check_of_a_split_figure_can_fail() -> None:
    assert figures_split(["een resultaat van €", "3,396 miljoen negatief"]) != []
    assert figures_split(["een resultaat van € 3,396", "miljoen negatief"]) != []
    assert figures_split(["(bedragen x", "€ 1.000)"]) != []
    assert figures_split(["een resultaat van", "€ 3,396 miljoen negatief"]) == []


def test_no_line_of_the_pdf_ends_with_a_euro_sign(pdf_path: Path) -> None:
    """The PDF as pdftotext -layout sets it: no euro sign ends a line before its amount,
    no amount is split from its "miljoen" or "%"."""
    found = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [" ".join(line.split()) for line in found.splitlines()]
    lines = [line for line in lines if line]
    assert sum(line.count("€ ") for line in lines) > 100  # the texts are full of figures
    assert figures_split(lines) == []


def test_a_paragraph_keeps_each_figure_whole_at_any_width() -> None:
    """reportlab's own wrapped lines of a text with figures, at many widths: a line may
    end before "€" or after "miljoen", never between them."""
    styles = pdf._Styles()
    filled = (
        "Het bedrijfsresultaat bedraagt € 3,396 miljoen negatief, € 0,345 miljoen lager "
        "dan begroot (€ -1.234), een rendement van 6,6 % en (bedragen x € 1.000) daarbij."
    )
    for width in range(120, 481, 4):
        (paragraph,) = [p for p in pdf.paragraphs(filled, styles) if isinstance(p, pdf.Paragraph)]
        paragraph.wrap(width, 10_000)
        lines = [" ".join(" ".join(words).split()) for _, words in paragraph.blPara.lines]
        assert " ".join(lines) == " ".join(filled.split())  # nothing lost
        assert figures_split(lines) == [], (width, lines)


# --- the explanations inside the notes (9) and (17) ----------------------------------

# Each text inside a note: the part, the heading of its note's table, the last row of
# that table (the text follows it), the heading after the text, and the figures the
# published report states in its explanation (reference/…-2024.txt, notes (9) and (17)).
NOTE_TEXTS = [
    (
        "Toelichting op de enkelvoudige balans",
        "Voorzieningen (9)",
        None,  # under the note's heading, before its first table
        "Egalisatievoorziening (9)",
        ["twee voorzieningen", "contante waarde"],
    ),
    (
        "Toelichting op de enkelvoudige balans",
        "Egalisatievoorziening (9)",
        "Stand per 31 december 731 1.076",
        "Voorziening ambtsjubilea (9)",
        ["€ 0,345 miljoen lager"],  # published: "gedaald met € 0,345 miljoen"
    ),
    (
        "Toelichting op de enkelvoudige balans",
        "Voorziening ambtsjubilea (9)",
        "Stand per 31 december 437 375",
        "Handelscrediteuren (10)",
        ["jubileumuitkeringen"],
    ),
    (
        "Toelichting op de enkelvoudige staat van baten en lasten",
        "Salarissen, sociale lasten en pensioenlasten (17)",
        "32.585 31.411 28.857",
        "Overige personeelslasten (18)",
        [
            "€ 3,728 miljoen hoger dan in 2023",  # published: "stijgt met € 3,728 miljoen"
            "328,59 fte",
            "308,16 fte",
            "6,6%",
            "16,0%",  # the text says 16%, the kerninformatie 16,0%
            "€ 0,865 miljoen",  # the vergoedingen, -865 and -478 in the table
            "€ 0,478 miljoen",
            "€ 0,099 miljoen",  # the salarislast per fte
            "€ 0,094 miljoen",
        ],
    ),
]


@pytest.mark.parametrize("part,heading,last_row,following,figures", NOTE_TEXTS)
def test_notes_9_and_17_explain_their_tables_with_computed_figures(
    reader: PdfReader,
    part: str,
    heading: str,
    last_row: str | None,
    following: str,
    figures: list[str],
) -> None:
    text = _part(reader, part)
    start = text.index(heading) + len(heading)
    if last_row is not None:
        start = text.index(last_row, start) + len(last_row)
    end = text.index(following, start)
    explanation = text[start:end]
    for figure in figures:
        assert figure in explanation, (heading, figure, explanation)
    assert "{" not in explanation


def test_the_page_in_fava_has_the_note_texts_where_the_pdf_has_them(books: Any) -> None:
    """``outline`` (the Jaarrekening page in Fava) sets each text inside its note as
    the PDF does: under the note's heading, or right after its table."""
    from vng.build import entity_tables

    keys = [*pdf.NOTE_OPENING_TEXTS.values(), *pdf.NOTE_TEXTS.values()]
    report = pdf.Report("V", 2024, "", "Den Haag", tuple(pdf.Section(k, k, "tekst") for k in keys))
    items = [
        getattr(item, "id", None) or getattr(item, "key", None)
        for deel in pdf.outline(report, list(entity_tables(books, 2024)))
        for item in deel.items
    ]
    for table, key in pdf.NOTE_TEXTS.items():
        assert items[items.index(table) + 1] == key
    first = items.index("toelichting.egalisatievoorziening")
    assert items[first - 1] == "noot_voorzieningen"


# --- the bestuursverslag, part by part ------------------------------------------------


def test_financieel_beleid_has_the_portfolio_value_and_the_deelnemingen(reader: PdfReader) -> None:
    text = _part(reader, "Financieel beleid")
    order = [
        "Beleggingsportefeuille",
        "Omvang van de beleggingsportefeuille",
        "Waarde beleggingsportefeuille (bedragen x € 1.000)",
        "Samenstelling resultaat beleggingsportefeuille",
        "Herwaarderingsreserve",
        "Liquiditeitspositie",
        "Vermogen en solvabiliteit",
        "Fraude en continuïteit",
        "Maatschappelijk verantwoord ondernemen",
        "Deelnemingen per 31 december 2024",
        "Resultaatontwikkeling (bedragen x € 1.000)",
        "Vergelijking realisatie 2024 met begroting 2024",
        "Vergelijking realisatie 2024 met realisatie 2023",
        "Toelichting op de bedrijfsrisico's",
    ]
    positions = [text.find(heading) for heading in order]
    assert -1 not in positions, [h for h, p in zip(order, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert "Saldo rekening courant 332" in text  # as published
    for line in (
        "VNG Diensten B.V. Leonard Geluk en Pieter Jeroense Den Haag",
        "VNG Risicobeheer B.V. C. Ravensbergen Den Haag",
        "VNG Realisatie B.V. N. Ducastel Den Haag",
    ):
        assert line in text, line


def _miljoen(thousands: int) -> str:
    """An amount x € 1.000 as a text writes it without its sign: € 0,918 miljoen."""
    return f"€ {abs(thousands) / 1000:.3f} miljoen".replace(".", ",")


def _paragraph(reader: PdfReader, start: str, end: str) -> str:
    text = " ".join(_pages(reader))
    first = text.index(start)
    return text[first : text.index(end, first)]


def test_connect_is_set_against_its_begroting_as_published(reader: PdfReader) -> None:
    """The paragraph on VNG Connect Holding B.V. after note (23) names the figures of
    its begroting the published one does (the budgeted brutomarge is the published
    brutomarge less its published deviation)."""
    p = pub.BEGROTING_CONNECT
    text = _paragraph(reader, "VNG Connect Holding B.V. organiseert", "VNG Risicobeheer B.V.")
    assert "{" not in text
    expected = {
        "resultaat": f"{_miljoen(p['resultaat'])} positief",
        "begroot resultaat": _miljoen(p["resultaat"] - p["verschil_resultaat"]),
        "verschil resultaat": f"{_miljoen(p['verschil_resultaat'])} hoger uit dan begroot",
        "brutomarge": _miljoen(p["brutomarge"]),
        "begrote brutomarge": _miljoen(p["brutomarge"] - p["verschil_brutomarge"]),
        "verschil brutomarge": f"{_miljoen(p['verschil_brutomarge'])} hoger",
        "bedrijfskosten": _miljoen(p["bedrijfskosten"]),
        "begrote bedrijfskosten": _miljoen(p["begroot_bedrijfskosten"]),
        "verschil bedrijfskosten": f"resultaat {_miljoen(p['verschil_bedrijfskosten'])} hoger",
        "rente": _miljoen(
            p["verschil_bedrijfs_en_financieringskosten"] - p["verschil_bedrijfskosten"]
        )
        + " hoger dan begroot",
    }
    missing = {k: v for k, v in expected.items() if v not in text}
    assert missing == {}, text
    percent = re.search(r"(\d+),(\d\d)% en", text)
    assert percent is not None, text
    tenths = int(percent.group(1)) * 10 + int(percent.group(2)) // 10
    assert tenths == p["afwijking_brutomarge_tienden_procent"]  # "ruim 8,6%"
    growth = pub.VORIG_JAAR_CONNECT["groei_brutomarge_procent"]
    assert f"is zij {growth}% hoger." in text, text  # against the year before


def test_risicobeheer_is_set_against_its_begroting_as_published(reader: PdfReader) -> None:
    """The paragraph on VNG Risicobeheer B.V.: its budgeted and realised result before
    tax, and each difference of the published table, in the direction of the result
    (the budget as the erratum gives it: docs/errata.md)."""
    p, diff = pub.BEGROTING_RISICOBEHEER, pub.BEGROTING_RISICOBEHEER_VERSCHILLEN
    budget = pub.BEGROTING_RISICOBEHEER_ERRATA["begroot_resultaat"][0]
    text = _paragraph(reader, "VNG Risicobeheer B.V. adviseert", "VNG International B.V.")
    assert "{" not in text
    expected = [
        f"{_miljoen(p['resultaat'])} positief",
        f"resultaat van {_miljoen(budget)} negatief",
        f"ligt {_miljoen(round(diff['resultaat'] / 1000))} hoger",
    ]
    for regel in ("personeelskosten", "overige_bedrijfskosten", "opbrengsten", "financieel"):
        direction = "hoger" if diff[regel] > 0 else "lager"
        expected.append(f"{_miljoen(round(diff[regel] / 1000))} {direction}")
    missing = [e for e in expected if e not in text]
    assert missing == [], text


def _procent(tenths: int) -> str:
    return f"{tenths // 10},{tenths % 10}%"


def test_international_is_set_against_its_begroting_as_published(reader: PdfReader) -> None:
    """The paragraph on VNG International B.V.: its result after VpB and its rendement
    on eigen vermogen (this year and the year before), its result and the margin on its
    projects against its begroting, that margin against its omzet."""
    p = pub.BEGROTING_INTERNATIONAL
    text = _paragraph(reader, "VNG International B.V. versterkt", "VNG Realisatie B.V.")
    assert "{" not in text
    expected = [
        f"VNG International {_miljoen(p['resultaat_na_vpb'])} over",
        f"{_procent(p['rendement_tienden_procent'])} van haar eigen vermogen",
        f"{_procent(p['rendement_vorig_jaar_tienden_procent'])} was",
        f"{_miljoen(p['verschil_resultaat'])} hoger uit",
        f"bedraagt {_miljoen(p['projectmarge'])}",
        f"{_miljoen(p['verschil_projectmarge'])} hoger dan begroot",
        f"{_miljoen(p['omzet'])} is dat {_procent(p['marge_tienden_procent'])}",
    ]
    missing = [e for e in expected if e not in text]
    assert missing == [], text


def test_realisatie_states_the_result_of_the_books(reader: PdfReader) -> None:
    """The paragraph on VNG Realisatie B.V.: its result before and after VpB and its
    two parts as the books give them (the erratum of docs/errata.md: the printed
    -0,126 and -0,170 contradict note (23) and the kerninformatie)."""
    errata = pub.BEGROTING_REALISATIE_ERRATA
    printed = pub.BEGROTING_REALISATIE
    text = _paragraph(reader, "VNG Realisatie B.V. voert", "WNT-verantwoording")
    assert "{" not in text
    expected = [
        f"bedraagt {_miljoen(errata['resultaat'][0])} positief",
        "zij draagt € 0,037 miljoen",
        f"projecten is {_miljoen(errata['projecten'][0])} positief",
        f"{_miljoen(printed['overige_bedrijfsopbrengsten'])} positief",
    ]
    missing = [e for e in expected if e not in text]
    assert missing == [], text
    assert "negatief" not in text


def test_samenstelling_resultaat_beleggingsportefeuille_in_the_published_order(
    reader: PdfReader,
) -> None:
    """The rows as published, zero printed "-"; the costs and the total as the books
    have them (the erratum of docs/errata.md: -161 and 4.421 for the printed -127 and
    4.455)."""
    text = _part(reader, "Financieel beleid")
    table = text.split("Samenstelling resultaat beleggingsportefeuille", 1)[1]
    table = table.split("Herwaarderingsreserve", 1)[0]
    labels = {
        "coupon": "Coupon",
        "dividenden": "Dividenden (na dividendbelasting)",
        "rente": "Rente",
        "netto_inkomsten": "Netto inkomsten",
        "kosten": "Overige lasten effectenportefeuille",
        "koersresultaat": "Koersresultaat",
        "beleggingsresultaat": "Beleggingsresultaat",
    }
    assert list(labels) == list(pub.BELEGGINGSRESULTAAT)  # the published order
    printed = []
    for line, label in labels.items():
        erratum = pub.BELEGGINGSRESULTAAT_ERRATA.get(line)
        value = erratum[0] if erratum else pub.BELEGGINGSRESULTAAT[line]
        printed.append(f"{label} {f'{value:,}'.replace(',', '.') if value else '-'}")
    positions = [table.find(line) for line in printed]
    assert -1 not in positions, [r for r, p in zip(printed, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_resultaatontwikkeling_prints_the_begroting_of_the_next_year(reader: PdfReader) -> None:
    text = _part(reader, "Financieel beleid")
    table = text.split("Resultaatontwikkeling (bedragen x € 1.000)", 1)[1][:700]
    assert table.lstrip().startswith("Realisatie 2023 Begroot 2024 Realisatie 2024 Begroot 2025")
    for line in (
        "Som der baten 156.191 118.166 172.131 140.802",
        "Som der lasten 159.734 123.227 175.527 145.768",
        "Bedrijfsresultaat -3.543 -5.061 -3.396 -4.966",
    ):
        assert line in table, line


def test_kerninformatie_has_the_personeelsgegevens(reader: PdfReader) -> None:
    text = _part(reader, "Kerninformatie van de VNG")
    for line in (
        "Personeelsgegevens",
        "Bezetting in fte per 31 december 328,59 fte 308,16 fte",
        "Gemiddeld aantal fte 318,38 fte 303,33 fte",
        "Uitstroompercentage 6,6% 16,0%",
        "5,98% 5,49%",
        "Salarislasten in procenten van de lasten 18,",
        "Vraagbaakfunctie",
        "Contactmomenten via de frontoffice 23.890 27.194",
        "waarvan telefonisch 8.788 10.854",
    ):
        assert line in text, line


def test_kerninformatie_prints_the_passiva_negative(reader: PdfReader) -> None:
    """As the report does: the groepsvermogen, voorzieningen and kortlopende schulden
    negative, the column netting to nil ("-") on its last line."""
    text = _part(reader, "Kerninformatie van de VNG")
    table = text[text.index("Geconsolideerde balans van de VNG per ultimo 2024") :]
    for line in (
        "Vaste activa 78.528 74.309",
        "Vlottende activa 177.429 100.811",
        "Groepsvermogen -60.360 -56.301",
        "Voorzieningen -1.541 -2.150",
        "Kortlopende schulden -194.055 -116.669 - -",
    ):
        assert line in table, line


def test_samenstelling_bestuur_has_ambt_and_plaats(reader: PdfReader) -> None:
    text = _part(reader, "Samenstelling bestuur en directie VNG")
    assert "Functie bestuur Functie ambt Plaats" in text
    for line in (
        "Mw. S. Dijksma Voorzitter Burgemeester Utrecht",
        "Dhr. R. Wever Lid van het Bestuur Burgemeester Heerlen",
        "Leonard Geluk Algemeen Directeur",
        # a place name in one piece, not broken inside a word over two lines
        "Dhr. J. Kramer Lid van het Bestuur Burgemeester Noardeast-Fryslân",
        "Dhr. E. Drenth Lid van het Bestuur Wethouder Midden-Groningen",
    ):
        assert line in text, line


def test_the_ondertekening_is_dated_the_day_the_books_say_it_was_made_up(
    reader: PdfReader,
) -> None:
    """``custom "vng-opgemaakt"`` in the books dates the signatures; without it the
    date is left open to be written by hand."""
    instellingen = (BOOKS_DIR / "instellingen.beancount").read_text(encoding="utf-8")
    found = re.search(r'^(\d{4})-(\d{2})-(\d{2}) custom "vng-opgemaakt" 2024', instellingen, re.M)
    assert found
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli"]
    day = f"{int(found[3])} {months[int(found[2]) - 1]} {found[1]}"
    text = _part(reader, "Ondertekening")
    assert f"Den Haag, {day} Namens het bestuur," in text


def test_the_jaarverslag_of_a_year_whose_bestuur_the_books_do_not_name_leaves_lines_to_sign(
    tmp_path: Path,
) -> None:
    """2023: the embedded books name the directie for that year, not the bestuur; the
    PDF is made, and its ondertekening has the lines to sign without names."""
    result = vng(
        "jaarverslag",
        "--year",
        "2023",
        "--books",
        str(BOOKS_DIR / "main.beancount"),
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    text = _part(PdfReader(str(tmp_path / "financieel-jaarverslag-2023.pdf")), "Ondertekening")
    assert "Namens het bestuur," in text
    assert "Leonard Geluk" not in text and "Dijksma" not in text


def test_erratum_the_rise_of_the_salarislast_per_fte_is_not_5_84_percent(reader: PdfReader) -> None:
    """Note (17) says the salarislast per fte rose "van € 0,094 miljoen in 2023 naar
    € 0,099 miljoen in 2024", a rise of 5,84%. The per-fte figures are the note's total
    over the fte at the year-end (the report's personeelsgegevens: 328,59 and 308,16 fte);
    that reading gives 5,90%, the rounded figures 5,32%, and no reading of the printed
    figures (total or salarissen alone, with or without the vergoedingen, over the fte at
    the year-end or on average: 318,38 and 303,33) gives 5,84%. Our text states the two
    figures and no percentage."""
    printed = pub.TOELICHTING["personeelslasten"]
    ultimo, gemiddeld = (
        (Decimal("328.59"), Decimal("308.16")),
        (Decimal("318.38"), Decimal("303.33")),
    )
    total = (Decimal(printed["totaal"][0]), Decimal(printed["totaal"][2]))
    per_fte = [t / f for t, f in zip(total, ultimo, strict=True)]
    assert [round(p / 1000, 3) for p in per_fte] == [Decimal("0.099"), Decimal("0.094")]

    def rise(now: Decimal, then: Decimal) -> Decimal:
        return round((now / then - 1) * 100, 2)

    assert rise(*per_fte) == Decimal("5.90")
    assert rise(Decimal("0.099"), Decimal("0.094")) == Decimal("5.32")
    vergoedingen = (Decimal(-printed["vergoedingen"][0]), Decimal(-printed["vergoedingen"][2]))
    salarissen = (Decimal(printed["salarissen"][0]), Decimal(printed["salarissen"][2]))
    without = tuple(t + v for t, v in zip(total, vergoedingen, strict=True))
    readings = [
        rise(amounts[0] / fte[0], amounts[1] / fte[1])
        for amounts in (total, without, salarissen)
        for fte in (ultimo, gemiddeld)
    ]
    assert Decimal("5.84") not in readings
    explanation = _part(reader, "Toelichting op de enkelvoudige staat van baten en lasten")
    start = explanation.index("Salarissen, sociale lasten en pensioenlasten (17)")
    explanation = explanation[start : explanation.index("Overige personeelslasten (18)", start)]
    assert "€ 0,099 miljoen" in explanation and "5,84" not in explanation
