"""Reading the CSV exports of the salarisadministratie, the custodian and the member
administration: semicolon separated, a header row, every row with its line number."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator, Sequence

from importers.base import ImportFailure

# the characters a spreadsheet reads as the start of a formula
FORMULA_START = ("=", "+", "-", "@")


def rows(filepath: str, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with open(filepath, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=";")
            header = [h.strip().lower() for h in next(reader, [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise ImportFailure(filepath, 1, f"kolommen ontbreken: {', '.join(missing)}")
            for record in reader:
                lineno = reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) != len(header):
                    raise ImportFailure(
                        filepath, lineno, f"{len(record)} velden, verwacht " f"{len(header)}"
                    )
                yield lineno, dict(zip(header, (cell.strip() for cell in record), strict=True))
    except UnicodeDecodeError as exc:
        raise ImportFailure(filepath, 0, f"geen UTF-8: {exc.reason}") from None


def header_matches(filepath: str, required: Sequence[str]) -> bool:
    try:
        with open(filepath, encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError):
        return False
    header = [h.strip().lower() for h in first.strip().split(";")]
    return all(column in header for column in required)


def date(value: str, filepath: str, lineno: int) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ImportFailure(filepath, lineno, f"datum {value!r} ongeldig (verwacht 2024-01-31)")


def name(value: str, filepath: str, lineno: int) -> str:
    """A name (an employee, a gemeente) from the VNG's own administrations: one that
    starts with a formula character is no name but a broken or tampered export, and
    refuses the file (bank text, written by whoever pays, is kept: ``importers.base``)."""
    if value.startswith(FORMULA_START):
        raise ImportFailure(filepath, lineno, f"naam {value!r} begint met een formuleteken")
    return value
