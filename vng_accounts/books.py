"""Loading the books: the source guard, beancount's loader, the project's checks.

``load_books`` is the one way the product reads a ledger. It refuses to load books
whose text names a plugin outside the allow-list (no code of the books runs), and
it runs the project's checks even when the books forget to list them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from beancount import loader
from beancount.core import data

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
    loader.initialize(use_cache=False)
    entries, load_errors, options = loader.load_file(filename)
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
