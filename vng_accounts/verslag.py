"""The facts of the bestuursverslag that are no postings: the personeelsgegevens and
the statutaire directie of the deelnemingen, as data in the books.

The personeelsgegevens of a year, one entry per year::

    2024-12-31 custom "vng-personeel" 2024
      fte_ultimo: 328.59
      fte_gemiddeld: 318.38
      uitstroom: 6.6
      verzuim: 5.98

(the fte at 31 December and on average; uitstroom and verzuim in percent, as
precise as the books write them). The salarislasten as a share of the lasten are
computed, never entered. Likewise the vraagbaakfunctie (the frontoffice's contacts
by telephone and by mail, their total computed, and the questions registered)::

    2024-12-31 custom "vng-vraagbaak" 2024
      telefonisch: 8788
      mail: 15102
      vragen: 6485

A deelneming, by its key in the group file, with its statutaire directie (persons of
the WNT-verantwoording by their key, so a name is written once, or names of people
the books do not pay) and where it is established::

    2024-12-31 custom "vng-deelneming" "diensten"
      directie: "geluk, jeroense"
      vestiging: "Den Haag"

A commitment off the balance (a contract's amount falling due in a later year), and
a credit line for guarantees with its security and a guarantee issued::

    2024-12-31 custom "vng-verplichting" "Facilitaire diensten" 2025 3122000.00 EUR
    2024-12-31 custom "vng-obligokrediet" "ABN AMRO Bank N.V." 2600000.00 EUR
      zekerheid: "debiteuren verpand voor een gelijk bedrag"
    2024-12-31 custom "vng-bankgarantie" "ABN AMRO Bank N.V." 1074000.00 EUR
      project: "..."
      begunstigde: "..."

A member of the bestuur (a ``wnt-functie`` of a toezichthouder) may carry ``ambt``
and ``plaats``, printed in the samenstelling bestuur; one without the other is an
error. Every error is ``file:line: reason`` (``check_verslag``, run by the plugin
``vng_accounts.plugins.teksten``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import data

from vng_accounts.errors import BooksError
from vng_accounts.wnt import read_functions

PERSONEEL = "vng-personeel"
COMMITMENT = "vng-verplichting"
OBLIGO = "vng-obligokrediet"
GUARANTEE = "vng-bankgarantie"
DEELNEMING = "vng-deelneming"
# key -> (label, unit) of the personeelsgegevens the books give, in the report's order
PERSONEEL_GEGEVENS: dict[str, tuple[str, str]] = {
    "fte_ultimo": ("Bezetting in fte per 31 december", "fte"),
    "fte_gemiddeld": ("Gemiddeld aantal fte", "fte"),
    "uitstroom": ("Uitstroompercentage", "%"),
    "verzuim": ("Ziekteverzuimpercentage (inclusief zwangerschapsverlof)", "%"),
}
VRAAGBAAK = "vng-vraagbaak"
# the contacts of the frontoffice and the questions registered from them
VRAAGBAAK_GEGEVENS: dict[str, tuple[str, str]] = {
    "telefonisch": ("waarvan telefonisch", "aantal"),
    "mail": ("waarvan per e-mail", "aantal"),
    "vragen": ("Geregistreerde vragen uit de contactmomenten", "aantal"),
}
_PERSON_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_META = frozenset({"filename", "lineno"})


@dataclass(frozen=True)
class Personeel:
    year: int
    values: Mapping[str, Decimal]
    meta: Mapping[str, Any]


@dataclass(frozen=True)
class Deelneming:
    key: str
    directie: tuple[str, ...]  # person keys of the WNT or names, in their order
    vestiging: str
    meta: Mapping[str, Any]


def read_personeel(
    entries: Iterable[data.Directive],
) -> tuple[dict[int, Personeel], list[BooksError]]:
    """The personeelsgegevens per year, and what is wrong with their entries. Only the
    fte at 31 December is required: a dochter gives that for the group's bezetting."""
    return read_yearly(entries, PERSONEEL, PERSONEEL_GEGEVENS, ("fte_ultimo",))


def read_vraagbaak(
    entries: Iterable[data.Directive],
) -> tuple[dict[int, Personeel], list[BooksError]]:
    """The figures of the vraagbaakfunctie per year, and what is wrong with them."""
    return read_yearly(entries, VRAAGBAAK, VRAAGBAAK_GEGEVENS)


def read_yearly(
    entries: Iterable[data.Directive],
    kind: str,
    spec: Mapping[str, tuple[str, str]],
    required: tuple[str, ...] | None = None,
) -> tuple[dict[int, Personeel], list[BooksError]]:
    """The entries ``kind`` per year, each with the figures of ``spec`` (all of them,
    or those ``required`` and any other of ``spec``)."""
    found: dict[int, Personeel] = {}
    errors: list[BooksError] = []
    for entry in entries:
        if not isinstance(entry, data.Custom) or entry.type != kind:
            continue
        problem, personeel = _yearly(entry, spec, tuple(spec) if required is None else required)
        if personeel is not None and personeel.year in found:
            problem = f"{personeel.year} staat al op regel " + str(
                found[personeel.year].meta.get("lineno")
            )
        if problem or personeel is None:
            errors.append(BooksError(entry.meta, f"{kind}: {problem}", entry))
            continue
        found[personeel.year] = personeel
    return found, errors


def _yearly(
    entry: data.Custom, spec: Mapping[str, tuple[str, str]], required: tuple[str, ...]
) -> tuple[str, Personeel | None]:
    values = [v.value for v in entry.values]
    if len(values) != 1 or not isinstance(values[0], Decimal | int) or values[0] != int(values[0]):
        return f"verwacht het jaar ({values})", None
    given: dict[str, Decimal] = {}
    for key, (_, unit) in spec.items():
        value = entry.meta.get(key)
        if value is None and key not in required:
            continue
        if not isinstance(value, Decimal) or value < 0:
            return f"{key}: een getal van nul of meer ontbreekt ({value!r})", None
        if unit == "%" and value > 100:
            return f"{key}: een percentage tot 100 ({value})", None
        if unit == "aantal" and value != int(value):
            return f"{key}: een aantal, een heel getal ({value})", None
        given[key] = value
    unknown = sorted(set(entry.meta) - _META - set(spec))
    if unknown:
        return f"onbekend gegeven {', '.join(unknown)} ({', '.join(spec)})", None
    return "", Personeel(int(values[0]), given, entry.meta)


def read_deelnemingen(
    entries: Iterable[data.Directive],
) -> tuple[list[Deelneming], list[BooksError]]:
    """The deelnemingen with their directie, in the books' order, and the errors."""
    found: list[Deelneming] = []
    errors: list[BooksError] = []
    for entry in entries:
        if not isinstance(entry, data.Custom) or entry.type != DEELNEMING:
            continue
        values = [v.value for v in entry.values]
        directie, vestiging = entry.meta.get("directie"), entry.meta.get("vestiging")
        if len(values) != 1 or not isinstance(values[0], str) or not values[0].strip():
            problem = f"verwacht de sleutel van de deelneming in de groep ({values})"
        elif not isinstance(directie, str) or not directie.strip():
            problem = 'directie: "sleutel of naam, ..." ontbreekt'
        elif not isinstance(vestiging, str) or not vestiging.strip():
            problem = 'vestiging: "plaats" ontbreekt'
        else:
            names = tuple(n.strip() for n in directie.split(",") if n.strip())
            found.append(Deelneming(values[0].strip(), names, vestiging.strip(), entry.meta))
            continue
        errors.append(BooksError(entry.meta, f"{DEELNEMING}: {problem}", entry))
    return found, errors


def people(entries: Iterable[data.Directive]) -> dict[str, str]:
    """Every person of the WNT-verantwoording: key -> name (the latest)."""
    functions, _ = read_functions(list(entries))
    return {f.person: f.name for f in sorted(functions, key=lambda f: f.year)}


def directors(deelneming: Deelneming, known: Mapping[str, str]) -> tuple[str, ...]:
    """The statutaire directie by name: a person's key becomes their name."""
    return tuple(known.get(item, item) for item in deelneming.directie)


@dataclass(frozen=True)
class Garantie:
    """An obligokrediet (a credit line within which the bank issues guarantees, with
    its security) or a bankgarantie issued (for a project, to a beneficiary)."""

    kind: str  # OBLIGO or GUARANTEE
    bank: str
    amount: Decimal
    description: str  # the security of a credit line, the project of a guarantee
    beneficiary: str  # of a guarantee; "" for a credit line
    year: int  # the year at whose end it stands
    meta: Mapping[str, Any]


def read_commitments(
    entries: Iterable[data.Directive], year: int
) -> tuple[dict[int, Decimal], list[BooksError]]:
    """The commitments off the balance at the end of ``year`` per year they fall due:
    the entries dated in ``year`` that name a later year; and what is wrong with them."""
    per_year: dict[int, Decimal] = {}
    errors: list[BooksError] = []
    for entry in entries:
        if not isinstance(entry, data.Custom) or entry.type != COMMITMENT:
            continue
        if entry.date.year != year:
            continue
        values = [v.value for v in entry.values]
        due = values[1] if len(values) == 3 else None
        amount = values[2] if len(values) == 3 else None
        number = getattr(amount, "number", None)
        if (
            not isinstance(values[0], str)
            or not isinstance(due, Decimal | int)
            or due != int(due)
            or int(due) <= year
            or number is None
            or getattr(amount, "currency", "") != "EUR"
        ):
            message = (
                f"{COMMITMENT}: verwacht omschrijving, een jaar na {year} en een bedrag "
                f"in EUR ({values})"
            )
            errors.append(BooksError(entry.meta, message, entry))
            continue
        per_year[int(due)] = per_year.get(int(due), Decimal(0)) + number
    return per_year, errors


def read_guarantees(entries: Iterable[data.Directive]) -> tuple[list[Garantie], list[BooksError]]:
    """The obligokredieten and bankgaranties standing at the end of the year of their
    date, in the order of the books; and what is wrong with them."""
    found: list[Garantie] = []
    errors: list[BooksError] = []
    for entry in entries:
        if not isinstance(entry, data.Custom) or entry.type not in (OBLIGO, GUARANTEE):
            continue
        values = [v.value for v in entry.values]
        amount = values[1] if len(values) == 2 else None
        number = getattr(amount, "number", None)
        keys = ("zekerheid",) if entry.type == OBLIGO else ("project", "begunstigde")
        texts = [entry.meta.get(k) for k in keys]
        problem = ""
        if not values or not isinstance(values[0], str) or number is None or number <= 0:
            problem = f"verwacht de bank en een bedrag ({values})"
        elif getattr(amount, "currency", "") != "EUR":
            problem = f"een bedrag in EUR ({amount})"
        elif not all(isinstance(t, str) and t.strip() for t in texts):
            problem = f"{' en '.join(keys)} ontbreekt"
        if problem or not isinstance(number, Decimal):
            errors.append(BooksError(entry.meta, f"{entry.type}: {problem}", entry))
            continue
        found.append(
            Garantie(
                entry.type,
                str(values[0]),
                number,
                str(texts[0]),
                str(texts[1]) if len(texts) > 1 else "",
                entry.date.year,
                entry.meta,
            )
        )
    return found, errors


def check_verslag(entries: list[data.Directive]) -> list[BooksError]:
    """What is wrong with the personeelsgegevens, the vraagbaak, the deelnemingen, the
    commitments and guarantees, and the bestuur's ambt and plaats, each at its entry."""
    _, errors = read_personeel(entries)
    errors += read_vraagbaak(entries)[1]
    errors += read_guarantees(entries)[1]
    for year in sorted({e.date.year for e in entries if isinstance(e, data.Custom)}):
        errors += read_commitments(entries, year)[1]
    deelnemingen, more = read_deelnemingen(entries)
    errors += more
    known = people(entries)
    for deelneming in deelnemingen:
        for item in deelneming.directie:
            if _PERSON_KEY.match(item) and item not in known:
                message = (
                    f"{DEELNEMING} {deelneming.key}: {item!r} is geen persoon van de "
                    "WNT-verantwoording (wnt-functie); schrijf een naam of een bekende sleutel"
                )
                errors.append(BooksError(dict(deelneming.meta), message, None))
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == "wnt-functie":
            has = [key for key in ("ambt", "plaats") if isinstance(entry.meta.get(key), str)]
            if len(has) == 1:
                missing = "plaats" if has == ["ambt"] else "ambt"
                errors.append(
                    BooksError(entry.meta, f"wnt-functie: {has[0]} zonder {missing}", entry)
                )
    return errors
