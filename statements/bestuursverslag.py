"""The tables of the bestuursverslag and of the toelichting that are more than a
balance line, computed from the books:

- ``bestuursverslag.beleggingsresultaat``: the result of the securities portfolio —
  its netto inkomsten (coupon and rente: the rentebaten booked with a lot of the
  custodian's ``effecten`` or with its ``rekening``; dividends after dividend tax), its
  costs, the koersresultaat (realised on the
  accounts of the custodian's ``koersresultaat``, unrealised as the movement of the
  herwaarderingsreserve and of the revaluation through the result) and their total.
  The accounts are the custodian's (``custom "vng-import" "bewaarder"``).
- ``bestuursverslag.vergelijking_begroting`` and ``.vergelijking_vorig_jaar``: each
  line of the staat van baten en lasten, realisatie against begroting and against
  the year before, with the difference.
- ``bestuursverslag.samenstelling_bestuur`` and ``bestuursverslag.directie``: the
  bestuur and the directie in function at the end of the year, from the people of the
  books' WNT-verantwoording (``wnt-functie``: one source for both), in their order,
  a member of the bestuur with the ``ambt`` and ``plaats`` of its metadata.
- ``bestuursverslag.beleggingsportefeuille``: the value of the portfolio at the end
  of the year and the year before — the securities at market value and the balance
  of the custodian's rekening courant (``rekening``) — and its growth.
- ``bestuursverslag.resultaatontwikkeling``: the result on its main lines, realisatie
  of the year before, begroting and realisatie of the year, and the begroting of the
  next year (Fava ``custom "budget"`` entries dated in it); None without that budget.
- ``bestuursverslag.deelnemingen``: each deelneming with its statutaire directie and
  vestigingsplaats, from the books::

      2024-12-31 custom "vng-deelneming" "diensten"
        directie: "geluk, jeroense"
        vestiging: "Den Haag"

  The key names the entity in the group file (its name printed); a director is a
  person of the WNT-verantwoording (``wnt-functie``, their name printed) or a name.
- ``bestuursverslag.personeel``: the personeelsgegevens — fte at year end and on
  average, uitstroom and verzuim from the books, the salarislasten as a share of the
  lasten computed::

      2024-12-31 custom "vng-personeel" 2024
        fte_ultimo: 328.59
        fte_gemiddeld: 318.38
        uitstroom: 6.6
        verzuim: 5.98

- ``toelichting.verplichtingen``: the niet in de balans opgenomen verplichtingen per
  year, from the books' commitments (the total and the years computed)::

      2024-12-31 custom "vng-verplichting" "Facilitaire diensten" 2025 3122000.00 EUR
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from statements.balances import balances_at_year_end, movements, transactions
from statements.enkelvoudig import budget_lines, layout_table
from statements.errors import StatementError, checked
from statements.table import Amount, Row, StatementTable
from vng_accounts.books import Books
from vng_accounts.import_settings import read_import_settings
from vng_accounts.layouts import BALANS, BATEN_LASTEN
from vng_accounts.verslag import (
    PERSONEEL_GEGEVENS,
    VRAAGBAAK_GEGEVENS,
    directors,
    people,
    read_commitments,
    read_deelnemingen,
    read_personeel,
    read_vraagbaak,
)
from vng_accounts.wnt import Function, read_functions

ZERO = Decimal(0)
REVALUATION_LINE = "herwaarderingsreserves"  # the balance line of the reserve
SECURITIES_NOTE = "financiele_baten_lasten.opbrengst_effecten"
INTEREST_NOTE = "financiele_baten_lasten.rentebaten"  # coupon and rente of the portfolio
SECURITIES_LINE = "overige_effecten"  # the balance line of the securities


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
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    moved = movements(books, start, end)
    dividend = -moved.get(roles["dividend"], ZERO) - moved.get(roles["dividendbelasting"], ZERO)
    coupon, rente = _portfolio_interest(books, roles, start, end)
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
    inkomsten = coupon + dividend + rente
    interest = sorted(a for a, spec in books.chart.accounts.items() if spec.note == INTEREST_NOTE)
    rows = (
        _line("coupon", "Coupon", coupon, *interest),
        _line("dividenden", "Dividenden (na dividendbelasting)", dividend, roles["dividend"]),
        _line("rente", "Rente", rente, *interest),
        Row(
            "netto_inkomsten",
            "Netto inkomsten",
            "subtotal",
            (inkomsten,),
            sums=((1, "coupon"), (1, "dividenden"), (1, "rente")),
        ),
        _line("kosten", "Overige lasten effectenportefeuille", kosten, roles["kosten"]),
        _line("koersresultaat", "Koersresultaat", koers, *sorted(securities + reserve)),
        Row(
            "beleggingsresultaat",
            "Beleggingsresultaat",
            "total",
            (inkomsten + kosten + koers,),
            sums=((1, "netto_inkomsten"), (1, "kosten"), (1, "koersresultaat")),
        ),
    )
    return StatementTable(
        "bestuursverslag.beleggingsresultaat",
        "Samenstelling resultaat beleggingsportefeuille",
        (str(year),),
        rows,
    )


def _portfolio_interest(
    books: Books, roles: Mapping[str, str], start: datetime.date, end: datetime.date
) -> tuple[Decimal, Decimal]:
    """The interest the portfolio earned from ``start`` to ``end``: the rentebaten
    (note ``financiele_baten_lasten.rentebaten``) booked together with a lot of the
    custodian's ``effecten`` (coupon), or with its ``rekening`` (rente)."""
    interest = {a for a, spec in books.chart.accounts.items() if spec.note == INTEREST_NOTE}
    lots = roles["effecten"]
    coupon = rente = ZERO
    for entry in transactions(books, start, end):
        accounts = {p.account for p in entry.postings}
        earned = -sum(
            (
                p.units.number
                for p in entry.postings
                if p.account in interest and p.units is not None and p.units.number is not None
            ),
            ZERO,
        )
        if not earned:
            continue
        if any(a == lots or a.startswith(lots + ":") for a in accounts):
            coupon += earned
        elif roles["rekening"] in accounts:
            rente += earned
    return coupon, rente


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
    return commitments_table(
        checked(read_commitments(books.entries, year)),
        year,
        "toelichting.verplichtingen",
    )


def commitments_table(
    per_year: Mapping[int, Decimal],
    year: int,
    table_id: str,
    title: str = "Niet in de balans opgenomen verplichtingen per jaar",
) -> StatementTable | None:
    """The commitments per year they fall due and their total; None without any."""
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
        table_id,
        title,
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
    ambt = any(isinstance(f.meta.get("ambt"), str) for f in bestuur)
    return (
        StatementTable(
            "bestuursverslag.samenstelling_bestuur",
            f"Bestuur per 31 december {year}",
            ("Functie bestuur", "Functie ambt", "Plaats") if ambt else ("Functie bestuur",),
            tuple(_person(f, ("ambt", "plaats") if ambt else ()) for f in bestuur),
        ),
        StatementTable(
            "bestuursverslag.directie",
            "Directie",
            ("Functie",),
            tuple(_person(f) for f in directie),
        ),
    )


def _person(function: Function, keys: tuple[str, ...] = ()) -> Row:
    texts = (function.title, *(str(function.meta.get(k) or "") for k in keys))
    return Row(function.person, function.name, "line", (None,) * len(texts), 1, texts=texts)


# The main lines of the staat van baten en lasten in the resultaatontwikkeling.
RESULTAATONTWIKKELING = (
    "som_der_baten",
    "som_der_lasten",
    "bedrijfsresultaat",
    "financiele_baten_lasten",
    "resultaat_deelnemingen",
    "resultaat",
    "dekking_uit_vermogen",
    "onverdeeld_resultaat",
)


def build_resultaatontwikkeling(
    books: Books, year: int, svbl: StatementTable
) -> StatementTable | None:
    """The main lines of the staat: realisatie of the year before, begroting and
    realisatie of ``year``, and the begroting of the next year; None when the books
    hold no begroting of the next year."""
    budget = budget_lines(books, year + 1)
    if not budget.amounts:
        return None
    volgend = layout_table(BATEN_LASTEN, year + 1, ("Begroot",), (budget,), (True,))
    next_year = {row.id: row.amounts[0] for row in volgend.rows}
    realisatie, begroot, vorig = svbl.columns
    rows = []
    for row in svbl.rows:
        if row.id in RESULTAATONTWIKKELING:
            mine, planned, before = row.amounts
            amounts = (before, planned, mine, next_year.get(row.id))
            rows.append(Row(row.id, row.label, row.kind, amounts, row.level, None, row.accounts))
    return StatementTable(
        "bestuursverslag.resultaatontwikkeling",
        "Resultaatontwikkeling",
        (vorig, begroot, realisatie, f"Begroot {year + 1}"),
        tuple(rows),
    )


def build_beleggingsportefeuille(books: Books, year: int) -> StatementTable | None:
    """The value of the securities portfolio at the end of ``year`` and of the year
    before: the securities at market value and the custodian's rekening courant."""
    settings, _ = read_import_settings(books.entries)
    roles = settings.roles.get("bewaarder", {})
    if "rekening" not in roles:
        return None
    # the securities on the balance at market value: the line's accounts of a
    # category (obligaties, aandelen), with their revaluation
    accounts = sorted(
        account
        for account, spec in books.chart.accounts.items()
        if spec.lines.get(BALANS.id) == SECURITIES_LINE and "categorie" in spec.meta
    )
    columns: list[tuple[Decimal, Decimal]] = []
    for at in (year, year - 1):
        closing = balances_at_year_end(books, at)
        held = sum((closing.get(a, ZERO) for a in accounts), ZERO)
        columns.append((held, closing.get(roles["rekening"], ZERO)))
    (now, rc_now), (before, rc_before) = columns
    rows = (
        Row(
            "effecten",
            "Effecten (beurswaarde)",
            "line",
            (now, before),
            1,
            accounts=tuple(accounts),
        ),
        Row(
            "rekening_courant",
            "Saldo rekening courant",
            "line",
            (rc_now, rc_before),
            1,
            accounts=(roles["rekening"],),
        ),
        Row(
            "waarde",
            "Waarde beleggingsportefeuille",
            "total",
            (now + rc_now, before + rc_before),
            sums=((1, "effecten"), (1, "rekening_courant")),
        ),
    )
    return StatementTable(
        "bestuursverslag.beleggingsportefeuille",
        "Waarde beleggingsportefeuille",
        (f"31 december {year}", f"31 december {year - 1}"),
        rows,
    )


def build_deelnemingen(
    books: Books, year: int, names: Mapping[str, str] | None
) -> StatementTable | None:
    """The deelnemingen with their statutaire directie and vestigingsplaats."""
    deelnemingen, errors = read_deelnemingen(books.entries)
    if errors:
        raise StatementError(errors[0].source, errors[0].message)
    if not deelnemingen or names is None or any(d.key not in names for d in deelnemingen):
        return None  # none in the books, or books built outside their group
    known = people(books.entries)
    rows = []
    for d in deelnemingen:
        label = names[d.key]
        directie = " en ".join(_enumeration(directors(d, known)))
        rows.append(Row(d.key, label, "line", (None, None), 1, texts=(directie, d.vestiging)))
    return StatementTable(
        "bestuursverslag.deelnemingen",
        f"Deelnemingen per 31 december {year}",
        ("Statutaire directie", "Vestigingsplaats"),
        tuple(rows),
    )


def _enumeration(items: tuple[str, ...]) -> list[str]:
    """``a, b`` and ``c``: the last two joined by the caller's ``en``."""
    if len(items) <= 2:
        return list(items)
    return [", ".join(items[:-1]), items[-1]]


def build_personeel(books: Books, year: int, svbl: StatementTable) -> StatementTable | None:
    """The personeelsgegevens of ``year`` and the year before, from the books, with
    the salarislasten (salarissen, sociale lasten en pensioenlasten) as a share of the
    som der lasten computed; None when the books hold none for ``year``."""
    found = checked(read_personeel(books.entries))
    if year not in found:
        return None
    years = (found[year], found.get(year - 1))
    rows = []
    for key, (label, unit) in PERSONEEL_GEGEVENS.items():
        values = tuple(p.values.get(key) if p else None for p in years)
        if all(v is None for v in values):
            continue
        texts = tuple(None if v is None else _count(v, unit) for v in values)
        rows.append(Row(key, label, "line", values, 1, texts=texts))
    share = []
    for column in (0, 2):
        pay = [svbl.row(r).amounts[column] for r in ("salarissen", "sociale_lasten")]
        total = svbl.row("som_der_lasten").amounts[column]
        share.append(sum((p or ZERO for p in pay), ZERO) / total if total else None)
    rows.append(
        Row(
            "salarislasten",
            "Salarislasten in procenten van de lasten",
            "ratio",
            tuple(share),
            1,
            accounts=tuple(
                sorted({*svbl.row("salarissen").accounts, *svbl.row("sociale_lasten").accounts})
            ),
        )
    )
    return StatementTable(
        "bestuursverslag.personeel",
        "Personeelsgegevens van de Vereniging",
        (str(year), str(year - 1)),
        tuple(rows),
    )


def build_vraagbaak(books: Books, year: int) -> StatementTable | None:
    """The vraagbaakfunctie of ``year`` and the year before: the frontoffice's
    contacts (their total computed, by telephone and by mail) and the questions
    registered from them; None when the books hold none for ``year``."""
    found = checked(read_vraagbaak(books.entries))
    if year not in found:
        return None
    years = (found[year], found.get(year - 1))

    def row(key: str, label: str, level: int, values: tuple[Decimal | None, ...]) -> Row:
        texts = tuple(None if v is None else _count(v, "") for v in values)
        return Row(key, label, "line", values, level, texts=texts)

    contacts = tuple(
        None if p is None else p.values["telefonisch"] + p.values["mail"] for p in years
    )
    rows = [row("contactmomenten", "Contactmomenten via de frontoffice", 1, contacts)]
    for key, (label, _) in VRAAGBAAK_GEGEVENS.items():
        values = tuple(p.values.get(key) if p else None for p in years)
        if all(v is None for v in values):
            continue
        rows.append(row(key, label, 2 if key != "vragen" else 1, values))
    return StatementTable(
        "bestuursverslag.vraagbaak",
        "Vraagbaakfunctie van de Vereniging",
        (str(year), str(year - 1)),
        tuple(rows),
    )


def _count(value: Decimal, unit: str) -> str:
    """A figure of the books as written (``328,59 fte``, ``6,6%``)."""
    shown = f"{value:,}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{shown}%" if unit == "%" else f"{shown} {unit}".rstrip()


def build_bestuursverslag(
    books: Books, year: int, svbl: StatementTable, names: Mapping[str, str] | None = None
) -> tuple[StatementTable, ...]:
    """The tables of the bestuursverslag; ``names`` the group's entities by key."""
    tables = [
        *build_samenstelling(books, year),
        build_beleggingsportefeuille(books, year),
        build_beleggingsresultaat(books, year),
        build_deelnemingen(books, year, names),
        build_resultaatontwikkeling(books, year, svbl),
        *build_vergelijkingen(svbl),
        build_personeel(books, year, svbl),
        build_vraagbaak(books, year),
        build_verplichtingen(books, year),
    ]
    return tuple(t for t in tables if t is not None)
