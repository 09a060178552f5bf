"""Beancount plugins that derive and check the books. Each returns ``(entries,
errors)`` and never raises for bad data, so bean-check, Fava and `vng check` show the
same ``file:line: message``.

``PROJECT_PLUGINS`` is the one ordered list of them — the deriving plugins first (the
herwaardering before the jaareinde, whose onverdeeld resultaat includes it), then the
checks, the vaststelling last — used by the loader (``vng_accounts.books``, which runs
every one the books forget to list) and the guard (``vng_accounts.guard``, which allows
only these and the beancount plugins it names)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from beancount.core import data

from vng_accounts.plugins import (
    bedragen,
    herwaardering,
    jaareinde,
    mutaties,
    rekeningschema,
    teksten,
    vaststelling,
    wnt,
)

Plugin = Callable[[list[data.Directive], dict[str, Any]], tuple[list[data.Directive], list[Any]]]

PROJECT_PLUGINS: tuple[tuple[str, Plugin], ...] = (
    ("vng_accounts.plugins.herwaardering", herwaardering.herwaardering),
    ("vng_accounts.plugins.jaareinde", jaareinde.jaareinde),
    ("vng_accounts.plugins.rekeningschema", rekeningschema.check_rekeningschema),
    ("vng_accounts.plugins.bedragen", bedragen.check_bedragen),
    ("vng_accounts.plugins.mutaties", mutaties.check_mutaties),
    ("vng_accounts.plugins.wnt", wnt.check_wnt),
    ("vng_accounts.plugins.teksten", teksten.check_teksten),
    ("vng_accounts.plugins.vaststelling", vaststelling.vaststelling),
)
