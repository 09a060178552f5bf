"""The WNT-verantwoording in the layout of the BZK model, computed from the books.

- ``wnt.topfunctionarissen`` — table 1a/1b: leidinggevende topfunctionarissen of the
  instelling, one column per person and year (the year, then the year before);
- ``wnt.toezichthouders`` — the toezichthoudende topfunctionarissen with their
  function, period, bezoldiging and individual maximum;
- ``wnt.drempel`` — list 1d: topfunctionarissen with a bezoldiging at or below the
  year's threshold;
- ``wnt.overige_functionarissen`` — table 2: other employees above the maximum;
- ``wnt.norm`` — the year's bezoldigingsmaximum and the shares of it for the
  voorzitter and the leden of the toezichthoudend orgaan (the figures the
  verantwoording's text names).

Text cells (function, period, ja/nee, explanations) are in ``texts``, amounts in
``amounts``; both align with ``columns``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from beancount.core import data

from statements.balances import transactions
from statements.errors import StatementError
from statements.table import Row, StatementTable
from vng_accounts import bedrag
from vng_accounts.books import Books
from vng_accounts.wnt import (
    TOEZICHT_SHARE,
    Function,
    Norm,
    Outcome,
    assess,
    read_functions,
    read_norms,
)

NVT = "N.v.t."


def _date(d: datetime.date) -> str:
    return d.strftime("%d/%m")


def _period(function: Function, joiner: str = " – ") -> str:
    return "; ".join(f"{_date(p.begin)}{joiner}{_date(p.end)}" for p in function.periods)


def _factor(function: Function) -> str:
    factors = sorted({p.factor for p in function.periods})
    return "; ".join(f"{f.normalize():f}".replace(".", ",") for f in factors)


def _euro(amount: Decimal) -> str:
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {text}"


def _excess_text(outcome: Outcome) -> str:
    if not outcome.excess:
        return NVT
    if outcome.function.justified:
        return f"{_euro(outcome.excess)}; toegestaan: {outcome.function.justified}"
    return f"{_euro(outcome.excess)}; niet toegestaan, onverschuldigd betaald"


def _claim_text(outcome: Outcome) -> str:
    if not outcome.undue:
        return NVT
    return (
        f"Vordering van {_euro(outcome.undue)} op {outcome.function.name} wegens "
        "onverschuldigde betaling; wordt teruggevorderd."
    )


def _outcomes(books: Books, year: int, entity: str) -> tuple[list[Outcome], dict[int, Norm]]:
    norms, _ = read_norms(books.entries)
    functions, _ = read_functions(books.entries)
    outcomes = []
    for function in functions:
        if function.institution != entity or function.year != year:
            continue
        norm = norms.get(year)
        if norm is None:
            raise StatementError(function.meta, f"wnt: geen wnt-norm voor {year}")
        outcomes.append(assess(function, norm))
    return outcomes, norms


def _order(outcomes: list[Outcome]) -> list[Outcome]:
    """In the order the books list the functions."""
    return sorted(
        outcomes,
        key=lambda o: (
            str(o.function.meta.get("filename", "")),
            int(o.function.meta.get("lineno", 0)),
        ),
    )


def build_topfunctionarissen(books: Books, year: int, entity: str) -> StatementTable:
    columns: list[Outcome] = []
    for y in (year, year - 1):
        outcomes, norms = _outcomes(books, y, entity)
        threshold = norms[y].threshold if y in norms else None
        columns += [
            o
            for o in _order(outcomes)
            if not o.function.supervisory
            and not (threshold is not None and o.bezoldiging <= threshold)
        ]
    labels = tuple(f"{o.function.name} {o.function.year}" for o in columns)

    def text(row_id: str, label: str, value) -> Row:  # type: ignore[no-untyped-def]
        return Row(
            row_id,
            label,
            "text",
            tuple(None for _ in columns),
            1,
            texts=tuple(value(o) for o in columns),
        )

    def amount(row_id: str, label: str, value, kind: str = "line") -> Row:  # type: ignore[no-untyped-def]
        return Row(row_id, label, kind, tuple(value(o) for o in columns), 1)

    rows = (
        text("functie", "Functiegegevens", lambda o: o.function.title),
        text("periode", "Aanvang en einde functievervulling", _period_of),
        text(
            "deeltijdfactor",
            "Omvang dienstverband (als deeltijdfactor in fte)",
            lambda o: _factor(o.function),
        ),
        text(
            "dienstbetrekking",
            "Dienstbetrekking?",
            lambda o: "ja" if o.function.employed else "nee",
        ),
        amount(
            "beloning",
            "Beloning plus belastbare onkostenvergoedingen",
            lambda o: o.function.beloning,
        ),
        amount("termijn", "Beloningen betaalbaar op termijn", lambda o: o.function.termijn),
        amount("subtotaal", "Subtotaal", lambda o: o.subtotal, "subtotal"),
        amount("maximum", "Individueel toepasselijke bezoldigingsmaximum", lambda o: o.maximum),
        amount(
            "onverschuldigd",
            "-/- Onverschuldigd betaald en nog niet terugontvangen bedrag",
            lambda o: o.undue if o.undue else None,
        ),
        amount("bezoldiging", "Bezoldiging", lambda o: o.bezoldiging, "total"),
        text(
            "overschrijding",
            "Het bedrag van de overschrijding en de reden waarom de "
            "overschrijding al dan niet is toegestaan",
            _excess_text,
        ),
        text(
            "vordering", "Toelichting op de vordering wegens onverschuldigde betaling", _claim_text
        ),
    )
    return StatementTable(
        "wnt.topfunctionarissen", f"Bezoldiging topfunctionarissen {entity}", labels, rows
    )


def _period_of(outcome: Outcome) -> str:
    return _period(outcome.function)


def build_toezichthouders(books: Books, year: int, entity: str) -> StatementTable:
    outcomes, _ = _outcomes(books, year, entity)
    rows = tuple(
        Row(
            o.function.person,
            o.function.name,
            "line",
            (None, None, o.bezoldiging, o.maximum),
            1,
            texts=(o.function.title, _period(o.function, " t/m "), None, None),
        )
        for o in _order(outcomes)
        if o.function.supervisory
    )
    return StatementTable(
        "wnt.toezichthouders",
        f"Toezichthoudende topfunctionarissen {year}",
        ("Functie", "Periode", "Bezoldiging", "Individueel toepasselijke bezoldigingsmaximum"),
        rows,
    )


def build_drempel(books: Books, year: int, entity: str) -> StatementTable:
    outcomes, norms = _outcomes(books, year, entity)
    norm = norms.get(year)
    if norm is None or norm.threshold is None:
        return StatementTable(
            "wnt.drempel", "Topfunctionarissen onder de drempel", ("Functie", "Periode"), ()
        )
    rows = tuple(
        Row(
            o.function.person,
            o.function.name,
            "text",
            (None, None),
            1,
            texts=(o.function.title, _period(o.function, " t/m ")),
        )
        for o in _order(outcomes)
        if o.bezoldiging <= norm.threshold
    )
    return StatementTable(
        "wnt.drempel",
        f"1d. Topfunctionarissen met een totale bezoldiging van "
        f"{_euro(norm.threshold).replace(',00', '')} of minder",
        ("Functie", "Periode"),
        rows,
    )


def build_overige(books: Books, year: int, entity: str) -> StatementTable:
    """Employees without a topfunction whose tagged payroll exceeds the maximum."""
    norms, _ = read_norms(books.entries)
    functions, _ = read_functions(books.entries)
    tops = {f.person for f in functions}
    components = {
        e.account
        for e in books.entries
        if isinstance(e, data.Open) and e.meta.get("wnt") in ("beloning", "termijn")
    }
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for entry in transactions(books, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)):
        if entry.date.year == year:
            for posting in entry.postings:
                person = (posting.meta or {}).get("medewerker")
                if person and person not in tops and posting.account in components:
                    paid[str(person)] += bedrag.number(posting)
    norm = norms.get(year)
    rows: Sequence[Row] = ()
    if norm is not None:
        above = [(p, a) for p, a in sorted(paid.items()) if a > norm.maximum]
        rows = tuple(
            Row(f"functionaris_{i}", f"Functionaris {i}", "line", (a, norm.maximum), 1)
            for i, (_, a) in enumerate(above, 1)
        )
    return StatementTable(
        "wnt.overige_functionarissen",
        f"Overige functionarissen met een bezoldiging boven het maximum {year}",
        ("Bezoldiging", "Individueel toepasselijk drempelbedrag"),
        tuple(rows),
    )


def build_wnt(books: Books, year: int, entity: str | None = None) -> tuple[StatementTable, ...]:
    name = entity or books.settings.entity_name
    return (
        build_topfunctionarissen(books, year, name),
        build_toezichthouders(books, year, name),
        build_drempel(books, year, name),
        build_overige(books, year, name),
        build_norm(books, year),
    )


def build_norm(books: Books, year: int) -> StatementTable:
    """The bezoldigingsmaximum of ``year`` (no rows for a year without a wnt-norm) and
    the shares of it for a toezichthouder, as fractions."""
    norms, _ = read_norms(books.entries)
    norm = norms.get(year)
    rows: tuple[Row, ...] = ()
    if norm is not None:
        rows = (
            Row("maximum", "Bezoldigingsmaximum", "line", (norm.maximum,), 0),
            Row(
                "aandeel_voorzitter",
                "Aandeel voorzitter toezichthoudend orgaan",
                "ratio",
                (TOEZICHT_SHARE["toezichthouder-voorzitter"],),
                0,
            ),
            Row(
                "aandeel_lid",
                "Aandeel lid toezichthoudend orgaan",
                "ratio",
                (TOEZICHT_SHARE["toezichthouder-lid"],),
                0,
            ),
        )
    return StatementTable("wnt.norm", f"WNT-bezoldigingsmaximum {year}", (str(year),), rows)


def build_ondertekening(books: Books, year: int, entity: str | None = None) -> StatementTable:
    """Who signs on behalf of the bestuur: the bestuurders in function at the end of
    the year whose function in the books says ``ondertekent: TRUE``, in the order of
    the books; when none says so, every bestuurder then in function (the bestuurders
    sign the jaarrekening, BW 2:49). The directie does not sign for the bestuur."""
    name = entity or books.settings.entity_name
    outcomes, _ = _outcomes(books, year, name)
    year_end = datetime.date(year, 12, 31)
    bestuur = [
        o
        for o in _order(outcomes)
        if o.function.supervisory and o.function.periods[-1].end == year_end
    ]
    signing = [o for o in bestuur if o.function.meta.get("ondertekent") is True] or bestuur
    rows = tuple(
        Row(o.function.person, o.function.name, "text", (None,), 0, texts=(o.function.title,))
        for o in signing
    )
    return StatementTable("ondertekening", "Ondertekening", ("Functie",), rows)
