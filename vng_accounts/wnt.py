"""The Wet normering topinkomens: the data in the books and the rules as code.

The norms of a year are data, with their source (the yearly Regeling)::

    2024-01-01 custom "wnt-norm" 2024 233000.00 EUR
      bron: "Regeling bezoldigingsmaxima topfunctionarissen 2024 (Stcrt. 2023)"
      zonder_dienstbetrekking_1_6: 30800.00 EUR
      zonder_dienstbetrekking_7_12: 23400.00 EUR
      uurtarief: 221.00 EUR
      drempel: 2100.00 EUR

A function per person, instelling and period; several entries of one person and
function in a year (a change of deeltijdfactor) add up::

    2024-01-01 custom "wnt-functie" "geluk" "Algemeen Directeur"
      naam: "Leonard Geluk"
      instelling: "Vereniging van Nederlandse Gemeenten"
      soort: "leidinggevend"         ; or toezichthouder-voorzitter, toezichthouder-lid
      begin: 2024-01-01
      einde: 2024-12-31
      deeltijdfactor: 1.0
      dienstbetrekking: TRUE
      beloning: 178331.90 EUR        ; beloning plus belastbare onkostenvergoedingen
      termijn: 23309.52 EUR          ; beloningen betaalbaar op termijn

Optional: ``functie_sinds`` (start of the function, for the months of a
topfunctionaris zonder dienstbetrekking), ``uren`` (hours worked in the year, for the
hourly norm), ``overschrijding: "toegestaan"`` with ``reden`` (transitional law, a
ministerial decision).

The beloning and termijn reconcile with the payroll: postings with
``medewerker: "<id>"`` on accounts whose ``open`` says ``wnt: "beloning"`` or
``wnt: "termijn"``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from beancount.core import data

from vng_accounts import bedrag
from vng_accounts.errors import BooksError

ZERO = Decimal(0)
CENT = Decimal("0.01")
KINDS = ("leidinggevend", "toezichthouder-voorzitter", "toezichthouder-lid")
TOEZICHT_SHARE = {
    "toezichthouder-voorzitter": Decimal("0.15"),
    "toezichthouder-lid": Decimal("0.10"),
}


@dataclass(frozen=True)
class Norm:
    year: int
    maximum: Decimal
    source: str
    zd_first: Decimal | None
    zd_second: Decimal | None
    hourly: Decimal | None
    threshold: Decimal | None


@dataclass(frozen=True)
class Period:
    begin: datetime.date
    end: datetime.date
    factor: Decimal


@dataclass(frozen=True)
class Function:
    person: str
    name: str
    title: str
    institution: str
    kind: str
    year: int
    periods: tuple[Period, ...]
    employed: bool
    beloning: Decimal
    termijn: Decimal
    since: datetime.date
    hours: Decimal | None
    justified: str | None
    meta: dict[str, Any]

    @property
    def supervisory(self) -> bool:
        return self.kind != "leidinggevend"


@dataclass(frozen=True)
class Outcome:
    function: Function
    maximum: Decimal
    subtotal: Decimal
    undue: Decimal  # onverschuldigd betaald
    excess: Decimal  # overschrijding
    bezoldiging: Decimal


def _amount(value: Any) -> Decimal | None:
    number = getattr(value, "number", value)
    return Decimal(number) if isinstance(number, (Decimal, int)) else None


def read_norms(entries: Sequence[data.Directive]) -> tuple[dict[int, Norm], list[BooksError]]:
    norms: dict[int, Norm] = {}
    errors: list[BooksError] = []
    for entry in entries:
        if not (isinstance(entry, data.Custom) and entry.type == "wnt-norm"):
            continue
        values = [v.value for v in entry.values]
        maximum = _amount(values[1]) if len(values) == 2 else None
        if maximum is None or not isinstance(entry.meta.get("bron"), str):
            errors.append(
                BooksError(entry.meta, "wnt-norm: verwacht jaar, maximum en 'bron'", entry)
            )
            continue
        year = int(values[0])
        norms[year] = Norm(
            year,
            maximum,
            str(entry.meta["bron"]),
            _amount(entry.meta.get("zonder_dienstbetrekking_1_6")),
            _amount(entry.meta.get("zonder_dienstbetrekking_7_12")),
            _amount(entry.meta.get("uurtarief")),
            _amount(entry.meta.get("drempel")),
        )
    return norms, errors


def read_functions(entries: Sequence[data.Directive]) -> tuple[list[Function], list[BooksError]]:
    grouped: dict[tuple[str, str, str, int], list[data.Custom]] = defaultdict(list)
    errors: list[BooksError] = []
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == "wnt-functie":
            problem = _entry_problem(entry)
            if problem:
                errors.append(BooksError(entry.meta, f"wnt-functie: {problem}", entry))
                continue
            person, title = (str(v.value) for v in entry.values)
            key = (person, title, str(entry.meta["instelling"]), entry.meta["begin"].year)
            grouped[key].append(entry)
    return [_function(key, items) for key, items in grouped.items()], errors


def _entry_problem(entry: data.Custom) -> str | None:
    meta = entry.meta
    if len(entry.values) != 2 or not str(entry.values[1].value).strip():
        return "verwacht persoon en functie"
    for key in ("naam", "instelling", "soort", "begin", "einde"):
        if key not in meta:
            return f"'{key}' ontbreekt"
    if meta["soort"] not in KINDS:
        return f"soort moet een van {', '.join(KINDS)} zijn"
    begin, end = meta["begin"], meta["einde"]
    if not (isinstance(begin, datetime.date) and isinstance(end, datetime.date)):
        return "begin en einde zijn datums"
    if begin.year != end.year or begin > end:
        return f"periode {begin} - {end} ligt niet binnen één jaar"
    factor = _amount(meta.get("deeltijdfactor", Decimal(1)))
    if factor is None or not ZERO < factor <= 1:
        return f"deeltijdfactor {meta.get('deeltijdfactor')} ligt niet tussen 0 en 1"
    return None


def _function(key: tuple[str, str, str, int], items: list[data.Custom]) -> Function:
    person, title, institution, year = key
    first = items[0].meta
    periods = tuple(
        Period(
            e.meta["begin"],
            e.meta["einde"],
            _amount(e.meta.get("deeltijdfactor", Decimal(1))) or Decimal(1),
        )
        for e in items
    )

    def total(key: str) -> Decimal:
        return sum((_amount(e.meta.get(key)) or ZERO for e in items), ZERO)

    hours = [_amount(e.meta.get("uren")) for e in items if "uren" in e.meta]
    return Function(
        person,
        str(first["naam"]),
        title,
        institution,
        str(first["soort"]),
        year,
        tuple(sorted(periods, key=lambda p: p.begin)),
        bool(first.get("dienstbetrekking", True)),
        total("beloning"),
        total("termijn"),
        first.get("functie_sinds", min(p.begin for p in periods)),
        sum((h for h in hours if h is not None), ZERO) if hours else None,
        str(first["reden"]) if first.get("overschrijding") == "toegestaan" else None,
        first,
    )


def _days_in_year(year: int) -> int:
    first, next_first = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    return (next_first - first).days


def _pro_rata(norm: Norm, periods: Sequence[Period], share: Decimal = Decimal(1)) -> Decimal:
    days = sum((p.factor * ((p.end - p.begin).days + 1) for p in periods), ZERO)
    return norm.maximum * share * days / _days_in_year(norm.year)


def _months(since: datetime.date, period: Period) -> list[int]:
    """The function's month numbers (1 = its first calendar month) in a period."""
    months = []
    cursor = datetime.date(period.begin.year, period.begin.month, 1)
    while cursor <= period.end:
        months.append((cursor.year - since.year) * 12 + cursor.month - since.month + 1)
        cursor = datetime.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months


def individual_maximum(function: Function, norm: Norm) -> Decimal:
    """The individueel toepasselijke bezoldigingsmaximum, unrounded."""
    if function.supervisory:
        return _pro_rata(
            norm,
            [Period(p.begin, p.end, Decimal(1)) for p in function.periods],
            TOEZICHT_SHARE[function.kind],
        )
    if function.employed:
        return _pro_rata(norm, function.periods)
    return _without_employment(function, norm)


def _without_employment(function: Function, norm: Norm) -> Decimal:
    """Zonder dienstbetrekking: month norms and the hourly norm in months 1-12, after
    that the general maximum pro rata."""
    if norm.zd_first is None or norm.zd_second is None or norm.hourly is None:
        raise ValueError(f"wnt-norm {norm.year} mist de normen zonder dienstbetrekking")
    months = sorted({m for p in function.periods for m in _months(function.since, p)})
    early = [m for m in months if m <= 12]
    if not early:
        return _pro_rata(norm, function.periods)
    month_norm = sum((norm.zd_first if m <= 6 else norm.zd_second for m in early), ZERO)
    if function.hours is None:
        raise ValueError(f"{function.name}: 'uren' ontbreekt voor de uurnorm")
    limit = min(month_norm, norm.hourly * function.hours)
    later = [p for p in function.periods if _months(function.since, p)[-1] > 12]
    if later:
        limit += _pro_rata(norm, [_after_month_12(function.since, p) for p in later])
    return limit


def _after_month_12(since: datetime.date, period: Period) -> Period:
    start = datetime.date(since.year + (since.month + 11) // 12, (since.month + 11) % 12 + 1, 1)
    return Period(max(period.begin, start), period.end, period.factor)


def assess(function: Function, norm: Norm) -> Outcome:
    """Maximum, subtotal, overschrijding, and what is onverschuldigd betaald."""
    maximum = individual_maximum(function, norm).quantize(CENT, ROUND_HALF_UP)
    subtotal = function.beloning + function.termijn
    excess = max(subtotal - maximum, ZERO)
    undue = ZERO if function.justified else excess
    return Outcome(function, maximum, subtotal, undue, excess, subtotal - undue)


def reconcile(
    entries: Sequence[data.Directive], functions: Sequence[Function], entity: str
) -> list[BooksError]:
    """The declared beloning and termijn against the payroll postings of the entity."""
    components = {
        e.account: str(e.meta["wnt"])
        for e in entries
        if isinstance(e, data.Open) and "wnt" in e.meta
    }
    paid: dict[tuple[str, int, str], Decimal] = defaultdict(Decimal)
    paid_source: dict[tuple[str, int, str], dict[str, Any]] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            person = (posting.meta or {}).get("medewerker")
            component = components.get(posting.account)
            if person is not None and component is not None:
                key = (str(person), entry.date.year, component)
                paid[key] += bedrag.number(posting)
                paid_source.setdefault(key, posting.meta or entry.meta)
    errors = []
    declared: dict[tuple[str, int, str], Decimal] = defaultdict(Decimal)
    sources: dict[tuple[str, int, str], dict[str, Any]] = {}
    for f in functions:
        if f.institution == entity and f.employed:
            for component, amount in (("beloning", f.beloning), ("termijn", f.termijn)):
                declared[(f.person, f.year, component)] += amount
                sources[(f.person, f.year, component)] = f.meta
    for key in sorted(set(declared) | {k for k in paid if k[0] in {f.person for f in functions}}):
        if declared.get(key, ZERO) != paid.get(key, ZERO):
            person, year, component = key
            errors.append(
                BooksError(
                    sources.get(key) or paid_source.get(key),
                    f"wnt {year} {person}: {component} "
                    f"opgegeven {declared.get(key, ZERO)}, salarisadministratie "
                    f"{paid.get(key, ZERO)}",
                    None,
                )
            )
    return errors
