"""Every CSV dsar writes goes through here: no cell a spreadsheet could run as a formula.

OWASP's rule for CSV injection: a cell that starts with = + - @, a tab or a carriage return
gets a single quote in front, so Excel, LibreOffice and Google Sheets show it as text
instead of evaluating `=HYPERLINK(...)` or a DDE call. The CSV files are for reading in a
spreadsheet; data.json in an export keeps every value exactly.

Numbers: only text is neutralised. An int, float or Decimal cell is written as it is: `-5`
is a number to a spreadsheet, not a formula, and the sign cannot carry a call. A number that
arrives as text (a NUMERIC column, which the connectors pass on as an exact decimal string,
or "-5" in a text column) is text and gets the quote like any other.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# For manifests and documentation: what a reader of the CSV files should know.
NOTE = (
    "Text cells that start with = + - @, a tab or a carriage return have a ' in front in "
    "the CSV files, so that spreadsheets show them as text; data.json has the exact values."
)


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def csv_safe(value: object) -> object:
    """The cell to write: text that could start a formula gets a leading quote; numbers stay."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):  # bool is an int: True/False start no formula
        return value
    text = value if isinstance(value, str) else str(value)
    return QUOTE + text if text.startswith(FORMULA_PREFIXES) else text


class SafeWriter:
    """A csv.writer whose rows are made safe cell by cell."""

    def __init__(self, stream: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([csv_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
