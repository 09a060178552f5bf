"""The group file, loaded like books: the entities of the group, the rates of their
currencies and the accepted intercompany differences, with every error as
``file:line: reason``.

::

    2023-01-01 custom "vng-groepsentiteit" "vereniging" "../vereniging/main.beancount"
      naam: "Vereniging van Nederlandse Gemeenten"

    2023-01-01 custom "vng-groepsentiteit" "diensten" "../diensten/main.beancount"
      naam: "VNG Diensten B.V."
      moeder: "vereniging"       ; the entity that holds the deelneming
      belang: 1                  ; its share, 0 < belang <= 1
      valuta: "EUR"              ; the currency of the entity's books
      fiscale_eenheid: "hoofd"   ; head of the fiscal unity (toelichting 23)
      toelichting: "..."         ; its name in the toelichting (23), when that differs

    2024-12-31 price TND 0.2925 EUR      ; rates for entities in another currency
    2024-12-31 custom "vng-ic-verschil" "a" "b" 12.50 EUR "onderweg: kruispost"

Exactly one entity has no ``moeder``: the top of the group. Every ``moeder`` names
another entity of the file; the chain of moeders ends at the top. Nothing is left out
silently: a directive the parser refuses (a date ``2023-13-01``) is an error, and a
group with errors is not consolidated.

``check_references`` holds one entity's books against the group: every
``deelneming:``, ``intercompany:`` and ``tegenpartij:`` they carry names an entity of
the group (``tegenpartij`` by key or by ``naam``).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from beancount import loader
from beancount.core import data, prices

from vng_accounts.errors import BooksError
from vng_accounts.guard import check_sources

EntityKey = str

ENTITY = "vng-groepsentiteit"
ACCEPTED = "vng-ic-verschil"
_ENTITY_KEYS = {"naam", "moeder", "belang", "valuta", "fiscale_eenheid", "toelichting"}
REFERENCES = ("deelneming", "intercompany", "tegenpartij")


@dataclass(frozen=True)
class Entity:
    key: EntityKey
    name: str
    books_path: str
    parent: EntityKey | None
    share: Decimal
    currency: str
    label: str = ""  # its name in the toelichting (23), when that differs
    fiscal_head: bool = False
    source: tuple[str, int] = ("", 0)  # file and line of its entry in the group file
    since: datetime.date = datetime.date.min  # the date of its entry


@dataclass(frozen=True)
class Group:
    path: str
    entities: tuple[Entity, ...]
    rates: Any  # the beancount price map of the group file
    accepted: dict[tuple[EntityKey, EntityKey], tuple[Decimal, str]]

    def entity(self, key: EntityKey) -> Entity:
        return next(e for e in self.entities if e.key == key)

    def descendants(self, key: EntityKey) -> list[EntityKey]:
        """``key`` and every entity below it, the nearest first."""
        keys = [key]
        changed = True
        while changed:
            changed = False
            for entity in self.entities:
                if entity.parent in keys and entity.key not in keys:
                    keys.append(entity.key)
                    changed = True
        return keys


def load_group(path: str) -> tuple[Group, list[BooksError]]:
    """The group of ``path`` and everything wrong with it (an empty list: none)."""
    empty = Group(path, (), {}, {})
    if not os.path.exists(path):
        return empty, [
            BooksError({"filename": path, "lineno": 0}, "groepsbestand niet gevonden", None)
        ]
    refused = check_sources(path)
    if refused:
        return empty, list(refused)
    loader.initialize(use_cache=False)
    entries, parse_errors, _ = loader.load_file(path)
    errors: list[BooksError] = [
        BooksError(getattr(e, "source", None), str(e.message), getattr(e, "entry", None))
        for e in parse_errors
    ]
    folder = os.path.dirname(os.path.abspath(path))
    entities: list[Entity] = []
    accepted: dict[tuple[str, str], tuple[Decimal, str]] = {}
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == ENTITY:
            entity, found = _entity(entry, folder)
            errors.extend(found)
            if entity is not None:
                if any(e.key == entity.key for e in entities):
                    errors.append(_error(entry, f"entiteit {entity.key!r} staat er twee keer in"))
                else:
                    entities.append(entity)
        elif isinstance(entry, data.Custom) and entry.type == ACCEPTED:
            pair, found = _accepted(entry)
            errors.extend(found)
            if pair is not None:
                accepted[pair[0]] = pair[1]
    errors.extend(_check_tree(entities, entries))
    known = {e.key for e in entities}
    for (a, b), _ in accepted.items():
        for key in (a, b):
            if key not in known:
                entry = next(
                    e
                    for e in entries
                    if isinstance(e, data.Custom)
                    and e.type == ACCEPTED
                    and key in [v.value for v in e.values[:2]]
                )
                errors.append(_error(entry, f"{ACCEPTED}: {key!r} is geen entiteit van de groep"))
    if not entities and not errors:
        errors.append(
            BooksError(
                {"filename": path, "lineno": 0},
                f'geen custom "{ENTITY}" in het groepsbestand',
                None,
            )
        )
    price_map = prices.build_price_map(entries)  # type: ignore[no-untyped-call]
    return Group(path, tuple(entities), price_map, accepted), errors


def _error(entry: data.Directive, message: str) -> BooksError:
    return BooksError(entry.meta, message, entry)


def _entity(entry: data.Custom, folder: str) -> tuple[Entity | None, list[BooksError]]:
    values = [v.value for v in entry.values]
    if len(values) != 2 or not all(isinstance(v, str) and v for v in values):
        return None, [
            _error(
                entry,
                f'custom "{ENTITY}" vraagt een sleutel en het pad van de boeken, '
                'bijvoorbeeld "diensten" "../diensten/main.beancount"',
            )
        ]
    key, books = str(values[0]), str(values[1])
    meta = entry.meta
    errors = [
        _error(
            entry,
            f"entiteit {key}: onbekende sleutel {name!r} "
            f"(bekend: {', '.join(sorted(_ENTITY_KEYS))})",
        )
        for name in meta
        if name not in _ENTITY_KEYS and name not in ("filename", "lineno")
    ]
    for name in ("naam", "moeder", "valuta", "toelichting", "fiscale_eenheid"):
        if name in meta and not isinstance(meta[name], str):
            errors.append(_error(entry, f"entiteit {key}: {name} moet tekst zijn"))
    share = Decimal(1)
    if "belang" in meta:
        try:
            share = Decimal(str(meta["belang"]))
        except InvalidOperation:
            share = Decimal(-1)
        if not Decimal(0) < share <= Decimal(1):
            errors.append(
                _error(entry, f"entiteit {key}: belang {meta['belang']} is geen getal > 0 en <= 1")
            )
    if meta.get("fiscale_eenheid") not in (None, "hoofd"):
        errors.append(_error(entry, f'entiteit {key}: fiscale_eenheid kent alleen "hoofd"'))
    path = os.path.normpath(os.path.join(folder, books))
    if not os.path.exists(path):
        errors.append(_error(entry, f"entiteit {key}: boeken {books} niet gevonden ({path})"))
    if errors:
        return None, errors
    return Entity(
        key,
        str(meta.get("naam", key)),
        path,
        str(meta["moeder"]) if meta.get("moeder") else None,
        share,
        str(meta.get("valuta", "EUR")),
        str(meta.get("toelichting", "")),
        meta.get("fiscale_eenheid") == "hoofd",
        (str(meta.get("filename", "")), int(meta.get("lineno", 0))),
        entry.date,
    ), []


def _accepted(
    entry: data.Custom,
) -> tuple[tuple[tuple[str, str], tuple[Decimal, str]] | None, list[BooksError]]:
    values = [v.value for v in entry.values]
    if (
        len(values) != 4
        or not all(isinstance(v, str) for v in values[:2])
        or not isinstance(getattr(values[2], "number", None), Decimal)
        or not isinstance(values[3], str)
    ):
        return None, [
            _error(
                entry,
                f'custom "{ACCEPTED}" vraagt twee entiteiten, een bedrag en een reden, '
                'bijvoorbeeld "a" "b" 12.50 EUR "onderweg"',
            )
        ]
    pair = (min(values[0], values[1]), max(values[0], values[1]))
    return (pair, (Decimal(values[2].number), str(values[3]))), []


def _check_tree(entities: list[Entity], entries: Iterable[data.Directive]) -> list[BooksError]:
    by_key = {e.key: e for e in entities}
    source = {
        str(e.values[0].value): e
        for e in entries
        if isinstance(e, data.Custom) and e.type == ENTITY and e.values
    }
    errors = []
    tops = [e for e in entities if e.parent is None]
    if len(tops) > 1:
        for entity in tops[1:]:
            errors.append(
                _error(
                    source[entity.key],
                    f"entiteit {entity.key}: geen moeder, terwijl "
                    f"{tops[0].key} de top van de groep is",
                )
            )
    for entity in entities:
        if entity.parent is not None and entity.parent not in by_key:
            errors.append(
                _error(
                    source[entity.key],
                    f"entiteit {entity.key}: moeder {entity.parent!r} "
                    "is geen entiteit van de groep",
                )
            )
            continue
        seen, current = {entity.key}, entity.parent
        while current is not None and current in by_key:
            if current in seen:
                errors.append(
                    _error(source[entity.key], f"entiteit {entity.key}: moeders in een kring")
                )
                break
            seen.add(current)
            current = by_key[current].parent
    return errors


def check_references(
    group: Group, key: EntityKey, entries: Iterable[data.Directive]
) -> list[BooksError]:
    """Every ``deelneming:``, ``intercompany:`` and ``tegenpartij:`` in the books of the
    entity ``key`` names another entity of the group."""
    keys = {e.key for e in group.entities}
    names = {e.name for e in group.entities}
    errors = []
    for entry in entries:
        metas: list[dict[str, Any]] = []
        if isinstance(entry, data.Open):
            metas.append(entry.meta)
        elif isinstance(entry, data.Transaction):
            metas.extend(p.meta for p in entry.postings if p.meta)
        for meta in metas:
            for name in REFERENCES:
                value = meta.get(name)
                if value is None:
                    continue
                allowed = keys | names if name == "tegenpartij" else keys
                if str(value) not in allowed or str(value) in (key, group.entity(key).name):
                    source = meta if "lineno" in meta else entry.meta
                    errors.append(
                        BooksError(
                            source,
                            f"{name}: {value!r} is geen andere entiteit van de groep "
                            f"{os.path.basename(group.path)} "
                            f"(entiteiten: {', '.join(sorted(keys))})",
                            entry,
                        )
                    )
    return errors
