"""Member invoicing: the contributie (schijventarief) and the GGU-bijdrage per inwoner.

The members file ``leden-<jaar>.csv`` (the contributiejaar) lists per gemeente the
``gemeente``, ``cbs-code`` and ``inwoners`` on 1 January, and ``incasso`` (ja/nee).
The tariffs are data in the books, per year::

    2024-06-30 custom "vng-contributietarief" 2025
      schijven: "0-5000: 2,023; 5000-25000: 1,858; 25000-200000: 1,600; 200000-: 0,794"
      bron: "VNG contributievoorstel 2026, kolom 2025"
      ggu_per_inwoner: "4,574"     ; optional: the GGU-bijdrage in the same invoice

Each band's rate applies to the inhabitants within that band. One sales entry per
gemeente, booked as vooruitgefactureerd; amounts rounded to the cent per gemeente.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from beancount.core import amount as bean_amount
from beancount.core import data

from importers import csvfile
from importers.base import REFERENCE, Importer, ImportFailure, clean_text, whole_number
from vng_accounts.import_settings import DEFAULT_INVOICE_DAY

COLUMNS = ("gemeente", "cbs-code", "inwoners", "incasso")
INVOICE_PREFIX = "contributie"  # an invoice's referentie: contributie/<jaar>/<cbs-code>
CENT = Decimal("0.01")
_FILE = re.compile(r"^leden-(\d{4})\.csv$")


@dataclass(frozen=True)
class Tariff:
    year: int
    bands: tuple[tuple[int, int | None, Decimal], ...]
    ggu: Decimal | None

    def contributie(self, inhabitants: int) -> Decimal:
        total = Decimal(0)
        for lower, upper, rate in self.bands:
            top = inhabitants if upper is None else min(inhabitants, upper)
            if top > lower:
                total += (top - lower) * rate
        return total.quantize(CENT, rounding=ROUND_HALF_UP)

    def ggu_bijdrage(self, inhabitants: int) -> Decimal:
        return (inhabitants * (self.ggu or Decimal(0))).quantize(CENT, rounding=ROUND_HALF_UP)


def read_tariff(existing: data.Entries, year: int, filepath: str) -> Tariff:
    for entry in existing:
        if (
            isinstance(entry, data.Custom)
            and entry.type == "vng-contributietarief"
            and entry.values
            and int(entry.values[0].value) == year
        ):
            bands = []
            for part in str(entry.meta.get("schijven", "")).split(";"):
                match = re.match(r"^\s*(\d+)-(\d*):\s*([\d,]+)\s*$", part)
                if not match:
                    raise ImportFailure(
                        str(entry.meta["filename"]),
                        entry.meta["lineno"],
                        f"schijf {part!r} ongeldig",
                    )
                rate = Decimal(match[3].replace(",", "."))
                bands.append((int(match[1]), int(match[2]) if match[2] else None, rate))
            ggu = entry.meta.get("ggu_per_inwoner")
            return Tariff(year, tuple(bands), Decimal(str(ggu).replace(",", ".")) if ggu else None)
    raise ImportFailure(filepath, 1, f"geen contributietarief {year} in de boeken")


def invoice_link(reference: str) -> str:
    """The link of an invoice and the receipts that pay it: ``contributie-2025-GM0363``."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", reference)


class LedenImporter(Importer):
    def __init__(
        self, accounts: Mapping[str, str], invoice_day: tuple[int, int] = DEFAULT_INVOICE_DAY
    ) -> None:
        """``accounts``: debiteuren, contributie (vooruitgefactureerd), ggu
        (``custom "vng-import" "leden"``). Invoices are dated ``invoice_day`` (month,
        day; its ``factuurdag``) of the year before the contributiejaar."""
        self.accounts, self.invoice_day = accounts, invoice_day

    def _year(self, filepath: str) -> int:
        match = _FILE.match(os.path.basename(filepath))
        if not match:
            raise ImportFailure(filepath, 0, "bestandsnaam moet leden-<jaar>.csv zijn")
        return int(match[1])

    def document_date(self, filepath: str) -> datetime.date | None:
        return datetime.date(self._year(filepath) - 1, *self.invoice_day)

    def identify(self, filepath: str) -> bool:
        return bool(_FILE.match(os.path.basename(filepath))) and csvfile.header_matches(
            filepath, COLUMNS
        )

    def account(self, filepath: str) -> str:
        return self.accounts["debiteuren"]

    def entries(self, filepath: str, existing: data.Entries) -> data.Entries:
        year = self._year(filepath)
        tariff = read_tariff(existing, year, filepath)
        day = datetime.date(year - 1, *self.invoice_day)
        seen: set[str] = set()
        entries: list[data.Directive] = []
        for lineno, row in csvfile.rows(filepath, COLUMNS):
            code = row["cbs-code"]
            if not re.fullmatch(r"GM\d{4}", code) or code in seen:
                raise ImportFailure(filepath, lineno, f"cbs-code {code!r} ongeldig of dubbel")
            seen.add(code)
            whole_number(row["inwoners"], "inwoners", filepath, lineno)
            entries.append(self._invoice(filepath, lineno, row, tariff, day))
        return entries

    def _invoice(
        self, filepath: str, lineno: int, row: dict[str, str], tariff: Tariff, day: datetime.date
    ) -> data.Transaction:
        inhabitants = int(row["inwoners"])
        contributie, ggu = tariff.contributie(inhabitants), tariff.ggu_bijdrage(inhabitants)
        meta = data.new_metadata(filepath, lineno)
        reference = f"{INVOICE_PREFIX}/{tariff.year}/{row['cbs-code']}"
        meta[REFERENCE] = reference
        meta["inwoners"] = str(inhabitants)
        if row["incasso"].lower() == "ja":
            meta["incasso"] = "ja"

        def eur(number: Decimal) -> bean_amount.Amount:
            return bean_amount.Amount(number, "EUR")

        postings = [
            data.Posting(
                self.accounts["debiteuren"], eur(contributie + ggu), None, None, None, None
            ),
            data.Posting(self.accounts["contributie"], eur(-contributie), None, None, None, None),
        ]
        if ggu:
            postings.append(data.Posting(self.accounts["ggu"], eur(-ggu), None, None, None, None))
        name = clean_text(csvfile.name(row["gemeente"], filepath, lineno))
        return data.Transaction(
            meta,
            day,
            "*",
            name,
            f"Contributie {tariff.year}" + (f" en GGU-bijdrage {tariff.year}" if ggu else ""),
            frozenset(),
            frozenset({invoice_link(reference)}),
            postings,
        )
