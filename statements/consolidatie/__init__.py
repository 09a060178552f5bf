"""The group and its consolidation, as a pure transformation of the entities' figures.

The group is a file of its own (``vng_accounts.groep``). Steps, each visible in the
worksheet:

1. ``omrekening``: the figures of each entity in euros, computed where its books are
   loaded (an entity in another currency translated: balance at the closing rate,
   baten and lasten at the rate of each posting's date);
2. ``eliminaties``: aggregation per line and the eliminations, each an explained
   column that nets to zero; what differs (equity method, intercompany pairs) stops
   the consolidation, one message per side;
3. ``geconsolideerd``: the statements of the group, which close on the balance.

The command line and the tests take the same path: ``read_group``, then
``entity_figures`` of every entity's books, then ``build_geconsolideerd``.
"""

from __future__ import annotations

from statements.consolidatie.eliminaties import (
    Consolidation,
    Elimination,
    consolidate,
    differences,
    group_problems,
)
from statements.consolidatie.geconsolideerd import build_geconsolideerd, worksheet
from statements.consolidatie.omrekening import (
    Figures,
    GroupFigures,
    check_years,
    consolidation_years,
    entity_figures,
)
from statements.errors import StatementErrors
from vng_accounts.groep import Entity, Group, load_group

__all__ = [
    "Consolidation",
    "Elimination",
    "Entity",
    "Figures",
    "Group",
    "GroupFigures",
    "build_geconsolideerd",
    "check_years",
    "consolidate",
    "consolidation_years",
    "differences",
    "entity_figures",
    "group_problems",
    "read_group",
    "worksheet",
]


def read_group(path: str) -> Group:
    """The group of ``path``; every error of the group file stops, each with its
    ``file:line``."""
    group, errors = load_group(path)
    if errors:
        raise StatementErrors([(e.source, e.message) for e in errors])
    return group
