"""Loading the books: the source guard, beancount's loader, the project's checks.

``load_books`` is the one way the product reads a ledger. It refuses to load books
whose text names a plugin outside the allow-list (no code of the books runs), and
it runs the project's checks even when the books forget to list them.
"""

from __future__ import annotations

import decimal
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from beancount import loader
from beancount.core import data, interpolate
from beancount.ops import validation
from beancount.parser import booking
from beancount.utils import encryption

from vng_accounts.chart import Chart, read_chart
from vng_accounts.errors import BooksError, where
from vng_accounts.guard import check_sources
from vng_accounts.import_settings import read_import_settings
from vng_accounts.plugins import PROJECT_PLUGINS
from vng_accounts.settings import Settings, read_settings


@dataclass(frozen=True)
class Books:
    entries: tuple[data.Directive, ...]
    options: dict[str, Any]
    chart: Chart
    settings: Settings
    errors: tuple[Any, ...]
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """What builders compute once from these books (the posting index, the
    revaluation events): kept with the books and freed with them."""


def load_books(filename: str) -> Books:
    """Load and check the books; ``errors`` holds everything that is wrong."""
    guard_errors = check_sources(filename)
    if guard_errors:
        return Books((), {}, Chart({}), Settings("", ()), tuple(guard_errors))
    entries, load_errors, options = load_file(filename)
    errors: list[Any] = list(load_errors)
    listed = {name for name, _ in options.get("plugin", [])}
    for name, plugin in PROJECT_PLUGINS:
        if name not in listed:
            entries, plugin_errors = plugin(entries, options)
            errors.extend(plugin_errors)
    chart, chart_errors = read_chart(entries, options)
    errors.extend(_new(errors, chart_errors))  # once, also where the check plugin ran
    settings, setting_errors = read_settings(entries)
    errors.extend(setting_errors)
    _, import_errors = read_import_settings(entries)  # wrong ones, not missing ones
    errors.extend(import_errors)
    return Books(tuple(entries), options, chart, settings, tuple(errors))


def _new(known: list[Any], found: list[BooksError]) -> list[BooksError]:
    """The errors of ``found`` not already among ``known`` (same place, same reason)."""

    def key(error: Any) -> tuple[str, str]:
        return (where(getattr(error, "source", None)), str(error.message))

    seen = {key(e) for e in known}
    return [e for e in found if key(e) not in seen]


def load_file(filename: str) -> tuple[list[data.Directive], list[Any], dict[str, Any]]:
    """beancount's ``loader.load_file`` without its cache: parse, book, the plugins,
    validate, in its order and with its checks; the same entries, errors and options.

    One step is cheaper: beancount's validation adds up every transaction's postings
    again (plugins may have changed them) and infers its tolerances, for every
    transaction. Here a transaction whose postings are all plain amounts in one
    currency (no cost, no price, no residual posting) and add up to exactly zero is
    balanced without that; every other transaction, any that does not balance among
    them, gets beancount's own check and its error."""
    filename = os.path.expandvars(os.path.expanduser(filename))
    if not os.path.isabs(filename):
        filename = os.path.normpath(os.path.join(os.getcwd(), filename))
    if encryption.is_encrypted_file(filename):  # beancount's own way for those
        loader.initialize(use_cache=False)
        return loader.load_file(filename)
    entries, parse_errors, options = loader._parse_recursive([(filename, True)], None, None)
    entries.sort(key=data.entry_sortkey)
    entries, balance_errors = booking.book(entries, options)  # type: ignore[no-untyped-call]
    parse_errors.extend(balance_errors)
    saved_pythonpath = list(sys.path)
    try:
        if "pythonpath" in options:
            sys.path[0:0] = options["pythonpath"]
        entries, errors = loader.run_transformations(entries, parse_errors, options, None)
    finally:
        sys.path[:] = saved_pythonpath
    for check in validation.VALIDATIONS:
        if check is validation.validate_check_transaction_balances:
            check = check_transaction_balances
        errors.extend(check(entries, options))  # type: ignore[no-untyped-call]
    options["input_hash"] = loader.compute_input_hash(options["include"])  # type: ignore[no-untyped-call]
    return entries, errors, options


def check_transaction_balances(entries: list[data.Directive], options: dict[str, Any]) -> list[Any]:
    """``validation.validate_check_transaction_balances``: the same errors, in the same
    order; beancount's check runs on every transaction not balanced at a glance."""
    rest = [e for e in entries if isinstance(e, data.Transaction) and not _balanced(e)]
    return validation.validate_check_transaction_balances(rest, options)  # type: ignore[no-any-return,no-untyped-call]


# beancount adds the numbers in the thread's context (28 digits); a sum that would be
# rounded there is left to its own check
_EXACT = decimal.Context(prec=decimal.getcontext().prec, traps=[decimal.Inexact])


def _balanced(entry: data.Transaction) -> bool:
    """The postings are plain amounts in one currency that add up to exactly zero:
    the residual beancount computes is empty, within any tolerance."""
    currency, total = None, decimal.Decimal(0)
    for posting in entry.postings:
        if posting.cost is not None or posting.price is not None:
            return False
        if posting.meta and posting.meta.get(interpolate.AUTOMATIC_RESIDUAL, False):
            return False
        units = posting.units
        if units is None or not isinstance(units.number, decimal.Decimal):
            return False
        if not isinstance(units.currency, str) or currency not in (None, units.currency):
            return False
        currency = units.currency
        try:
            total = _EXACT.add(total, units.number)
        except decimal.Inexact:
            return False
    return currency is not None and total == 0
