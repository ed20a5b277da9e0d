"""The one list of languages, the fallback, and dates written out in each language."""

from __future__ import annotations

from datetime import date

import pytest

from dsar.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, LOCALES, NAMES, long_date, supported


def test_every_language_has_a_locale_and_a_name() -> None:
    assert set(LOCALES) == set(NAMES) == set(LANGUAGES)
    assert DEFAULT_LANGUAGE in LANGUAGES


@pytest.mark.parametrize(
    ("code", "expected"), [("de", "de"), ("en", "en"), ("fr", "en"), (None, "en"), ("", "en")]
)
def test_an_unknown_language_falls_back(code: str | None, expected: str) -> None:
    assert supported(code) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("de", "2. April 2026"), ("en", "2 April 2026")]
)
def test_dates_are_written_day_month_year(language: str, expected: str) -> None:
    assert long_date(date(2026, 4, 2), language) == expected
