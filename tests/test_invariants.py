"""Accounting invariants of the computed jaarrekening on the embedded books."""

from __future__ import annotations

from decimal import Decimal

from statements.enkelvoudig import balance_lines, build_balance_sheet
from statements.table import StatementTable
from vng_accounts.books import Books
from vng_accounts.layouts import BALANS, BATEN_LASTEN


def test_balance_sheet_balances_in_both_presentations(books: Books) -> None:
    for netted in (True, False):
        values = balance_lines(books, 2023, netted)
        activa = sum(v for k, v in values.amounts.items() if BALANS.line(k).sign == 1)
        passiva = sum(v for k, v in values.amounts.items() if BALANS.line(k).sign == -1)
        assert activa + passiva == 0


def test_netting_moves_the_same_amount_off_both_sides(books: Books) -> None:
    netted = balance_lines(books, 2023, True).amounts
    bruto = balance_lines(books, 2023, False).amounts
    shrink_activa = bruto["overlopende_activa"] - netted["overlopende_activa"]
    shrink_passiva = netted["overlopende_passiva"] - bruto["overlopende_passiva"]
    assert shrink_activa == shrink_passiva > 0


def test_the_2023_column_uses_the_netted_presentation(
    tables_2024: dict[str, StatementTable], books: Books
) -> None:
    balans = tables_2024["enkelvoudig.balans"]
    assert (
        balans.row("overlopende_activa").amounts[1]
        == balance_lines(books, 2023, True).amounts["overlopende_activa"]
    )
    assert (
        balans.row("overlopende_activa").amounts[0]
        == balance_lines(books, 2024, False).amounts["overlopende_activa"]
    )


def test_onverdeeld_resultaat_agrees_between_statements(
    tables_2024: dict[str, StatementTable],
) -> None:
    svbl = tables_2024["enkelvoudig.staat_van_baten_en_lasten"].row("onverdeeld_resultaat")
    balans = tables_2024["enkelvoudig.balans"].row("onverdeeld_resultaat")
    assert svbl.amounts[0] == balans.amounts[0]


def test_equity_movement_is_result_plus_reserves_movements(books: Books) -> None:
    now, before = build_balance_sheet(books, 2024), build_balance_sheet(books, 2023)
    ev = (
        now.row("totaal_eigen_vermogen").amounts[0] - before.row("totaal_eigen_vermogen").amounts[0]
    )
    direct = sum(
        (
            now.row(r).amounts[0] - before.row(r).amounts[0]
            for r in ("herwaarderingsreserves", "omrekenverschillen")
        ),
        Decimal(0),
    )
    from statements.enkelvoudig import build_baten_lasten

    resultaat = build_baten_lasten(books, 2024).row("resultaat").amounts[0]
    assert ev == resultaat + direct


def test_every_leaf_line_is_reached_by_an_account(books: Books) -> None:
    reached = {line for spec in books.chart.accounts.values() for line in spec.lines.values()}
    for layout in (BALANS, BATEN_LASTEN):
        missing = layout.leaf_ids() - reached
        assert not missing, f"{layout.id}: {sorted(missing)}"


def test_year_end_entries_are_derived_not_hand_booked(books: Books) -> None:
    """Revaluation, dekking and resultaatbestemming come from the machinery only."""
    from beancount.core import data

    derived_only = (
        "Vermogen:Herwaarderingsreserve",
        "Activa:FinancieleVasteActiva:Herwaardering",
        "Vermogen:OnverdeeldResultaat:DekkingUitVermogen",
        "Baten:Financieel:OpbrengstEffecten:Herwaardering",
    )
    seen = {"derived": 0}
    for entry in books.entries:
        if not isinstance(entry, data.Transaction):
            continue
        touches = [p for p in entry.postings if p.account.startswith(derived_only)]
        bestemming = [
            p for p in entry.postings if p.account == "Vermogen:OnverdeeldResultaat:VorigeBoekjaren"
        ]
        if not touches and not bestemming:
            continue
        if "berekend" in entry.meta:
            seen["derived"] += 1
        else:
            assert entry.meta.get("mutatie") == "beginbalans", entry.narration
    assert seen["derived"] >= 8


def test_derived_entries_link_to_the_rule_behind_them(books: Books) -> None:
    from beancount.core import data

    derived = [e for e in books.entries if isinstance(e, data.Transaction) and "berekend" in e.meta]
    assert derived
    for entry in derived:
        assert entry.meta["filename"].endswith("instellingen.beancount")
        assert entry.meta["lineno"] > 0
        assert entry.meta["berekend"]
