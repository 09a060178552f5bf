"""Loading the books: the source guard, beancount's loader, the project's checks.

``load_books`` is the one way the product reads a ledger. It refuses to load books
whose text names a plugin outside the allow-list (no code of the books runs), and
it runs the project's checks even when the books forget to list them.
"""

from __future__ import annotations

import copy
import decimal
import glob
import hashlib
import importlib
import operator
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from beancount import loader
from beancount.core import amount, data, interpolate
from beancount.core.number import MISSING
from beancount.ops import validation
from beancount.parser import booking
from beancount.utils import encryption

from vng_accounts.chart import Chart, read_chart
from vng_accounts.errors import BooksError, where
from vng_accounts.guard import ParsedFile, check_sources
from vng_accounts.import_settings import read_import_settings
from vng_accounts.parse_cache import PartCache
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


Loaded = tuple[list[data.Directive], list[Any], dict[str, Any]]
"""beancount's load of the books: the entries, the errors, the options."""


def load_books(
    filename: str, loaded: Loaded | None = None, cache: PartCache | None = None
) -> Books:
    """Load and check the books; ``errors`` holds everything that is wrong.

    ``loaded``: the books as ``load_file(filename)`` has just loaded them; they are
    then checked without being loaded again (and left as they are). ``cache``: the
    files are parsed by parts, kept there (``load_file``)."""
    guard_errors = check_sources(filename)
    if guard_errors:
        return Books((), {}, Chart({}), Settings("", ()), tuple(guard_errors))
    entries, load_errors, options = (
        loaded if loaded is not None else load_file(filename, cache=cache)
    )
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


def load_file(
    filename: str, parsed: Sequence[ParsedFile] = (), cache: PartCache | None = None
) -> Loaded:
    """beancount's ``loader.load_file`` without its cache: parse, book, the plugins,
    validate, in its order and with its checks; the same entries, errors and options.

    Books whose load was handed over (``hand_over``) and are as they were then are
    not loaded at all: the load handed over is theirs. Otherwise four steps are
    cheaper, with the same outcome:

    - parsing: a file whose parse is in ``parsed`` (the guard's, ``parse_books``) with
      the content it has now is not parsed again (``_parse``); with a ``cache``
      (``parse_cache.PartCache``) a file is parsed by its parts, and only those the
      cache lacks are parsed;
    - booking (``book``): a transaction of plain amounts is booked without beancount's
      inventories wherever no other transaction needs them;
    - the plugins (``run_transformations``): beancount sorts the entries after each
      plugin; after one that gives back the entries it was given, in their order, they
      are left as they are (sorted already);
    - validation: beancount adds up every transaction's postings again (plugins may
      have changed them) and infers its tolerances, for every transaction. Here a
      transaction whose postings are all plain amounts in one currency (no cost, no
      price, no residual posting) and add up to exactly zero is balanced without
      that; every other transaction, any that does not balance among them, gets
      beancount's own check and its error."""
    filename = os.path.expandvars(os.path.expanduser(filename))
    if not os.path.isabs(filename):
        filename = os.path.normpath(os.path.join(os.getcwd(), filename))
    handed = _HANDED.pop(os.path.normpath(filename), None)
    if handed is not None and handed.filename == filename and handed.unchanged():
        entries, errors, options = handed.loaded
        return list(entries), list(errors), dict(options)
    if encryption.is_encrypted_file(filename):  # beancount's own way for those
        loader.initialize(use_cache=False)
        return loader.load_file(filename)
    entries, parse_errors, options = _parse(filename, parsed, cache)
    entries.sort(key=data.entry_sortkey)
    entries, balance_errors = book(entries, options)
    parse_errors.extend(balance_errors)
    saved_pythonpath = list(sys.path)
    try:
        if "pythonpath" in options:
            sys.path[0:0] = options["pythonpath"]
        entries, errors = run_transformations(entries, parse_errors, options)
    finally:
        sys.path[:] = saved_pythonpath
    for check in validation.VALIDATIONS:
        if check is validation.validate_check_transaction_balances:
            check = check_transaction_balances
        errors.extend(check(entries, options))  # type: ignore[no-untyped-call]
    options["input_hash"] = loader.compute_input_hash(options["include"])  # type: ignore[no-untyped-call]
    return entries, errors, options


@dataclass(frozen=True)
class _Handed:
    filename: str
    loaded: Loaded
    unchanged: Callable[[], bool]


# per books' main file (normalised): a load of them handed over (``hand_over``)
_HANDED: dict[str, _Handed] = {}


def hand_over(filename: str, loaded: Loaded, unchanged: Callable[[], bool]) -> None:
    """``loaded`` is what ``load_file(filename)`` gives for the books as they were
    when it was made (loaded by a process that this one is a fork of: the server's,
    whose Fava holds them); ``unchanged`` says whether every file of the books is
    still as it was then. The next ``load_file(filename)`` in this process (or in a
    fork of it) gives ``loaded`` instead of loading the books again: once, and only
    while ``unchanged()`` holds; else, and after it, it loads them as ever."""
    _HANDED[os.path.normpath(filename)] = _Handed(filename, loaded, unchanged)


def run_transformations(
    entries: list[data.Directive], parse_errors: list[Any], options: dict[str, Any]
) -> tuple[list[data.Directive], list[Any]]:
    """``loader.run_transformations``: beancount's plugins and those the books name, in
    its order, with its errors (an import or a plugin that fails is an error, not an
    exception; its traceback passes through here); the same entries. beancount sorts
    the entries after each plugin, whatever it did; most plugins only check, and give
    back the very entries they were given in their order, which are sorted already
    (entries are tuples, and their date, type and line make their place): those are
    not sorted again, each of them a pass over every entry for its sort key."""
    mode = options["plugin_processing_mode"]
    if mode not in ("default", "raw"):
        return loader.run_transformations(entries, parse_errors, options, None)
    errors = list(parse_errors)
    plugins = (
        options["plugin"]
        if mode == "raw"
        else [*loader.PLUGINS_PRE, *options["plugin"], *loader.PLUGINS_AUTO, *loader.PLUGINS_POST]
    )
    for plugin_name, plugin_config in plugins:
        renamed = loader.RENAMED_MODULES.get(plugin_name, None)
        if renamed:
            warnings.warn(
                f"Deprecation notice: Module '{plugin_name}' has been renamed to '{renamed}'; "
                "please adjust your plugin directive.",
                stacklevel=2,
            )
            plugin_name = renamed
        try:
            module = importlib.import_module(plugin_name)
            if not hasattr(module, "__plugins__"):
                continue
        except ImportError:
            formatted = traceback.format_exc().replace("\n", "\n  ")
            message = f'Error importing "{plugin_name}": {formatted}'
            errors.append(loader.LoadError(data.new_metadata("<load>", 0), message, None))
            continue
        given = list(entries)
        for function_name in module.__plugins__:
            callback = (
                getattr(module, function_name) if isinstance(function_name, str) else function_name
            )
            args = () if plugin_config is None else (plugin_config,)
            try:
                entries, plugin_errors = callback(entries, options, *args)
                errors.extend(plugin_errors)
            except Exception:
                formatted = traceback.format_exc().replace("\n", "\n  ")
                message = f'Error applying plugin "{plugin_name}": {formatted}'
                errors.append(loader.LoadError(data.new_metadata("<load>", 0), message, None))
                continue
        if len(entries) != len(given) or any(map(operator.is_not, entries, given)):
            entries.sort(key=data.entry_sortkey)
    return entries, errors


def _parse(filename: str, parsed: Sequence[ParsedFile], cache: PartCache | None = None) -> Loaded:
    """``loader._parse_recursive`` of ``filename``: every file it includes, in its
    order, its entries, errors and options. The entries of a file whose parse is in
    ``parsed`` with the file's content as it is now are copies of those (the entry,
    its meta, its postings and theirs, its lists: whatever a later step might change
    in place, the parse keeps as it was); with a ``cache``, every file is parsed by
    its parts, those kept there read from it (``parse_cache``). When any file is not
    there, or the loader would report something (a file twice, missing, encrypted, a
    parse error, an include that matches nothing), beancount parses the books
    itself."""
    if parsed:
        known = {p.path: p for p in parsed}
        found = _parse_files(filename, lambda name, raw: _known(known.get(name), raw))
        if found is not None:
            return found
    if cache is not None:
        found = _parse_files(filename, lambda name, raw: _by_parts(cache, name, raw))
        if found is not None:
            return found
    return loader._parse_recursive([(filename, True)], None, None)


def _known(known: ParsedFile | None, raw: bytes) -> tuple[list[Any], dict[str, Any]] | None:
    """Copies of the entries of the parse ``known``, when it is of the content ``raw``."""
    if known is None or known.errors or hashlib.sha256(raw).hexdigest() != known.digest:
        return None
    return [_copy(entry) for entry in known.entries], copy.deepcopy(known.options)


def _by_parts(cache: PartCache, name: str, raw: bytes) -> tuple[list[Any], dict[str, Any]] | None:
    found = cache.parse(name, raw)
    return None if found is None else (found.entries, found.options)


def _parse_files(
    filename: str, one: Callable[[str, bytes], tuple[list[Any], dict[str, Any]] | None]
) -> Loaded | None:
    """The books parsed file by file with ``one`` (a file's name and bytes: its
    entries and options, or None), following their includes as beancount's loader
    does; None when ``one`` gives none for a file or the loader would report
    something."""
    entries: list[data.Directive] = []
    options: dict[str, Any] | None = None
    others: list[dict[str, Any]] = []
    seen: set[str] = set()
    stack = [filename]
    while stack:
        name = os.path.normpath(stack.pop(0))
        if name in seen:
            return None
        try:
            if encryption.is_encrypted_file(name):
                return None
            with open(name, "rb") as handle:
                raw = handle.read()
        except OSError:
            return None
        found = one(name, raw)
        if found is None:
            return None
        seen.add(name)
        entries.extend(found[0])
        own = found[1]
        if options is None:
            options = own
        else:
            others.append(own)
        folder = os.path.dirname(name)
        for pattern in own["include"]:
            search = pattern if os.path.isabs(pattern) else os.path.join(folder, pattern)
            matched = glob.glob(search, recursive=True)
            if not matched:
                return None
            stack.extend(m if os.path.isabs(m) else os.path.join(folder, m) for m in matched)
    if options is None:
        return None
    options["include"] = sorted(seen)
    return entries, [], loader.aggregate_options_map(options, others)


def _copy(entry: data.Directive) -> data.Directive:
    """A copy of a parsed entry that shares nothing a later step could change in
    place with it: the meta, the postings and their meta, the lists."""
    changes: dict[str, Any] = {"meta": dict(entry.meta)}
    if isinstance(entry, data.Transaction):
        changes["postings"] = [
            p._replace(meta=dict(p.meta) if p.meta is not None else None) for p in entry.postings
        ]
    elif isinstance(entry, data.Custom):
        changes["values"] = list(entry.values)
    elif isinstance(entry, data.Open) and entry.currencies is not None:
        changes["currencies"] = list(entry.currencies)
    return entry._replace(**changes)


def book(entries: list[data.Directive], options: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """``booking.book``: the same booked entries and errors, in the same order.

    beancount books every transaction against the running inventory of each of its
    accounts, and reads an inventory only for a posting held at cost (a lot to
    reduce) or one whose currency the books leave open. A transaction of plain
    amounts (every posting a number and a currency, one currency, no cost, no price)
    on accounts no such posting touches is booked as beancount books it, without
    those inventories: its postings as they are and the tolerances it infers (the
    same for every transaction whose amounts have the same currency and decimals).
    Every other entry, with every transaction on an account whose inventory is read,
    goes through beancount's booking, in the order of the books."""
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    plain = {id(e) for e in transactions if _plain(e)}
    read = {
        p.account
        for e in transactions
        if id(e) not in plain
        for p in e.postings
        if _reads_inventory(p)
    }
    direct = {
        id(e)
        for e in transactions
        if id(e) in plain and not any(p.account in read for p in e.postings)
    }
    if not direct:
        return booking.book(entries, options)  # type: ignore[no-any-return,no-untyped-call]
    rest = [e for e in entries if id(e) not in direct]
    booked, errors = booking.book(rest, options)  # type: ignore[no-untyped-call]
    # beancount's booking keeps the order and leaves out a transaction it cannot book
    # (its error says so); each booked entry is matched to the entry it came from
    others = iter(booked)
    waiting = next(others, None)
    tolerances: dict[tuple[tuple[str, int], ...], dict[str, Any]] = {}
    out: list[Any] = []
    for entry in entries:
        if isinstance(entry, data.Transaction) and id(entry) in direct:
            out.append(_booked(entry, options, tolerances))
        elif waiting is not None and _from(waiting, entry):
            out.append(waiting)
            waiting = next(others, None)
    if waiting is not None:  # every booked entry comes from one of the entries
        raise RuntimeError(f"booking: {waiting.meta} niet teruggevonden")
    return out, errors


def _plain(entry: data.Transaction) -> bool:
    currency = None
    for posting in entry.postings:
        units = posting.units
        if posting.cost is not None or posting.price is not None:
            return False
        if not isinstance(units, amount.Amount) or not isinstance(units.number, decimal.Decimal):
            return False
        if not isinstance(units.currency, str) or currency not in (None, units.currency):
            return False
        if posting.meta and interpolate.AUTOMATIC_META in posting.meta:
            return False
        currency = units.currency
    return currency is not None


def _reads_inventory(posting: data.Posting) -> bool:
    """beancount's booking reads the account's inventory for this posting: a cost,
    or a currency or number left open (``MISSING``, which the types do not name)."""
    units: Any = posting.units
    if posting.cost is not None or not isinstance(units, amount.Amount):
        return True
    number: Any = units.number
    currency: Any = units.currency
    if number is MISSING or currency is MISSING:
        return True
    price: Any = posting.price
    return price is not None and (price.number is MISSING or price.currency is MISSING)


def _booked(
    entry: data.Transaction,
    options: dict[str, Any],
    known: dict[tuple[tuple[str, int], ...], dict[str, Any]],
) -> data.Transaction:
    """A transaction of plain amounts as beancount's booking returns it."""
    shape = tuple(
        (p.units.currency, int(p.units.number.as_tuple().exponent))  # type: ignore[union-attr]
        for p in entry.postings
    )
    if shape not in known:
        known[shape] = interpolate.infer_tolerances(entry.postings, options, mode="max")  # type: ignore[no-untyped-call]
    meta = entry.meta.copy()
    meta[interpolate.AUTOMATIC_TOLERANCES] = dict(known[shape])
    return entry._replace(postings=list(entry.postings), meta=meta)


def _from(booked: Any, entry: Any) -> bool:
    if booked is entry:
        return True
    if not isinstance(booked, data.Transaction) or not isinstance(entry, data.Transaction):
        return False
    mine, theirs = booked.meta or {}, entry.meta or {}
    return bool(
        mine.get("filename") == theirs.get("filename")
        and mine.get("lineno") == theirs.get("lineno")
        and booked.date == entry.date
    )


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
