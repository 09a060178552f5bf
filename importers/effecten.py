"""The custodian's statement (CSV): prices, buys, sells, dividends, costs, positions.

Columns: ``datum``, ``soort`` (koers, aankoop, verkoop, dividend, kosten, positie),
``fonds`` (the commodity), ``aantal``, ``koers``, ``bedrag``, ``dividendbelasting``,
``referentie``. A price becomes a ``price`` directive; a buy a lot at cost, a sell a
reduction at its price (the result against cost follows from the lots), a dividend
its gross amount with the withheld tax as a claim, a position a ``balance``
assertion in units. The fund's category comes from its ``commodity`` in the books.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from beancount.core import amount as bean_amount
from beancount.core import data, position

from importers import csvfile
from importers.base import REFERENCE, Importer, ImportFailure, dutch_amount, whole_number

COLUMNS = (
    "datum",
    "soort",
    "fonds",
    "aantal",
    "koers",
    "bedrag",
    "dividendbelasting",
    "referentie",
)
EUR = "EUR"


def _trade(
    row: Mapping[str, str], amount: Decimal, filepath: str, lineno: int
) -> tuple[Decimal, Decimal, str]:
    """Units, price and fund of a purchase or sale, whose units x price is its amount."""
    units = _units(row["aantal"], filepath, lineno)
    price = dutch_amount(row["koers"], filepath, lineno)
    if units * price != amount:
        raise ImportFailure(filepath, lineno, f"aantal x koers is niet het bedrag {amount}")
    return units, price, row["fonds"]


def _units(value: str, filepath: str, lineno: int) -> Decimal:
    return Decimal(whole_number(value, "aantal stukken", filepath, lineno))


class EffectenImporter(Importer):
    def __init__(self, accounts: Mapping[str, str]) -> None:
        """``accounts``: effecten (parent of the lot accounts per category), rekening
        (custodian cash), koersresultaat, dividend, dividendbelasting, kosten
        (``custom "vng-import" "bewaarder"``)."""
        self.accounts = accounts

    def identify(self, filepath: str) -> bool:
        return filepath.lower().endswith(".csv") and csvfile.header_matches(filepath, COLUMNS)

    def account(self, filepath: str) -> str:
        return self.accounts["rekening"]

    def document_date(self, filepath: str) -> datetime.date | None:
        days = [
            csvfile.date(row["datum"], filepath, n) for n, row in csvfile.rows(filepath, COLUMNS)
        ]
        return max(days, default=None)

    def entries(self, filepath: str, existing: data.Entries) -> data.Entries:
        categories = {
            e.currency: str(e.meta["categorie"])
            for e in existing
            if isinstance(e, data.Commodity) and "categorie" in e.meta
        }
        entries: list[data.Directive] = []
        for lineno, row in csvfile.rows(filepath, COLUMNS):
            entries.append(self._entry(filepath, lineno, row, categories))
        return entries

    def _lot_account(
        self, fund: str, categories: Mapping[str, str], filepath: str, lineno: int
    ) -> str:
        if fund not in categories:
            raise ImportFailure(
                filepath,
                lineno,
                f"fonds {fund} is niet bekend: voeg een "
                "commodity met categorie toe aan de boeken",
            )
        category = categories[fund]
        return f"{self.accounts['effecten']}:{category[:1].upper()}{category[1:]}"

    def _entry(
        self, filepath: str, lineno: int, row: dict[str, str], categories: dict[str, str]
    ) -> data.Directive:
        kind, fund = row["soort"].lower(), row["fonds"]
        day = csvfile.date(row["datum"], filepath, lineno)
        meta = data.new_metadata(filepath, lineno)
        if kind == "koers":
            self._lot_account(fund, categories, filepath, lineno)  # a known fund only
            return data.Price(
                meta,
                day,
                fund,
                bean_amount.Amount(dutch_amount(row["koers"], filepath, lineno), EUR),
            )
        if kind == "positie":
            units = _units(row["aantal"], filepath, lineno)
            return data.Balance(
                meta,
                day,
                self._lot_account(fund, categories, filepath, lineno),
                bean_amount.Amount(units, fund),
                None,
                None,
            )
        if not row["referentie"]:
            raise ImportFailure(filepath, lineno, "regel zonder referentie van de bewaarder")
        meta[REFERENCE] = f"bewaarder/{row['referentie']}"
        amount = dutch_amount(row["bedrag"], filepath, lineno)
        builders = {
            "aankoop": self._buy,
            "verkoop": self._sell,
            "dividend": self._dividend,
            "kosten": self._costs,
        }
        if kind not in builders:
            raise ImportFailure(filepath, lineno, f"soort {row['soort']!r} onbekend")
        narration, postings = builders[kind](filepath, lineno, row, amount, categories)
        return data.Transaction(
            meta, day, "*", "Effectenbewaarder", narration, frozenset(), frozenset(), postings
        )

    def _buy(
        self,
        filepath: str,
        lineno: int,
        row: Mapping[str, str],
        amount: Decimal,
        categories: Mapping[str, str],
    ) -> tuple[str, list[data.Posting]]:
        units, price, fund = _trade(row, amount, filepath, lineno)
        cost = position.CostSpec(price, None, EUR, None, None, False)
        return f"Aankoop {units} {fund}", [
            _posting(
                self._lot_account(fund, categories, filepath, lineno),
                bean_amount.Amount(units, fund),
                cost=cost,
            ),
            _posting(self.accounts["rekening"], bean_amount.Amount(-amount, EUR)),
        ]

    def _sell(
        self,
        filepath: str,
        lineno: int,
        row: Mapping[str, str],
        amount: Decimal,
        categories: Mapping[str, str],
    ) -> tuple[str, list[data.Posting]]:
        units, price, fund = _trade(row, amount, filepath, lineno)
        cost = position.CostSpec(None, None, None, None, None, False)
        return f"Verkoop {units} {fund}", [
            _posting(
                self._lot_account(fund, categories, filepath, lineno),
                bean_amount.Amount(-units, fund),
                cost=cost,
                price=bean_amount.Amount(price, EUR),
            ),
            _posting(self.accounts["rekening"], bean_amount.Amount(amount, EUR)),
            _posting(self.accounts["koersresultaat"], None),
        ]

    def _dividend(
        self,
        filepath: str,
        lineno: int,
        row: Mapping[str, str],
        amount: Decimal,
        categories: Mapping[str, str],
    ) -> tuple[str, list[data.Posting]]:
        tax = dutch_amount(row["dividendbelasting"] or "0", filepath, lineno)
        return f"Dividend {row['fonds']}", [
            _posting(self.accounts["rekening"], bean_amount.Amount(amount - tax, EUR)),
            _posting(self.accounts["dividendbelasting"], bean_amount.Amount(tax, EUR)),
            _posting(self.accounts["dividend"], bean_amount.Amount(-amount, EUR)),
        ]

    def _costs(
        self,
        filepath: str,
        lineno: int,
        row: Mapping[str, str],
        amount: Decimal,
        categories: Mapping[str, str],
    ) -> tuple[str, list[data.Posting]]:
        return "Beheer- en bewaarkosten", [
            _posting(self.accounts["kosten"], bean_amount.Amount(amount, EUR)),
            _posting(self.accounts["rekening"], bean_amount.Amount(-amount, EUR)),
        ]


def _posting(
    account: str,
    units: bean_amount.Amount | None,
    cost: position.Cost | position.CostSpec | None = None,
    price: bean_amount.Amount | None = None,
) -> data.Posting:
    return data.Posting(account, units, cost, price, None, None)
