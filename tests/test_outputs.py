"""The Financieel Jaarverslag as its readers receive it: PDF, workbook, auditfile."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from pycel import ExcelCompiler
from pypdf import PdfReader

from statements.render.xaf40 import NS as XAF40
from statements.render.xaf40 import XSD
from tests import published_2024 as pub
from tests.conftest import BOOKS_DIR, vng

NS = {"x": XAF40}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("jaarverslag")
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
    return out


@pytest.fixture(scope="module")
def statements(outputs: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    document = json.loads((outputs / "jaarrekening-2024.json").read_text(encoding="utf-8"))
    return {s["id"]: s for s in document["statements"]}


def test_all_outputs_in_one_folder(outputs: Path) -> None:
    names = sorted(p.name for p in outputs.iterdir())
    assert [n for n in names if not n.endswith(".xaf")] == [
        "financieel-jaarverslag-2024.pdf",
        "jaarrekening-2024.json",
        "werkmap-accountant-2024.xlsx",
    ]
    xafs = [n for n in names if n.endswith(".xaf")]
    assert len(xafs) == 10  # one per entity of the group
    for name in xafs:
        assert etree.XMLSchema(etree.parse(str(XSD))).validate(etree.parse(str(outputs / name)))


# --- PDF ---------------------------------------------------------------------------


def _pdf_lines(path: Path) -> list[str]:
    reader = PdfReader(str(path))
    return [
        " ".join(line.split())
        for page in reader.pages
        for line in page.extract_text(extraction_mode="layout").splitlines()
    ]


def _k(amount: str | None) -> str:
    if amount is None:
        return "-"
    value = (Decimal(amount) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return "-" if value == 0 else f"{value:,}".replace(",", ".")


def _errata(kind: str) -> dict:  # type: ignore[type-arg]
    return {(line, column): e for (k, line, column), e in pub.ERRATA.items() if k == kind}


@pytest.mark.parametrize(
    "statement,published,errata",
    [
        ("enkelvoudig.balans", pub.BALANS, _errata("balans")),
        ("enkelvoudig.staat_van_baten_en_lasten", pub.BATEN_LASTEN, _errata("baten_lasten")),
        ("geconsolideerd.balans", pub.GECONSOLIDEERD_BALANS, pub.GECONSOLIDEERD_ERRATA),
        ("geconsolideerd.staat_van_baten_en_lasten", pub.GECONSOLIDEERD_BATEN_LASTEN, {}),
        (
            "geconsolideerd.kasstroomoverzicht",
            {line: (value,) for line, value in pub.KASSTROOM_2024.items()},
            {},
        ),
        ("geconsolideerd.mutatie_eigen_vermogen", pub.MUTATIE_EIGEN_VERMOGEN, {}),
        (
            "toelichting.resultaat_deelnemingen",
            pub.RESULTAAT_DEELNEMINGEN,
            {
                (line.removeprefix("deelnemingen."), column): e
                for (line, column), e in pub.GECONSOLIDEERD_ERRATA.items()
                if line.startswith("deelnemingen.")
            },
        ),
    ],
)
def test_pdf_prints_the_statements_with_the_published_figures(
    outputs: Path, statements: dict, statement: str, published: dict, errata: dict
) -> None:  # type: ignore[type-arg]
    lines = _pdf_lines(outputs / "financieel-jaarverslag-2024.pdf")
    table = statements[statement]
    assert any(table["title"] in line for line in lines)
    for row in table["lines"]:
        if row["kind"] == "header":
            continue
        printed = [_k(a) for a in row["amounts"]]
        amounts = " ".join(re.escape(p) for p in printed) + "$"
        words = row["label"].split()
        found = False
        for cut in range(len(words), 0, -1):  # a long label wraps after its amounts
            head, rest = " ".join(words[:cut]), " ".join(words[cut:])
            pattern = re.compile(re.escape(head) + r"( \(\d+\))? " + amounts)
            found = any(
                pattern.search(line) and (not rest or lines[i + 1].startswith(rest))
                for i, line in enumerate(lines[:-1])
            )
            if found:
                break
        assert found, (row["label"], printed)
        expected = published.get(row["id"], ())
        for column, (got, want) in enumerate(zip(printed, expected, strict=False)):
            erratum = errata.get((row["id"], column))
            want = erratum[0] if erratum else want
            if want and got != "-":
                assert int(got.replace(".", "")) == want, (row["id"], got, want)


def test_pdf_holds_every_part_of_the_report(outputs: Path) -> None:
    text = "\n".join(_pdf_lines(outputs / "financieel-jaarverslag-2024.pdf"))
    for part in (
        "Inhoudsopgave",
        "Voorwoord",
        "Kerninformatie",
        "Samenstelling van baten VNG 2024",
        "Kengetallen",
        "Enkelvoudige balans per 31 december 2024",
        "Toelichting op de enkelvoudige balans",
        "Toelichting op de enkelvoudige staat van baten en lasten",
        "Materiële vaste activa (1)",
        "WNT-verantwoording",
        "Resultaatsbestemming",
        "Ondertekening",
    ):
        assert part in text, part
    assert "178.331,90" in text and "23.309,52" in text  # the WNT to the cent
    assert "€ 0,026 miljoen negatief" in text


# --- workbook ------------------------------------------------------------------------


def test_workbook_formulas_evaluate_to_the_json_amounts(outputs: Path, statements: dict) -> None:  # type: ignore[type-arg]
    path = outputs / "werkmap-accountant-2024.xlsx"
    book = load_workbook(path)
    engine = ExcelCompiler(filename=str(path))
    checked: set[tuple[str, str]] = set()
    by_heading = {book[name]["A1"].value: name for name in book.sheetnames}
    for statement in statements.values():
        title = by_heading.get(statement["title"])
        if title is None:
            continue
        sheet = book[title]
        for offset, row in enumerate(statement["lines"]):
            for column, amount in enumerate(row["amounts"]):
                cell = sheet.cell(row=4 + offset, column=2 + column)
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    value = engine.evaluate(f"'{title}'!{cell.coordinate}")
                    assert abs(Decimal(str(value)) - Decimal(amount)) < Decimal("0.005"), (
                        statement["id"],
                        row["label"],
                        column,
                    )
                    checked.add((statement["id"], row["id"]))
    for expected in [
        ("enkelvoudig.balans", "totaal_activa"),
        ("enkelvoudig.balans", "totaal_passiva"),
        ("enkelvoudig.staat_van_baten_en_lasten", "onverdeeld_resultaat"),
        ("toelichting.overlopende_passiva", "totaal"),
        ("toelichting.bestemmingsreserve", "eind"),
        ("geconsolideerd.balans", "totaal_activa"),
        ("geconsolideerd.balans", "totaal_passiva"),
    ]:
        assert expected in checked, expected


def test_workbook_trial_balance_of_every_entity_foots(outputs: Path) -> None:
    path = outputs / "werkmap-accountant-2024.xlsx"
    engine = ExcelCompiler(filename=str(path))
    book = load_workbook(path)
    # the vereniging and its nine dochters, the year and the year before
    for year in (2024, 2023):
        titles = [t for t in book.sheetnames if t.startswith(f"PB {year} ")]
        assert len(titles) == 10, year
        for title in titles:
            sheet = book[title]
            total = sheet.max_row
            assert total >= 3, title  # at least one account above the total
            assert sheet.cell(row=total, column=2).value == "Totaal", title
            assert abs(engine.evaluate(f"'{title}'!J{total}")) < 0.005, title  # opening foots
            assert abs(engine.evaluate(f"'{title}'!M{total}")) < 0.005, title  # closing foots
            debit = engine.evaluate(f"'{title}'!K{total}")
            assert abs(debit - engine.evaluate(f"'{title}'!L{total}")) < 0.005, title
            # VNG Connect Services is dormant; CILG's books begin in 2024
            assert debit > 0 or "Connect Serv" in title or year == 2023, title


def test_workbook_journal_flags(outputs: Path) -> None:
    sheet = load_workbook(outputs / "werkmap-accountant-2024.xlsx")["Journaal Vereniging van"]
    header = [c.value for c in sheet[1]]
    flagged = {
        h: sum(1 for r in sheet.iter_rows(min_row=2) if r[i].value == "ja")
        for i, h in enumerate(header)
        if h and h.startswith(("memoriaal", "gedateerd", "berekende"))
    }
    assert all(count > 0 for count in flagged.values()), flagged


# --- auditfile -------------------------------------------------------------------------


def test_auditfile_validates_and_foots_to_the_trial_balance(outputs: Path, books) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from statements.balances import balances_at, movements

    path = outputs / "auditfile-vereniging-van-nederlandse-gemeenten-2024.xaf"
    document = etree.parse(str(path))
    assert etree.XMLSchema(etree.parse(str(XSD))).validate(document)
    accounts = {  # the description is the account's name, its parts joined by " - "
        a.findtext("x:accID", namespaces=NS): a.findtext("x:accDesc", namespaces=NS).replace(
            " - ", ":"
        )
        for a in document.iterfind(".//x:ledgerAccount", NS)
    }
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in document.iterfind(".//x:obLine", NS):
        sign = 1 if line.findtext("x:amntTp", namespaces=NS) == "D" else -1
        totals[accounts[line.findtext("x:accID", namespaces=NS)]] += sign * Decimal(
            line.findtext("x:amnt", namespaces=NS)
        )
    result = Decimal(0)
    for line in document.iterfind(".//x:trLine", NS):
        sign = 1 if line.findtext("x:amntTp", namespaces=NS) == "D" else -1
        totals[accounts[line.findtext("x:accID", namespaces=NS)]] += sign * Decimal(
            line.findtext("x:amnt", namespaces=NS)
        )
    closing = balances_at(books.entries, datetime.date(2025, 1, 1))
    year = movements(books.entries, datetime.date(2024, 1, 1), datetime.date(2025, 1, 1))
    for account, amount in totals.items():
        if account.startswith(("Baten", "Lasten")):
            assert amount == year.get(account, 0), account
        elif account != "Vermogen:OnverdeeldResultaat:VorigeBoekjaren":
            assert amount == closing.get(account, 0), account
        result += amount
    assert result == 0


def test_every_entitys_auditfile_validates_and_foots(outputs: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    paths = sorted(outputs.glob("auditfile-*-2024.xaf"))
    assert len(paths) == 10
    for path in paths:
        document = etree.parse(str(path))
        assert schema.validate(document), (path.name, schema.error_log.last_error)

        def signed(line) -> Decimal:  # type: ignore[no-untyped-def]
            sign = 1 if line.findtext("x:amntTp", namespaces=NS) == "D" else -1
            return sign * Decimal(line.findtext("x:amnt", namespaces=NS))

        opening = [signed(line) for line in document.iterfind(".//x:obLine", NS)]
        assert opening and sum(opening) == 0, path.name
        for transaction in document.iterfind(".//x:transaction", NS):
            lines = [signed(line) for line in transaction.iterfind("x:trLine", NS)]
            assert sum(lines) == 0, (path.name, transaction.findtext("x:nr", namespaces=NS))


# --- hostile text ------------------------------------------------------------------------

HOSTILE_NAME = "Łukasz Żółć-مريم <font size=40>Groot</font> <b>"
HOSTILE_NARRATION = "bel\x07 nul\x00 <b>open =SUM(A1) \u202e"


def test_hostile_text_prints_literally_and_never_becomes_a_formula(tmp_path: Path) -> None:
    books = tmp_path / "boeken"
    shutil.copytree(BOOKS_DIR, books)
    extra = books / "vijandig.beancount"
    extra.write_text(
        'option "name_assets" "Activa"\noption "name_liabilities" "Passiva"\n'
        'option "name_equity" "Vermogen"\noption "name_income" "Baten"\n'
        'option "name_expenses" "Lasten"\n\n'
        f'2024-11-04 * "=HYPERLINK(\\"http://x\\")" "{HOSTILE_NARRATION}"\n'
        "  Lasten:OverigeLasten                   12.00 EUR\n"
        "  Passiva:Kortlopend:Handelscrediteuren  -12.00 EUR\n\n"
        f'2024-11-29 custom "wnt-functie" "vijand" "Lid <i>van</i> het Bestuur"\n'
        f'  naam: "{HOSTILE_NAME}"\n  instelling: "Vereniging van Nederlandse Gemeenten"\n'
        '  soort: "toezichthouder-lid"\n  begin: 2024-11-29\n  einde: 2024-12-31\n',
        encoding="utf-8",
    )
    with (books / "main.beancount").open("a", encoding="utf-8") as handle:
        handle.write('include "vijandig.beancount"\n')
    out = tmp_path / "uit"
    result = vng(
        "jaarverslag", "--year", "2024", "--books", str(books / "main.beancount"), "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    text = "\n".join(_pdf_lines(out / "financieel-jaarverslag-2024.pdf"))
    # table cells wrap, so the markup is checked piece by piece: it printed as written
    for piece in ("Łukasz Żółć-مريم <font", "size=40>Groot</font>", "<b>", "Lid <i>van</i> het"):
        assert piece in text, piece
    book = load_workbook(out / "werkmap-accountant-2024.xlsx")
    cells = [
        c
        for row in book["Journaal Vereniging van"].iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells and all(c.data_type == "s" for c in cells)
    assert any("stuurtekens" in str(c.value) for row in book["Meldingen"].iter_rows() for c in row)
    xaf = out / "auditfile-vereniging-van-nederlandse-gemeenten-2024.xaf"
    document = etree.parse(str(xaf))
    assert etree.XMLSchema(etree.parse(str(XSD))).validate(document)
    assert b"bel nul &lt;b&gt;open =SUM(A1)" in xaf.read_bytes()


def test_a_failing_build_leaves_the_previous_outputs(tmp_path: Path, outputs: Path) -> None:
    out = tmp_path / "uit"
    shutil.copytree(outputs, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    books = tmp_path / "boeken"
    shutil.copytree(BOOKS_DIR, books)
    with (books / "2024.beancount").open("a", encoding="utf-8") as handle:
        handle.write(
            '\n2024-12-30 * "X" "niet in balans"\n  Lasten:OverigeLasten  1.00 EUR\n'
            "  Passiva:Kortlopend:Handelscrediteuren  -2.00 EUR\n"
        )
    result = vng(
        "jaarverslag", "--year", "2024", "--books", str(books / "main.beancount"), "--out", str(out)
    )
    assert result.returncode != 0 and "2024.beancount:" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_output_written_elsewhere_that_is_there_already_is_left_as_it_is(
    tmp_path: Path,
) -> None:
    """A file written elsewhere whose target holds the same bytes (an auditfile of an
    unchanged entity, from the cache) leaves the target as it was: not rewritten, not
    synced again; one that differs, if only in its last byte, replaces its target."""
    import os

    from vng.output import write_all_atomic

    out = tmp_path / "uit"
    out.mkdir()
    content = os.urandom(3 << 20)  # beyond a chunk of the comparison
    for name in ("zelfde.xaf", "anders.xaf", "korter.xaf"):
        (out / name).write_bytes(content)
    made = {
        "zelfde.xaf": content,
        "anders.xaf": content[:-1] + bytes([content[-1] ^ 1]),
        "korter.xaf": content[:-1],
        "nieuw.xaf": content,
    }
    staging = tmp_path / "staging"
    staging.mkdir()
    for name, data in made.items():
        (staging / name).write_bytes(data)
    inodes = {p.name: p.stat().st_ino for p in out.iterdir()}
    write_all_atomic({}, {str(out / n): str(staging / n) for n in made})
    assert {p.name: p.read_bytes() for p in out.iterdir()} == made
    assert (out / "zelfde.xaf").stat().st_ino == inodes["zelfde.xaf"]
    assert (staging / "zelfde.xaf").exists()  # left where it was
    for name in ("anders.xaf", "korter.xaf"):
        assert (out / name).stat().st_ino != inodes[name] and not (staging / name).exists()


def test_outputs_written_as_one_are_all_there_or_none_is_touched(tmp_path: Path) -> None:
    """``write_all_atomic`` writes its files side by side: all renamed into place, or,
    when one of them cannot be written, every target as it was and no temp file left."""
    from vng.output import write_all_atomic

    out = tmp_path / "uit"
    out.mkdir()
    (out / "a.json").write_text("oud")
    made = out / ".made"
    made.write_bytes(b"xaf")
    files: dict[str, str | bytes] = {str(out / f"{n}.txt"): f"inhoud {n}" for n in range(12)}
    write_all_atomic({**files, str(out / "a.json"): "nieuw"}, {str(out / "b.xaf"): str(made)})
    assert (out / "a.json").read_text() == "nieuw" and (out / "b.xaf").read_bytes() == b"xaf"
    assert all(Path(p).read_text() == c for p, c in files.items())
    assert not list(out.glob(".tmp-*")) and not made.exists()
    # a target in a folder that cannot be made: nothing changes
    (tmp_path / "bestand").write_text("geen map")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    broken = {**{p: "anders" for p in files}, str(tmp_path / "bestand" / "x.txt"): "x"}
    with pytest.raises(OSError):
        write_all_atomic(broken)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_outputs_are_synced_once_as_they_are_moved_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``vng jaarverslag`` leaves the JSON, the PDF and the workbook in its staging
    folder unsynced and syncs each of them once, before it is renamed into ``--out``
    (``write_all_atomic``): durable where they land, and not synced twice on the way."""
    import os
    from collections import Counter

    from vng import cli

    synced: Counter[int] = Counter()  # per file (its inode) how often it was synced
    real = os.fsync

    def fsync(fd: int) -> None:  # the real sync, with what it synced noted
        synced[os.fstat(fd).st_ino] += 1
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setenv("VNG_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "uit"
    books = str(BOOKS_DIR / "main.beancount")
    command = ["jaarverslag", "--year", "2024", "--books", books, "--out", str(out), "-q"]
    assert cli.main(command) == 0
    names = ("jaarrekening-2024.json", "financieel-jaarverslag-2024.pdf")
    for name in (*names, "werkmap-accountant-2024.xlsx"):
        assert synced[(out / name).stat().st_ino] == 1, name
