"""Consolidation as a pure transformation, on a small group: a parent, a 100% dochter
with intercompany traffic, and an 80% dochter whose books are in TND."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from statements.consolidatie import build_geconsolideerd, consolidate
from statements.errors import StatementError
from tests.conftest import group_figures

GROUP = Path(__file__).resolve().parent / "consolidatie"


def _load(folder: Path = GROUP):  # type: ignore[no-untyped-def]
    return group_figures(folder / "groep.beancount", 2024)


def test_group_figures() -> None:
    group, books = _load()
    result = consolidate(group, books, 2024)
    assert result.balance["liquide_middelen"] == Decimal("2420.00")
    assert result.balance["groepsvermogen"] == Decimal("-2336.00")  # the parent's equity
    assert result.balance["aandeel_derden"] == Decimal("-84.00")  # 20% of 1.500 TND x 0,28
    assert result.balance["deelnemingen"] == 0
    assert result.result["vergoeding_diensten"] == Decimal("-845.00")  # B at 0,29: 145,00
    assert result.result["aandeel_derden_resultaat"] == Decimal("29.00")
    assert -sum(result.result.values()) == Decimal("816.00")  # the parent's result
    translation = {f.entity.key: f.translation for f in result.figures}
    assert translation == {"moeder": 0, "a": 0, "b": Decimal("-25.00")}


def test_invariants_at_every_stage() -> None:
    group, books = _load()
    result = consolidate(group, books, 2024)
    for figures in result.figures:  # each entity, translated: debit = credit
        assert sum(figures.balance.values()) == 0, figures.entity.key
    for elimination in result.eliminations:
        assert sum(elimination.amounts.values()) == 0, elimination.description
    assert sum(result.balance.values()) == 0  # assets = liabilities + equity
    parent = next(f for f in result.figures if f.entity.key == "moeder")
    assert result.balance["groepsvermogen"] == -parent.net_assets()


def test_statements_and_worksheet() -> None:
    group, books = _load()
    tables = {t.id: t for t in build_geconsolideerd(group, books, 2024)}
    balans = tables["geconsolideerd.balans"]
    assert balans.row("totaal_activa").amounts[0] == balans.row("totaal_passiva").amounts[0]
    assert tables["geconsolideerd.staat_van_baten_en_lasten"].row("resultaat").amounts[0] == (
        Decimal("816.00")
    )
    mutatie = tables["geconsolideerd.mutatie_eigen_vermogen"]
    assert mutatie.row("omrekenverschillen").amounts[0] == Decimal("-25.00")
    sheet = tables["consolidatie.werkblad_balans"]
    assert sheet.columns[-1] == "Geconsolideerd"
    assert sheet.row("deelnemingen").amounts == (
        Decimal("736.00"),
        0,
        0,
        Decimal("-400.00"),
        Decimal("-336.00"),
        0,
        0,
    )


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "groep"
    shutil.copytree(GROUP, target)
    return target


def test_a_deelneming_that_differs_from_the_net_assets_stops_the_consolidation(
    tmp_path: Path,
) -> None:
    folder = _copy(tmp_path)
    parent = folder / "moeder.beancount"
    parent.write_text(
        parent.read_text(encoding="utf-8").replace(
            "Activa:Deelneming:B        116.00 EUR\n  Baten:ResultaatDeelnemingen:B  -116.00 EUR",
            "Activa:Deelneming:B        110.00 EUR\n  Baten:ResultaatDeelnemingen:B  -110.00 EUR",
        ),
        encoding="utf-8",
    )
    group, books = _load(folder)
    with pytest.raises(
        StatementError,
        match=r"deelneming Dochter B SARL 2024: bij moeder 330\.00, "
        r"0\.8 x netto vermogen 420\.00",
    ):
        consolidate(group, books, 2024)


def test_a_broken_intercompany_booking_names_both_sides(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    child = folder / "a.beancount"
    child.write_text(
        child.read_text(encoding="utf-8").replace(
            "Lasten:Doorbelasting       100.00 EUR\n  Passiva:RekeningCourant:Moeder  -100.00 EUR",
            "Lasten:Doorbelasting        90.00 EUR\n  Passiva:RekeningCourant:Moeder   -90.00 EUR",
        ),
        encoding="utf-8",
    )
    group, books = _load(folder)
    with pytest.raises(StatementError) as caught:
        consolidate(group, books, 2024)
    lines = str(caught.value).splitlines()
    pair = "intercompany balans moeder - a 2024: moeder 100.00, a -90.00, verschil 10.00"
    sides = [line.split(": ", 1)[0] for line in lines if pair in line]
    assert [os.path.basename(side) for side in sides] == ["moeder.beancount:51", "a.beancount:33"]
    assert any("intercompany baten_lasten moeder - a 2024: " in line for line in lines)


def test_an_accepted_difference_is_shown_as_kruispost(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    child = folder / "a.beancount"
    child.write_text(
        child.read_text(encoding="utf-8").replace(
            "Lasten:Doorbelasting       100.00 EUR\n  Passiva:RekeningCourant:Moeder  -100.00 EUR",
            "Lasten:Doorbelasting       100.00 EUR\n  Passiva:RekeningCourant:Moeder   -90.00 EUR\n"
            "  Activa:Bank                -10.00 EUR",
        ),
        encoding="utf-8",
    )
    with (folder / "groep.beancount").open("a", encoding="utf-8") as handle:
        handle.write(
            '2024-12-31 custom "vng-ic-verschil" "moeder" "a" 10.00 EUR '
            '"betaling onderweg op 31 december"\n'
        )
    group, books = _load(folder)
    result = consolidate(group, books, 2024)
    assert sum(result.balance.values()) == 0
    assert any("betaling onderweg" in e.description for e in result.eliminations)


@pytest.mark.parametrize("key", ["vereniging", "cilg"])
def test_the_years_read_in_one_pass_are_each_year_read_alone(key: str) -> None:
    """Every entity's figures of the three years of a consolidation are computed in one
    pass over its entries; each equals that year computed on its own (cilg: in another
    currency, with its rates per year)."""
    import dataclasses

    from statements.consolidatie import read_group
    from statements.consolidatie.omrekening import figures_of, figures_of_years
    from tests.conftest import ROOT
    from vng_accounts.books import load_books

    group = read_group(str(ROOT / "ledger" / "groep" / "groep.beancount"))
    entity = group.entity(key)
    books = load_books(entity.books_path)
    together = figures_of_years(group, entity, books, (2024, 2023, 2022))
    for year in (2024, 2023, 2022):
        alone = figures_of(group, entity, books, year)
        for field in dataclasses.fields(alone):
            assert getattr(together[year], field.name) == getattr(alone, field.name), (
                year,
                field.name,
            )
    assert together[2024].balance != together[2023].balance


def test_a_vpb_share_of_an_unknown_company_names_its_posting(tmp_path: Path) -> None:
    """``belasting_van`` naming no company under the fiscal head stops the
    jaarrekening at the posting that says it, as ``file:line: reason``."""
    ledger = Path(__file__).resolve().parent.parent / "ledger"
    folder = tmp_path / "ledger"
    shutil.copytree(ledger, folder, ignore=shutil.ignore_patterns(".*"))
    books = folder / "diensten" / "main.beancount"
    text = books.read_text(encoding="utf-8")
    marker = '    belasting_van: "international"\n'
    assert text.count(marker) >= 1
    line = text[: text.index(marker)].count("\n")  # the posting's line, just above
    books.write_text(text.replace(marker, '    belasting_van: "buitenland"\n', 1), encoding="utf-8")
    group, figures = group_figures(folder / "groep" / "groep.beancount", 2024)
    with pytest.raises(StatementError) as caught:
        build_geconsolideerd(group, figures, 2024)
    (error,) = caught.value.lines()
    assert error.startswith(f"{books}:{line}: "), error
    assert "belasting_van buitenland is geen maatschappij direct onder" in error
