"""``vng query``: beanquery on one entity's books, loaded the product's way, written
through pandas as CSV or XLSX with typed cells, or shown as a table; a query that
beanquery refuses writes nothing."""

from __future__ import annotations

import csv
import datetime
import io
import re
import shlex
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from beancount.core import data

from tests.conftest import ROOT, vng
from vng_accounts.books import Books, load_books

SMALL = """\
option "name_assets" "Activa"
option "name_liabilities" "Passiva"
option "name_equity" "Vermogen"
option "name_income" "Baten"
option "name_expenses" "Lasten"
option "operating_currency" "EUR"

plugin "vng_accounts.plugins.rekeningschema"
plugin "vng_accounts.plugins.bedragen"

2024-01-01 custom "vng-entiteit" "Proef B.V."
  jaarrekening: "geconsolideerd"

2024-01-01 open Activa:LiquideMiddelen:Bank EUR
  rgs: "BLimBan"
  geconsolideerd_balans: "liquide_middelen"

2024-01-01 open Vermogen:Kapitaal EUR
  rgs: "BEivKap"
  geconsolideerd_balans: "groepsvermogen"

2024-01-01 open Baten:Premies EUR
  rgs: "WOmzOve"
  geconsolideerd_baten_lasten: "overige_baten"

2024-01-01 * "Moeder" "Storting"
  Activa:LiquideMiddelen:Bank            1000000.00 EUR
  Vermogen:Kapitaal                     -1000000.00 EUR

2024-03-15 * "Gemeente Ede" "Premie 2024" #premie
  Activa:LiquideMiddelen:Bank               1234.57 EUR
  Baten:Premies                            -1234.57 EUR

2024-09-30 * "Gemeente Epe" "Premie 2024" #premie
  Activa:LiquideMiddelen:Bank                0.03 EUR
  Baten:Premies                             -0.03 EUR
"""
PREMIES = "SELECT date, payee, tags, account, position WHERE account ~ '^Baten' ORDER BY date"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "proef.beancount"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_csv_of_a_small_ledger_is_exact(small: Path, tmp_path: Path) -> None:
    target = tmp_path / "uit" / "premies.csv"
    done = vng("query", PREMIES, "--books", str(small), "--csv", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(target)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows == [
        ["date", "payee", "tags", "account", "position (EUR)"],
        ["2024-03-15", "Gemeente Ede", "premie", "Baten:Premies", "-1234.57"],
        ["2024-09-30", "Gemeente Epe", "premie", "Baten:Premies", "-0.03"],
    ]


def test_xlsx_cells_are_typed(small: Path, tmp_path: Path) -> None:
    target = tmp_path / "premies.xlsx"
    done = vng("query", PREMIES, "--books", str(small), "--xlsx", str(target))
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(target)["Resultaat"]
    assert [c.value for c in sheet[1]] == ["date", "payee", "tags", "account", "position (EUR)"]
    date, payee, _, _, amount = sheet[2]
    assert date.is_date and date.value == datetime.datetime(2024, 3, 15)
    assert date.number_format == "dd-mm-yyyy"
    assert payee.value == "Gemeente Ede" and payee.data_type == "s"
    assert amount.data_type == "n"
    # the amounts stand in the file as the books have them, not through a float
    xml = zipfile.ZipFile(target).read("xl/worksheets/sheet1.xml").decode()
    assert re.findall(r'<c r="E\d+"[^>]*><v>([^<]+)</v>', xml) == ["-1234.57", "-0.03"]
    query = openpyxl.load_workbook(target)["Query"]
    assert [[c.value for c in r] for r in query.iter_rows()][:2] == [
        ["Query", PREMIES],
        ["Entiteit", "Proef B.V."],
    ]


def test_table_on_stdout(small: Path) -> None:
    done = vng(
        "query", "SELECT account, sum(position) GROUP BY 1 ORDER BY 1", "--books", str(small)
    )
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines()]
    assert lines == [
        ["account", "sum(position)", "(EUR)"],
        ["Activa:LiquideMiddelen:Bank", "1001234.60"],
        ["Baten:Premies", "-1234.60"],
        ["Vermogen:Kapitaal", "-1000000.00"],
    ]


@pytest.mark.parametrize(
    ("bql", "reason"),
    [
        ("SELEC account", "syntax error (bij teken 1"),
        ("SELECT rekening", 'column "rekening" not found'),
        ("SELECT sum(account)", 'no function matches "sum(str)"'),
    ],
)
def test_bad_bql_writes_nothing(small: Path, tmp_path: Path, bql: str, reason: str) -> None:
    fresh = tmp_path / "nieuw.csv"
    kept = tmp_path / "vorig.xlsx"
    kept.write_bytes(b"vorige uitvoer")
    for option, target in (("--csv", fresh), ("--xlsx", kept)):
        done = vng("query", bql, "--books", str(small), option, str(target))
        assert done.returncode == 1
        assert done.stdout == ""
        assert done.stderr.startswith("vng query: ongeldige query: ") and reason in done.stderr
    assert not fresh.exists()
    assert kept.read_bytes() == b"vorige uitvoer"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []


def test_books_with_errors_are_not_queried(small: Path, tmp_path: Path) -> None:
    """The product's checks run (here the plugin for whole cents): its error at
    file:line, and no output."""
    text = small.read_text(encoding="utf-8")
    small.write_text(text.replace("-0.03 EUR", "-0.031 EUR").replace("0.03 EUR", "0.031 EUR"))
    target = tmp_path / "uit.csv"
    done = vng("query", PREMIES, "--books", str(small), "--csv", str(target))
    assert done.returncode == 1
    line = text.splitlines().index('2024-09-30 * "Gemeente Epe" "Premie 2024" #premie') + 2
    assert re.search(rf"^{re.escape(str(small))}:{line}: ", done.stderr, re.M), done.stderr
    assert not target.exists()


def test_a_plugin_outside_the_allow_list_is_refused(small: Path, tmp_path: Path) -> None:
    small.write_text(SMALL + 'plugin "beancount.plugins.auto"\n', encoding="utf-8")
    done = vng("query", "SELECT account", "--books", str(small))
    assert done.returncode == 1
    assert re.search(rf"^{re.escape(str(small))}:\d+: .*plugin", done.stderr, re.M), done.stderr
    assert done.stdout == ""


def _contributie(books: Books, year: int) -> Decimal:
    return sum(
        (
            p.units.number
            for e in books.entries
            if isinstance(e, data.Transaction) and e.date.year == year
            for p in e.postings
            if p.account.startswith("Baten:Contributie") and p.units.number is not None
        ),
        Decimal(0),
    )


def test_embedded_books_the_vereniging_by_default(books: Books, tmp_path: Path) -> None:
    target = tmp_path / "contributie.csv"
    bql = (
        "SELECT year, sum(number) AS bedrag WHERE account ~ '^Baten:Contributie' "
        "GROUP BY year ORDER BY year"
    )
    done = vng("query", bql, "--csv", str(target))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert {int(r["year"]): Decimal(r["bedrag"]) for r in rows} == {
        year: _contributie(books, year) for year in (2023, 2024)
    }


def test_an_entity_of_the_group(tmp_path: Path) -> None:
    target = tmp_path / "csc.xlsx"
    bql = "SELECT account, sum(position) WHERE year = 2024 GROUP BY 1 ORDER BY 1"
    done = vng("query", bql, "--entity", "csc", "--xlsx", str(target))
    assert done.returncode == 0, done.stderr
    group = (ROOT / "ledger" / "groep" / "groep.beancount").read_text(encoding="utf-8")
    name = re.search(r'"vng-groepsentiteit" "csc" .*\n\s+naam: "([^"]+)"', group)
    assert name
    book = openpyxl.load_workbook(target)
    assert [c.value for c in book["Query"][2]] == ["Entiteit", name.group(1)]
    csc = load_books(str(ROOT / "ledger" / "csc" / "main.beancount"))
    accounts = {
        p.account
        for e in csc.entries
        if isinstance(e, data.Transaction) and e.date.year == 2024
        for p in e.postings
    }
    assert [r[0].value for r in book["Resultaat"].iter_rows(min_row=2)] == sorted(accounts)
    unknown = vng("query", bql, "--entity", "onbekend")
    assert unknown.returncode == 1
    assert "--entity onbekend: geen entiteit van de groep" in unknown.stderr


def test_the_readme_commands_run_as_written(tmp_path: Path) -> None:
    """Every ``vng query`` the README shows, run as written in a fresh folder."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"^\.venv/bin/vng (query .+?)(?:\s+#.*)?$", text, re.M)
    commands = [c for c in found if " [" not in c]  # a synopsis is no command
    assert len(commands) >= 3
    script = Path(sys.executable).with_name("vng")
    for command in commands:
        args = shlex.split(command)
        done = subprocess.run(
            [str(script), *args], capture_output=True, text=True, cwd=tmp_path, check=False
        )
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.strip(), command
        for option in ("--csv", "--xlsx"):
            if option in args:
                assert (tmp_path / args[args.index(option) + 1]).stat().st_size > 0
