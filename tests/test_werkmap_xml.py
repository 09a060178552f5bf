"""The workbook's large sheets (journaal, grootboekkaarten, the journal-entry tests'
hits) are written as the sheet's XML, row by row, not as openpyxl cells: the same
cells as openpyxl writes, byte for byte, for any text, date, time and amount; read
back, every cell holds what the data says."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from statements.render.xlsx import (
    _AMOUNT,
    _TEXT,
    _TIME,
    DATE,
    DATETIME,
    EURO,
    FORMULA_START,
    REMOVED,
    _Writer,
)
from statements.table import StatementTable
from vng_accounts.books import Books

# every character, surrogates and U+FFFE included, and what a bank's text starts with
TEXTS = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=12),
    st.builds(
        "".join,
        st.lists(
            st.sampled_from(["=", "+", "-", "@", " ", "\t", "\r", "\n", "&", "<", ">", '"', "é"])
            | st.sampled_from(["\x00", "\x1f", "\x85", "\xa0", "\ufffe", "\ud800", "😀", "x"]),
            max_size=8,
        ),
    ),
)
WHEN = st.one_of(
    st.none(),
    st.dates(min_value=datetime.date(1900, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1)),
)
AMOUNTS = st.one_of(
    st.none(),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.decimals(allow_nan=False, allow_infinity=False),
)
ROWS = st.lists(st.tuples(TEXTS, WHEN, AMOUNTS, TEXTS), min_size=1, max_size=12)


def _written(rows: list[tuple[str, datetime.date | None, Decimal | None, str]]) -> bytes:
    """A workbook with ``rows`` twice: as openpyxl cells on "Cellen", as XML on "Rijen"."""
    w = _Writer({})
    cells = w.sheet("Cellen", "Test", "openpyxl")
    xml = w.sheet("Rijen", "Test", "XML")
    for sheet in (cells, xml):
        w.header(sheet, ["Tekst", "Wanneer", "Bedrag", "Omschrijving"])
    written = w.rows(xml, [_TEXT, _TIME, _AMOUNT, _TEXT])
    for row, (text, when, amount, description) in enumerate(rows, 2):
        w.text(cells, row, 1, text)
        w.date(cells, row, 2, when)
        w.amount(cells, row, 3, amount)
        w.text(cells, row, 4, description)
        written.add(row, (text, when, amount, description))
    # what was removed is noted at the same cells
    noted = {
        s: [(cell, m) for sheet, cell, m in w.notes if sheet == s] for s in ("Cellen", "Rijen")
    }
    assert noted["Cellen"] == noted["Rijen"]
    assert all(m == REMOVED for _, m in noted["Rijen"])
    return w.save()


@settings(max_examples=150, deadline=None)
@given(ROWS)
def test_rows_written_as_xml_are_the_cells_openpyxl_writes(
    rows: list[tuple[str, datetime.date | None, Decimal | None, str]],
) -> None:
    data = _written(rows)
    archive = zipfile.ZipFile(io.BytesIO(data))
    # the sheets hold the same XML: openpyxl's cells, and the rows written as XML
    assert archive.read("xl/worksheets/sheet1.xml") == archive.read("xl/worksheets/sheet2.xml")
    book = load_workbook(io.BytesIO(data))
    sheet = book["Rijen"]
    assert sheet.max_row == 1 + len(rows)
    for row, (text, when, amount, description) in enumerate(rows, 2):
        for column, value in ((1, text), (4, description)):
            cell = sheet.cell(row=row, column=column)
            kept = "".join(
                c
                for c in value
                if not ("\x00" <= c <= "\x08" or c in "\x0b\x0c" or "\x0e" <= c <= "\x1f")
                and not ("\ud800" <= c <= "\udfff" or c in "\ufffe\uffff")
            )
            # an empty text, as openpyxl writes it, reads back as an empty inline string
            assert (cell.value, cell.data_type) == ((kept, "s") if kept else (None, "inlineStr"))
            assert cell.quotePrefix == kept.startswith(FORMULA_START)
        cell = sheet.cell(row=row, column=2)
        if when is None:
            assert cell.value is None
        else:
            assert cell.is_date
            assert cell.number_format == (DATETIME if isinstance(when, datetime.datetime) else DATE)
            moment = (
                datetime.datetime.combine(when, datetime.time())
                if not isinstance(when, datetime.datetime)
                else when
            )
            assert abs(cell.value - moment) < datetime.timedelta(milliseconds=1)
        cell = sheet.cell(row=row, column=3)
        if amount is None:
            assert cell.value is None
        else:
            assert cell.data_type == "n" and cell.number_format == EURO
            assert cell.value == float(f"{float(amount):.16g}")


def test_a_text_with_characters_a_workbook_cannot_hold_is_noted_at_each_cell() -> None:
    w = _Writer({})
    sheet = w.sheet("Rijen", "Test", "XML")
    w.header(sheet, ["Tekst", "Bedrag"])
    rows = w.rows(sheet, [_TEXT, _AMOUNT])
    rows.add(2, ("bel\x07 nul", Decimal("1.50")))
    rows.add(3, ("=SUM(A1)", None))
    rows.add(5, ("bel\x07 nul", Decimal("-2")))
    assert w.notes == [("Rijen", "A2", REMOVED), ("Rijen", "A5", REMOVED)]
    book = load_workbook(io.BytesIO(w.save()))
    values = [[c.value for c in r] for r in book["Rijen"].iter_rows(min_row=2)]
    assert values == [["bel nul", 1.5], ["=SUM(A1)", None], [None, None], ["bel nul", -2]]
    assert book["Rijen"]["A3"].data_type == "s" and book["Rijen"]["A3"].quotePrefix
    assert book["Rijen"].dimensions == "A1:B5"


def test_an_entitys_sheets_made_apart_are_the_sheets_the_workbook_makes() -> None:
    """The journaal and grootboekkaarten rows a build's worker makes from an entity's
    ledger (``entity_sheets``) give the workbook it makes itself, byte for byte; a text
    with characters removed is noted at the same cells, a formula-like one keeps its
    quote prefix."""
    import dataclasses

    from statements.grootboek import Grootboek, build_grootboek
    from statements.journaalposten import analyse
    from statements.render.xlsx import EntityLedgers, EntitySheets, entity_sheets, render_xlsx
    from tests.conftest import ROOT
    from vng_accounts.books import load_books

    ledger = build_grootboek(load_books(str(ROOT / "ledger" / "csc" / "main.beancount")), 2024)
    first, second, *rest = ledger.entries
    odd = (
        dataclasses.replace(first, user="bel\x07 en =SUM(A1)"),
        dataclasses.replace(
            second,
            lines=tuple(
                dataclasses.replace(line, description="=1+1 \x00") for line in second.lines
            ),
        ),
    )
    ledger = dataclasses.replace(ledger, entries=(*odd, *rest))
    analysis = analyse(ledger)
    apart = entity_sheets(ledger, analysis, first=True)
    assert apart.journaal and apart.journaal.notes
    assert apart.grootboekkaarten and apart.grootboekkaarten.notes
    # a second entity: its hits' rows come after the first's in every test's sheet
    other = build_grootboek(load_books(str(ROOT / "ledger" / "od" / "main.beancount")), 2024)
    others = analyse(other)
    beside = entity_sheets(other, others, first=False)
    assert apart.first_tests and not apart.tests and beside.tests and not beside.first_tests

    def workbook(*entities: tuple[Grootboek, EntitySheets | None]) -> bytes:
        analyses = [analysis if one is ledger else others for one, _ in entities]
        return render_xlsx([EntityLedgers(g, None, m) for g, m in entities], (), analyses)

    made = [workbook((ledger, None), (other, None)), workbook((ledger, apart), (other, beside))]
    # in the other order the first entity's rows, numbered from the top, are made again
    swapped = [workbook((other, None), (ledger, None)), workbook((other, beside), (ledger, apart))]
    for pair in (made, swapped):
        books = [zipfile.ZipFile(io.BytesIO(content)) for content in pair]
        names = books[0].namelist()
        assert names == books[1].namelist() and len(names) > 10
        for name in names:  # zipfile checks each member's CRC as it reads it
            if name != "docProps/core.xml":  # when it was made, to the second
                assert books[0].read(name) == books[1].read(name), name
    hits = load_workbook(io.BytesIO(made[1]))
    entities = {
        cell.value
        for sheet in hits.worksheets
        if sheet.title.startswith("JET ") and sheet.title not in ("JET overzicht", "JET Benford")
        for (cell,) in sheet.iter_rows(min_row=4, max_col=1)
    }
    assert {ledger.entity, other.entity} <= entities
    sheets = load_workbook(
        io.BytesIO(render_xlsx([EntityLedgers(ledger, None, apart)], (), [analysis]))
    )
    journaal = next(s for s in sheets.worksheets if s.title.startswith("Journaal"))
    assert journaal.max_row == 1 + sum(len(e.lines) for e in ledger.entries)
    assert journaal["E2"].value == "bel en =SUM(A1)"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=5000), st.binary(max_size=300))
def test_a_member_of_pieces_compressed_apart_is_the_pieces_together(
    head: bytes, rows: bytes, tail: bytes
) -> None:
    """A sheet's rows compressed once (``deflated``, not ending the stream) between
    its head and tail compressed when the workbook is written: one deflate stream of
    the three, with the CRC-32 of the three together."""
    import zlib

    from statements.render.sheetdata import _member, crc32_combine, deflated

    assert crc32_combine(zlib.crc32(head), zlib.crc32(rows), len(rows)) == zlib.crc32(head + rows)
    for pieces in ((head, deflated(rows, final=False), tail), (deflated(rows, final=False),)):
        member = _member(pieces)
        whole = b"".join(p if isinstance(p, bytes) else rows for p in pieces)
        assert zlib.decompress(member.data, -zlib.MAX_WBITS) == whole
        assert member.crc == zlib.crc32(whole) and member.size == len(whole)


def test_a_workbook_beyond_a_plain_zip_is_written_with_zip64_and_the_same_members() -> None:
    from statements.render.sheetdata import _Archive, deflated

    archive = _Archive()
    archive.writestr("[Content_Types].xml", "<Types/>")
    archive.pieces("xl/worksheets/sheet1.xml", (b"<a>", deflated(b"<row/>" * 99, False), b"</a>"))
    for content in (archive.zip(), archive.zip64()):
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            assert book.testzip() is None
            assert book.read("xl/worksheets/sheet1.xml") == b"<a>" + b"<row/>" * 99 + b"</a>"
            assert book.read("[Content_Types].xml") == b"<Types/>"


def test_the_hits_of_books_beyond_a_worksheet_are_made_apart_and_leave_the_analysis() -> None:
    """Books beyond a worksheet have no journaal rows in the workbook, but their hits'
    rows are made apart: numbered from the top and compressed for the entity that comes
    first, numbered where they go for the others. What the result keeps of the analysis
    then holds neither those hits nor the lines' signals, and the workbook made from it
    is the one made from the whole analysis; rows made for the top of a sheet cannot go
    lower down unnoticed."""
    import dataclasses

    from statements.grootboek import build_grootboek, summarised
    from statements.journaalposten import analyse
    from statements.render.xlsx import EntityLedgers, entity_sheets, kept_analysis, render_xlsx
    from tests.conftest import ROOT
    from vng_accounts.books import load_books

    ledger = build_grootboek(load_books(str(ROOT / "ledger" / "od" / "main.beancount")), 2024)
    analysis, large = analyse(ledger), summarised(ledger)
    first, other = entity_sheets(large, analysis, True), entity_sheets(large, analysis, False)
    assert first.journaal is first.grootboekkaarten is other.journaal is None
    assert not first.tests and not other.first_tests
    with_hits = {t for t, h in analysis.hits.items() if h}
    assert {test for test, _ in first.first_tests} == with_hits
    assert {test for test, rows in other.tests if rows} == with_hits
    for test, part in first.first_tests:
        assert part.rows.packed is not None and not part.rows.parts
        assert (part.rows.first_row, part.last) == (4, 3 + len(analysis.hits[test]))
    kept = kept_analysis(analysis, first)
    assert not kept.flags and not any(kept.hits.get(t) for t in with_hits)
    assert kept.counts == analysis.counts and kept.benford == analysis.benford
    # a second entity after it, as the build has them
    second = dataclasses.replace(large, entity="Tweede B.V.")
    also = dataclasses.replace(analysis, entity="Tweede B.V.")
    beside = entity_sheets(second, also, False)
    whole = render_xlsx([EntityLedgers(large), EntityLedgers(second)], (), [analysis, also])
    made = render_xlsx(
        [EntityLedgers(large, None, first), EntityLedgers(second, None, beside)],
        (),
        [kept, kept_analysis(also, beside)],
    )
    books = [zipfile.ZipFile(io.BytesIO(content)) for content in (whole, made)]
    assert books[0].namelist() == books[1].namelist()
    for name in books[0].namelist():
        if name != "docProps/core.xml":  # when it was made, to the second
            assert books[0].read(name) == books[1].read(name), name
    with pytest.raises(ValueError, match="niet bovenaan"):
        render_xlsx(
            [EntityLedgers(second, None, beside), EntityLedgers(large, None, first)],
            (),
            [kept_analysis(also, beside), kept],
        )


def _members(content: bytes) -> dict[str, tuple[int, bytes]]:
    """Each member of a workbook as it is stored: its CRC and its compressed bytes;
    without the moment it was made (``docProps/core.xml``, to the second)."""
    import struct

    found = {}
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        for info in book.infolist():
            start = (
                info.header_offset
                + 30
                + sum(
                    struct.unpack("<HH", content[info.header_offset + 26 : info.header_offset + 30])
                )
            )
            found[info.filename] = (info.CRC, content[start : start + info.compress_size])
    assert found.pop("docProps/core.xml")
    return found


def _kept(memo: Any) -> int:
    """How many sheets a ``SheetMemo`` keeps (a sheet may be kept under two keys)."""
    return len({id(sheet) for sheet in memo.made.values()})


def test_sheets_taken_from_an_earlier_workbook_give_the_workbook_made_without(
    books: Books,
) -> None:
    """A workbook made with the sheets of an earlier one (``SheetMemo``) is the one made
    without them, member for member as stored: the sheets whose content is unchanged
    are taken as they were written, a changed statement or proefbalans is made again,
    and so is a sheet with a style that not every workbook registers first."""
    import dataclasses

    from statements.grootboek import build_grootboek, build_proefbalans
    from statements.render.xlsx import EntityLedgers, SheetMemo, render_xlsx
    from tests.conftest import ROOT
    from vng.build import entity_tables
    from vng_accounts.books import load_books

    od = load_books(str(ROOT / "ledger" / "od" / "main.beancount"))
    entities = [
        EntityLedgers(build_grootboek(books, 2024), build_proefbalans(books, 2023)),
        EntityLedgers(build_grootboek(od, 2024)),
    ]
    tables = list(entity_tables(books, 2024))
    plain = _members(render_xlsx(entities, tables))
    first = SheetMemo()
    assert _members(render_xlsx(entities, tables, memo=first)) == plain
    # three proefbalansen, the lead schedules and every statement, nothing else
    assert len(tables) + 3 < _kept(first) < len(plain)
    again = SheetMemo(dict(first.made))
    assert _members(render_xlsx(entities, tables, memo=again)) == plain
    assert again.made == first.made

    # one amount of one statement, one name of an account of the other entity
    row = next(r for r in tables[0].rows if r.kind == "line" and r.amounts[0] is not None)
    more = dataclasses.replace(row, amounts=(row.amounts[0] + Decimal("0.01"), *row.amounts[1:]))
    rows = tuple(more if r is row else r for r in tables[0].rows)
    changed = [dataclasses.replace(tables[0], rows=rows), *tables[1:]]
    ledger = entities[1].ledger
    renamed = dataclasses.replace(ledger.accounts[0], name="Hernoemd")
    other = dataclasses.replace(ledger, accounts=(renamed, *ledger.accounts[1:]))
    moved = [entities[0], EntityLedgers(other)]
    after = SheetMemo(dict(first.made))
    expected = _members(render_xlsx(moved, changed))
    assert expected != plain
    assert _members(render_xlsx(moved, changed, memo=after)) == expected
    new = {id(sheet) for key, sheet in after.made.items() if key not in first.made}
    assert len(new) == 2  # that statement, that proefbalans

    # a total whose label starts like a formula: quoted and bold, a style of its own,
    # in two statements (the second finds it registered by the first)
    with_total = [t for t in tables[1:] if any(r.kind == "total" for r in t.rows)][:2]

    def odd(table: StatementTable) -> StatementTable:
        total = next(r for r in table.rows if r.kind == "total")
        return dataclasses.replace(
            table, rows=(dataclasses.replace(total, label="-" + total.label, level=0),)
        )

    quoted = [odd(t) if t in with_total else t for t in tables]
    expected = _members(render_xlsx(entities, quoted))
    for memo in (SheetMemo(dict(first.made)), SheetMemo()):
        assert _members(render_xlsx(entities, quoted, memo=memo)) == expected
        assert _kept(memo) == _kept(first) - 2  # those statements are not kept


def test_an_entity_whose_rows_are_made_apart_needs_its_trial_balance_alone() -> None:
    """With its journaal and grootboekkaarten made apart, the workbook of an entity's
    ledger without its entries (``summarised``: what a build keeps of it) is the one
    of its whole ledger."""
    from statements.grootboek import build_grootboek, summarised
    from statements.journaalposten import analyse
    from statements.render.xlsx import EntityLedgers, entity_sheets, kept_analysis, render_xlsx
    from tests.conftest import ROOT
    from vng_accounts.books import load_books

    ledger = build_grootboek(load_books(str(ROOT / "ledger" / "od" / "main.beancount")), 2024)
    analysis = analyse(ledger)
    apart = entity_sheets(ledger, analysis, first=True)
    kept = kept_analysis(analysis, apart)
    whole = render_xlsx([EntityLedgers(ledger, None, apart)], (), [kept])
    short = render_xlsx([EntityLedgers(summarised(ledger), None, apart)], (), [kept])
    assert _members(short) == _members(whole)
    journaal = next(s for s in load_workbook(io.BytesIO(short)) if s.title.startswith("Journaal"))
    assert journaal.max_row == 1 + sum(len(e.lines) for e in ledger.entries) > 10


def test_a_sheet_that_registers_a_style_while_it_is_made_is_not_kept() -> None:
    """Even when every cell ends with a style that every workbook registers first: the
    style it registered on the way is in this workbook and would not be in one that
    takes the sheet from it."""
    from openpyxl.styles import Font

    from statements.render.xlsx import SheetMemo

    memo = SheetMemo()
    w = _Writer({}, memo)
    plain, odd = w.sheet("Gewoon", "Test", ""), w.sheet("Omweg", "Test", "")
    for sheet, key in ((plain, "a"), (odd, "b")):
        assert not w.reuse(sheet, key)
        cell = w.text(sheet, 1, 1, "Titel")
        if sheet is odd:
            cell.font = Font(italic=True)
        cell.font = Font(bold=True)
        w.made(sheet)
    w.save()
    assert set(memo.made) == {"a"}


def test_statements_whose_formulas_stay_the_same_are_taken_from_an_earlier_workbook(
    books: Books,
) -> None:
    """Figures of the reporting entity that change without changing what a statement
    shows or the formulas that give its amounts (a transaction that adds as much to an
    account's debit as to its credit) leave every statement and lead schedule as an
    earlier workbook wrote it: only that proefbalans is made again. One more account
    in the proefbalans moves the formulas' ranges: the statements are made again. Each
    workbook is the one made without the earlier one."""
    import dataclasses

    from statements.grootboek import LedgerAccount, build_grootboek, build_proefbalans, summarised
    from statements.render.xlsx import EntityLedgers, SheetMemo, render_xlsx
    from vng.build import entity_tables

    ledger = summarised(build_grootboek(books, 2024))
    prior = build_proefbalans(books, 2023)
    tables = list(entity_tables(books, 2024))
    first = SheetMemo()
    render_xlsx([EntityLedgers(ledger, prior)], tables, memo=first)
    assert ledger.turnover is not None
    account = next(a for a, debit, credit in ledger.turnover if debit and credit)
    turnover = tuple(
        (a, d + 10, c + 10) if a == account else (a, d, c) for a, d, c in ledger.turnover
    )
    booked = [EntityLedgers(dataclasses.replace(ledger, turnover=turnover), prior)]
    extra = LedgerAccount("Activa:Extra", "9999", "Extra", "B", "", "", "")
    opened = [EntityLedgers(dataclasses.replace(ledger, accounts=(*ledger.accounts, extra)), prior)]
    made = []
    for entities in (booked, opened):
        expected = _members(render_xlsx(entities, tables))
        after = SheetMemo(dict(first.made))
        assert _members(render_xlsx(entities, tables, memo=after)) == expected
        new = {id(sheet) for sheet in after.made.values()}
        made.append(len(new - {id(sheet) for sheet in first.made.values()}))
    # that proefbalans; then also the lead schedules and most statements
    assert made[0] == 1
    assert made[1] > len(tables) // 2
