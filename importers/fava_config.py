"""Fava's import page: ``custom "fava-option" "import-config"`` points here, and
``vng serve`` runs this file whatever the books name.

Fava runs this file once and keeps ``CONFIG``: nothing here reads the books. Each
importer reads its accounts from the books Fava has loaded, when it is used: from
the entries Fava passes to ``extract``, and for the import page's list (account and
date of each file) from the ledger of Fava's current request.
"""

from __future__ import annotations

from typing import cast

from beancount.core import data

from importers.base import ImportFailure
from importers.config import from_books


def favas_books() -> data.Entries:
    """The entries of the books Fava has loaded (only inside a Fava request)."""
    from fava.context import g

    try:
        # Fava types its entries as its own protocol; they are beancount's directives
        entries = cast("data.Entries", g.ledger.all_entries)
    except (RuntimeError, AttributeError):
        raise ImportFailure(__file__, 0, "alleen in Fava: geen geladen boeken") from None
    return entries


CONFIG = from_books(favas_books)

__all__ = ["CONFIG"]
