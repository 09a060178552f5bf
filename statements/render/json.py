"""The statements as JSON, per the contract in DESIGN.md.

Amounts are exact euros as decimal strings, ``null`` where a column has no value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from statements.table import StatementTable

CENT = Decimal("0.01")


def _amount(value: Decimal | None, kind: str) -> str | None:
    if value is None:
        return None
    return str(value if kind == "ratio" else value.quantize(CENT))


def table_json(table: StatementTable) -> dict[str, Any]:
    return {
        "id": table.id,
        "title": table.title,
        "columns": list(table.columns),
        "lines": [
            {
                "id": row.id,
                "label": row.label,
                "kind": row.kind,
                "level": row.level,
                "note": row.note,
                "amounts": [_amount(a, row.kind) for a in row.amounts],
                "accounts": list(row.accounts),
                **({"texts": list(row.texts)} if row.texts else {}),
            }
            for row in table.rows
        ],
    }


def jaarrekening_json(year: int, entity: str, tables: Sequence[StatementTable]) -> str:
    document = {
        "year": year,
        "currency": "EUR",
        "entity": entity,
        "statements": [table_json(t) for t in tables],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
