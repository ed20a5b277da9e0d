"""Values for people: money, dates and numbers in the copy's locale, by the register's type."""

from __future__ import annotations

import pytest

from dsar.fulfilment.readable import readable

CENTS = {"type": "money", "currency": "EUR", "scale": 2}


@pytest.mark.parametrize(
    ("value", "column", "language", "shown"),
    [
        (2870, CENTS, "de", "28,70\xa0€"),
        (2870, CENTS, "en", "€28.70"),
        ("12.5", {"type": "money", "currency": "EUR"}, "de", "12,50\xa0€"),
        ("2025-07-09T10:48:00", {"type": "datetime"}, "de", "09.07.2025, 10:48:00"),
        ("2025-07-09T10:48:00", {"type": "datetime"}, "en", "9 Jul 2025, 10:48:00"),
        ("1984-06-17", {"type": "date"}, "de", "17.06.1984"),
        (1234567, {"type": "integer"}, "de", "1234567"),  # an order number: no separators
        ("1234.5", {"type": "number"}, "de", "1.234,5"),
        (True, {"type": "boolean"}, "de", "ja"),
        ("0", {"type": "boolean"}, "en", "no"),
        (None, CENTS, "de", ""),
        ("K-100042", {"type": "text"}, "de", "K-100042"),
        ("not a date", {"type": "date"}, "de", "not a date"),  # shown as stored
    ],
)
def test_values_are_written_for_the_locale(value, column, language, shown):  # type: ignore[no-untyped-def]
    assert readable(value, column, language) == shown
