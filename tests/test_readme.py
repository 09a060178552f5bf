"""The README's examples are what the product computes."""

from __future__ import annotations

import re
from decimal import Decimal

from beancount import loader
from beancount.core import data

from tests.conftest import ROOT

EXAMPLE = ROOT / "docs" / "voorbeelden" / "herwaardering.beancount"


def _readme_table() -> dict[str, list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- herwaardering-voorbeeld.*?-->\n(.*?)<!-- /herwaardering-voorbeeld -->", text, re.S
    )
    assert block
    rows = {}
    for line in block.group(1).splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def _dutch(amount: Decimal) -> str:
    return f"{amount:,.0f}".replace(",", ".")


def _computed(policy: str) -> dict[str, str]:
    text = EXAMPLE.read_text(encoding="utf-8").replace('"POLICY"', f'"{policy}"')
    entries, errors, _ = loader.load_string(text)
    assert errors == []
    totals: dict[str, Decimal] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for p in entry.postings:
                if p.units.currency == "EUR":
                    totals[p.account] = totals.get(p.account, Decimal(0)) + p.units.number
    get = lambda a: totals.get(a, Decimal(0))  # noqa: E731
    return {
        "Herwaarderingsreserve obligaties": _dutch(
            -get("Vermogen:Herwaarderingsreserve:Obligaties")
        ),
        "Herwaarderingsreserve aandelen": _dutch(-get("Vermogen:Herwaarderingsreserve:Aandelen")),
        "Via het resultaat": _dutch(-get("Baten:Herwaardering")),
        "Cumulatief ongerealiseerd resultaat": _dutch(
            get("Activa:Herwaardering:Obligaties") + get("Activa:Herwaardering:Aandelen")
        ),
    }


def test_readme_policy_table_is_computed() -> None:
    table = _readme_table()
    for column, policy in enumerate(("effect", "categorie", "portefeuille")):
        for label, value in _computed(policy).items():
            assert table[label][column] == value, (policy, label)
