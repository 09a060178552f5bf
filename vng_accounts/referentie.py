"""The reference of what the books may name: every line id of every layout (the value
of ``balans:``, ``baten_lasten:``, ``geconsolideerd_balans:`` and
``geconsolideerd_baten_lasten:`` on an ``open``), every note key and line (the value of
``toelichting:``) and the keys of the group file, as Markdown.

``docs/referentie.md`` is this text; a test holds it to the code. Regenerate it with::

    .venv/bin/python -m vng_accounts.referentie > docs/referentie.md
"""

from __future__ import annotations

from vng_accounts.groep import ACCEPTED, ENTITY, REFERENCES
from vng_accounts.layouts import KASSTROOM, KASSTROOM_METADATA_KEY, LAYOUTS, Layout
from vng_accounts.toelichting import (
    ACCOUNTANTSHONORARIA,
    COUNTERPARTY,
    HONORARIUM_KEY,
    HONORARIUM_KINDS,
    NOTES,
    VERLOPEN,
)


def _layout(layout: Layout) -> list[str]:
    lines = [
        f"### `{layout.metadata_key}:` — {layout.title.replace('{year}', 'JAAR')}",
        "",
        "| line id | label | takes accounts | note |",
        "|---|---|---|---|",
    ]
    for line in layout.lines:
        if line.kind == "header" and not line.id:
            continue
        accounts = "yes" if line.kind == "line" else line.kind
        label = line.label.replace("|", "\\|")
        lines.append(f"| `{line.id}` | {label} | {accounts} | {line.note or ''} |")
    return lines + [""]


def _kasstroom() -> list[str]:
    lines = [
        f"### `{KASSTROOM_METADATA_KEY}:` — the geconsolideerd kasstroomoverzicht",
        "",
        "Each line is computed from the consolidated balance and result (indirect method).",
        f'A balance account with `{KASSTROOM_METADATA_KEY}: "<line>"` counts its movement on that',
        "line instead of its balance line's (a line marked *yes*).",
        "",
        "| line id | label | may take accounts | movement of | result lines |",
        "|---|---|---|---|---|",
    ]
    for flow in KASSTROOM:
        takes = "yes" if flow.kind == "line" and flow.rule is None else (flow.rule or flow.kind)
        movement = ", ".join(f"`{x}`" for x in flow.movement)
        results = ", ".join(f"`{x}`" for x in (*flow.add_back, *flow.result))
        if flow.parts:
            results = "sum of " + ", ".join(f"`{x}`" for x in flow.parts)
        lines.append(f"| `{flow.id}` | {flow.label} | {takes} | {movement} | {results} |")
    return lines + [""]


def _notes() -> list[str]:
    lines = [
        "## Note keys: `toelichting:`",
        "",
        'An account joins a specification with `toelichting: "<note>.<line>"`. A note that',
        "no account joins is left out of the jaarrekening. The notes marked *per",
        "tegenpartij* have no fixed lines: any line id (lower case, digits, `_`) is a line,",
        f"labelled with the account's `{COUNTERPARTY}:` or else the group file's `naam` of",
        "the entity its `deelneming:` or `intercompany:` names.",
        "",
        "| note | number | title | kind | lines |",
        "|---|---|---|---|---|",
    ]
    for note in NOTES:
        if note.per_counterparty:
            members = "*per tegenpartij*"
        else:
            members = ", ".join(f"`{line}` ({label})" for line, label in note.lines)
        kind = "balans" if note.kind == "balans" else "baten en lasten"
        lines.append(f"| `{note.key}` | {note.number} | {note.title} | {kind} | {members} |")
    lines += [
        "",
        "## Movement schedules: `mutatie:`",
        "",
        "A transaction's `mutatie:` names its row in the schedule of the balance lines it",
        "touches; any other movement shows as *Overige mutaties*.",
        "",
        "| schedule | number | balance lines | mutatie (row) |",
        "|---|---|---|---|",
    ]
    for spec in VERLOPEN:
        key = f"{spec.key}_<line>" if spec.per_line_of else spec.key
        rows = ", ".join(f"`{m}` ({label})" for m, label in spec.rows)
        balance = ", ".join(f"`{line}`" for line in spec.lines)
        lines.append(f"| `toelichting.{key}` | {spec.number} | {balance} | {rows} |")
    return lines + [""]


def _honoraria() -> list[str]:
    spec = ACCOUNTANTSHONORARIA
    rows = {kind: label for _, label, kinds in spec.rows for kind in kinds}
    lines = [
        f"## The accountant's honoraria: `{HONORARIUM_KEY}:`",
        "",
        f"A posting of lasten that pays the external accountant carries `{HONORARIUM_KEY}:`",
        "with the service it pays (art. 2:382a BW); the table "
        f"*{spec.title}* with note ({spec.number})",
        "adds up every entity's postings of the year per row. Only on a posting of a",
        "lastenrekening (not on the transaction).",
        "",
        "| value | service | row |",
        "|---|---|---|",
    ]
    for kind, service in HONORARIUM_KINDS.items():
        lines.append(f"| `{kind}` | {service} | {rows[kind]} |")
    return lines + [""]


def _group() -> list[str]:
    return [
        "## The group file",
        "",
        f'`custom "{ENTITY}" KEY PATH` — one per entity: `naam`, `moeder` (the key of the',
        "entity holding it; exactly one entity has none), `belang` (0 < belang <= 1,",
        'default 1), `valuta` (default `EUR`), `fiscale_eenheid: "hoofd"`, `toelichting`',
        "(its name in the resultaat deelnemingen, when that differs).",
        "",
        f'`custom "{ACCEPTED}" A B AMOUNT EUR "REASON"` — an accepted intercompany',
        "difference, shown as a kruispost.",
        "",
        "`price CUR RATE EUR` — the rates of an entity in another currency.",
        "",
        "In an entity's books, "
        + ", ".join(f"`{key}:`" for key in REFERENCES)
        + " must name another entity of the group (`tegenpartij:` by key or `naam`).",
        "",
    ]


def reference() -> str:
    lines = [
        "# Reference: line ids, note keys, the group file",
        "",
        "Generated from the code by `python -m vng_accounts.referentie`; "
        "`tests/test_referentie.py` keeps it true.",
        "",
        "## Line ids",
        "",
    ]
    for layout in LAYOUTS:
        lines += _layout(layout)
    lines += _kasstroom() + _notes() + _honoraria() + _group()
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    sys.stdout.write(reference())
