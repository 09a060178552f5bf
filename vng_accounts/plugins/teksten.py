"""The texts of the jaarverslag name their figures, never type them; its other facts
are well formed.

Every ``custom "vng-tekst"`` entry is checked where it is written: a placeholder that
names no computed figure, a section the report does not have, or a number typed in
where a figure belongs is ``file:line: reason`` (see ``vng_accounts.teksten``). So are
the personeelsgegevens (``vng-personeel``), the deelnemingen with their statutaire
directie (``vng-deelneming``) and the bestuur's ambt and plaats (see
``vng_accounts.verslag``).

    plugin "vng_accounts.plugins.teksten"
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from vng_accounts.errors import BooksError
from vng_accounts.teksten import ENTRY, check_tekst, read_teksten
from vng_accounts.verslag import check_verslag

__plugins__ = ("check_teksten",)


def check_teksten(
    entries: list[data.Directive], options_map: dict[str, Any]
) -> tuple[list[data.Directive], list[BooksError]]:
    texts, errors = read_teksten(entries)
    by_line = {
        (e.meta.get("filename"), e.meta.get("lineno")): e
        for e in entries
        if isinstance(e, data.Custom) and e.type == ENTRY
    }
    for tekst in texts:
        errors += check_tekst(tekst, by_line.get((tekst.filename, tekst.lineno)))
    return entries, errors + check_verslag(entries)
