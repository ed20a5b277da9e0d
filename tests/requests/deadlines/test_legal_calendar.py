"""The legal calendar: holidays by region, jurisdictions, working days and their properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsar.requests.deadlines import legal_calendar
from dsar.requests.deadlines.legal_calendar import (
    InvalidJurisdiction,
    Jurisdiction,
    add_working_days,
    holiday_name,
    is_working_day,
    working_days_between,
)
from dsar.requests.deadlines.local_holidays import ExtraHoliday
from tests.regions import FIRST, LAST, PROPERTY_REGIONS, oracle_working_days, region


def test_gb_substitute_boxing_day_is_a_holiday() -> None:
    name = holiday_name(date(2026, 12, 28), region("GB-ENG"))
    assert name is not None and "Boxing Day" in name
    assert not is_working_day(date(2026, 12, 28), region("GB-ENG"))
    assert is_working_day(date(2026, 12, 28), region("DE"))


def test_holiday_names_do_not_follow_the_process_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    legal_calendar._holidays_in.cache_clear()
    assert holiday_name(date(2026, 4, 6), region("DE")) == "Easter Monday"
    legal_calendar._holidays_in.cache_clear()


def test_jurisdiction_normalises_codes() -> None:
    assert Jurisdiction("de", "nw", "Europe/Berlin") == Jurisdiction("DE", "NW", "Europe/Berlin")
    assert Jurisdiction("DE", "", "Europe/Berlin").subdivision is None
    assert Jurisdiction("AT", "9", "Europe/Vienna").label == "AT-9"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("XX", None, "Europe/Berlin"), "unknown country 'XX': use an ISO 3166-1 alpha-2 code"),
        (("DE", "ZZ", "Europe/Berlin"), "unknown subdivision 'ZZ' for DE: use BB, BE"),
        (("DE", None, "Mars/Olympus"), "unknown timezone 'Mars/Olympus': use an IANA name"),
        (("DE", None, ""), "unknown timezone '': use an IANA name"),
    ],
)
def test_jurisdiction_rejects_unknown_values(
    args: tuple[str, str | None, str], message: str
) -> None:
    with pytest.raises(InvalidJurisdiction, match=message):
        Jurisdiction(*args)
    assert issubclass(InvalidJurisdiction, ValueError)


def test_working_day_helpers_around_easter_2026() -> None:
    de = region("DE")
    assert add_working_days(date(2026, 3, 2), 3, de) == date(2026, 3, 5)
    assert add_working_days(date(2026, 4, 2), 1, de) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 7), -1, de) == date(2026, 4, 2)
    assert add_working_days(date(2026, 4, 5), 0, de) == date(2026, 4, 5)
    assert working_days_between(date(2026, 4, 1), date(2026, 4, 8), de) == 3
    assert working_days_between(date(2026, 4, 8), date(2026, 4, 1), de) == -3


@settings(max_examples=300, deadline=None, database=None)
@given(
    label=st.sampled_from(PROPERTY_REGIONS),
    start=st.dates(FIRST, LAST),
    n=st.integers(-40, 40),
)
def test_add_working_days_and_between_are_inverse(label: str, start: date, n: int) -> None:
    jurisdiction, working = region(label), oracle_working_days(label)
    end = add_working_days(start, n, jurisdiction)
    assert working_days_between(start, end, jurisdiction) == n
    assert n == 0 or working(end)
    assert (end > start) == (n > 0) and (end < start) == (n < 0)


def test_equal_jurisdictions_hash_alike_also_after_pickling() -> None:
    import pickle

    days = (ExtraHoliday("Town holiday", month=6, day=12),)
    first = Jurisdiction("de", "by", "Europe/Berlin", "Augsburg", days)
    second = Jurisdiction("DE", "BY", "Europe/Berlin", "augsburg", days)
    assert first == second and hash(first) == hash(second)
    assert hash(first) != hash(Jurisdiction("DE", "BY", "Europe/Berlin", "augsburg"))
    copy = pickle.loads(pickle.dumps(first))  # noqa: S301 (our own bytes)
    assert copy == first and hash(copy) == hash(first)
    assert copy.__reduce__()[1] == ("DE", "BY", "Europe/Berlin", "augsburg", days)
