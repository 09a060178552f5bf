"""Movements on fixed assets say what they are; project financing and the
accountant's honoraria are marked validly.

Every transaction that posts to an account with a ``component`` (the aanschafwaarde
or the cumulatieve afschrijvingen of a group of materiële vaste activa) carries a
``mutatie`` that places it in the movement schedule of toelichting (1)::

    2024-06-28 * "Kantoorinrichting Nederland B.V." "Investering andere vaste bedrijfsmiddelen"
      mutatie: "investering"
      Activa:MaterieleVasteActiva:AndereVasteBedrijfsmiddelen:Aanschafwaarde  437000.00 EUR
      Passiva:Kortlopend:Handelscrediteuren

A posting may carry ``financiering: "project"`` when its cost is externally financed
(the "Project gefinancierd" column of the toelichting). The opening balance of the
books carries ``mutatie: "beginbalans"``: it is the schedule's first begin balance.

A posting of lasten that pays the external accountant says for which service by
``accountantshonorarium`` (``controle``, ``andere_controle``, ``fiscaal`` or
``niet_controle``: the kinds of art. 2:382a BW, the table with note (32))::

    2024-10-31 * "Externe accountant" "Interim-controle jaarrekening 2024"
      Lasten:OverigeLasten                    52030.00 EUR
        accountantshonorarium: "controle"
      Passiva:Kortlopend:Handelscrediteuren

    plugin "vng_accounts.plugins.mutaties"
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from vng_accounts.chart import account_types_of
from vng_accounts.errors import BooksError
from vng_accounts.metadata import BEGINBALANS, MUTATIE
from vng_accounts.toelichting import HONORARIUM_KEY, HONORARIUM_KINDS

__plugins__ = ("check_mutaties",)

MUTATIES: dict[str, frozenset[str]] = {
    BEGINBALANS: frozenset({"aanschafwaarde", "afschrijvingen"}),
    "investering": frozenset({"aanschafwaarde"}),
    "desinvestering": frozenset({"aanschafwaarde", "afschrijvingen"}),
    "herrubricering": frozenset({"aanschafwaarde", "afschrijvingen"}),
    "afschrijving": frozenset({"afschrijvingen"}),
}
FINANCIERING = frozenset({"project"})


def components(entries: list[data.Directive]) -> dict[str, str]:
    """Account -> component ("aanschafwaarde" or "afschrijvingen") from the opens."""
    return {
        e.account: str(e.meta["component"])
        for e in entries
        if isinstance(e, data.Open) and "component" in e.meta
    }


def check_mutaties(
    entries: list[data.Directive], options_map: dict[str, Any]
) -> tuple[list[data.Directive], list[BooksError]]:
    errors: list[BooksError] = []
    component_of = components(entries)
    expenses = account_types_of(options_map).expenses + ":"
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        errors.extend(_check_entry(entry, component_of))
        errors.extend(_check_honoraria(entry, expenses))
    return entries, errors


def _check_honoraria(entry: data.Transaction, expenses: str) -> list[BooksError]:
    """``accountantshonorarium`` names a known kind of service, on a posting of lasten
    (on the transaction it would not say which of its postings is the fee)."""
    errors: list[BooksError] = []
    if HONORARIUM_KEY in entry.meta:
        message = f"{HONORARIUM_KEY} hoort bij de boeking op de lastenrekening, niet bij de post"
        errors.append(BooksError(entry.meta, message, entry))
    for posting in entry.postings:
        kind = (posting.meta or {}).get(HONORARIUM_KEY)
        if kind is None:
            continue
        if kind not in HONORARIUM_KINDS:
            message = (
                f'{HONORARIUM_KEY} "{kind}" onbekend (toegestaan: '
                f"{', '.join(HONORARIUM_KINDS)})"
            )
            errors.append(BooksError(posting.meta, message, entry))
        if not posting.account.startswith(expenses):
            message = f"{HONORARIUM_KEY} alleen op een lastenrekening, niet op {posting.account}"
            errors.append(BooksError(posting.meta, message, entry))
    return errors


def _check_entry(entry: data.Transaction, component_of: dict[str, str]) -> list[BooksError]:
    errors: list[BooksError] = []
    mutatie = entry.meta.get(MUTATIE)
    for posting in entry.postings:
        financiering = (posting.meta or {}).get("financiering")
        if financiering is not None and financiering not in FINANCIERING:
            message = f'financiering "{financiering}" onbekend (toegestaan: project)'
            errors.append(BooksError(posting.meta, message, entry))
        component = component_of.get(posting.account)
        if component is None:
            continue
        if mutatie not in MUTATIES:
            message = (
                f"boeking op {posting.account} zonder geldige mutatie "
                f"({', '.join(sorted(MUTATIES))})"
            )
            errors.append(BooksError(entry.meta, message, entry))
            break
        if component not in MUTATIES[str(mutatie)]:
            message = f"mutatie {mutatie} kan niet op {posting.account}"
            errors.append(BooksError(entry.meta, message, entry))
    return errors
