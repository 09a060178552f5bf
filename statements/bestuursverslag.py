"""The tables of the bestuursverslag and of the toelichting that are more than a
balance line, computed from the books:

- ``bestuursverslag.beleggingsresultaat``: the result of the securities portfolio —
  dividends after dividend tax, its costs, the koersresultaat (realised on the
  accounts of the custodian's ``koersresultaat``, unrealised as the movement of the
  herwaarderingsreserve and of the revaluation through the result) and their total.
  The accounts are the custodian's (``custom "vng-import" "bewaarder"``).
- ``bestuursverslag.vergelijking_begroting`` and ``.vergelijking_vorig_jaar``: each
  line of the staat van baten en lasten, realisatie against begroting and against
  the year before, with the difference.
- ``bestuursverslag.samenstelling_bestuur`` and ``bestuursverslag.directie``: the
  bestuur and the directie in function at the end of the year, from the people of the
  books' WNT-verantwoording (``wnt-functie``: one source for both), in their order.
- ``toelichting.verplichtingen``: the niet in de balans opgenomen verplichtingen per
  year, from the books' commitments (the total and the years computed)::

      2024-12-31 custom "vng-verplichting" "Facilitaire diensten" 2025 3122000.00 EUR
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from beancount.core import data

from statements.balances import movements
from statements.errors import StatementError
from statements.table import Amount, Row, StatementTable
from vng_accounts.books import Books
from vng_accounts.import_settings import read_import_settings
from vng_accounts.layouts import BALANS
from vng_accounts.wnt import Function, read_functions

ZERO = Decimal(0)
COMMITMENT = "vng-verplichting"
REVALUATION_LINE = "herwaarderingsreserves"  # the balance line of the reserve
SECURITIES_NOTE = "financiele_baten_lasten.opbrengst_effecten"


def build_beleggingsresultaat(books: Books, year: int) -> StatementTable | None:
    """The result of the securities portfolio over ``year``; None for books without a
    custodian (no ``vng-import "bewaarder"``)."""
    settings, errors = read_import_settings(books.entries)
    if errors:
        raise StatementError(errors[0].source, errors[0].message)
    roles = settings.roles.get("bewaarder", {})
    if not roles:
        return None
    missing = [r for r in ("dividend", "dividendbelasting", "kosten") if r not in roles]
    if missing:
        raise StatementError(
            None, f'custom "vng-import" "bewaarder" mist {", ".join(missing)} (beleggingsresultaat)'
        )
    moved = movements(books, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))
    dividend = -moved.get(roles["dividend"], ZERO) - moved.get(roles["dividendbelasting"], ZERO)
    kosten = -moved.get(roles["kosten"], ZERO)
    securities = [
        account
        for account, spec in books.chart.accounts.items()
        if spec.note == SECURITIES_NOTE and account not in (roles["dividend"], roles["kosten"])
    ]
    reserve = [
        account
        for account in books.chart.accounts
        if books.chart.line_of(account, BALANS) == REVALUATION_LINE
    ]
    koers = -sum((moved.get(a, ZERO) for a in securities + reserve), ZERO)
    rows = (
        _line("dividenden", "Dividenden (na dividendbelasting)", dividend, roles["dividend"]),
        _line("kosten", "Overige lasten effectenportefeuille", kosten, roles["kosten"]),
        _line("koersresultaat", "Koersresultaat", koers, *sorted(securities + reserve)),
        Row(
            "beleggingsresultaat",
            "Beleggingsresultaat",
            "total",
            (dividend + kosten + koers,),
            sums=((1, "dividenden"), (1, "kosten"), (1, "koersresultaat")),
        ),
    )
    return StatementTable(
        "bestuursverslag.beleggingsresultaat",
        "Samenstelling resultaat beleggingsportefeuille",
        (str(year),),
        rows,
    )


def _line(row_id: str, label: str, amount: Decimal, *accounts: str) -> Row:
    return Row(row_id, label, "line", (amount,), 1, accounts=tuple(accounts))


def build_vergelijkingen(svbl: StatementTable) -> tuple[StatementTable, StatementTable]:
    """Realisatie against begroting, and against the year before, line by line, from
    the staat van baten en lasten (columns realisatie, begroot, realisatie vorig jaar)."""
    realisatie, begroot, vorig = svbl.columns
    return (
        _vergelijking(svbl, "begroting", 1, (realisatie, begroot, "Verschil")),
        _vergelijking(svbl, "vorig_jaar", 2, (realisatie, vorig, "Verschil")),
    )


def _vergelijking(
    svbl: StatementTable, key: str, other: int, columns: tuple[str, str, str]
) -> StatementTable:
    rows = []
    for row in svbl.rows:
        if row.kind == "header":
            rows.append(replace_amounts(row, (None, None, None)))
            continue
        mine, theirs = row.amounts[0], row.amounts[other]
        difference: Amount = None
        if mine is not None or theirs is not None:
            difference = (mine or ZERO) - (theirs or ZERO)
        rows.append(replace_amounts(row, (mine, theirs, difference)))
    title = (
        f"Vergelijking realisatie met begroting {columns[1].split()[-1]}"
        if key == "begroting"
        else f"Vergelijking realisatie {columns[0].split()[-1]} met {columns[1].split()[-1]}"
    )
    return StatementTable(f"bestuursverslag.vergelijking_{key}", title, columns, tuple(rows))


def replace_amounts(row: Row, amounts: tuple[Amount, ...]) -> Row:
    return Row(row.id, row.label, row.kind, amounts, row.level, row.note, row.accounts)


def build_verplichtingen(books: Books, year: int) -> StatementTable | None:
    """The commitments at the end of ``year`` per year they fall due: the entries of
    the year (dated in it) that name a later year; None when the books hold none."""
    per_year: dict[int, Decimal] = defaultdict(Decimal)
    sources: dict[int, list[str]] = defaultdict(list)
    for entry in books.entries:
        if not isinstance(entry, data.Custom) or entry.type != COMMITMENT:
            continue
        if entry.date.year != year:
            continue
        values = [v.value for v in entry.values]
        if len(values) != 3 or not isinstance(values[1], Decimal | int):
            raise StatementError(
                entry.meta,
                f'{COMMITMENT}: verwacht omschrijving, jaar en bedrag EUR ("{values}")',
            )
        due, amount = int(values[1]), values[2]
        number = getattr(amount, "number", None)
        if number is None or getattr(amount, "currency", "EUR") != "EUR" or due <= year:
            raise StatementError(
                entry.meta, f"{COMMITMENT}: een bedrag in EUR in een jaar na {year} ({values})"
            )
        per_year[due] += number
        sources[due].append(str(values[0]))
    if not per_year:
        return None
    rows = [Row(f"jaar_{due}", str(due), "line", (per_year[due],), 1) for due in sorted(per_year)]
    rows.append(
        Row(
            "totaal",
            "Totaal",
            "total",
            (sum(per_year.values(), ZERO),),
            sums=tuple((1, r.id) for r in rows),
        )
    )
    return StatementTable(
        "toelichting.verplichtingen",
        "Niet in de balans opgenomen verplichtingen per jaar",
        (f"31 december {year}",),
        tuple(rows),
    )


def build_samenstelling(books: Books, year: int) -> tuple[StatementTable, ...]:
    """The bestuur and the directie of the entity at 31 December of ``year``."""
    functions, _ = read_functions(books.entries)
    year_end = datetime.date(year, 12, 31)
    present = sorted(
        (
            f
            for f in functions
            if f.institution == books.settings.entity_name
            and f.year == year
            and f.periods
            and f.periods[-1].end == year_end
        ),
        key=lambda f: (str(f.meta.get("filename", "")), int(f.meta.get("lineno", 0))),
    )
    if not present:
        return ()
    bestuur = [f for f in present if f.supervisory]
    directie = [f for f in present if not f.supervisory]
    return (
        StatementTable(
            "bestuursverslag.samenstelling_bestuur",
            f"Bestuur per 31 december {year}",
            ("Functie bestuur",),
            tuple(_person(f) for f in bestuur),
        ),
        StatementTable(
            "bestuursverslag.directie",
            "Directie",
            ("Functie",),
            tuple(_person(f) for f in directie),
        ),
    )


def _person(function: Function) -> Row:
    return Row(function.person, function.name, "text", (None,), 1, texts=(function.title,))


def build_bestuursverslag(
    books: Books, year: int, svbl: StatementTable
) -> tuple[StatementTable, ...]:
    tables = [
        *build_samenstelling(books, year),
        build_beleggingsresultaat(books, year),
        *build_vergelijkingen(svbl),
        build_verplichtingen(books, year),
    ]
    return tuple(t for t in tables if t is not None)
