"""``vng_accounts.books.load_file`` is beancount's ``loader.load_file``: the same
entries, errors and options, on the embedded books and on books that do not balance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from beancount import loader

from tests.conftest import ROOT
from vng_accounts.books import load_file

BOOKS = sorted((ROOT / "ledger").glob("*/main.beancount"))


def _beancount(path: Path) -> tuple[Any, Any, Any]:
    loader.initialize(use_cache=False)
    return loader.load_file(str(path))


def _errors(errors: list[Any]) -> list[tuple[str, int, str]]:
    return [
        (e.source.get("filename", ""), e.source.get("lineno", 0), str(e.message)) for e in errors
    ]


def _same(path: Path) -> list[tuple[str, int, str]]:
    theirs, ours = _beancount(path), load_file(str(path))
    assert ours[0] == theirs[0]
    assert _errors(ours[1]) == _errors(theirs[1])
    skip = {"dcontext", "input_hash"}  # an object without equality; the time of reading
    assert {k: v for k, v in ours[2].items() if k not in skip} == {
        k: v for k, v in theirs[2].items() if k not in skip
    }
    assert ours[2]["input_hash"] == theirs[2]["input_hash"]
    return _errors(ours[1])


@pytest.mark.parametrize("path", BOOKS, ids=[p.parent.name for p in BOOKS])
def test_the_embedded_books_load_as_beancount_loads_them(path: Path) -> None:
    assert _same(path) == []


def test_every_transaction_that_does_not_balance_is_reported_as_beancount_does(
    tmp_path: Path,
) -> None:
    books = tmp_path / "main.beancount"
    books.write_text(
        """option "operating_currency" "EUR"
2024-01-01 open Assets:Bank
2024-01-01 open Assets:Effecten
2024-01-01 open Expenses:Kosten
2024-01-01 commodity FONDS

2024-02-01 * "een cent te veel"
  Assets:Bank       -10.00 EUR
  Expenses:Kosten    10.01 EUR

2024-02-02 * "in evenwicht"
  Assets:Bank       -10.00 EUR
  Expenses:Kosten     4.00 EUR
  Expenses:Kosten     6.00 EUR

2024-02-03 * "binnen de tolerantie"
  Assets:Bank       -10.000 EUR
  Expenses:Kosten    10.0004 EUR

2024-02-04 * "twee valuta's, niet in evenwicht"
  Assets:Bank       -10.00 EUR
  Expenses:Kosten    10.00 USD

2024-02-05 * "tegen een koers, in evenwicht"
  Assets:Effecten     2 FONDS @ 5.00 EUR
  Assets:Bank       -10.00 EUR

2024-02-06 * "tegen een kostprijs, niet in evenwicht"
  Assets:Effecten     2 FONDS {5.00 EUR}
  Assets:Bank       -11.00 EUR

2024-02-07 * "aangevuld"
  Assets:Bank       -10.00 EUR
  Expenses:Kosten
""",
        encoding="utf-8",
    )
    errors = _same(books)
    unbalanced = [lineno for _, lineno, message in errors if "does not balance" in message]
    assert unbalanced == [7, 20, 28]
