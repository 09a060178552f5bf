"""Where the importers book, read from the books: nothing of it is written in code.

A bank account is known by the ``iban`` of its ``open``; a statement of that IBAN
is booked on that account::

    2023-01-01 open Activa:LiquideMiddelen:Bank:ING EUR
      iban: "NL00INGB0000000001"

Each importer's accounts are one ``custom "vng-import"`` per kind (``bank``,
``salaris``, ``bewaarder``, ``leden``), every account opened in the books::

    2024-07-01 custom "vng-import" "bank"
      te_verwerken: "Activa:Vorderingen:Overlopend:TeVerwerken"
    2024-07-01 custom "vng-import" "leden"
      debiteuren: "Activa:Vorderingen:Handelsdebiteuren"
      contributie: "Passiva:Kortlopend:Overlopend:VooruitGefactureerdeContributie"
      ggu: "Passiva:Kortlopend:Overlopend:FondsGGU"
      factuurdag: "11-15"          ; optional (month-day): the invoices' date

A topfunctionaris's payroll lines carry his WNT key when a ``wnt-functie`` names his
``personeelsnummer``::

    2024-01-01 custom "wnt-functie" "geluk" "Algemeen Directeur"
      personeelsnummer: "1001"

Errors are beancount error tuples on the entry that holds the setting, naming it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from beancount.core import account as bean_account
from beancount.core import data

from vng_accounts.errors import BooksError

SETTING = "vng-import"
IBAN = "iban"
EMPLOYEE_NUMBER = "personeelsnummer"
INVOICE_DAY = "factuurdag"
DEFAULT_INVOICE_DAY = (11, 15)

# the accounts each kind of importer books on
ROLES: dict[str, tuple[str, ...]] = {
    "bank": ("te_verwerken",),
    "salaris": (
        "salarissen",
        "sociale_lasten",
        "pensioenlasten",
        "loonheffing",
        "pensioenen",
        "netto",
    ),
    "bewaarder": (
        "effecten",
        "rekening",
        "koersresultaat",
        "dividend",
        "dividendbelasting",
        "kosten",
    ),
    "leden": ("debiteuren", "contributie", "ggu"),
}
_OTHER = {"leden": (INVOICE_DAY,)}  # settings that are not accounts
# parents: the importer books on sub-accounts (the lots per categorie: Effecten:Obligaties)
_PARENTS = {("bewaarder", "effecten")}
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")
_OWN_META = ("filename", "lineno")


def normal_iban(text: str) -> str:
    """An IBAN as the books and the banks compare it: no spaces, capitals."""
    return text.replace(" ", "").upper()


class MissingSetting(LookupError):
    """An importer needs an account the books do not name."""

    def __init__(self, kind: str, role: str) -> None:
        super().__init__(
            f'de boeken hebben geen {role} in custom "{SETTING}" "{kind}": '
            f'voeg die toe, bijvoorbeeld 2024-07-01 custom "{SETTING}" "{kind}" met '
            f'{role}: "<rekening>" (zie README, Importeren)'
        )
        self.kind, self.role = kind, role


@dataclass(frozen=True)
class Accounts(Mapping[str, str]):
    """One importer's accounts by role; a role the books lack is ``MissingSetting``."""

    kind: str
    by_role: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, role: str) -> str:
        if role not in self.by_role:
            raise MissingSetting(self.kind, role)
        return self.by_role[role]

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_role)

    def __len__(self) -> int:
        return len(self.by_role)


@dataclass(frozen=True)
class ImportSettings:
    bank_accounts: Mapping[str, str] = field(default_factory=dict)  # IBAN -> account
    roles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # kind -> role -> acc
    wnt_keys: Mapping[str, str] = field(default_factory=dict)  # personeelsnummer -> WNT key
    invoice_day: tuple[int, int] = DEFAULT_INVOICE_DAY  # (month, day)

    def accounts(self, kind: str) -> Accounts:
        return Accounts(kind, dict(self.roles.get(kind, {})))


def _where(meta: Mapping[str, Any]) -> str:
    return f"{meta.get('filename')}:{meta.get('lineno')}"


def _keys(entry: data.Directive) -> dict[str, Any]:
    return {
        k: v for k, v in entry.meta.items() if k not in _OWN_META and not str(k).startswith("__")
    }


def _invoice_day(value: Any) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{2})-(\d{2})", value) if isinstance(value, str) else None
    if not match:
        return None
    try:
        day = datetime.date(2000, int(match[1]), int(match[2]))
    except ValueError:
        return None
    return day.month, day.day


class _Reader:
    def __init__(self, entries: Iterable[data.Directive]) -> None:
        self.entries = list(entries)
        self.opened = {e.account for e in self.entries if isinstance(e, data.Open)}
        self.errors: list[BooksError] = []

    def error(self, entry: data.Directive, message: str) -> None:
        self.errors.append(BooksError(entry.meta, message, entry))

    def bank_accounts(self) -> dict[str, str]:
        found: dict[str, tuple[str, data.Open]] = {}
        for entry in self.entries:
            if not (isinstance(entry, data.Open) and IBAN in entry.meta):
                continue
            value = entry.meta[IBAN]
            iban = normal_iban(value) if isinstance(value, str) else ""
            if not _IBAN.match(iban):
                self.error(entry, f"{IBAN} {value!r} van {entry.account} is geen IBAN")
            elif iban in found and found[iban][0] != entry.account:
                other = found[iban][1]
                self.error(
                    entry,
                    f"{IBAN} {iban} staat ook bij {other.account} ({_where(other.meta)}): "
                    "een IBAN hoort bij één rekening",
                )
            else:
                found[iban] = (entry.account, entry)
        return {iban: account for iban, (account, _) in found.items()}

    def roles(self) -> tuple[dict[str, dict[str, str]], tuple[int, int]]:
        roles: dict[str, dict[str, str]] = {}
        seen: dict[str, data.Custom] = {}
        invoice_day = DEFAULT_INVOICE_DAY
        for entry in self.entries:
            if not (isinstance(entry, data.Custom) and entry.type == SETTING):
                continue
            kind = str(entry.values[0].value) if entry.values else ""
            label = f'{SETTING} "{kind}"'
            if kind not in ROLES:
                self.error(entry, f"{label}: onbekend, verwacht een van {', '.join(ROLES)}")
                continue
            if kind in seen:
                self.error(entry, f"{label}: staat al in {_where(seen[kind].meta)}")
                continue
            seen[kind] = entry
            keys = _keys(entry)
            for key in sorted(set(keys) - set(ROLES[kind]) - set(_OTHER.get(kind, ()))):
                self.error(entry, f"{label}: onbekende instelling {key}")
            for role in ROLES[kind]:
                if role not in keys:
                    self.error(entry, f"{label}: {role} ontbreekt")
                elif self.account(entry, label, role, keys[role], (kind, role) in _PARENTS):
                    roles.setdefault(kind, {})[role] = str(keys[role])
            if INVOICE_DAY in keys:
                day = _invoice_day(keys[INVOICE_DAY])
                if day is None:
                    self.error(
                        entry,
                        f"{label}: {INVOICE_DAY} {keys[INVOICE_DAY]!r} ongeldig "
                        '(verwacht maand-dag, bijvoorbeeld "11-15")',
                    )
                else:
                    invoice_day = day
        return roles, invoice_day

    def account(
        self, entry: data.Directive, label: str, role: str, value: Any, parent: bool
    ) -> bool:
        if not (isinstance(value, str) and bean_account.is_valid(value)):
            self.error(entry, f"{label}: {role} {value!r} is geen rekening")
            return False
        below = parent and any(a.startswith(value + ":") for a in self.opened)
        if value not in self.opened and not below:
            where = "en heeft geen geopende subrekeningen" if parent else "in de boeken"
            self.error(entry, f"{label}: {role} {value} is niet geopend {where}")
            return False
        return True

    def wnt_keys(self) -> dict[str, str]:
        keys: dict[str, tuple[str, data.Custom]] = {}
        for entry in self.entries:
            if not (
                isinstance(entry, data.Custom)
                and entry.type == "wnt-functie"
                and EMPLOYEE_NUMBER in entry.meta
                and entry.values
            ):
                continue
            number, person = entry.meta[EMPLOYEE_NUMBER], str(entry.values[0].value)
            if not isinstance(number, str) or not number.strip():
                self.error(
                    entry,
                    f"wnt-functie {person!r}: {EMPLOYEE_NUMBER} {number} moet tekst zijn "
                    '(tussen aanhalingstekens: "1001")',
                )
            elif number in keys and keys[number][0] != person:
                self.error(
                    entry,
                    f"wnt-functie {person!r}: {EMPLOYEE_NUMBER} {number} is al van "
                    f"{keys[number][0]!r} ({_where(keys[number][1].meta)})",
                )
            else:
                keys[number] = (person, entry)
        return {number: person for number, (person, _) in keys.items()}


def read_import_settings(
    entries: Iterable[data.Directive],
) -> tuple[ImportSettings, list[BooksError]]:
    """The importers' settings in the books, and what is wrong with them."""
    reader = _Reader(entries)
    bank_accounts = reader.bank_accounts()
    roles, invoice_day = reader.roles()
    wnt_keys = reader.wnt_keys()
    return ImportSettings(bank_accounts, roles, wnt_keys, invoice_day), reader.errors
