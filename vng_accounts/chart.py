"""The chart of accounts, read from the ``open`` directives of the books.

Every account carries its RGS code and, per layout, the line it lands on::

    2023-01-01 open Lasten:Personeel:Salarissen EUR
      rgs: "WPerLesSal"
      baten_lasten: "salarissen"
      toelichting: "personeelslasten.salarissen"

Balance-sheet accounts (the books' ``name_assets``, ``name_liabilities`` and
``name_equity`` roots) map to the ``balans`` layout, baten and lasten to the
``baten_lasten`` layout. An equity account may in addition map to a line of the
staat van baten en lasten: its movement over the year is shown there (the
"Dekking uit het vermogen").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from beancount.core import data
from beancount.parser import options as bean_options

from vng_accounts.errors import BooksError
from vng_accounts.layouts import (
    BALANS,
    BATEN_LASTEN,
    GECONSOLIDEERD_BALANS,
    GECONSOLIDEERD_BATEN_LASTEN,
    KASSTROOM,
    KASSTROOM_METADATA_KEY,
    LAYOUTS,
    Layout,
    LineId,
)
from vng_accounts.toelichting import note_reference

Account = str
RgsCode = str

# RGS reference codes: letters, and in a few (BVorVogVr1) a digit at the end of a part
_RGS = re.compile(r"^[BW][A-Za-z][A-Za-z0-9]+$")


@dataclass(frozen=True)
class AccountSpec:
    account: Account
    rgs: RgsCode
    lines: Mapping[str, LineId]  # layout id -> line id
    note: str | None
    meta: Mapping[str, Any]


@dataclass(frozen=True)
class Chart:
    accounts: Mapping[Account, AccountSpec]

    def line_of(self, account: Account, layout: Layout) -> LineId | None:
        spec = self.accounts.get(account)
        return spec.lines.get(layout.id) if spec else None


def group_only(entries: Iterable[data.Directive]) -> bool:
    """Books that only report within the group (a dochter) say so on their entity::

        2023-01-01 custom "vng-entiteit" "VNG Diensten B.V."
          jaarrekening: "geconsolideerd"

    Their accounts must then land on the geconsolideerde lines instead."""
    return any(
        isinstance(e, data.Custom)
        and e.type == "vng-entiteit"
        and e.meta.get("jaarrekening") == "geconsolideerd"
        for e in entries
    )


def required_layout(
    account: Account, options_map: Mapping[str, Any], group: bool = False
) -> Layout | None:
    """The layout an account must map to, by its root; None for an unknown root."""
    types = bean_options.get_account_types(options_map)  # type: ignore[no-untyped-call]
    root = account.split(":", 1)[0]
    if root in (types.assets, types.liabilities, types.equity):
        return GECONSOLIDEERD_BALANS if group else BALANS
    if root in (types.income, types.expenses):
        return GECONSOLIDEERD_BATEN_LASTEN if group else BATEN_LASTEN
    return None


def read_chart(
    entries: Iterable[data.Directive], options_map: Mapping[str, Any]
) -> tuple[Chart, list[BooksError]]:
    """The chart from the books' ``open`` entries, and the errors in it."""
    specs: dict[Account, AccountSpec] = {}
    errors: list[BooksError] = []
    entries = list(entries)
    group = group_only(entries)
    for entry in entries:
        if isinstance(entry, data.Open):
            spec, errs = _read_open(entry, options_map, group)
            errors.extend(errs)
            if spec:
                specs[entry.account] = spec
    return Chart(specs), errors


def _read_open(
    entry: data.Open, options_map: Mapping[str, Any], group: bool = False
) -> tuple[AccountSpec | None, list[BooksError]]:
    errors: list[BooksError] = []
    required = required_layout(entry.account, options_map, group)
    if required is None:
        message = f"rekening {entry.account}: onbekende hoofdrubriek (zie de name_*-opties)"
        return None, [BooksError(entry.meta, message, entry)]
    rgs = entry.meta.get("rgs")
    if not isinstance(rgs, str) or not _RGS.match(rgs):
        errors.append(
            BooksError(entry.meta, f"rekening {entry.account}: geen geldige RGS-code", entry)
        )
    elif rgs[0] != ("B" if required in (BALANS, GECONSOLIDEERD_BALANS) else "W"):
        message = f"rekening {entry.account}: RGS-code {rgs} past niet bij de hoofdrubriek"
        errors.append(BooksError(entry.meta, message, entry))
    lines: dict[str, LineId] = {}
    for layout in LAYOUTS:
        value = entry.meta.get(layout.metadata_key)
        if value is None:
            continue
        line_id, err = _check_line(entry, layout, value)
        if err:
            errors.append(err)
        else:
            lines[layout.id] = line_id
    note = entry.meta.get("toelichting")
    if note is not None and note_reference(str(note)) is None:
        message = (
            f'rekening {entry.account}: toelichting "{note}" is geen regel van een toelichting'
        )
        errors.append(BooksError(entry.meta, message, entry))
    flow = entry.meta.get(KASSTROOM_METADATA_KEY)
    if flow is not None:
        flows = {f.id for f in KASSTROOM if f.kind == "line" and f.rule is None}
        if required not in (BALANS, GECONSOLIDEERD_BALANS):
            message = (
                f"rekening {entry.account}: {KASSTROOM_METADATA_KEY} alleen op balansrekeningen"
            )
            errors.append(BooksError(entry.meta, message, entry))
        elif flow not in flows:
            message = (
                f'rekening {entry.account}: {KASSTROOM_METADATA_KEY} "{flow}" is geen regel van '
                f"het kasstroomoverzicht ({', '.join(sorted(flows))})"
            )
            errors.append(BooksError(entry.meta, message, entry))
    spec = AccountSpec(entry.account, rgs or "", lines, note, dict(entry.meta))
    return spec, errors


def _check_line(entry: data.Open, layout: Layout, value: Any) -> tuple[LineId, BooksError | None]:
    key = layout.metadata_key
    ids = [part.strip() for part in str(value).split(",") if part.strip()]
    if len(ids) != 1:
        message = f"rekening {entry.account}: {key} verwijst naar {len(ids)} regels ({value})"
        return "", BooksError(entry.meta, message, entry)
    if ids[0] not in layout.leaf_ids():
        message = f'rekening {entry.account}: {key} "{ids[0]}" is geen regel van {layout.id}'
        return "", BooksError(entry.meta, message, entry)
    return ids[0], None
