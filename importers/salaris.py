"""The salarisjournaal: one CSV per month, a row per employee and cost centre.

Columns: ``periode`` (2024-03), ``personeelsnummer``, ``naam``, ``kostenplaats``,
``bruto``, ``sociale lasten``, ``pensioen werkgever``, ``pensioen werknemer``,
``loonheffing``, ``netto`` (Dutch amounts). Each row becomes one entry: the salary,
the employer's social charges and pension on the lasten, the amounts to pay to the
Belastingdienst, ABP and the employee. Topfunctionarissen carry their WNT key
(``medewerker``) so the WNT reconciles with the payroll.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from beancount.core import amount as bean_amount
from beancount.core import data

from importers import csvfile
from importers.base import REFERENCE, Importer, ImportFailure, clean_text, dutch_amount

COLUMNS = (
    "periode",
    "personeelsnummer",
    "naam",
    "kostenplaats",
    "bruto",
    "sociale lasten",
    "pensioen werkgever",
    "pensioen werknemer",
    "loonheffing",
    "netto",
)
AMOUNTS = COLUMNS[4:]


class SalarisImporter(Importer):
    def __init__(self, accounts: Mapping[str, str], wnt_keys: Mapping[str, str]) -> None:
        """``accounts``: salarissen, sociale_lasten, pensioenlasten, loonheffing,
        pensioenen, netto (``custom "vng-import" "salaris"``). ``wnt_keys``:
        personeelsnummer -> WNT key (``personeelsnummer`` of a ``wnt-functie``)."""
        self.accounts, self.wnt_keys = accounts, wnt_keys

    def identify(self, filepath: str) -> bool:
        return filepath.lower().endswith(".csv") and csvfile.header_matches(filepath, COLUMNS)

    def account(self, filepath: str) -> str:
        return self.accounts["salarissen"]

    def document_date(self, filepath: str) -> datetime.date | None:
        days = [
            _period_end(row["periode"], filepath, n) for n, row in csvfile.rows(filepath, COLUMNS)
        ]
        return max(days, default=None)

    def entries(self, filepath: str, existing: data.Entries) -> data.Entries:
        return [
            self._entry(filepath, lineno, row) for lineno, row in csvfile.rows(filepath, COLUMNS)
        ]

    def _entry(self, filepath: str, lineno: int, row: dict[str, str]) -> data.Transaction:
        values = {c: dutch_amount(row[c], filepath, lineno) for c in AMOUNTS}
        if (
            values["bruto"] - values["loonheffing"] - values["pensioen werknemer"]
            != values["netto"]
        ):
            raise ImportFailure(
                filepath, lineno, "bruto - loonheffing - pensioen werknemer is " "niet het netto"
            )
        day = _period_end(row["periode"], filepath, lineno)
        number = row["personeelsnummer"]
        person = {"medewerker": self.wnt_keys[number]} if number in self.wnt_keys else {}
        cost = {"kostenplaats": row["kostenplaats"], "personeelsnummer": number, **person}
        a = self.accounts
        lines = [
            (a["salarissen"], values["bruto"], cost),
            (a["sociale_lasten"], values["sociale lasten"], {"kostenplaats": row["kostenplaats"]}),
            (a["pensioenlasten"], values["pensioen werkgever"], cost),
            (a["loonheffing"], -(values["loonheffing"] + values["sociale lasten"]), None),
            (a["pensioenen"], -(values["pensioen werkgever"] + values["pensioen werknemer"]), None),
            (a["netto"], -values["netto"], None),
        ]
        meta = data.new_metadata(filepath, lineno)
        meta[REFERENCE] = f"salaris/{row['periode']}/{number}/{row['kostenplaats']}"
        postings = [
            data.Posting(
                acc, bean_amount.Amount(value, "EUR"), None, None, None, dict(pm) if pm else None
            )
            for acc, value, pm in lines
            if value
        ]
        name = clean_text(csvfile.name(row["naam"], filepath, lineno))
        return data.Transaction(
            meta,
            day,
            "*",
            "Salarisadministratie",
            f"Salarisjournaal {row['periode']} {name}",
            frozenset(),
            frozenset(),
            postings,
        )


def _period_end(text: str, filepath: str, lineno: int) -> datetime.date:
    """The last day of the month ``2024-03``."""
    try:
        period = datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise ImportFailure(filepath, lineno, f"periode {text!r} ongeldig") from None
    next_month = (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return next_month - datetime.timedelta(days=1)
