"""What every importer of the project shares: strict Dutch numbers, errors with
file and line, and deduplication on the source's own reference."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

import beangulp
from beancount.core import data

REFERENCE = "referentie"
DUPLICATE = "__duplicate__"
_DUTCH = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+),\d{2}$")
_PLAIN = re.compile(r"^-?\d+$")


class ImportFailure(Exception):
    """A file that cannot be imported: nothing of it is."""

    def __init__(self, filename: str, lineno: int, message: str) -> None:
        super().__init__(f"{filename}:{lineno}: {message}")
        self.filename, self.lineno, self.message = filename, lineno, message


def dutch_amount(text: str, filename: str, lineno: int) -> Decimal:
    """``1.234,56`` or ``1234,56`` or ``12``; anything ambiguous (``1,234``) refused."""
    value = text.strip()
    if _DUTCH.match(value):
        return Decimal(value.replace(".", "").replace(",", "."))
    if _PLAIN.match(value):
        return Decimal(value)
    raise ImportFailure(
        filename,
        lineno,
        f"bedrag {text!r} is geen eenduidig Nederlands bedrag " "(verwacht 1.234,56)",
    )


def clean_text(value: str) -> str:
    """Text for the books: control characters removed, whitespace collapsed."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", value).split())


def known_references(existing: Sequence[data.Directive]) -> set[str]:
    return {
        str(e.meta[REFERENCE])
        for e in existing
        if isinstance(e, data.Transaction) and REFERENCE in e.meta
    }


class Importer(beangulp.Importer):
    """Deduplicates on ``referentie``: a second, genuine payment with the same amount,
    date and payee is kept; the same bank booking imported twice is not."""

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        seen = known_references(existing)
        for entry in entries:
            reference = entry.meta.get(REFERENCE) if isinstance(entry, data.Transaction) else None
            if reference is None:
                continue
            if str(reference) in seen:
                entry.meta[DUPLICATE] = True
            seen.add(str(reference))


def new_entries(
    importer: beangulp.Importer, filepath: str, existing: data.Entries
) -> list[data.Directive]:
    """Extract, deduplicate and keep what is new (balance assertions already in the
    books are left out as well)."""
    entries = importer.extract(filepath, existing)
    importer.deduplicate(entries, existing)
    balances = {(e.date, e.account, e.amount) for e in existing if isinstance(e, data.Balance)}
    return [
        e
        for e in entries
        if not e.meta.get(DUPLICATE)
        and not (isinstance(e, data.Balance) and (e.date, e.account, e.amount) in balances)
    ]
