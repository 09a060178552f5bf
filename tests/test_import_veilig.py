"""Safe imports: ``vng import --output`` into a git copy of the embedded books.

The duplicate check runs inside the books' lock (two imports at once add a file's
entries once), every import is one commit by the person who ran it, a refused run
leaves the output and HEAD as they were, and the importers refuse amounts the books
cannot hold, statements that do not continue the books and entries in a vastgesteld
year (text that starts like a formula is imported: tests/test_tekst_veilig.py).
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data

from importers.bank import Booking, Statement, balance_before, statement_entries, to_suspense
from importers.base import ImportFailure, decimal_amount, dutch_amount, new_entries
from importers.config import importers_for
from tests.conftest import BOOKS_DIR, vng
from vng_accounts.books import Books

DATA = Path(__file__).resolve().parent / "importers"
MT940 = DATA / "mt940" / "abn-2024-03.sta"
CAMT = DATA / "camt053" / "ing-2024-03-01.xml"
ING = "Activa:LiquideMiddelen:Bank:ING"  # the open with iban: "NL00INGB0000000001"
TE_VERWERKEN = "Activa:Vorderingen:Overlopend:TeVerwerken"


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def boeken(tmp_path: Path) -> Path:
    """A copy of the embedded books in a git repository of its own, committed."""
    folder = tmp_path / "boeken"
    shutil.copytree(BOOKS_DIR, folder)
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(
        folder,
        "-c",
        "user.name=opzet",
        "-c",
        "user.email=opzet@example.invalid",
        "commit",
        "-qm",
        "boeken",
    )
    return folder


def _import(
    folder: Path, *files: Path | str, user: str = "anna"
) -> subprocess.CompletedProcess[str]:
    return vng(
        "import",
        *map(str, files),
        "--books",
        str(folder / "main.beancount"),
        "--output",
        str(folder / "2024.beancount"),
        "--gebruiker",
        user,
    )


def _head(folder: Path) -> str:
    return _git(folder, "rev-parse", "HEAD").strip()


def camt(
    path: Path,
    opening: str,
    closing: str,
    day: str = "2024-03-01",
    bookings: tuple[tuple[str, str, str, str], ...] = (),
    iban: str = "NL00INGB0000000001",
) -> Path:
    """A CAMT.053 statement, of the ING account unless ``iban`` says otherwise;
    bookings (amount, CRDT/DBIT, name, text)."""
    entries = "".join(
        f"<Ntry><Amt Ccy='EUR'>{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>T{n}</AcctSvcrRef>"
        f"<NtryDtls><TxDtls><RltdPties><{'Dbtr' if sign == 'CRDT' else 'Cdtr'}><Nm>{name}</Nm>"
        f"</{'Dbtr' if sign == 'CRDT' else 'Cdtr'}></RltdPties><RmtInf><Ustrd>{text}</Ustrd>"
        "</RmtInf></TxDtls></NtryDtls></Ntry>\n"
        for n, (amount, sign, name, text) in enumerate(bookings)
    )

    def balance(code: str, amount: str) -> str:
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy='EUR'>{amount}</Amt>"
            f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>\n"
        )

    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>\n'
        f"<Stmt><Id>S</Id><Acct><Id><IBAN>{iban}</IBAN></Id></Acct>\n"
        + balance("OPBD", opening)
        + balance("CLBD", closing)
        + entries
        + "</Stmt></BkToCstmrStmt></Document>\n",
        encoding="utf-8",
    )
    return path


def _importer(books: Books, path: Path):  # type: ignore[no-untyped-def]
    return next(i for i in importers_for(books.entries) if i.identify(str(path)))


# --- one commit per import, by who ran it -----------------------------------------------


def test_an_import_is_one_commit_by_its_user_of_the_output_only(boeken: Path) -> None:
    with (boeken / "wnt.beancount").open("a", encoding="utf-8") as handle:
        handle.write("; een wijziging van iemand anders\n")
    before = _head(boeken)
    result = _import(boeken, MT940, user="Anna de Vries")
    assert result.returncode == 0, result.stderr
    assert "3 nieuwe boekingen" in result.stderr
    author, subject = _git(boeken, "log", "-1", "--format=%an|%s").strip().split("|")
    assert author == "Anna de Vries"
    assert "abn-2024-03.sta" in subject and "3 nieuwe boekingen" in subject
    assert _git(boeken, "rev-parse", "HEAD~1").strip() == before
    changed = _git(boeken, "show", "--name-only", "--format=", "HEAD").split()
    assert changed == ["2024.beancount"]
    # the other change is not committed under the importer's name
    assert _git(boeken, "status", "--porcelain", "--", "wnt.beancount").strip()
    assert _git(boeken, "show", "HEAD:2024.beancount").count("ABN24032900017") == 1
    # again: nothing new, no commit
    again = _import(boeken, MT940)
    assert again.returncode == 0 and "0 nieuwe boekingen" in again.stderr
    assert _git(boeken, "rev-parse", "HEAD~1").strip() == before


def test_the_author_comes_from_the_environment_or_the_login(boeken: Path) -> None:
    env = dict(os.environ, VNG_GEBRUIKER="kees")
    script = Path(sys.executable).with_name("vng")
    result = subprocess.run(
        [str(script), "import", str(CAMT), "--books", str(boeken / "main.beancount")]
        + ["--output", str(boeken / "2024.beancount")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _git(boeken, "log", "-1", "--format=%an").strip() == "kees"


def test_two_imports_at_once_add_the_entries_once(boeken: Path) -> None:
    script = Path(sys.executable).with_name("vng")
    command = [str(script), "import", str(MT940), "--books", str(boeken / "main.beancount")]
    command += ["--output", str(boeken / "2024.beancount")]
    runs = [
        subprocess.Popen(
            command + ["--gebruiker", f"gebruiker{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    results = [(run.wait(timeout=300), run.stderr.read() if run.stderr else "") for run in runs]
    assert all(code == 0 for code, _ in results), results
    text = (boeken / "2024.beancount").read_text(encoding="utf-8")
    assert text.count("ABN24032900017") == 1 and text.count("ABN24032900018") == 1
    assert text.count("balance Activa:LiquideMiddelen:Bank:Spaarrekening") == 1
    assert sum("3 nieuwe boekingen" in err for _, err in results) == 1
    assert len(_git(boeken, "log", "--format=%an").split()) == 2  # setup + one import
    assert vng("check", "--books", str(boeken / "main.beancount"), "--groep", "").returncode == 0


# --- refused whole: the output, HEAD and the files as they were -------------------------


def test_one_bad_file_refuses_the_whole_run(boeken: Path, tmp_path: Path) -> None:
    source = tmp_path / "ing-2024-03-01.xml"
    shutil.copy(CAMT, source)
    before, head = (boeken / "2024.beancount").read_bytes(), _head(boeken)
    result = vng(
        "import",
        str(source),
        str(DATA / "mt940" / "abn-2024-03-telt-niet.sta"),
        "--books",
        str(boeken / "main.beancount"),
        "--output",
        str(boeken / "2024.beancount"),
        "--archive",
        str(boeken / "documenten"),
        "--gebruiker",
        "anna",
    )
    assert result.returncode != 0
    assert "abn-2024-03-telt-niet.sta:1: afschrift sluit niet" in result.stderr
    assert (boeken / "2024.beancount").read_bytes() == before and _head(boeken) == head
    assert source.exists() and not (boeken / "documenten").exists()


def test_import_archives_into_the_books_and_commits_the_move(boeken: Path, tmp_path: Path) -> None:
    source = tmp_path / "ing-2024-03-01.xml"
    shutil.copy(CAMT, source)
    result = vng(
        "import",
        str(source),
        "--books",
        str(boeken / "main.beancount"),
        "--output",
        str(boeken / "2024.beancount"),
        "--archive",
        str(boeken / "documenten"),
        "--gebruiker",
        "anna",
    )
    assert result.returncode == 0, result.stderr
    archived = "documenten/Activa/LiquideMiddelen/Bank/ING/2024-03-02.ing-2024-03-01.xml"
    assert not source.exists() and (boeken / archived).exists()
    changed = _git(boeken, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == ["2024.beancount", archived]


def test_an_output_outside_git_or_outside_the_books_is_refused(
    boeken: Path, tmp_path: Path
) -> None:
    loose = tmp_path / "los"
    shutil.copytree(BOOKS_DIR, loose)
    before = (loose / "2024.beancount").read_bytes()
    result = vng(
        "import", str(CAMT), "--books", str(loose / "main.beancount"),
        "--output", str(loose / "2024.beancount"),
    )  # fmt: skip
    assert result.returncode != 0 and "staat niet in een git-repository" in result.stderr
    assert (loose / "2024.beancount").read_bytes() == before
    other = boeken / "nieuw.beancount"
    other.write_text("", encoding="utf-8")
    result = vng(
        "import", str(CAMT), "--books", str(boeken / "main.beancount"), "--output", str(other)
    )
    assert result.returncode != 0 and "hoort niet bij de boeken" in result.stderr
    assert other.read_text(encoding="utf-8") == ""


def test_an_output_with_uncommitted_changes_is_refused(boeken: Path) -> None:
    with (boeken / "2024.beancount").open("a", encoding="utf-8") as handle:
        handle.write("\n; nog niet vastgelegd\n")
    before, head = (boeken / "2024.beancount").read_bytes(), _head(boeken)
    result = _import(boeken, CAMT)
    assert result.returncode != 0 and "wijkt af van de laatste vastlegging" in result.stderr
    assert (boeken / "2024.beancount").read_bytes() == before and _head(boeken) == head


# --- amounts the books can hold ---------------------------------------------------------


def test_an_exponent_amount_is_refused_and_the_books_still_load(
    boeken: Path, tmp_path: Path
) -> None:
    huge = camt(
        tmp_path / "huge.xml",
        "4861431.06",
        "1e309",
        bookings=(("1e309", "CRDT", "Gemeente X", "Groot"),),
    )
    before, head = (boeken / "2024.beancount").read_bytes(), _head(boeken)
    result = _import(boeken, huge)
    assert result.returncode != 0
    assert "huge.xml:" in result.stderr and "'1e309'" in result.stderr
    assert (boeken / "2024.beancount").read_bytes() == before and _head(boeken) == head


@pytest.mark.parametrize(
    "text",
    ["1e309", "1E+3", "1_000.00", "Infinity", "NaN", "12.345", "-5.00", "١٢", "1000000000000.00"],
)
def test_xml_amounts_only_plain_decimals(text: str) -> None:
    with pytest.raises(ImportFailure, match="f:3: bedrag"):
        decimal_amount(text, "f", 3)


def test_plain_amounts_are_read() -> None:
    assert decimal_amount("999999999999.99", "f", 1) == Decimal("999999999999.99")
    assert decimal_amount("25", "f", 1) == Decimal(25)


@pytest.mark.parametrize("text", ["1.000.000.000.000,00", "١٢,٠٠", "99999999999999"])
def test_dutch_amounts_only_sane(text: str) -> None:
    with pytest.raises(ImportFailure, match="f:4: bedrag"):
        dutch_amount(text, "f", 4)


def test_an_mt940_amount_too_large_is_refused(books: Books, tmp_path: Path) -> None:
    path = tmp_path / "groot.sta"
    path.write_text(
        ":20:X\n:25:NL00ABNA0000000002EUR\n:60F:C240301EUR15000027,73\n"
        ":61:2403290329C99999999999999,00N014NONREF//ABN1\n:86:/NAME/X/REMI/Y\n"
        ":62F:C240329EUR100000000015000026,73\n-\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailure, match=r"groot.sta:4: bedrag '99999999999999,00'"):
        new_entries(_importer(books, path), str(path), list(books.entries))


def test_csv_counts_only_ascii_digits(books: Books, tmp_path: Path) -> None:
    path = tmp_path / "bewaarder.csv"
    path.write_text(
        "datum;soort;fonds;aantal;koers;bedrag;dividendbelasting;referentie\n"
        "2024-11-04;aankoop;VLVAST;١٠;107,25;1.072,50;;R1\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailure, match="bewaarder.csv:2: aantal stukken"):
        new_entries(_importer(books, path), str(path), list(books.entries))


# --- the statement continues the books ----------------------------------------------------


def test_a_statement_must_open_at_the_books_balance(boeken: Path, tmp_path: Path) -> None:
    gap = camt(tmp_path / "gat.xml", "1000000.00", "1000025.00",
               bookings=(("25.00", "CRDT", "Gemeente X", "Factuur 1"),))  # fmt: skip
    before = (boeken / "2024.beancount").read_bytes()
    result = _import(boeken, gap)
    assert result.returncode != 0
    assert (
        "gat.xml:3: beginsaldo 1000000.00 op 2024-03-01 sluit niet aan op het saldo "
        f"4861431.06 van {ING} in de boeken" in result.stderr
    )
    assert (boeken / "2024.beancount").read_bytes() == before


def test_the_first_statement_of_an_account_without_entries_opens_at_zero() -> None:
    day = datetime.date(2024, 3, 1)
    opened = Statement("NL00", day, Decimal("100.00"), day, Decimal("100.00"), (), 4)
    with pytest.raises(ImportFailure, match="f:4: beginsaldo 100.00 .* het saldo 0 van Activa:X"):
        statement_entries(opened, "NL00", "Activa:X", "f", [], _suspense)
    empty = Statement("NL00", day, Decimal(0), day, Decimal(0), (), 4)
    assert len(statement_entries(empty, "NL00", "Activa:X", "f", [], _suspense)) == 1


def _suspense(entry: data.Transaction, booking: Booking) -> data.Transaction:
    return to_suspense(entry, TE_VERWERKEN)


# --- the vastgestelde year ------------------------------------------------------------


def test_an_entry_in_a_vastgesteld_year_is_refused(
    books: Books, boeken: Path, tmp_path: Path
) -> None:
    day = datetime.date(2023, 6, 15)
    opening = balance_before(books.entries, ING, day)
    path = camt(
        tmp_path / "ing-2023.xml",
        str(opening),
        str(opening + Decimal("25.00")),
        day=str(day),
        bookings=(("25.00", "CRDT", "Gemeente X", "Late betaling"),),
    )
    before, head = (boeken / "2024.beancount").read_bytes(), _head(boeken)
    result = _import(boeken, path)
    assert result.returncode != 0
    assert "ing-2023.xml:" in result.stderr
    assert "'Late betaling' valt in het vastgestelde jaar 2023" in result.stderr
    assert "main.beancount:" in result.stderr  # where the vaststelling is recorded
    assert (boeken / "2024.beancount").read_bytes() == before and _head(boeken) == head
