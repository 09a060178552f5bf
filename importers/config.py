"""The project's importers, built from the books they import into.

Which IBAN is which account, where unmatched bank bookings wait, which accounts the
payroll, the custodian and the member invoicing post to: all of it is read from the
books (``vng_accounts.import_settings``), never written here. Adding a bank account
is an ``open`` with ``iban:`` in the books.

``importers_for(entries)`` is what ``vng import`` uses, on the books it has loaded;
``FromBooks`` is what Fava's import page uses (``fava_config.py``): an importer
that reads the settings from the books each time it is used, so nothing is read
when Fava runs the config file.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

import beangulp
from beancount.core import data

from importers.bank import Coder
from importers.base import ImportFailure, new_entries
from importers.camt053 import Camt053Importer
from importers.coderen import coder_for
from importers.effecten import EffectenImporter
from importers.leden import LedenImporter
from importers.mt940 import Mt940Importer
from importers.salaris import SalarisImporter
from vng_accounts.import_settings import ImportSettings, read_import_settings

Builder = Callable[[ImportSettings], beangulp.Importer]
Books = Callable[[], Sequence[data.Directive]]


def _coder(settings: ImportSettings) -> Callable[[data.Entries, str], Coder] | None:
    """Invoices, history, suspense (``importers.coderen``): with the books' suspense
    account, and their receivable when the member invoicing is set up."""
    suspense = settings.roles.get("bank", {}).get("te_verwerken")
    if suspense is None:
        return None  # the importer names the missing setting when it books
    return coder_for(suspense, settings.roles.get("leden", {}).get("debiteuren"))


def _camt053(settings: ImportSettings) -> beangulp.Importer:
    return Camt053Importer(settings.bank_accounts, settings.accounts("bank"), _coder(settings))


def _mt940(settings: ImportSettings) -> beangulp.Importer:
    return Mt940Importer(settings.bank_accounts, settings.accounts("bank"), _coder(settings))


def _salaris(settings: ImportSettings) -> beangulp.Importer:
    return SalarisImporter(settings.accounts("salaris"), settings.wnt_keys)


def _effecten(settings: ImportSettings) -> beangulp.Importer:
    return EffectenImporter(settings.accounts("bewaarder"))


def _leden(settings: ImportSettings) -> beangulp.Importer:
    return LedenImporter(settings.accounts("leden"), settings.invoice_day)


BUILDERS: tuple[Builder, ...] = (_camt053, _mt940, _salaris, _effecten, _leden)


def importers(settings: ImportSettings) -> list[beangulp.Importer]:
    """Every importer, with the accounts ``settings`` give it."""
    return [build(settings) for build in BUILDERS]


def settings_of(entries: Sequence[data.Directive]) -> ImportSettings:
    """The books' import settings; a wrong one refuses the import, ``file:line: reason``."""
    settings, errors = read_import_settings(entries)
    if errors:
        first = errors[0]
        more = (
            f" (en nog {len(errors) - 1} fout(en) in de importinstellingen)" if errors[1:] else ""
        )
        source = first.source or {}
        filename, lineno = str(source.get("filename", "<boeken>")), int(source.get("lineno", 0))
        raise ImportFailure(filename, lineno, first.message + more)
    return settings


def importers_for(entries: Sequence[data.Directive]) -> list[beangulp.Importer]:
    """Every importer, with the accounts the books ``entries`` give it."""
    return importers(settings_of(entries))


class FromBooks(beangulp.Importer):
    """One importer whose accounts come from the books each time it is used.

    Recognising a file and its name need no settings; its account, its date (the
    invoice day is a setting) and its entries are built from ``existing`` when the
    caller passes the books (beangulp's and Fava's ``extract``), else from
    ``books()``."""

    def __init__(self, build: Builder, books: Books) -> None:
        self._build, self._books = build, books
        self._shape = build(ImportSettings())  # no accounts: recognises files only

    @property
    def name(self) -> str:
        return self._shape.name

    def _built(self, existing: Sequence[data.Directive] | None = None) -> beangulp.Importer:
        return self._build(settings_of(self._books() if existing is None else existing))

    def identify(self, filepath: str) -> bool:
        return self._shape.identify(filepath)

    def date(self, filepath: str) -> datetime.date | None:
        return self._built().date(filepath)

    def filename(self, filepath: str) -> str | None:
        return self._shape.filename(filepath)

    def account(self, filepath: str) -> str:
        return self._built().account(filepath)

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        """What ``vng import`` adds from this file to these books (``new_entries``:
        deduplicated on the source's reference, known balances left out, no entry in
        a vastgesteld year), so Fava's import page offers exactly that."""
        return new_entries(self._built(existing), filepath, existing)

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        self._shape.deduplicate(entries, existing)  # on the source's reference only

    def sort(self, entries: data.Entries, reverse: bool = False) -> None:
        self._shape.sort(entries, reverse)


def from_books(books: Books) -> list[beangulp.Importer]:
    """Every importer, each reading its accounts from ``books()`` when it is used."""
    return [FromBooks(build, books) for build in BUILDERS]
