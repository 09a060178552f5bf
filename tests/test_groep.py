"""The group file is loaded like books, and ``vng check`` consolidates: every error of
the group, every difference of the equity method and of an intercompany pair, is
``file:line: reason`` on both sides and a non-zero exit."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, vng
from vng_accounts.errors import format_error
from vng_accounts.groep import load_group


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """A writable copy of the embedded books of the whole group."""
    target = tmp_path / "ledger"
    shutil.copytree(ROOT / "ledger", target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _group_args(ledger: Path) -> list[str]:
    return [
        "--books",
        str(ledger / "vereniging" / "main.beancount"),
        "--groep",
        str(ledger / "groep" / "groep.beancount"),
    ]


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def _open_above(path: Path, lineno: int) -> int:
    """The line of the ``open`` whose metadata holds line ``lineno``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i in range(lineno, 0, -1) if " open " in lines[i - 1])


def test_the_embedded_group_checks_and_consolidates_every_year() -> None:
    done = vng("check")
    assert done.returncode == 0, done.stderr
    assert re.search(r"groep\.beancount: consolidatie 2023-\d{4} sluit, geen fouten", done.stdout)
    assert len(re.findall("geen fouten", done.stdout)) == 11  # ten entities and the group


def test_a_bad_date_in_the_group_file_stops_check_and_jaarrekening(
    ledger: Path, tmp_path: Path
) -> None:
    group = ledger / "groep" / "groep.beancount"
    line = _line_of(group, 'custom "vng-groepsentiteit" "connect"')
    _replace(
        group,
        '2023-01-01 custom "vng-groepsentiteit" "connect"',
        '2023-13-01 custom "vng-groepsentiteit" "connect"',
    )
    for command in (["check"], ["jaarrekening", "--year", "2024", "--out", str(tmp_path / "o")]):
        done = vng(*command, *_group_args(ledger))
        assert done.returncode != 0, command
        assert f"{group}:{line}: " in done.stderr, done.stderr
        # the entities below the refused one are named, none is left out silently
        assert "moeder 'connect' is geen entiteit van de groep" in done.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ('2023-01-01 custom "vng-groepsentiteit" "x"\n', "vraagt een sleutel en het pad"),
        (
            '2023-01-01 custom "vng-groepsentiteit" "x" "../services/main.beancount"\n'
            '  moeder: "nergens"\n',
            "moeder 'nergens' is geen entiteit van de groep",
        ),
        (
            '2023-01-01 custom "vng-groepsentiteit" "x" "../services/main.beancount"\n'
            '  moeder: "diensten"\n  belang: 2\n',
            "belang 2 is geen getal > 0 en <= 1",
        ),
        (
            '2023-01-01 custom "vng-groepsentiteit" "x" "../services/main.beancount"\n'
            '  moedr: "diensten"\n',
            "onbekende sleutel 'moedr'",
        ),
        (
            '2023-01-01 custom "vng-groepsentiteit" "x" "../nergens/main.beancount"\n'
            '  moeder: "diensten"\n',
            "boeken ../nergens/main.beancount niet gevonden",
        ),
        (
            '2023-01-01 custom "vng-groepsentiteit" "diensten" "../diensten/main.beancount"\n'
            '  moeder: "vereniging"\n',
            "entiteit 'diensten' staat er twee keer in",
        ),
        (
            '2024-12-31 custom "vng-ic-verschil" "vereniging" "x"\n',
            'custom "vng-ic-verschil" vraagt',
        ),
    ],
)
def test_a_wrong_group_entry_is_an_error_at_its_line(ledger: Path, entry: str, reason: str) -> None:
    group = ledger / "groep" / "groep.beancount"
    line = len(group.read_text(encoding="utf-8").splitlines()) + 2
    with group.open("a", encoding="utf-8") as handle:
        handle.write("\n" + entry)
    _, errors = load_group(str(group))
    assert [format_error(e) for e in errors] == [
        f"{group}:{line}: {format_error(errors[0]).split(': ', 1)[1]}"
    ]
    assert reason in errors[0].message
    done = vng("check", *_group_args(ledger))
    assert done.returncode != 0
    assert f"{group}:{line}: " in done.stderr and reason in done.stderr


def test_every_reference_names_an_entity_of_the_group(ledger: Path) -> None:
    books = ledger / "realisatie" / "main.beancount"
    line = _line_of(books, 'intercompany: "vereniging"')
    _replace(
        books,
        '  geconsolideerd_balans: "overige_vorderingen"\n  intercompany: "vereniging"',
        '  geconsolideerd_balans: "overige_vorderingen"\n  intercompany: "verenging"',
    )
    done = vng("check", *_group_args(ledger))
    assert done.returncode != 0
    opened = _open_above(books, line)
    assert f"{books}:{opened}: intercompany: 'verenging' is geen andere entiteit" in done.stderr


def test_an_intercompany_pair_that_differs_by_100_fails_check_on_both_sides(
    ledger: Path,
) -> None:
    books = ledger / "realisatie" / "main.beancount"
    _replace(
        books,
        "  Passiva:Kortlopend:Intercompany:Vereniging          399316.52 EUR\n"
        "  Activa:LiquideMiddelen:Bank                        -399316.52 EUR",
        "  Passiva:Kortlopend:Intercompany:Vereniging          399416.52 EUR\n"
        "  Activa:LiquideMiddelen:Bank                        -399416.52 EUR",
    )
    changed = _line_of(books, "399416.52 EUR") - 1  # the transaction
    done = vng("check", *_group_args(ledger))
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if "intercompany balans" in line]
    assert len(lines) == 2, done.stderr
    assert all("vereniging - realisatie 2023:" in line for line in lines)
    assert all(line.endswith("verschil 100.00") for line in lines), lines
    assert all(re.search(r"vereniging -?[\d.]+, realisatie -?[\d.]+", line) for line in lines)
    sides = [line.split(": ", 1)[0] for line in lines]
    assert sides[0].startswith(str(ledger / "vereniging" / "2023.beancount") + ":")
    assert sides[1] == f"{books}:{changed}"
    # the counterpart of the changed posting is the one found on the other side
    filename, lineno = sides[0].rsplit(":", 1)
    text = Path(filename).read_text(encoding="utf-8").splitlines()
    assert "399316.52" in "\n".join(text[int(lineno) - 1 : int(lineno) + 4])


SMALL_GROUP = """\
2024-01-01 custom "vng-groepsentiteit" "moeder" "moeder.beancount"
  naam: "Vereniging Voorbeeld"
2024-01-01 custom "vng-groepsentiteit" "dochter" "dochter.beancount"
  naam: "Voorbeeld Diensten B.V."
  moeder: "moeder"
"""

HEADER = """\
option "name_assets" "Activa"
option "name_liabilities" "Passiva"
option "name_equity" "Vermogen"
option "name_income" "Baten"
option "name_expenses" "Lasten"
2024-01-01 custom "vng-entiteit" "{name}"
  jaarrekening: "geconsolideerd"
2024-01-01 open Activa:Bank EUR
  rgs: "BLimBan"
  geconsolideerd_balans: "liquide_middelen"
2024-01-01 open Vermogen:Kapitaal EUR
  rgs: "BEivOre"
  geconsolideerd_balans: "groepsvermogen"
"""

MOEDER = (
    HEADER.format(name="Vereniging Voorbeeld")
    + """\
2024-01-01 open Activa:Deelneming:Dochter EUR
  rgs: "BFvaDig"
  geconsolideerd_balans: "deelnemingen"
  deelneming: "dochter"
2024-01-01 * "Openingsbalans"
  mutatie: "beginbalans"
  Activa:Bank               100000.00 EUR
  Activa:Deelneming:Dochter 214160.00 EUR
  Vermogen:Kapitaal        -314160.00 EUR
"""
)

DOCHTER = (
    HEADER.format(name="Voorbeeld Diensten B.V.")
    + """\
2024-01-01 * "Openingsbalans"
  mutatie: "beginbalans"
  Activa:Bank               214800.00 EUR
  Vermogen:Kapitaal        -214800.00 EUR
"""
)


def test_a_deelneming_that_differs_from_the_net_assets_fails_check_on_both_sides(
    tmp_path: Path,
) -> None:
    (tmp_path / "groep.beancount").write_text(SMALL_GROUP, encoding="utf-8")
    (tmp_path / "moeder.beancount").write_text(MOEDER, encoding="utf-8")
    (tmp_path / "dochter.beancount").write_text(DOCHTER, encoding="utf-8")
    done = vng(
        "check",
        "--books",
        str(tmp_path / "moeder.beancount"),
        "--groep",
        str(tmp_path / "groep.beancount"),
    )
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if "deelneming" in line]
    assert len(lines) == 2, done.stderr
    text = (
        "deelneming Voorbeeld Diensten B.V. 2024: bij moeder 214160.00, "
        "1 x netto vermogen 214800.00 = 214800.00, verschil -640.00"
    )
    opening = '* "Openingsbalans"'
    moeder, dochter = tmp_path / "moeder.beancount", tmp_path / "dochter.beancount"
    assert lines == [
        f"{moeder}:{_line_of(moeder, opening)}: {text}",
        f"{dochter}:{_line_of(dochter, opening)}: {text}",
    ]


# -- the notes come from the chart and the group file --------------------------------


def _unlocked_copy(tmp_path: Path) -> Path:
    """The vereniging's books, alone and without the lock of 2023, so the test may
    change their chart."""
    target = tmp_path / "vereniging"
    shutil.copytree(ROOT / "ledger" / "vereniging", target)
    main = target / "main.beancount"
    main.write_text(
        "".join(
            line
            for line in main.read_text(encoding="utf-8").splitlines(keepends=True)
            if '"vng-vastgesteld"' not in line
        ),
        encoding="utf-8",
    )
    return target


def _without(path: Path, *lines: str) -> None:
    text = path.read_text(encoding="utf-8")
    for line in lines:
        assert f"\n{line}\n" in text, line
        text = text.replace(f"\n{line}\n", "\n", 1)
    path.write_text(text, encoding="utf-8")


def test_the_notes_per_counterparty_are_the_charts() -> None:
    from statements.enkelvoudig import build_enkelvoudig
    from vng_accounts.books import load_books

    books = load_books(str(ROOT / "ledger" / "vereniging" / "main.beancount"))
    group, _ = load_group(str(ROOT / "ledger" / "groep" / "groep.beancount"))
    names = {e.key: e.name for e in group.entities}
    tables = {t.id: t for t in build_enkelvoudig(books, 2024, names)}
    for note, line in (("intercompany_vordering", "5"), ("intercompany_schuld", "12")):
        accounts = sorted(
            (str(s.meta["nummer"]), s.meta["tegenpartij"])
            for s in books.chart.accounts.values()
            if str(s.note).startswith(note + ".")
        )
        table = tables[f"toelichting.{note}"]
        assert table.title == f"Intercompany ({line})"
        assert [r.label for r in table.rows if r.kind == "line"] == [n for _, n in accounts]
    deelnemingen = tables["toelichting.deelnemingen"]
    assert [r.label for r in deelnemingen.rows if r.kind == "line"] == [names["diensten"]]
    # without the group the account's own key names the counterparty
    alone = {t.id: t for t in build_enkelvoudig(books, 2024)}
    assert alone["toelichting.deelnemingen"].rows[0].label == "diensten"


def test_a_note_no_account_feeds_is_left_out(tmp_path: Path) -> None:
    from statements.enkelvoudig import build_enkelvoudig
    from vng_accounts.books import load_books

    folder = _unlocked_copy(tmp_path)
    chart = folder / "rekeningschema.beancount"
    _without(
        chart,
        '  toelichting: "liquide_middelen.bank"',
        '  toelichting: "liquide_middelen.bank"',
        '  toelichting: "liquide_middelen.bank"',
        '  toelichting: "liquide_middelen.kas"',
    )
    books = load_books(str(folder / "main.beancount"))
    assert books.errors == ()
    ids = {t.id for t in build_enkelvoudig(books, 2024)}
    assert "toelichting.liquide_middelen" not in ids
    assert "toelichting.handelsdebiteuren" in ids


def test_a_note_that_leaves_out_an_account_with_an_amount_is_an_error(tmp_path: Path) -> None:
    from statements.enkelvoudig import build_enkelvoudig
    from statements.errors import StatementError
    from vng_accounts.books import load_books

    folder = _unlocked_copy(tmp_path)
    chart = folder / "rekeningschema.beancount"
    text = chart.read_text(encoding="utf-8")
    start = text.index("open Activa:LiquideMiddelen:Bank:Spaarrekening")
    end = text.index('  toelichting: "liquide_middelen.bank"\n', start)
    chart.write_text(
        text[:end] + text[end + len('  toelichting: "liquide_middelen.bank"\n') :],
        encoding="utf-8",
    )
    books = load_books(str(folder / "main.beancount"))
    assert books.errors == ()
    with pytest.raises(StatementError) as caught:
        build_enkelvoudig(books, 2024)
    assert caught.value.source is not None
    assert caught.value.source["filename"] == str(chart)
    assert "Liquide middelen (7) mist" in caught.value.message
    assert "Activa:LiquideMiddelen:Bank:Spaarrekening" in caught.value.message


def test_a_deelneming_held_by_another_than_the_moeder_fails_check(tmp_path: Path) -> None:
    (tmp_path / "groep.beancount").write_text(
        SMALL_GROUP
        + '2024-01-01 custom "vng-groepsentiteit" "klein" "klein.beancount"\n'
        + '  naam: "Klein B.V."\n  moeder: "dochter"\n',
        encoding="utf-8",
    )
    (tmp_path / "moeder.beancount").write_text(
        MOEDER.replace("214160.00", "214800.00").replace("314160.00", "314800.00"),
        encoding="utf-8",
    )
    (tmp_path / "dochter.beancount").write_text(DOCHTER, encoding="utf-8")
    klein = MOEDER.replace('deelneming: "dochter"', 'deelneming: "moeder"')
    klein = klein.replace("Vereniging Voorbeeld", "Klein B.V.")
    (tmp_path / "klein.beancount").write_text(klein, encoding="utf-8")
    done = vng(
        "check",
        "--books",
        str(tmp_path / "moeder.beancount"),
        "--groep",
        str(tmp_path / "groep.beancount"),
    )
    assert done.returncode != 0
    books = tmp_path / "klein.beancount"
    assert (
        f"{books}:{_line_of(books, 'Openingsbalans')}: "
        "deelneming moeder 2024: klein boekt een deelneming in moeder, "
        "maar moeder is de top van de groep"
    ) in done.stderr, done.stderr
