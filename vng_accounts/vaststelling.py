"""Period lock: once the ALV has vastgesteld a year, its entries are frozen.

``vng vaststellen`` writes a lock file beside the books, one line per entry dated in
the year (its digest, date and a description), and the books record the lock with
the digest of that file::

    2024-06-30 custom "vng-vastgesteld" 2023 "vastgesteld-2023.txt" "sha256:5f0c..."

From then on adding, changing or removing any entry dated in that year makes the
check fail, naming the entry (file:line for an added or changed entry, its date and
description from the lock for a removed one). Entries the books derive themselves
(revaluation, dekking, resultaatbestemming) are computed from the frozen ones and
are not part of the lock.

The date of a year's jaarrekening is in the books too: the day the bestuur made it
up (opgemaakt), and the day the ALV adopted it (the ``vng-vastgesteld`` entry)::

    2025-04-30 custom "vng-opgemaakt" 2024

``jaarrekening_date`` gives the first of the two that the books have; the
journal-entry tests mark what was booked after it.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.parser import printer

from vng_accounts.errors import BooksError, where

DERIVED = "berekend"
LOCK = "vng-vastgesteld"
MADE_UP = "vng-opgemaakt"


@dataclass(frozen=True)
class Lock:
    year: int
    path: str
    digest: str
    meta: dict[str, Any]
    date: datetime.date | None = None  # the day of the vaststelling


def entry_digest(entry: data.Directive) -> str:
    """Digest of an entry's content, independent of where in the files it stands."""
    return hashlib.sha256(printer.format_entry(entry).encode("utf-8")).hexdigest()


def describe(entry: data.Directive) -> str:
    text = (
        getattr(entry, "narration", None)
        or getattr(entry, "account", None)
        or type(entry).__name__.lower()
    )
    return " ".join(str(text).split())[:80]


def locked_entries(entries: Sequence[data.Directive], year: int) -> list[data.Directive]:
    return [
        e
        for e in entries
        if e.date.year == year
        and DERIVED not in e.meta
        and not (isinstance(e, data.Custom) and e.type == LOCK)
    ]


def lock_text(entries: Sequence[data.Directive], year: int) -> str:
    lines = [f"# Vastgestelde boekingen {year}: sha256, datum, omschrijving. Niet bewerken.\n"]
    for entry in locked_entries(entries, year):
        lines.append(f"{entry_digest(entry)} {entry.date} {describe(entry)}\n")
    return "".join(lines)


def file_digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_locks(entries: Sequence[data.Directive]) -> tuple[list[Lock], list[BooksError]]:
    locks: list[Lock] = []
    errors: list[BooksError] = []
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == LOCK:
            values = [v.value for v in entry.values]
            if len(values) != 3:
                errors.append(
                    BooksError(
                        entry.meta, "vastgesteld: verwacht jaar, bestand en " "sha256", entry
                    )
                )
                continue
            folder = os.path.dirname(str(entry.meta.get("filename", "")))
            locks.append(
                Lock(
                    int(values[0]),
                    os.path.join(folder, str(values[1])),
                    str(values[2]),
                    entry.meta,
                    entry.date,
                )
            )
    return locks, errors


@dataclass(frozen=True)
class JaarrekeningDatum:
    """The date of a year's jaarrekening: when it was ``opgemaakt`` or ``vastgesteld``."""

    year: int
    date: datetime.date
    kind: str  # "opgemaakt" or "vastgesteld"
    meta: dict[str, Any]


def read_made_up(
    entries: Sequence[data.Directive],
) -> tuple[dict[int, JaarrekeningDatum], list[BooksError]]:
    """Per year the ``vng-opgemaakt`` entry: after the year, once per year."""
    found: dict[int, JaarrekeningDatum] = {}
    errors: list[BooksError] = []
    for entry in entries:
        if not (isinstance(entry, data.Custom) and entry.type == MADE_UP):
            continue
        values = [v.value for v in entry.values]
        if len(values) != 1 or not isinstance(values[0], Decimal | int) or values[0] % 1:
            errors.append(BooksError(entry.meta, f"{MADE_UP}: verwacht het boekjaar", entry))
            continue
        year = int(values[0])
        if entry.date <= datetime.date(year, 12, 31):
            errors.append(
                BooksError(
                    entry.meta,
                    f"{MADE_UP} {year}: de jaarrekening kan niet op {entry.date} zijn "
                    f"opgemaakt, voor het einde van het boekjaar",
                    entry,
                )
            )
            continue
        if year in found:
            errors.append(
                BooksError(
                    entry.meta,
                    f"{MADE_UP} {year}: al opgemaakt op {found[year].date} "
                    f"({where(found[year].meta)})",
                    entry,
                )
            )
            continue
        found[year] = JaarrekeningDatum(year, entry.date, "opgemaakt", entry.meta)
    return found, errors


def jaarrekening_date(entries: Sequence[data.Directive], year: int) -> JaarrekeningDatum | None:
    """The first date of ``year``'s jaarrekening the books have: opgemaakt, else
    vastgesteld; None when they have neither."""
    made_up, _ = read_made_up(entries)
    locks, _ = read_locks(entries)
    dates = [made_up[year]] if year in made_up else []
    for lock in locks:
        if lock.year == year and lock.date is not None:
            dates.append(JaarrekeningDatum(year, lock.date, "vastgesteld", lock.meta))
    return min(dates, key=lambda d: d.date) if dates else None


def check_locks(entries: Sequence[data.Directive]) -> list[BooksError]:
    locks, errors = read_locks(entries)
    errors.extend(read_made_up(entries)[1])
    for lock in locks:
        errors.extend(_check_lock(entries, lock))
    return errors


def _check_lock(entries: Sequence[data.Directive], lock: Lock) -> list[BooksError]:
    try:
        with open(lock.path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        return [BooksError(lock.meta, f"vastgesteld {lock.year}: {exc}", None)]
    if file_digest(text) != lock.digest:
        return [
            BooksError(
                lock.meta,
                f"vastgesteld {lock.year}: {os.path.basename(lock.path)} "
                "is gewijzigd na de vaststelling",
                None,
            )
        ]
    frozen: Counter[str] = Counter()
    described: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            digest, _, rest = line.partition(" ")
            frozen[digest] += 1
            described[digest] = rest
    errors: list[BooksError] = []
    for entry in locked_entries(entries, lock.year):
        digest = entry_digest(entry)
        if frozen[digest] > 0:
            frozen[digest] -= 1
        else:
            errors.append(
                BooksError(
                    entry.meta,
                    f"boeking in het vastgestelde jaar {lock.year} "
                    f"toegevoegd of gewijzigd: {describe(entry)}",
                    entry,
                )
            )
    for digest, count in frozen.items():
        for _ in range(count):
            errors.append(
                BooksError(
                    lock.meta,
                    f"boeking uit het vastgestelde jaar {lock.year} "
                    f"verwijderd of gewijzigd: {described[digest]}",
                    None,
                )
            )
    return errors
