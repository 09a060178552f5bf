"""Settings that live in the books as ``custom`` directives.

    2023-01-01 custom "vng-entiteit" "Vereniging van Nederlandse Gemeenten"
      kvk: "40409418"
    2023-01-01 custom "vng-presentatie" "subsidies" "gesaldeerd"
    2024-01-01 custom "vng-presentatie" "subsidies" "bruto"
    2025-04-01 custom "vng-jaarverslag" 2024
      voorwoord: "Tekst van het voorwoord; een lege regel begint een nieuwe alinea."

A presentation setting applies from its date until the next one for the same
subject; the balance at a date uses the setting in force on that date.

The entity's metadata (``kvk``, the KvK number; ``btw``, the BTW identification number,
the fiscal unity's where there is one; ``rgs_versie``, the RGS release of the chart's
codes; ``plaats``) is kept with the place of the last ``vng-entiteit`` entry, so that
an output that needs a missing one can name it at its ``file:line``. A later entry adds
to the metadata of earlier ones (so the entry of an adopted year stays as locked)::

    2024-01-01 custom "vng-entiteit" "Vereniging van Nederlandse Gemeenten"
      btw: "NL001234567B01"
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from beancount.core import data

from vng_accounts.errors import BooksError

PRESENTATIONS: dict[str, frozenset[str]] = {"subsidies": frozenset({"gesaldeerd", "bruto"})}


@dataclass(frozen=True)
class Presentation:
    subject: str
    value: str
    since: datetime.date


@dataclass(frozen=True)
class Settings:
    entity_name: str
    presentations: tuple[Presentation, ...]
    entity: dict[str, str] = field(default_factory=dict)  # kvk, btw, plaats
    voorwoord: dict[int, str] = field(default_factory=dict)  # per year
    # the meta (filename, lineno) of the vng-entiteit entry; {} when there is none
    entity_source: dict[str, object] = field(default_factory=dict)

    def presentation(self, subject: str, on: datetime.date, default: str) -> str:
        """The value in force on ``on`` for ``subject``."""
        value = default
        for item in sorted(self.presentations, key=lambda p: p.since):
            if item.subject == subject and item.since <= on:
                value = item.value
        return value


def read_settings(entries: Iterable[data.Directive]) -> tuple[Settings, list[BooksError]]:
    name = ""
    presentations: list[Presentation] = []
    errors: list[BooksError] = []
    entity: dict[str, str] = {}
    voorwoord: dict[int, str] = {}
    source: dict[str, object] = {}
    for entry in entries:
        if not isinstance(entry, data.Custom):
            continue
        values = [v.value for v in entry.values]
        if entry.type == "vng-entiteit" and values:
            name = str(values[0])
            source = {"filename": entry.meta.get("filename"), "lineno": entry.meta.get("lineno")}
            # a later entry adds to (or changes) the entity's metadata: a year the ALV
            # adopted stays as it was locked
            entity.update(
                {
                    k: str(v)
                    for k, v in entry.meta.items()
                    if k not in ("filename", "lineno") and not k.startswith("__")
                }
            )
        elif entry.type == "vng-jaarverslag" and values and "voorwoord" in entry.meta:
            voorwoord[int(values[0])] = str(entry.meta["voorwoord"])
        elif entry.type == "vng-presentatie":
            ok = len(values) == 2 and values[1] in PRESENTATIONS.get(str(values[0]), ())
            if ok:
                presentations.append(Presentation(str(values[0]), str(values[1]), entry.date))
            else:
                message = f"onbekende presentatie-instelling {values}"
                errors.append(BooksError(entry.meta, message, entry))
    return Settings(name, tuple(presentations), entity, voorwoord, source), errors
