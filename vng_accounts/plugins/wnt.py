"""Check the WNT data in the books (see ``vng_accounts.wnt``): every function is
complete and within its year, its year has a norm, and the beloning reconciles with
the payroll postings.

    plugin "vng_accounts.plugins.wnt"
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from vng_accounts.errors import BooksError
from vng_accounts.settings import read_settings
from vng_accounts.wnt import assess, read_functions, read_norms, reconcile

__plugins__ = ("check_wnt",)


def check_wnt(
    entries: list[data.Directive], options_map: dict[str, Any]
) -> tuple[list[data.Directive], list[BooksError]]:
    norms, errors = read_norms(entries)
    functions, function_errors = read_functions(entries)
    errors += function_errors
    for function in functions:
        norm = norms.get(function.year)
        if norm is None:
            errors.append(
                BooksError(function.meta, f"wnt: geen wnt-norm voor {function.year}", None)
            )
            continue
        try:
            assess(function, norm)
        except ValueError as exc:
            errors.append(BooksError(function.meta, f"wnt: {exc}", None))
    settings, _ = read_settings(entries)
    errors += reconcile(entries, functions, settings.entity_name)
    return entries, errors
