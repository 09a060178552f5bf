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
        'option "name_expenses" "Lasten"\n\n' + text, encoding="utf-8")
    with main.open("a", encoding="utf-8") as handle:
        handle.write(f'include "{name}"\n')
    return extra


BAD_BOOKS = {
    "syntaxfout": ("fout.beancount",
                   '2024-03-01 * "Leverancier" "Factuur zonder bedragkolom\n'
                   '  Lasten:OverigeLasten  12,50 EUR\n',
                   "fout.beancount"),
    "niet_in_balans": ("fout.beancount",
                       '2024-03-01 * "Leverancier" "Factuur"\n'
                       '  Lasten:OverigeLasten                100.00 EUR\n'
                       '  Passiva:Kortlopend:Handelscrediteuren  -90.00 EUR\n',
                       "fout.beancount"),
    "rekening_zonder_regel": ("fout.beancount",
                              '2024-01-01 open Lasten:Nieuw EUR\n  rgs: "WBedOvrOvr"\n\n'
                              '2024-03-01 * "Leverancier" "Factuur"\n'
                              '  Lasten:Nieuw                          100.00 EUR\n'
                              '  Passiva:Kortlopend:Handelscrediteuren  -100.00 EUR\n',
                              "fout.beancount"),
    "rekening_niet_geopend": ("fout.beancount",
                              '2024-03-01 * "Leverancier" "Factuur"\n'
                              '  Lasten:NooitGeopend                   100.00 EUR\n'
                              '  Passiva:Kortlopend:Handelscrediteuren  -100.00 EUR\n',
                              "fout.beancount"),
    "plugin_niet_toegestaan": ("fout.beancount", 'plugin "os_command_plugin"\n',
                               "fout.beancount"),
    "pythonpath": ("fout.beancount", 'option "insert_pythonpath" "TRUE"\n', "fout.beancount"),
    "drie_decimalen": ("fout.beancount",
                       '2024-03-01 * "Leverancier" "Factuur"\n'
                       '  Lasten:OverigeLasten                  100.005 EUR\n'
                       '  Passiva:Kortlopend:Handelscrediteuren  -100.005 EUR\n',
                       "fout.beancount"),
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
        books_copy: Path, tmp_path: Path, case: str) -> None:
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
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ja')\n"
        "__plugins__ = ()\n", encoding="utf-8")
    _append(books_copy, "fout.beancount",
            f'option "insert_pythonpath" "TRUE"\nplugin "kwaadaardig"\n')
    (books_copy.parent / "kwaadaardig.py").write_text(module.read_text(), encoding="utf-8")
    result = vng("check", "--books", str(books_copy))
    assert result.returncode != 0
    assert "kwaadaardig" in result.stderr
    assert not marker.exists()


def test_missing_books(tmp_path: Path) -> None:
    result = vng("check", "--books", str(tmp_path / "bestaat-niet.beancount"))
    assert result.returncode != 0
    assert "bestaat-niet.beancount:0:" in result.stderr
