"""The accountant's workbook opened the accountant's way: LibreOffice recalculates it
(headless), every statement line that is a formula gives the JSON's amount to the
cent, and a changed proefbalans amount moves the statements."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from tests.conftest import MAIN, vng

NAME = "werkmap-accountant-2024.xlsx"
CENT = Decimal("0.005")
PB = "PB 2024 Vereniging van"  # the proefbalans of the reporting entity


def recalculate(source: Path, folder: Path) -> Path:
    """The workbook as LibreOffice computes it: converted (and so recalculated) into
    ``folder``, read back with its values."""
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) ontbreekt: make test installeert libreoffice-calc-nogui")
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "profiel"
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    target = folder / source.name
    assert result.returncode == 0 and target.exists(), result.stderr
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("werkmap")
    result = vng("jaarverslag", "--year", "2024", "--books", str(MAIN), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def formulas(built: Path) -> Workbook:
    return load_workbook(built / NAME)


@pytest.fixture(scope="module")
def values(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    return load_workbook(recalculate(built / NAME, tmp_path_factory.mktemp("lo")), data_only=True)


@pytest.fixture(scope="module")
def statements(built: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    document = json.loads((built / "jaarrekening-2024.json").read_text(encoding="utf-8"))
    return {s["id"]: s for s in document["statements"]}


def _sheets(book: Workbook) -> dict[str, str]:
    """Statement title (cell A1) -> sheet."""
    return {str(book[n]["A1"].value): n for n in book.sheetnames}


def _is_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith("=")


def test_libreoffice_recalculates_without_errors(values: Workbook) -> None:
    errors = [
        f"{sheet.title}!{cell.coordinate}: {cell.value}"
        for sheet in values.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(("#", "Err:"))
    ]
    assert errors == []


def test_every_formula_line_equals_the_json_to_the_cent(
    formulas: Workbook,
    values: Workbook,
    statements: dict,  # type: ignore[type-arg]
) -> None:
    sheets = _sheets(formulas)
    checked: dict[str, int] = {}
    for statement in statements.values():
        title = sheets[statement["title"]]  # every statement has its sheet
        for offset, line in enumerate(statement["lines"]):
            for column, amount in enumerate(line["amounts"]):
                cell = formulas[title].cell(row=4 + offset, column=2 + column)
                if amount is None or not _is_formula(cell.value):
                    continue
                value = values[title].cell(row=4 + offset, column=2 + column).value
                assert isinstance(value, int | float), (statement["id"], line["id"], column)
                assert abs(Decimal(str(value)) - Decimal(amount)) < CENT, (
                    statement["id"],
                    line["id"],
                    column,
                    cell.value,
                )
                checked[statement["id"]] = checked.get(statement["id"], 0) + 1
    # every amount of the balance and the staat van baten en lasten (the begroting aside,
    # and the overlopende posten, netted per project)
    for ident, columns in (
        ("enkelvoudig.balans", (0, 1)),
        ("enkelvoudig.staat_van_baten_en_lasten", (0, 2)),
        ("geconsolideerd.balans", (0,)),
        ("geconsolideerd.staat_van_baten_en_lasten", (0,)),
    ):
        lines = statements[ident]["lines"]
        expected = sum(
            1
            for line in lines
            for c in columns
            if line["amounts"][c] is not None and not line["id"].startswith("overlopende_")
        )
        assert checked[ident] >= expected, ident
    for ident in ("toelichting.intercompany_vordering", "toelichting.overlopende_passiva"):
        assert checked.get(ident), ident


def test_statement_lines_are_formulas_over_the_proefbalans(
    formulas: Workbook,
    statements: dict,  # type: ignore[type-arg]
) -> None:
    sheet = formulas[_sheets(formulas)[statements["enkelvoudig.balans"]["title"]]]
    lines = [line["id"] for line in statements["enkelvoudig.balans"]["lines"]]
    row = 4 + lines.index("bedrijfsgebouwen")
    assert f"SUMIFS('{PB}'!$M$2" in str(sheet[f"B{row}"].value)
    assert '"bedrijfsgebouwen"' in str(sheet[f"B{row}"].value)
    assert "'PB 2023 Vereniging van'" in str(sheet[f"C{row}"].value)


def _row(sheet: object, column: int, value: str) -> int:
    for cells in sheet.iter_rows(min_row=1):  # type: ignore[attr-defined]
        if cells[column - 1].value == value:
            return int(cells[0].row)
    raise KeyError(value)


def test_a_changed_proefbalans_amount_moves_the_statements(
    built: Path,
    tmp_path: Path,
    values: Workbook,
    statements: dict,  # type: ignore[type-arg]
) -> None:
    book = load_workbook(built / NAME)
    pb = book[PB]
    row = _row(pb, 6, "bedrijfsgebouwen")  # column F: the mapping, the line id
    pb[f"K{row}"].value = Decimal(str(pb[f"K{row}"].value or 0)) + 1000
    changed = tmp_path / NAME
    book.save(changed)
    after = load_workbook(recalculate(changed, tmp_path / "lo"), data_only=True)
    sheets = _sheets(book)

    def amount(book: Workbook, ident: str, line: str, column: int = 0) -> Decimal:
        sheet = sheets[statements[ident]["title"]]
        rows = [x["id"] for x in statements[ident]["lines"]]
        cell = book[sheet].cell(row=4 + rows.index(line), column=2 + column)
        return Decimal(str(cell.value))

    for ident, line in (
        ("enkelvoudig.balans", "bedrijfsgebouwen"),
        ("enkelvoudig.balans", "totaal_activa"),
        ("geconsolideerd.balans", "bedrijfsgebouwen"),
        ("geconsolideerd.balans", "totaal_activa"),
    ):
        moved = amount(after, ident, line) - amount(values, ident, line)
        assert abs(moved - 1000) < CENT, (ident, line, moved)
    # the year before did not move
    assert amount(after, "enkelvoudig.balans", "totaal_activa", 1) == amount(
        values, "enkelvoudig.balans", "totaal_activa", 1
    )


def test_consolidation_worksheets_are_live_and_eliminations_net_to_zero(
    formulas: Workbook, values: Workbook
) -> None:
    sheet = formulas["Consolidatie balans"]
    header = [c.value for c in sheet[3]]
    last = sheet.max_row
    group = header.index("Geconsolideerd") + 1
    entity = header.index("VNG Realisatie B.V.") + 1
    for row in range(4, last):
        assert _is_formula(sheet.cell(row=row, column=group).value), row
    entity_formulas = [
        sheet.cell(row=r, column=entity).value
        for r in range(4, last)
        if _is_formula(sheet.cell(row=r, column=entity).value)
    ]
    assert entity_formulas and all("PB 2024 Realisatie" in str(f) for f in entity_formulas)
    check = values["Consolidatie balans"]
    assert str(check.cell(row=last, column=1).value).startswith("Saldo")
    eliminations = [i + 1 for i, t in enumerate(header) if t and ":" in str(t)]
    assert eliminations
    for column in eliminations:
        assert _is_formula(sheet.cell(row=last, column=column).value)
        assert abs(check.cell(row=last, column=column).value or 0) < 0.005, header[column - 1]


def test_every_entity_both_years_journal_and_ledger(formulas: Workbook) -> None:
    names = formulas.sheetnames
    assert len([n for n in names if n.startswith("PB 2024 ")]) == 10
    assert len([n for n in names if n.startswith("PB 2023 ")]) == 10
    assert len([n for n in names if n.startswith("Journaal ")]) == 10
    assert len([n for n in names if n.startswith("Grootboek ")]) == 10
    assert all(len(n) <= 31 and "_" not in n for n in names)
    pb = formulas[PB]
    assert [c.value for c in pb[1]][:3] == ["Nummer", "Naam", "Rekening"]
    assert pb["A2"].value and pb["B2"].value and " - " in str(pb["B2"].value)
    # debtor and creditor intercompany apart in the mapping's labels
    labels = {c.value for c in pb["G"] if c.value and str(c.value).startswith("Intercompany")}
    assert len(labels) == 2
    journal = formulas["Journaal Vereniging van"]
    header = [c.value for c in journal[1]]
    assert isinstance(journal["C2"].value, datetime.datetime | datetime.date)
    assert isinstance(journal["D2"].value, datetime.datetime)  # booked at (git)
    assert isinstance(journal["J2"].value or journal["K2"].value, int | float)
    assert header[4] == "Gebruiker" and journal["E2"].value


def test_index_links_every_sheet(formulas: Workbook) -> None:
    index = formulas["Index"]
    links = {
        c.hyperlink.location.split("!")[0].strip("'")
        for row in index.iter_rows(min_row=4)
        for c in row
        if c.hyperlink is not None
    }
    assert links == set(formulas.sheetnames)


def test_journal_entry_tests_have_a_sheet_each_and_flag_every_line(
    formulas: Workbook,
) -> None:
    from statements.journaalposten import TESTS

    overview = formulas["JET overzicht"]
    assert "git" in str(overview["A2"].value)
    criteria = [overview.cell(row=r, column=1).value for r in range(5, 5 + len(TESTS))]
    assert criteria == list(TESTS.values())
    assert "JET Benford" in formulas.sheetnames
    journal = formulas["Journaal Vereniging van"]
    header = [c.value for c in journal[1]]
    column = header.index(TESTS["handmatig_baten"])
    flagged: dict[str, set[object]] = {}
    for row in journal.iter_rows(min_row=2, values_only=True):
        flagged.setdefault(str(row[0]), set()).add(row[column])
    hit = [entry for entry, marks in flagged.items() if "ja" in marks]
    assert hit and all(flagged[e] == {"ja"} for e in hit)  # every line of the entry


def _by_entity(book: Workbook, what: str) -> dict[str, str]:
    """Per entity the title of its sheet ``what`` of 2024 (the Index's description)."""
    found = {}
    for title, _, description in book["Index"].iter_rows(min_row=4, values_only=True):
        start = f"{what} 2024 van "
        if isinstance(description, str) and description.startswith(start):
            found[description.removeprefix(start).split(",")[0].split(" (")[0]] = str(title)
    return found


def _cents(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def test_journal_and_ledger_sheets_hold_every_line_as_the_proefbalans_counts_it(
    formulas: Workbook,
) -> None:
    """The journaal and the grootboekkaarten (written as XML, row by row) against the
    proefbalans and the journal-entry tests' overview (openpyxl's cells): per entity
    every posting line, dated, in its account's debit or credit to the cent."""
    from statements.journaalposten import PER_ENTRY, TESTS
    from statements.render.xlsx import DATE, DATETIME, EURO, short_name

    journals, ledgers = _by_entity(formulas, "Journaal"), _by_entity(formulas, "Grootboekkaarten")
    balances = {
        e: t for e, t in _by_entity(formulas, "Proefbalans").items() if t.startswith("PB 2024")
    }
    assert len(journals) == len(ledgers) == len(balances) == 10
    overview = formulas["JET overzicht"]
    heads = [c.value for c in overview[4]]
    counts = {
        str(r[0]): r
        for r in overview.iter_rows(min_row=5, values_only=True)
        if r[0] in TESTS.values()
    }
    tests = {
        label: formulas[title]
        for label, title in (
            (d.removeprefix("Journaalpostentest: "), t)
            for t, _, d in formulas["Index"].iter_rows(min_row=4, values_only=True)
            if str(d).startswith("Journaalpostentest: ")
        )
    }
    assert set(tests) == set(TESTS.values())
    for entity, title in journals.items():
        pb = formulas[balances[entity]]
        expected = {
            str(r[0]): (_cents(r[10]), _cents(r[11]))
            for r in pb.iter_rows(min_row=2, max_row=pb.max_row - 1, values_only=True)
            if r[10] or r[11]
        }
        seen = {}
        for name in (title, ledgers[entity]):
            sheet = formulas[name]
            header = [c.value for c in sheet[1]]
            number, debit = header.index("Nummer"), header.index("Debet")
            date, entry = header.index("Datum"), header.index("Boekstuk")
            totals: dict[str, list[Decimal]] = {}
            lines = []
            for row in sheet.iter_rows(min_row=2):
                assert row[date].is_date and row[date].number_format == DATE, row[date]
                amounts = [c for c in row[debit : debit + 2] if c.value is not None]
                assert len(amounts) == 1 and amounts[0].number_format == EURO, row[0].row
                assert isinstance(amounts[0].value, int | float) and amounts[0].value >= 0
                texts = [c for c in row[:debit] if c.value is not None and c.column != date + 1]
                if name == title and row[3].value is not None:  # geboekt op
                    assert row[3].is_date and row[3].number_format == DATETIME
                    texts.remove(row[3])
                assert all(c.data_type == "s" for c in texts), row[0].row
                total = totals.setdefault(str(row[number].value), [Decimal(0), Decimal(0)])
                total[amounts[0].column - debit - 1] += Decimal(str(amounts[0].value))
                lines.append((row[entry].value, row[date].value, row[number].value))
            assert {k: (_cents(d), _cents(c)) for k, (d, c) in totals.items()} == expected, name
            seen[name] = sorted(lines)
        assert seen[title] == seen[ledgers[entity]]  # the same lines, account by account
        column = heads.index(short_name(entity)) + 1
        population = overview.cell(row=3, column=column).value
        assert len(seen[title]) == population, entity
        # the journal-entry tests: the lines the journaal marks, the overview counts and
        # the test's sheet lists (a row per entry for a test on entries)
        header = [c.value for c in formulas[title][1]]
        journal = list(formulas[title].iter_rows(min_row=2, values_only=True))
        for test, label in TESTS.items():
            marked = [r for r in journal if r[header.index(label)] == "ja"]
            assert len(marked) == counts[label][column - 1], (entity, label)
            rows = tests[label].iter_rows(min_row=4, values_only=True)
            listed = [r for r in rows if r[0] == entity]
            wanted = len({r[0] for r in marked}) if test in PER_ENTRY else len(marked)
            assert len(listed) == wanted, (entity, label)


def test_libreoffice_reads_the_sheets_written_as_xml_as_openpyxl_does(
    formulas: Workbook, values: Workbook
) -> None:
    """LibreOffice opens the journaal, grootboekkaarten and a journal-entry test's
    sheet (written as XML) with every cell as openpyxl reads it."""
    names = [n for n in formulas.sheetnames if n.startswith(("Journaal Ver", "Grootboek Ver"))]
    names += [n for n in formulas.sheetnames if n.startswith("JET ")][1:3]
    assert len(names) == 4
    for name in names:
        ours = [[c.value for c in r] for r in formulas[name].iter_rows()]
        theirs = [[c.value for c in r] for r in values[name].iter_rows()]
        assert len(ours) > 3 and ours == theirs, name


def test_meldingen_says_what_the_build_noticed(formulas: Workbook) -> None:
    notes = [str(r[2]) for r in formulas["Meldingen"].iter_rows(min_row=2, values_only=True)]
    assert any("als waarde" in n for n in notes)


def test_entries_booked_after_the_jaarrekening_are_counted(formulas: Workbook) -> None:
    notes = [str(r[2]) for r in formulas["Meldingen"].iter_rows(min_row=2, values_only=True)]
    found = [n for n in notes if "geboekt na de jaarrekening 2024 (opgemaakt 30-04-2025, " in n]
    assert len(found) == 1 and found[0].startswith("Vereniging van Nederlandse Gemeenten: ")
    assert "instellingen.beancount:" in found[0]


# --- books too large for a worksheet -------------------------------------------------


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The group's books with generated traffic in 2024, the Vereniging's over the
    workbook's 10.000 posting lines, built as ``vng jaarverslag`` builds them."""
    from bench.genereer import genereer

    folder = tmp_path_factory.mktemp("groot")
    genereer(26_000, folder, years=(2024,))
    ledger = folder / "ledger"
    args = ["--year", "2024", "--books", str(ledger / "vereniging" / "main.beancount")]
    args += ["--groep", str(ledger / "groep" / "groep.beancount"), "-q"]
    result = vng("jaarverslag", *args, "--out", str(folder / "uit"))
    assert result.returncode == 0, result.stderr
    again = vng("jaarverslag", *args, "--out", str(folder / "weer"))  # from the cache
    assert again.returncode == 0, again.stderr
    return folder


JOURNAL = "journaal-vereniging-van-nederlandse-gemeenten-2024.csv"


def test_a_large_entity_has_its_journal_beside_the_workbook(large: Path) -> None:
    import csv

    out = large / "uit"
    book = load_workbook(out / NAME)
    journal = next(n for n in book.sheetnames if n.startswith("Journaal Vereniging"))
    assert JOURNAL in str(book[journal]["A2"].value)
    assert book[journal].max_row == 2  # no lines in the sheet
    ledger = next(n for n in book.sheetnames if n.startswith("Grootboek Vereniging"))
    assert JOURNAL in str(book[ledger]["A2"].value)
    index = {r[0].value: r[0] for r in book["Index"].iter_rows(min_row=4)}
    assert index[JOURNAL].hyperlink.target == JOURNAL
    with (out / JOURNAL).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 10_000
    # every line of the year: per account the proefbalans's debit and credit, exactly
    totals: dict[str, list[Decimal]] = {}
    for row in rows:
        debit, credit = Decimal(row["Debet"] or 0), Decimal(row["Credit"] or 0)
        assert (debit > 0) != (credit > 0)
        total = totals.setdefault(row["Nummer"], [Decimal(0), Decimal(0)])
        total[0] += debit
        total[1] += credit
        datetime.date.fromisoformat(row["Datum"])
    pb = book[PB]
    expected = {
        str(r[0]): [Decimal(str(r[10] or 0)), Decimal(str(r[11] or 0))]
        for r in pb.iter_rows(min_row=2, max_row=pb.max_row - 1, values_only=True)
        if r[10] or r[11]
    }
    assert totals == expected
    # the journal-entry tests on every line: as many hits as the overview counts
    overview = book["JET overzicht"]
    heads = [c.value for c in overview[4]]
    column = heads.index("Vereniging van Nederlandse Gemeenten")
    counted = {
        str(r[0]): int(r[column]) for r in overview.iter_rows(min_row=5, values_only=True) if r[0]
    }
    assert len(counted) == 12 and sum(counted.values()) > 0
    assert {label: sum(row[label] == "ja" for row in rows) for label in counted} == counted
    # the smaller entities keep their journal in the workbook
    assert not any(p.name.startswith("journaal-vng-diensten") for p in out.iterdir())
    # written with the other outputs, and the same again from the cache
    assert (large / "weer" / JOURNAL).read_bytes() == (out / JOURNAL).read_bytes()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
