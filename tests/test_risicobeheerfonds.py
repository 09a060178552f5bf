"""The group extends from the books alone: the Risicobeheerfonds Nederlandse Gemeenten
N.V. (founded after the ALV of 18 June 2025) joins as a dochter of VNG Diensten with
books of its own for 2025 and a rekening-courant with the Vereniging. The books in
``tests/groep_risicobeheerfonds/`` are all it takes; no code knows the new entity."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, vng

BOOKS = Path(__file__).resolve().parent / "groep_risicobeheerfonds"
NAME = "Risicobeheerfonds Nederlandse Gemeenten N.V."


def _add(main: Path, source: Path, name: str) -> None:
    shutil.copyfile(source, main.parent / name)
    with main.open("a", encoding="utf-8") as handle:
        handle.write(f'\ninclude "{name}"\n')


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("rbf") / "ledger"
    shutil.copytree(ROOT / "ledger", target)
    shutil.copytree(BOOKS / "risicobeheerfonds", target / "risicobeheerfonds")
    with (target / "groep" / "groep.beancount").open("a", encoding="utf-8") as handle:
        handle.write((BOOKS / "groep-2025.beancount").read_text(encoding="utf-8"))
    _add(
        target / "diensten" / "main.beancount", BOOKS / "diensten-2025.beancount", "2025.beancount"
    )
    _add(
        target / "vereniging" / "main.beancount",
        BOOKS / "vereniging-2025.beancount",
        "risicobeheerfonds-2025.beancount",
    )
    return target


def _args(ledger: Path) -> list[str]:
    return [
        "--books",
        str(ledger / "vereniging" / "main.beancount"),
        "--groep",
        str(ledger / "groep" / "groep.beancount"),
    ]


@pytest.fixture(scope="module")
def statements(ledger: Path) -> dict[str, Any]:
    out = ledger.parent / "out"
    done = vng("jaarrekening", "--year", "2025", "--out", str(out), *_args(ledger))
    assert done.returncode == 0, done.stderr
    found = json.loads((out / "jaarrekening-2025.json").read_text(encoding="utf-8"))
    return {t["id"]: t for t in found["statements"]}


def _lines(table: dict[str, Any]) -> dict[str, list[Decimal | None]]:
    return {
        line["label"]: [None if a is None else Decimal(a) for a in line["amounts"]]
        for line in table["lines"]
    }


def test_the_group_with_the_new_dochter_checks(ledger: Path) -> None:
    done = vng("check", *_args(ledger))
    assert done.returncode == 0, done.stderr
    assert (
        "risicobeheerfonds/main.beancount: 11 boekingen en rekeningen, geen fouten" in done.stdout
    )
    assert "consolidatie 2023-" in done.stdout


def test_it_is_consolidated(statements: dict[str, Any]) -> None:
    sheet = statements["consolidatie.werkblad_balans"]
    assert NAME in sheet["columns"]
    assert f"{NAME}: deelneming tegen eigen vermogen" in sheet["columns"]
    assert "vereniging - risicobeheerfonds: rekening-courant" in sheet["columns"]
    results = statements["consolidatie.werkblad_baten_lasten"]
    assert "vereniging - risicobeheerfonds: onderlinge baten en lasten" in results["columns"]
    balans = _lines(statements["geconsolideerd.balans"])
    assert balans["Deelnemingen"] == [0, 0]
    # the fund's bank (1.000.000 paid in, 150.000 premies, 40.000 schade) against
    # the 1.000.000 VNG Diensten paid in
    liquide = balans["Liquide middelen"]
    assert liquide[0] is not None and liquide[1] is not None
    assert liquide[0] - liquide[1] == Decimal("110000.00")
    assert balans["Totaal activa"] == balans["Totaal passiva"]


def test_it_is_named_in_the_notes(statements: dict[str, Any]) -> None:
    intercompany = _lines(statements["toelichting.intercompany_vordering"])
    assert intercompany[NAME] == [Decimal("60000.00"), Decimal("0.00")]
    deelnemingen = _lines(statements["toelichting.resultaat_deelnemingen"])
    assert deelnemingen[NAME] == [Decimal("50000.00"), Decimal("0.00")]
