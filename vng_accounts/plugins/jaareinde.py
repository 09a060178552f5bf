"""Derive the dekking uit de bestemmingsreserves and the resultaatbestemming
(see ``vng_accounts.jaareinde``). List it after the herwaardering: the onverdeeld
resultaat includes the revaluation through the result.

    plugin "vng_accounts.plugins.jaareinde"
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from vng_accounts.errors import BooksError
from vng_accounts.jaareinde import dekkingen, resultaatbestemmingen

__plugins__ = ("jaareinde",)


def jaareinde(
    entries: list[data.Directive], options_map: dict[str, Any]
) -> tuple[list[data.Directive], list[BooksError]]:
    dekking, errors = dekkingen(entries)
    entries = sorted([*entries, *dekking], key=data.entry_sortkey)
    bestemming, more = resultaatbestemmingen(entries, options_map)
    return sorted([*entries, *bestemming], key=data.entry_sortkey), errors + more
