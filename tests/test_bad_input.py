"""Bad books: a clear ``file:line: reason``, a non-zero exit, and no output written —
the previous good output stays as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import vng

LOCATION = re.compile(r"^(?P<file>[^:\n]+\.beancount):(?P<line>\d+): .+", re.M)


def _append(main: Path, name: str, text: str) -> Path:
    extra = main.parent / name
    extra.write_text(
        'option "name_assets" "Activa"\noption "name_liabilities" "Passiva"\n'
        'option "name_equity" "Vermogen"\noption "name_income" "Baten"\n'
        'option "name_expenses" "Lasten"\n\n' + text,
        encoding="utf-8",
    )
    with main.open("a", encoding="utf-8") as handle:
        handle.write(f'include "{name}"\n')
    return extra


BAD_BOOKS = {
    "syntaxfout": (
        "fout.beancount",
        '2024-03-01 * "Leverancier" "Factuur zonder bedragkolom\n'
        "  Lasten:OverigeLasten  12,50 EUR\n",
        "fout.beancount",
    ),
    "niet_in_balans": (
        "fout.beancount",
        '2024-03-01 * "Leverancier" "Factuur"\n'
        "  Lasten:OverigeLasten                100.00 EUR\n"
        "  Passiva:Kortlopend:Handelscrediteuren  -90.00 EUR\n",
        "fout.beancount",
    ),
    "rekening_zonder_regel": (
        "fout.beancount",
        '2024-01-01 open Lasten:Nieuw EUR\n  rgs: "WBedOvrOvr"\n\n'
        '2024-03-01 * "Leverancier" "Factuur"\n'
        "  Lasten:Nieuw                          100.00 EUR\n"
        "  Passiva:Kortlopend:Handelscrediteuren  -100.00 EUR\n",
        "fout.beancount",
    ),
    "rekening_niet_geopend": (
        "fout.beancount",
        '2024-03-01 * "Leverancier" "Factuur"\n'
        "  Lasten:NooitGeopend                   100.00 EUR\n"
        "  Passiva:Kortlopend:Handelscrediteuren  -100.00 EUR\n",
        "fout.beancount",
    ),
    "plugin_niet_toegestaan": ("fout.beancount", 'plugin "os_command_plugin"\n', "fout.beancount"),
    "pythonpath": ("fout.beancount", 'option "insert_pythonpath" "TRUE"\n', "fout.beancount"),
    "koers_ontbreekt": (
        "fout.beancount",
        '2024-01-01 commodity NIEUW\n  categorie: "aandelen"\n\n'
        '2024-09-02 * "Van Lanschot Kempen" "Aankoop nieuw fonds"\n'
        "  Activa:FinancieleVasteActiva:Effecten:Aandelen  100 NIEUW {10.00 EUR}\n"
        "  Activa:LiquideMiddelen:Bank:Effectenrekening  -1000.00 EUR\n",
        "fout.beancount",
    ),
    "meer_verkocht_dan_in_bezit": (
        "fout.beancount",
        '2024-09-02 * "Van Lanschot Kempen" "Verkoop"\n'
        "  Activa:FinancieleVasteActiva:Effecten:Aandelen  "
        "-999999 KEAAND {} @ 150.00 EUR\n"
        "  Activa:LiquideMiddelen:Bank:Effectenrekening  "
        "149999850.00 EUR\n"
        "  Baten:Financieel:OpbrengstEffecten:Koersresultaat\n",
        "fout.beancount",
    ),
    "boeking_in_vastgesteld_jaar": (
        "fout.beancount",
        '2023-11-30 * "Leverancier" "Vergeten factuur"\n'
        "  Lasten:OverigeLasten                   100.00 EUR\n"
        "  Passiva:Kortlopend:Handelscrediteuren  -100.00 EUR\n",
        "fout.beancount",
    ),
    "dekking_groter_dan_reserve": (
        "fout.beancount",
        '2024-10-01 * "Aannemer" "Extra afschrijving begane grond"\n'
        "  Lasten:OverigeLasten                   9000000.00 EUR\n"
        '    dekking: "begane-grond"\n'
        "  Passiva:Kortlopend:Handelscrediteuren  -9000000.00 EUR\n",
        "instellingen.beancount",
    ),
    "drie_decimalen": (
        "fout.beancount",
        '2024-03-01 * "Leverancier" "Factuur"\n'
        "  Lasten:OverigeLasten                  100.005 EUR\n"
        "  Passiva:Kortlopend:Handelscrediteuren  -100.005 EUR\n",
        "fout.beancount",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_BOOKS))
def test_check_refuses_with_file_and_line(books_copy: Path, case: str) -> None:
    name, text, culprit = BAD_BOOKS[case]
    _append(books_copy, name, text)
    result = vng("check", "--books", str(books_copy))
    assert result.returncode != 0
    locations = [m for m in LOCATION.finditer(result.stderr) if m["file"].endswith(culprit)]
    assert locations, result.stderr
    assert all(int(m["line"]) > 0 for m in locations), result.stderr


@pytest.mark.parametrize("case", sorted(BAD_BOOKS))
def test_jaarrekening_writes_nothing_and_keeps_the_previous_output(
    books_copy: Path, tmp_path: Path, case: str
) -> None:
    out = tmp_path / "uit"
    good = vng("jaarrekening", "--year", "2024", "--books", str(books_copy), "--out", str(out))
    assert good.returncode == 0, good.stderr
    target = out / "jaarrekening-2024.json"
    before = target.read_bytes()
    name, text, culprit = BAD_BOOKS[case]
    _append(books_copy, name, text)
    bad = vng("jaarrekening", "--year", "2024", "--books", str(books_copy), "--out", str(out))
    assert bad.returncode != 0
    assert culprit in bad.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["jaarrekening-2024.json"]


def test_no_output_at_all_on_a_first_failing_run(books_copy: Path, tmp_path: Path) -> None:
    _append(books_copy, "fout.beancount", 'plugin "os_command_plugin"\n')
    out = tmp_path / "uit"
    result = vng("jaarrekening", "--year", "2024", "--books", str(books_copy), "--out", str(out))
    assert result.returncode != 0
    assert not out.exists() or list(out.iterdir()) == []


def test_disallowed_plugin_never_runs(books_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "gedraaid"
    module = tmp_path / "kwaadaardig.py"
    module.write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ja')\n" "__plugins__ = ()\n",
        encoding="utf-8",
    )
    _append(
        books_copy, "fout.beancount", 'option "insert_pythonpath" "TRUE"\nplugin "kwaadaardig"\n'
    )
    (books_copy.parent / "kwaadaardig.py").write_text(module.read_text(), encoding="utf-8")
    result = vng("check", "--books", str(books_copy))
    assert result.returncode != 0
    assert "kwaadaardig" in result.stderr
    assert not marker.exists()


def test_missing_books(tmp_path: Path) -> None:
    result = vng("check", "--books", str(tmp_path / "bestaat-niet.beancount"))
    assert result.returncode != 0
    assert "bestaat-niet.beancount:0:" in result.stderr


def test_changing_an_entry_of_a_locked_year_names_it(books_copy: Path) -> None:
    year_file = books_copy.parent / "2023.beancount"
    text = year_file.read_text(encoding="utf-8")
    changed = text.replace(
        '"Contributie maart 2023 ten gunste van het boekjaar"',
        '"Contributie maart 2023 (gecorrigeerd)"',
        1,
    )
    assert changed != text
    year_file.write_text(changed, encoding="utf-8")
    result = vng("check", "--books", str(books_copy))
    assert result.returncode != 0
    assert re.search(
        r"2023\.beancount:\d+: boeking in het vastgestelde jaar 2023 toegevoegd of "
        r"gewijzigd: Contributie maart 2023 \(gecorrigeerd\)",
        result.stderr,
    )
    assert re.search(
        r"main\.beancount:\d+: boeking uit het vastgestelde jaar 2023 verwijderd of "
        r"gewijzigd: 2023-03-31 Contributie maart 2023 ten gunste",
        result.stderr,
    )


def test_removing_an_entry_of_a_locked_year_is_refused(books_copy: Path) -> None:
    year_file = books_copy.parent / "2023.beancount"
    blocks = year_file.read_text(encoding="utf-8").split("\n\n")
    kept = [b for b in blocks if '"Rente spaarrekening Q2 2023"' not in b]
    assert len(kept) == len(blocks) - 1
    year_file.write_text("\n\n".join(kept), encoding="utf-8")
    result = vng("check", "--books", str(books_copy))
    assert result.returncode != 0
    assert "verwijderd of gewijzigd: 2023-06-30 Rente spaarrekening Q2 2023" in result.stderr


def test_tampering_with_the_lock_file_is_refused(books_copy: Path) -> None:
    lock = books_copy.parent / "vastgesteld-2023.txt"
    lock.write_text(
        lock.read_text(encoding="utf-8") + "0" * 64 + " 2023-12-31 extra\n", encoding="utf-8"
    )
    result = vng("check", "--books", str(books_copy))
    assert result.returncode != 0
    assert "vastgesteld-2023.txt is gewijzigd na de vaststelling" in result.stderr


def test_a_vastgesteld_year_cannot_be_locked_twice(books_copy: Path) -> None:
    before = books_copy.read_text(encoding="utf-8")
    result = vng(
        "vaststellen", "--year", "2023", "--datum", "2024-07-01", "--books", str(books_copy)
    )
    assert result.returncode != 0
    assert books_copy.read_text(encoding="utf-8") == before


def test_vaststellen_then_changing_is_refused(books_copy: Path) -> None:
    result = vng(
        "vaststellen", "--year", "2024", "--datum", "2025-06-30", "--books", str(books_copy)
    )
    assert result.returncode == 0, result.stderr
    assert vng("check", "--books", str(books_copy)).returncode == 0
    _append(
        books_copy,
        "fout.beancount",
        '2024-12-30 * "Leverancier" "Na de vaststelling"\n'
        "  Lasten:OverigeLasten                   100.00 EUR\n"
        "  Passiva:Kortlopend:Handelscrediteuren  -100.00 EUR\n",
    )
    result = vng("check", "--books", str(books_copy))
    assert result.returncode != 0
    assert "fout.beancount:7: boeking in het vastgestelde jaar 2024" in result.stderr


def test_a_report_of_books_without_settings_is_file_line_reason() -> None:
    """The document of books whose computation gave no settings stops with the books'
    ``file:line: reason`` (their own errors when they have them), not an assertion."""
    from vng.build import Uitkomst
    from vng.jaarverslag import BuildError, report_of

    books = "ledger/vereniging/main.beancount"
    with pytest.raises(BuildError) as caught:
        report_of(Uitkomst("vereniging"), 2024, (), books)
    (error,) = caught.value.errors
    found = LOCATION.match(error)
    assert found is not None and found["file"] == books, error
    assert "gaf geen instellingen (vng-entiteit)" in error
    own = ("ledger/vereniging/2024.beancount:12: rekening onbekend",)
    with pytest.raises(BuildError) as caught:
        report_of(Uitkomst("vereniging", errors=own), 2024, (), books)
    assert caught.value.errors == own


def test_the_text_guard_reads_every_line_its_pattern_reads() -> None:
    """The guard on the books' text looks only at lines that hold one of its keywords
    (``guard._candidates``): the same lines, at the same places, as its pattern finds
    running through the whole text, whatever else a line holds and wherever it is."""
    from vng_accounts import guard

    lines = [
        'plugin "a"',
        '  plugin "b"',
        '\tinclude "c.beancount"',
        'option "insert_pythonpath" "TRUE"',
        '2024-01-01 custom "fava-extension" "x"',
        '2024/1/1  custom "fava-extension" "y"',
        '2024-01-01 * "plugin" "include option custom"',
        "  Lasten:Custom:Plugin  1.00 EUR",
        'pluginx "nee"',
        '; plugin "uitgeschakeld"',
        "optional",
        "custom",
        "",
        "plugin",
        'include"z"',
        "  option",
        "2024-01-01 open Activa:Option EUR",
    ]
    for rotation in range(len(lines)):
        text = "\n".join(lines[rotation:] + lines[:rotation])
        for variant in (text, text + "\n", "\n" + text):
            ours = [(m.start(), m.group(0)) for m in guard._candidates(variant)]
            theirs = [(m.start(), m.group(0)) for m in guard._CANDIDATE.finditer(variant)]
            assert ours == theirs and len(ours) >= 9


def test_a_plugin_after_many_postings_is_named_with_its_line(tmp_path: Path) -> None:
    from vng_accounts.guard import check_sources

    main = tmp_path / "main.beancount"
    posting = '2024-01-02 * "Drukwerk optie"\n  Lasten:A  1.00 EUR\n  Passiva:B  -1.00 EUR\n'
    main.write_text(posting * 20_000 + 'plugin "kwaadaardig"\n', encoding="utf-8")
    errors = check_sources(str(main))
    assert [(e.source["lineno"], "kwaadaardig" in e.message) for e in errors] == [(60_001, True)]
