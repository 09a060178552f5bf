"""``vng query``: a BQL query on one entity's books, for the accountant.

The books are loaded the product's way (``load_books``: the source guard, the
project's plugins and checks); books with errors are not queried, their errors are
``file:line: reason``. The query runs in beanquery over those entries; amounts,
positions and inventories become one exact ``Decimal`` column per currency
(beanquery's numberify, unquantised), and the result is a pandas frame that is
written as CSV or as XLSX (dates as date cells, amounts as exact numbers) or printed
as a table. A query beanquery refuses is a ``QueryError`` and writes nothing.

Text from the books stays text in both files, whoever wrote it (a bank's narration
``=SUM(A1)``): in the CSV a text that starts like a formula gets an apostrophe before
it (``statements.render.xlsx.csv_text``), in the XLSX every text is a text cell
(with the quote prefix when it starts like a formula), characters a workbook cannot
hold left out. Numbers are numbers: a negative amount has no apostrophe.

    vng query "SELECT account, sum(position) WHERE account ~ '^Baten' GROUP BY 1"
    vng query "SELECT date, narration, position" --entity csc --xlsx csc.xlsx
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

# beanquery ships no types; what is used of it is the cursor's rows and description
import beanquery  # type: ignore[import-untyped]
import pandas as pd
from beanquery.numberify import numberify_results  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

from statements.render.xlsx import FORMULA_START, csv_text
from vng.output import write_atomic
from vng_accounts.books import Books

DATE = "dd-mm-yyyy"
NUMBER = "#,##0.00##########;-#,##0.00##########"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class QueryError(Exception):
    """The query cannot be run: beanquery's reason."""


def entity_books(books: str, group_file: str, entity: str | None) -> tuple[str, str]:
    """(the path of the books to query, the entity's name or ""): ``books`` itself
    without ``entity``, else the books of that entity of the group (its key)."""
    if entity is None:
        return books, ""
    if not group_file:
        raise QueryError(f"--entity {entity}: geen groepsbestand bij {books} (geef --groep)")
    from statements.consolidatie import read_group

    group = read_group(group_file)
    for item in group.entities:
        if entity == item.key:
            return item.books_path, item.name
    keys = ", ".join(e.key for e in group.entities)
    raise QueryError(f"--entity {entity}: geen entiteit van de groep (wel: {keys})")


def run_query(books: Books, bql: str) -> pd.DataFrame:
    """The result of ``bql`` on ``books`` as a frame, one column per result column
    (amounts one per currency, as exact Decimals); raises ``QueryError``."""
    connection = beanquery.connect(
        "beancount:", entries=list(books.entries), errors=[], options=books.options
    )
    try:
        cursor = connection.execute(bql)
        rows = cursor.fetchall()
        columns = cursor.description
    except beanquery.Error as exc:  # ParseError and CompilationError among them
        raise QueryError(_reason(exc, bql)) from exc
    if columns is None:
        raise QueryError("de query geeft geen tabel")
    columns, rows = numberify_results(columns, rows)
    names = _unique([c.name for c in columns])
    frame = pd.DataFrame([[_cell(v) for v in row] for row in rows], columns=names, dtype=object)
    return frame


def _reason(exc: Exception, bql: str) -> str:
    """beanquery's reason, with where in the query it stopped when it says."""
    reason = " ".join(str(exc).split()) or type(exc).__name__
    position = getattr(getattr(exc, "parseinfo", None), "pos", None)
    if isinstance(position, int):
        reason += f" (bij teken {position + 1}: {bql[position : position + 30]!r})"
    return reason


def _unique(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


def _cell(value: Any) -> Any:
    """A value a spreadsheet holds as itself: text, number, date or truth value;
    beanquery's other types (sets of tags, costs) as their text."""
    if value is None or isinstance(value, str | bool | int | Decimal | datetime.date):
        return value
    if isinstance(value, set | frozenset):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV (UTF-8, comma, dates as YYYY-MM-DD, amounts as exact decimals,
    a text that starts like a formula with an apostrophe before it)."""
    shown = frame.map(lambda v: csv_text(v) if isinstance(v, str) else v)
    shown.columns = [csv_text(str(c)) for c in frame.columns]
    return shown.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _workbook_text(value: Any) -> Any:
    """Text as a workbook cell holds it: without the characters it cannot hold."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
    return value


def xlsx_bytes(frame: pd.DataFrame, about: Sequence[tuple[str, str]]) -> bytes:
    """The frame as the sheet "Resultaat" (dates as date cells, amounts as exact
    numbers, text as text cells) and what was asked of which books on the sheet
    "Query"."""
    buffer = io.BytesIO()
    shown = frame.map(_workbook_text)
    shown.columns = [_workbook_text(str(c)) for c in frame.columns]
    asked = pd.DataFrame([[_workbook_text(v) for v in row] for row in about], columns=["", ""])
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        shown.to_excel(writer, sheet_name="Resultaat", index=False)
        asked.to_excel(writer, sheet_name="Query", index=False, header=False)
        for sheet in writer.sheets.values():
            for row in sheet.iter_rows():
                for cell in row:
                    _typed(cell)
        writer.sheets["Resultaat"].freeze_panes = "A2"
    return buffer.getvalue()


def _typed(cell: Cell) -> None:
    """The cell's type and format as its value has it: text is text (openpyxl would
    make ``=…`` a formula and ``#N/A`` an error), with the quote prefix when it starts
    like a formula; exact amounts and dates formatted."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_START):
            cell.quotePrefix = True
    elif isinstance(cell.value, Decimal):
        cell.number_format = NUMBER
    elif isinstance(cell.value, datetime.date):
        cell.number_format = DATE


def table_text(frame: pd.DataFrame) -> str:
    """The frame as a plain table for the terminal, control characters (an escape
    sequence in a narration) as spaces."""
    if frame.empty:
        return "(geen rijen)\n" if not len(frame.columns) else " ".join(frame.columns) + "\n"
    shown = frame.map(lambda v: "" if v is None else _CONTROL.sub(" ", str(v)))
    return str(shown.to_string(index=False)) + "\n"


def write_result(
    frame: pd.DataFrame, csv: str | None, xlsx: str | None, about: Sequence[tuple[str, str]]
) -> str:
    """Write the frame to ``csv`` or ``xlsx`` atomically; returns the path written."""
    if csv:
        write_atomic(csv, csv_bytes(frame))
        return csv
    assert xlsx
    write_atomic(xlsx, xlsx_bytes(frame, about))
    return xlsx
