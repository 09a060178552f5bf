"""The auditfile in the version asked for: XAF 4.0 (the default, and from 1 January
2027 the only one the Belastingdienst accepts) or XAF 3.2."""

from __future__ import annotations

import datetime

from statements.grootboek import Grootboek
from statements.render.xaf import render_xaf
from statements.render.xaf40 import render_xaf40

VERSIONS = {"4.0": render_xaf40, "3.2": render_xaf}
DEFAULT = "4.0"


def render_auditfile(
    ledger: Grootboek,
    company: dict[str, str],
    created: datetime.date,
    target: str | None = None,
    version: str = DEFAULT,
) -> bytes:
    return VERSIONS[version](ledger, company, created, target)
