"""Rows typed by staff or a system owner: `name: value` lines, or a table with a header."""

from __future__ import annotations

import pytest

from dsar.fulfilment.manual_findings import ManualFindingError, parse_rows


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("", []),
        ("name: Jo Beispiel\nlogin: jo.b\n", [{"name": "Jo Beispiel", "login": "jo.b"}]),
        ("time: 09:30\n", [{"time": "09:30"}]),
        ("a;b\n1;2\n3;4", [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]),
        ("a\tb\n1\t2", [{"a": "1", "b": "2"}]),
        ('a,b\n"x, y",2', [{"a": "x, y", "b": "2"}]),
        ("a;b\n1;2;3", [{"a": "1", "b": "2", "column 3": "3"}]),
    ],
)
def test_parse_rows(text: str, rows: list[dict[str, str]]) -> None:
    assert parse_rows(text) == rows


@pytest.mark.parametrize(
    ("text", "message"),
    [("just some words", "type `name: value` lines"), ("a;b\n", "no rows")],
)
def test_parse_rows_refuses_what_is_neither(text: str, message: str) -> None:
    with pytest.raises(ManualFindingError, match=message):
        parse_rows(text)
