"""The deelnemingen against their own begroting: Fava budgets in each dochter's books
(``ledger/<entiteit>/begroting-2024.beancount``), the lines of the result by the
``resultaatanalyse`` of its accounts, summed over the companies below each company of
the fiscal unity. The figures the bestuursverslag names reproduce the published ones;
a changed budget changes them; a budget of an account the books do not open stops the
build at its line."""

from __future__ import annotations

import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from statements.consolidatie import build_geconsolideerd
from statements.table import StatementTable
from tests import published_2024 as pub
from tests.conftest import ROOT, group_figures

GROUP = ROOT / "ledger" / "groep" / "groep.beancount"
TABLE = "consolidatie.begroting_deelnemingen"


def printed(amount: Decimal | None) -> int | None:
    if amount is None:
        return None
    return int((amount / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _table(group_file: Path) -> StatementTable:
    group, figures = group_figures(group_file, 2024)
    return {t.id: t for t in build_geconsolideerd(group, figures, 2024)}[TABLE]


@pytest.fixture(scope="module")
def table() -> StatementTable:
    return _table(GROUP)


def _realised(table: StatementTable, row: str) -> Decimal:
    amount = table.row(row).amounts[0]
    assert amount is not None, row
    return amount


def _budgeted(table: StatementTable, row: str) -> Decimal:
    amount = table.row(row).amounts[1]
    assert amount is not None, row
    return amount


def _difference(table: StatementTable, row: str) -> Decimal:
    return _realised(table, row) - _budgeted(table, row)


def connect_as_published(table: StatementTable) -> list[str]:
    """What of VNG Connect Holding B.V. differs from the published paragraph."""
    p = pub.BEGROTING_CONNECT
    found = {
        "resultaat": printed(_realised(table, "connect.resultaat")),
        "verschil_resultaat": printed(_difference(table, "connect.resultaat")),
        "brutomarge": printed(_realised(table, "connect.brutomarge")),
        "verschil_brutomarge": printed(_difference(table, "connect.brutomarge")),
        "afwijking_brutomarge_tienden_procent": int(
            _difference(table, "connect.brutomarge") / _budgeted(table, "connect.brutomarge") * 1000
        ),
        # a cost in the sign of the result: negative
        "bedrijfskosten": printed(-_realised(table, "connect.bedrijfskosten")),
        "begroot_bedrijfskosten": printed(-_budgeted(table, "connect.bedrijfskosten")),
        "verschil_bedrijfskosten": printed(_difference(table, "connect.bedrijfskosten")),
        "verschil_bedrijfs_en_financieringskosten": printed(
            _difference(table, "connect.bedrijfskosten") + _difference(table, "connect.financieel")
        ),
    }
    return [f"{k}: {found[k]} tegen {v}" for k, v in p.items() if found[k] != v]


def risicobeheer_as_published(table: StatementTable) -> list[str]:
    """What of VNG Risicobeheer B.V. differs from the published paragraph."""
    wrong = [
        f"{regel}: {_difference(table, f'risicobeheer.{regel}')} tegen {euros}"
        for regel, euros in pub.BEGROTING_RISICOBEHEER_VERSCHILLEN.items()
        if _difference(table, f"risicobeheer.{regel}") != euros
    ]
    budget, printed_budget, _ = pub.BEGROTING_RISICOBEHEER_ERRATA["begroot_resultaat"]
    assert printed_budget == pub.BEGROTING_RISICOBEHEER["begroot_resultaat"]
    found = {
        "resultaat": printed(_realised(table, "risicobeheer.resultaat")),
        "begroot_resultaat": printed(_budgeted(table, "risicobeheer.resultaat")),
    }
    expected = {"resultaat": pub.BEGROTING_RISICOBEHEER["resultaat"], "begroot_resultaat": budget}
    return wrong + [f"{k}: {found[k]} tegen {v}" for k, v in expected.items() if found[k] != v]


def test_connect_against_its_begroting_as_published(table: StatementTable) -> None:
    assert connect_as_published(table) == []
    # the holding's result is that of note (23), the sum of its companies
    assert _realised(table, "connect.resultaat") == Decimal("1518000.00")


def test_risicobeheer_against_its_begroting_as_published(table: StatementTable) -> None:
    assert risicobeheer_as_published(table) == []
    # the erratum: the printed budget cuts off what the printed differences give
    realised = _realised(table, "risicobeheer.resultaat")
    budget = realised - pub.BEGROTING_RISICOBEHEER_VERSCHILLEN["resultaat"]
    assert int(budget / 1000) == pub.BEGROTING_RISICOBEHEER["begroot_resultaat"]
    assert printed(budget) != pub.BEGROTING_RISICOBEHEER["begroot_resultaat"]


def test_the_lines_of_the_analysis_add_up_to_the_result(table: StatementTable) -> None:
    for key in ("connect", "risicobeheer", "international", "realisatie"):
        lines = [
            r
            for r in table.rows
            if r.id.startswith(f"{key}.") and r.id != f"{key}.resultaat" and r.level == 1
        ]
        for column in (0, 1, 2) if key != "realisatie" else (0, 2):
            total = sum((r.amounts[column] or Decimal(0) for r in lines), Decimal(0))
            assert total == table.row(f"{key}.resultaat").amounts[column], (key, column)


def test_the_parts_of_a_line_are_rows_and_so_is_their_total(table: StatementTable) -> None:
    """International's omzet is a part of two lines: the margin on the projects and
    the dekking uit productieve uren; its total is the row ``international.omzet``."""
    for column in (0, 1, 2):
        parts = [
            table.row(f"international.{r}.omzet").amounts[column]
            for r in ("projectmarge", "dekking_uren")
        ]
        assert table.row("international.omzet").amounts[column] == sum(
            (p or Decimal(0) for p in parts), Decimal(0)
        )
    # the dekking uit uren is all omzet: its line and its one part are the same
    assert (
        table.row("international.dekking_uren").amounts
        == table.row("international.dekking_uren.omzet").amounts
    )


def _tenths(fraction: Decimal) -> int:
    return int((fraction * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def international_as_published(tables: dict[str, StatementTable]) -> list[str]:
    """What of VNG International B.V. differs from the published paragraph."""
    table = tables[TABLE]
    after_tax = tables["kerninformatie.aandeel_vng_bedrijven"].row("international").amounts
    equity = tables["consolidatie.vermogen_deelnemingen"].row("international").amounts
    assert after_tax[0] is not None and after_tax[1] is not None
    assert equity[0] is not None and equity[1] is not None
    margin = _realised(table, "international.projectmarge")
    found = {
        "resultaat_na_vpb": printed(after_tax[0]),
        "rendement_tienden_procent": _tenths(after_tax[0] / equity[0]),
        "rendement_vorig_jaar_tienden_procent": _tenths(after_tax[1] / equity[1]),
        "verschil_resultaat": printed(_difference(table, "international.resultaat")),
        "verschil_projectmarge": printed(_difference(table, "international.projectmarge")),
        "projectmarge": printed(margin),
        "omzet": printed(_realised(table, "international.omzet")),
        "marge_tienden_procent": _tenths(margin / _realised(table, "international.omzet")),
    }
    p = pub.BEGROTING_INTERNATIONAL
    return [f"{k}: {found[k]} tegen {v}" for k, v in p.items() if found[k] != v]


def _tables(group_file: Path) -> dict[str, StatementTable]:
    group, figures = group_figures(group_file, 2024)
    return {t.id: t for t in build_geconsolideerd(group, figures, 2024)}


@pytest.fixture(scope="module")
def tables() -> dict[str, StatementTable]:
    return _tables(GROUP)


def test_international_against_its_begroting_as_published(
    tables: dict[str, StatementTable],
) -> None:
    assert international_as_published(tables) == []
    # the result before tax is that of note (23), after tax that of the kerninformatie
    assert _realised(tables[TABLE], "international.resultaat") == Decimal("535210.00")


def _paragraph(tables: dict[str, StatementTable], start: str, end: str | None) -> str:
    from statements.verslag import fill
    from vng_accounts.books import load_books
    from vng_accounts.teksten import read_teksten

    books = load_books(str(ROOT / "ledger" / "vereniging" / "main.beancount"))
    texts, errors = read_teksten(books.entries)
    assert errors == []
    [tekst] = [t for t in texts if t.key == "toelichting_deelnemingen" and t.year == 2024]
    [filled] = fill([tekst], list(tables.values()), 2024)
    first = filled.text.index(start)
    return filled.text[first : filled.text.index(end, first) if end else None]


def _miljoen(thousands: int) -> str:
    return f"€ {abs(thousands) / 1000:.3f} miljoen".replace(".", ",")


def _procent(tenths: int) -> str:
    return f"{tenths // 10},{tenths % 10}%"


def test_the_paragraph_on_international_names_the_published_figures(
    tables: dict[str, StatementTable],
) -> None:
    p = pub.BEGROTING_INTERNATIONAL
    text = _paragraph(tables, "VNG International B.V. versterkt", "VNG Realisatie B.V.")
    expected = [
        f"houdt de groep van VNG International {_miljoen(p['resultaat_na_vpb'])} over",
        f"{_procent(p['rendement_tienden_procent'])} van haar eigen vermogen",
        f"{_procent(p['rendement_vorig_jaar_tienden_procent'])} was",
        f"{_miljoen(p['verschil_resultaat'])} hoger uit",
        f"bedraagt {_miljoen(p['projectmarge'])}",
        f"ligt {_miljoen(p['verschil_projectmarge'])} hoger dan begroot",
        f"omzet van {_miljoen(p['omzet'])} is dat {_procent(p['marge_tienden_procent'])}",
    ]
    missing = [e for e in expected if e not in text]
    assert missing == [], text


def test_only_the_companies_with_a_begroting_or_lines_are_set_against_it(
    table: StatementTable,
) -> None:
    found = {r.id.partition(".")[0] for r in table.rows}
    assert found == {"connect", "risicobeheer", "international", "realisatie"}
    # Realisatie names the lines of its result but holds no begroting
    assert table.row("realisatie.resultaat").amounts[1] is None
    assert table.row("realisatie.projecten").amounts[1] is None


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "ledger"
    shutil.copytree(ROOT / "ledger", target)
    return target


def test_a_changed_budget_changes_the_figures(tmp_path: Path) -> None:
    ledger = _copy(tmp_path)
    budget = ledger / "csc" / "begroting-2024.beancount"
    text = budget.read_text(encoding="utf-8")
    changed = re.sub(r"(Lasten:OverigeLasten\s+\"yearly\"\s+)820000\.00", r"\g<1>850000.00", text)
    assert changed != text
    budget.write_text(changed, encoding="utf-8")
    budget_r = ledger / "risicobeheer" / "begroting-2024.beancount"
    text = budget_r.read_text(encoding="utf-8")
    changed = re.sub(r"(Baten:Financieel:Rente\s+\"yearly\"\s+)-62331\.00", r"\g<1>-60331.00", text)
    assert changed != text
    budget_r.write_text(changed, encoding="utf-8")
    table = _table(ledger / "groep" / "groep.beancount")
    assert "begroot_bedrijfskosten: 5615 tegen 5585" in connect_as_published(table)
    assert "financieel: -3331.00 tegen -5331" in risicobeheer_as_published(table)


def test_a_budget_of_an_account_the_books_lack_is_an_error_at_its_line(tmp_path: Path) -> None:
    from vng.build import Taak, run

    ledger = _copy(tmp_path)
    budget = ledger / "od" / "begroting-2024.beancount"
    lines = budget.read_text(encoding="utf-8").splitlines()
    lines.append('2024-01-01 custom "budget" Lasten:Bestaat:Niet "yearly" 1000.00 EUR')
    budget.write_text("\n".join(lines) + "\n", encoding="utf-8")
    group = str(ledger / "groep" / "groep.beancount")
    [result] = run([Taak("od", str(ledger / "od" / "main.beancount"), 2024, group)]).values()
    assert any(
        f"begroting-2024.beancount:{len(lines)}:" in error and "Lasten:Bestaat:Niet" in error
        for error in result.errors
    ), result.errors


def realisatie_as_published(tables: dict[str, StatementTable]) -> list[str]:
    """What of VNG Realisatie B.V. differs from the published paragraph, its errata
    aside (docs/errata.md)."""
    table = tables[TABLE]
    found = {
        "resultaat": printed(_realised(table, "realisatie.resultaat")),
        "projecten": printed(_realised(table, "realisatie.projecten")),
        "overige_bedrijfsopbrengsten": printed(
            _realised(table, "realisatie.overige_bedrijfsopbrengsten")
        ),
    }
    expected = dict(pub.BEGROTING_REALISATIE)
    for key, (books, shown, _) in pub.BEGROTING_REALISATIE_ERRATA.items():
        assert expected[key] == shown
        expected[key] = books
    return [f"{k}: {found[k]} tegen {v}" for k, v in expected.items() if found[k] != v]


def test_realisatie_as_published_but_for_its_errata(tables: dict[str, StatementTable]) -> None:
    assert realisatie_as_published(tables) == []


def test_the_printed_result_of_realisatie_contradicts_the_report_itself(
    tables: dict[str, StatementTable],
) -> None:
    """The paragraph's -126 is the sum of its own two parts, but note (23) prints 45
    before tax and the kerninformatie 37 after VpB for the same company and year, and
    those tables add up to the resultaat deelnemingen of the staat van baten en
    lasten; the books follow the tables."""
    p = pub.BEGROTING_REALISATIE
    assert p["projecten"] + p["overige_bedrijfsopbrengsten"] == p["resultaat"]
    before_tax = pub.RESULTAAT_DEELNEMINGEN["realisatie"][0]
    assert before_tax == 45 != p["resultaat"]
    assert (
        sum(v[0] for k, v in pub.RESULTAAT_DEELNEMINGEN.items() if k != "totaal")
        == (pub.RESULTAAT_DEELNEMINGEN["totaal"][0])
    )
    after_tax = tables["kerninformatie.aandeel_vng_bedrijven"].row("realisatie").amounts[0]
    assert printed(after_tax) == 37
    assert printed(_realised(tables[TABLE], "realisatie.resultaat")) == before_tax


def test_the_paragraph_on_realisatie_states_the_result_of_the_books(
    tables: dict[str, StatementTable],
) -> None:
    text = _paragraph(tables, "VNG Realisatie B.V. voert", None)
    expected = [
        "bedraagt € 0,045 miljoen positief, tegen € 0,057 miljoen",
        "na het deel van de vennootschapsbelasting dat zij draagt € 0,037 miljoen",
        "projecten is € 0,001 miljoen positief",
        "gemaakt, € 0,044 miljoen positief",
    ]
    missing = [e for e in expected if e not in text]
    assert missing == [], text


def test_connect_against_the_year_before_as_published(table: StatementTable) -> None:
    """The brutomarge 2024 against that of 2023, split into the same lines."""
    brutomarge = table.row("connect.brutomarge").amounts
    assert brutomarge[0] is not None and brutomarge[2] is not None
    growth = (brutomarge[0] - brutomarge[2]) / brutomarge[2] * 100
    assert (
        int(growth.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        == (pub.VORIG_JAAR_CONNECT["groei_brutomarge_procent"])
    )
    # the year before's lines add up to the result of note (23) 2023
    assert table.row("connect.resultaat").amounts[2] == Decimal(
        pub.RESULTAAT_DEELNEMINGEN["connect"][1] * 1000
    )


def test_the_paragraph_on_connect_sets_the_brutomarge_against_the_year_before(
    tables: dict[str, StatementTable],
) -> None:
    growth = pub.VORIG_JAAR_CONNECT["groei_brutomarge_procent"]
    text = _paragraph(tables, "VNG Connect Holding B.V. organiseert", "VNG Risicobeheer B.V.")
    assert f"is zij {growth}% hoger." in text, text
