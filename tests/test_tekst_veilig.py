"""Bank text as the bank sent it, safe where it could run.

Whoever pays the VNG writes the text of a booking: a narration ``=SUM(A1)``,
``-correctie`` or ``@foo`` is imported as it is (an amount that is not plain, such as
``1E+309``, is still refused). It reads back the same from the books' file through
beancount's parser and Fava's editor, and stays text in every export: the workbook
(a text cell, also after LibreOffice recalculates it), the journal CSV beside the
workbook and ``vng query --csv`` (an apostrophe before it, and LibreOffice reading
that CSV with formulas evaluated shows the text), ``vng query --xlsx`` (a text cell).
"""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import amount, data
from beancount.parser import parser, printer
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from importers.base import ImportFailure, check_entry, clean_text, new_entries, one_line
from statements.render.xlsx import CSV_FORMULA_START, csv_text
from tests.conftest import BOOKS_DIR, vng
from tests.fava_site import BFILE, NEEDS_NGINX, USERS, http, start_site
from tests.test_import_veilig import _importer, camt
from tests.test_werkmap import recalculate
from vng_accounts.books import Books, load_books

DATA = Path(__file__).resolve().parent / "importers"
MT940 = DATA / "mt940" / "abn-2024-03-04-formuletekens.sta"
CAMT = DATA / "camt053" / "ing-2024-03-01-formuletekens.xml"
# (payee, narration) of each booking, as the bank wrote them (control characters,
# tabs and line breaks as spaces)
BOOKED = {
    MT940: [
        ('=HYPERLINK("http:x.example","klik")', "Factuur 2024-0101"),
        (None, "=SUM(A1)"),
        (None, "+31 70 373 8393"),
        (None, "-correctie"),
        ("@Gemeente", '"tussen aanhalingstekens" C:\\pad\\n'),
        (None, "=1+1"),  # a tab before it and a bell after it in the file
    ],
    CAMT: [
        ('=HYPERLINK("http://x.example";"klik")', "Factuur 2024-0102"),
        (None, "=SUM(A1)*10"),
        (None, "+31 70 373 8393"),
        (None, "-correctie op factuur 2024-0041"),
        (None, "@foo"),
        (None, "#N/A"),
        (
            'Cateraar "De Lepel" B.V.',
            'regel één "tussen aanhalingstekens" C:\\pad\\n regel twee',
        ),
    ],
}
BOOKED_PAIRS = {pair for pairs in BOOKED.values() for pair in pairs}
# what the journal and the ledger show of each booking: payee and narration
DESCRIPTIONS = [" ".join(t for t in pair if t) for pairs in BOOKED.values() for pair in pairs]
HOSTILE = [
    'a "q" b',
    'back\\slash \\n \\" end\\',
    "=SUM(A1)",
    "regel\nvolgende",
    "cr\rlf",
    "tab\tstop",
    "nel\x85ls\u2028ps\u2029",
    "nul\x00bel\x07esc\x1b[31m",
    "  spaties  ",
]


def _transactions(entries: list[data.Directive]) -> list[data.Transaction]:
    return [e for e in entries if isinstance(e, data.Transaction)]


# --- import: the text as the bank sent it ------------------------------------------------


@pytest.mark.parametrize("path", sorted(BOOKED), ids=lambda p: p.name)
def test_text_that_starts_like_a_formula_is_imported_as_written(books: Books, path: Path) -> None:
    entries = _transactions(new_entries(_importer(books, path), str(path), list(books.entries)))
    assert [(e.payee, e.narration) for e in entries] == BOOKED[path]


@pytest.mark.parametrize(
    "name,text",
    [
        ('=HYPERLINK("http://x","klik")', "Factuur 1"),
        ("Gemeente X", "+31 70 373 8393"),
        ("Gemeente X", "-SUM(A1)"),
        ("@Gemeente", "Factuur 1"),
        ("Gemeente X", "\t=1+1"),
    ],
)
def test_a_formula_like_payee_or_narration_is_kept(
    books: Books, tmp_path: Path, name: str, text: str
) -> None:
    path = camt(
        tmp_path / "formule.xml",
        "4861431.06",
        "4861456.06",
        bookings=(("25.00", "CRDT", name, text),),
    )
    (entry,) = _transactions(new_entries(_importer(books, path), str(path), list(books.entries)))
    assert (entry.payee, entry.narration) == (name, text.strip())


def _entry(text: str, number: Decimal = Decimal("1.00")) -> data.Transaction:
    meta = data.new_metadata("bank.xml", 7)
    meta["referentie"] = text
    units = amount.Amount(number, "EUR")
    return data.Transaction(
        meta,
        datetime.date(2024, 3, 1),
        "!",
        text,
        text,
        frozenset(),
        frozenset(),
        [
            data.Posting("Activa:Bank", units, None, None, None, None),
            data.Posting("Activa:TeVerwerken", -units, None, None, None, None),
        ],
    )


@pytest.mark.parametrize("path", sorted(BOOKED), ids=lambda p: p.name)
def test_favas_import_page_offers_the_same_text(books: Books, path: Path) -> None:
    from fava.core.ingest import WrappedImporter, extract_from_file

    from importers.config import from_books

    existing = list(books.entries)
    (importer,) = [i for i in from_books(lambda: existing) if i.identify(str(path))]
    offered = _transactions(extract_from_file(WrappedImporter(importer), path, existing))
    assert [(e.payee, e.narration) for e in offered] == BOOKED[path]


def test_an_amount_that_is_not_plain_is_still_refused() -> None:
    check_entry(_entry("=SUM(A1)"))  # text is no reason
    with pytest.raises(ImportFailure, match=r"bank.xml:7: bedrag '1E\+309' is geen gewoon"):
        check_entry(_entry("=SUM(A1)", Decimal("1E+309")))


# --- the books' file: what is written reads back the same ------------------------------


def _fava_text(entry: data.Directive) -> str:
    """The entry as Fava writes it (its import page and its editor's entry form)."""
    import fava.core  # noqa: F401  (fava.beans.str needs fava.core imported first)
    from fava.beans.str import to_string

    return str(to_string(entry))


NAMES = "".join(
    f'option "name_{kind}" "{name}"\n'
    for kind, name in (
        ("assets", "Activa"),
        ("liabilities", "Passiva"),
        ("equity", "Vermogen"),
        ("income", "Baten"),
        ("expenses", "Lasten"),
    )
)


def _reads_back(text: str) -> data.Transaction:
    """The one entry ``text`` holds, as beancount's parser reads it (with the books'
    names of the account types)."""
    entries, errors, _ = parser.parse_string(NAMES + text)
    assert errors == [], text
    (back,) = entries
    assert isinstance(back, data.Transaction)
    return back


@pytest.mark.parametrize("text", HOSTILE)
def test_text_on_one_line_reads_back_the_same_through_beancount_and_fava(text: str) -> None:
    entry = one_line(_entry(text))
    assert isinstance(entry, data.Transaction)
    assert entry.narration == clean_text(text) or entry.narration == text
    for written in (printer.format_entry(entry), _fava_text(entry)):
        back = _reads_back(written)
        assert (back.payee, back.narration) == (entry.payee, entry.narration), written
        assert back.meta["referentie"] == entry.meta["referentie"], written


def test_without_one_line_fava_would_change_such_text() -> None:
    """Why the importers put text on one line: Fava's writer splits lines and strips
    their ends, and a carriage return or U+2028 in a string does not read back."""
    entry = _entry("cr\rlf ls\u2028ps")
    assert _reads_back(_fava_text(entry)).narration != entry.narration


# --- through the real stack: vng import, the workbook, the CSV files, vng query -------


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=True)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git copy of the embedded books with both statements imported by ``vng import``;
    returns its main file."""
    folder = tmp_path_factory.mktemp("tekst") / "boeken"
    shutil.copytree(BOOKS_DIR, folder)
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(
        folder, "-c", "user.name=opzet", "-c", "user.email=o@example.invalid", "commit", "-qm", "b"
    )
    main = folder / "main.beancount"
    done = vng(
        "import",
        str(MT940),
        str(CAMT),
        "--books",
        str(main),
        "--output",
        str(folder / "2024.beancount"),
        "--gebruiker",
        "anna",
    )
    assert done.returncode == 0, done.stderr
    # every booking, and each statement's closing balance
    assert f"{len(DESCRIPTIONS) + 2} nieuwe boekingen" in done.stderr
    return main


def test_the_imported_books_hold_the_banks_text(imported: Path) -> None:
    books = load_books(str(imported))
    assert books.errors == ()
    booked = {(e.payee, e.narration) for e in _transactions(list(books.entries))}
    assert BOOKED_PAIRS <= booked
    written = [
        e for e in _transactions(list(books.entries)) if (e.payee, e.narration) in BOOKED_PAIRS
    ]
    assert len(written) == len(DESCRIPTIONS)
    for entry in written:  # what Fava writes when the entry is edited reads back the same
        back = _reads_back(_fava_text(entry))
        assert (back.payee, back.narration, back.meta["referentie"]) == (
            entry.payee,
            entry.narration,
            entry.meta["referentie"],
        )


@pytest.fixture(scope="module")
def workbook(imported: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("uit")
    done = vng("jaarverslag", "--year", "2024", "--books", str(imported), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out / "werkmap-accountant-2024.xlsx"


def _descriptions(book: Workbook, prefix: str, column: int) -> dict[str, list[object]]:
    """Per description of the banks' bookings, the cells of the column that hold it."""
    sheet = book[next(n for n in book.sheetnames if n.startswith(prefix))]
    found: dict[str, list[object]] = {}
    for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        if cell.value in DESCRIPTIONS:
            found.setdefault(str(cell.value), []).append(cell)
    return found


@pytest.mark.parametrize("prefix,column", [("Journaal Vereniging", 6), ("Grootboek Vereniging", 5)])
def test_the_workbook_holds_the_text_as_text_cells(
    workbook: Path, prefix: str, column: int
) -> None:
    found = _descriptions(load_workbook(workbook), prefix, column)
    assert set(found) == set(DESCRIPTIONS)
    for text, cells in found.items():
        for cell in cells:
            assert cell.data_type == "s", (text, cell.coordinate)  # type: ignore[attr-defined]
            quoted = text.startswith(("=", "+", "-", "@"))
            assert cell.quotePrefix == quoted, (text, cell.coordinate)  # type: ignore[attr-defined]


def test_libreoffice_recalculates_the_workbook_and_the_text_stays(
    workbook: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    values = load_workbook(recalculate(workbook, tmp_path_factory.mktemp("lo")), data_only=True)
    for prefix, column in (("Journaal Vereniging", 6), ("Grootboek Vereniging", 5)):
        found = _descriptions(values, prefix, column)
        # every description is still there, as text: no formula result, no error
        assert set(found) == set(DESCRIPTIONS), prefix
        assert all(c.data_type == "s" for cells in found.values() for c in cells)  # type: ignore[attr-defined]


def _libreoffice_csv(path: Path, folder: Path) -> Workbook:
    """``path`` as LibreOffice reads a CSV with formulas evaluated (UTF-8, comma,
    the CSV filter's 13th option), converted to a workbook and read with its values."""
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'profiel').as_uri()}",
            "--headless",
            "--infilter=CSV:44,34,76,1,,1033,false,true,false,false,false,-1,true",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    target = folder / (path.stem + ".xlsx")
    assert result.returncode == 0 and target.exists(), result.stderr
    return load_workbook(target, data_only=True)


def test_libreoffice_evaluates_a_formula_in_a_csv_without_the_apostrophe(tmp_path: Path) -> None:
    """The defence is needed: the same reading turns ``=1+1`` into 2."""
    path = tmp_path / "kaal.csv"
    path.write_text(f"a,b\n=1+1,{csv_text('=1+1')}\n", encoding="utf-8")
    sheet = _libreoffice_csv(path, tmp_path / "lo").active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == [2, "'=1+1"]


def _unquoted(value: str) -> str:
    """A CSV cell as text again: without the apostrophe before a formula-like text."""
    return (
        value[1:] if value.startswith("'") and value[1:2].startswith(CSV_FORMULA_START) else value
    )


def test_the_journal_csv_keeps_the_text_and_the_amounts(imported: Path, tmp_path: Path) -> None:
    from statements.grootboek import build_grootboek
    from statements.render.xlsx import write_journal_csv

    path = tmp_path / "journaal.csv"
    write_journal_csv(build_grootboek(load_books(str(imported)), 2024), None, str(path))
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [r["Omschrijving"] for r in rows]
    assert set(DESCRIPTIONS) <= {_unquoted(t) for t in texts}
    for text in DESCRIPTIONS:
        assert csv_text(text) in texts
        assert (text in texts) == (not text.startswith(("=", "+", "-", "@")))
    assert all(Decimal(r["Debet"] or r["Credit"]) > 0 for r in rows)  # numbers, no sign
    sheet = _libreoffice_csv(path, tmp_path / "lo").active
    assert sheet is not None
    heads = [c.value for c in sheet[1]]
    shown = [r[heads.index("Omschrijving")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert {csv_text(t) for t in DESCRIPTIONS} <= set(shown)  # text, not a formula's result
    amounts = [r[heads.index("Debet")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(a, int | float) for a in amounts if a is not None)


QUERY = (
    "SELECT payee, narration, position WHERE account ~ 'Bank:(ING|Spaarrekening)$' "
    "AND date >= 2024-03-01 AND date <= 2024-03-04 ORDER BY date"
)


def _bank_narrations() -> set[str]:
    return {n for pairs in BOOKED.values() for _, n in pairs}


def test_vng_query_csv_quotes_text_not_numbers(imported: Path, tmp_path: Path) -> None:
    target = tmp_path / "query.csv"
    done = vng("query", QUERY, "--books", str(imported), "--csv", str(target))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    narrations = {r["narration"] for r in rows}
    assert {csv_text(n) for n in _bank_narrations()} <= narrations
    assert _bank_narrations() <= {_unquoted(n) for n in narrations}
    positions = [r["position (EUR)"] for r in rows]
    assert "-20.00" in positions and "-47.00" in positions  # a negative amount: no apostrophe
    assert all(Decimal(p) for p in positions)
    shown = _libreoffice_csv(target, tmp_path / "lo").active
    assert shown is not None
    values = list(shown.iter_rows(min_row=2, values_only=True))
    assert {csv_text(n) for n in _bank_narrations()} <= {v[1] for v in values}
    assert all(isinstance(v[2], int | float) for v in values)


def test_vng_query_xlsx_holds_text_cells(imported: Path, tmp_path: Path) -> None:
    target = tmp_path / "query.xlsx"
    done = vng("query", QUERY, "--books", str(imported), "--xlsx", str(target))
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(target)["Resultaat"]
    cells = {c.value: c for (c,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2)}
    assert _bank_narrations() <= set(cells)
    for text in _bank_narrations():
        assert cells[text].data_type == "s", text
        assert cells[text].quotePrefix == text.startswith(("=", "+", "-", "@")), text
    amounts = [c for (c,) in sheet.iter_rows(min_row=2, min_col=3, max_col=3)]
    assert all(c.data_type == "n" for c in amounts)
    values = load_workbook(recalculate(target, tmp_path / "lo"), data_only=True)["Resultaat"]
    shown = {c.value for (c,) in values.iter_rows(min_row=2, min_col=2, max_col=2)}
    assert _bank_narrations() <= shown


@NEEDS_NGINX
def test_favas_query_download_as_csv_keeps_text_text(imported: Path) -> None:
    """The accountant's download of a query result on Fava's query page, through the
    proxy: the same CSV defence, and Fava's numbers left numbers."""
    import urllib.parse

    served = start_site(imported.parent.parent, str(imported), USERS)
    try:
        query = urllib.parse.urlencode({"query_string": QUERY})
        status, body = http(
            f"{served.url(BFILE)}/download-query/query_result.csv?{query}",
            login=("kees", USERS["kees"][0]),
        )
    finally:
        served.stop()
    assert status == 200, body
    rows = list(csv.DictReader(io.StringIO(body)))
    narrations = {r["narration"] for r in rows}
    assert {csv_text(n) for n in _bank_narrations()} <= narrations
    positions = {r["position (EUR)"] for r in rows}
    assert {"-20.0", "-47.0"} <= positions  # Fava writes floats; a number has no apostrophe
