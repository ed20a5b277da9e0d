"""Holidays beyond the `holidays` package's public ones: NL 5 May, municipal rules, the register's.

Due dates worked out by hand from the calendar (docs/deadlines.md, "Holidays"); the explanation
names each such day like any public holiday.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsar.requests.deadlines.legal_calendar import (
    InvalidJurisdiction,
    Jurisdiction,
    holiday_name,
    is_working_day,
)
from dsar.requests.deadlines.local_holidays import ExtraHoliday, extra_holidays, holidays_in_year
from dsar.requests.deadlines.rules import StepKind, explain_deadline, statutory_deadline

BERLIN, AMSTERDAM = "Europe/Berlin", "Europe/Amsterdam"
NL = Jurisdiction("NL", None, AMSTERDAM)
BY = Jurisdiction("DE", "BY", BERLIN)
BY_CATHOLIC = Jurisdiction("DE", "BY", BERLIN, municipality="catholic")
AUGSBURG = Jurisdiction("DE", "BY", BERLIN, municipality="augsburg")
REGISTER_DAYS = extra_holidays(
    [
        {"date": "2026-06-12", "name": {"de": "Stadtfeiertag", "en": "Town holiday"}},
        {"every_year": "09-01", "name": {"de": "Gründungstag"}},
    ]
)
NW_WITH_DAYS = Jurisdiction("DE", "NW", BERLIN, extra_holidays=REGISTER_DAYS)
NW = Jurisdiction("DE", "NW", BERLIN)

# received (local day), jurisdiction, due, extended
CASES = [
    # NL: Tue 2026-05-05 is no lustrum year's Liberation Day, yet a holiday for periods.
    pytest.param("2026-04-05", NL, "2026-05-06", "2026-07-06", id="nl-5-may-2026"),
    # NL 2027: Wed 05-05 Liberation Day, Thu 05-06 Ascension Day, due Fri.
    pytest.param("2027-04-05", NL, "2027-05-07", "2027-07-05", id="nl-5-may-then-ascension"),
    # The extended date lands on 5 May: it moves as well.
    pytest.param("2026-02-05", NL, "2026-03-05", "2026-05-06", id="nl-5-may-extended"),
    # The same days in Germany are working days.
    pytest.param("2026-04-05", Jurisdiction("DE", None, BERLIN), "2026-05-05", "2026-07-06"),
    # Fri 2025-08-15: Assumption Day only in a Catholic Bavarian municipality (and Augsburg).
    pytest.param("2025-07-15", BY, "2025-08-15", "2025-10-15", id="by-15-aug-not-a-holiday"),
    pytest.param("2025-07-15", BY_CATHOLIC, "2025-08-18", "2025-10-15", id="by-catholic-15-aug"),
    pytest.param("2025-07-15", AUGSBURG, "2025-08-18", "2025-10-15", id="augsburg-15-aug"),
    pytest.param("2028-07-15", BY_CATHOLIC, "2028-08-16", "2028-10-16", id="by-catholic-2028"),
    # Fri 2025-08-08: the Hohes Friedensfest, in Augsburg only.
    pytest.param("2025-07-08", AUGSBURG, "2025-08-11", "2025-10-08", id="augsburg-8-aug"),
    pytest.param("2025-07-08", BY_CATHOLIC, "2025-08-08", "2025-10-08", id="by-catholic-8-aug"),
    # The register's own days: one date, and a day every year.
    pytest.param("2026-05-12", NW_WITH_DAYS, "2026-06-15", "2026-08-12", id="register-date"),
    pytest.param("2026-05-12", NW, "2026-06-12", "2026-08-12", id="without-register-date"),
    # Mon 2028-06-12: a date is one day, not every year.
    pytest.param("2028-05-12", NW_WITH_DAYS, "2028-06-12", "2028-08-14", id="date-is-one-year"),
    pytest.param("2026-08-01", NW_WITH_DAYS, "2026-09-02", "2026-11-02", id="every-year-2026"),
    pytest.param("2027-08-01", NW_WITH_DAYS, "2027-09-02", "2027-11-02", id="every-year-2027"),
]


def noon(day: str, jurisdiction: Jurisdiction) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(12), ZoneInfo(jurisdiction.timezone))


@pytest.mark.parametrize(("received", "jurisdiction", "due", "extended"), CASES)
def test_due_dates(received: str, jurisdiction: Jurisdiction, due: str, extended: str) -> None:
    instant = noon(received, jurisdiction)
    assert statutory_deadline(instant, jurisdiction).isoformat() == due
    assert statutory_deadline(instant, jurisdiction, extended=True).isoformat() == extended


def rolls(received: str, jurisdiction: Jurisdiction) -> list[tuple[date, str]]:
    steps = explain_deadline(noon(received, jurisdiction), jurisdiction)
    return [(step.on, step.text) for step in steps if step.kind is StepKind.ROLLED]


def test_explain_names_liberation_day_in_a_non_lustrum_year() -> None:
    assert rolls("2026-04-05", NL) == [
        (
            date(2026, 5, 5),
            "Tue 2026-05-05 is a public holiday in NL (Liberation Day): "
            "the period runs on to the next day (D5)",
        )
    ]
    assert [text for _, text in rolls("2027-04-05", NL)][1].startswith(
        "Thu 2027-05-06 is a public holiday in NL (Ascension Day)"
    )


def test_explain_names_the_bavarian_municipal_holidays() -> None:
    catholic = rolls("2025-07-15", BY_CATHOLIC)
    assert [day for day, _ in catholic] == [date(2025, 8, d) for d in (15, 16, 17)]
    assert catholic[0][1].startswith("Fri 2025-08-15 is a public holiday in DE-BY (Assumption Day)")
    augsburg = rolls("2025-07-08", AUGSBURG)
    assert augsburg[0][1].startswith(
        "Fri 2025-08-08 is a public holiday in DE-BY (Augsburg Peace Festival)"
    )
    assert rolls("2025-07-15", BY) == []


def test_explain_names_the_registers_day_in_english_or_its_first_language() -> None:
    assert rolls("2026-05-12", NW_WITH_DAYS)[0][1].startswith(
        "Fri 2026-06-12 is a public holiday in DE-NW (Town holiday)"
    )
    assert "(Gründungstag)" in rolls("2026-08-01", NW_WITH_DAYS)[0][1]


def test_a_register_day_does_not_rename_a_public_holiday() -> None:
    christmas = extra_holidays([{"every_year": "12-25", "name": {"en": "Works outing"}}])
    jurisdiction = Jurisdiction("DE", None, BERLIN, extra_holidays=christmas)
    assert holiday_name(date(2026, 12, 25), jurisdiction) == "Christmas Day"


def test_a_lustrum_year_and_other_countries_are_unchanged() -> None:
    assert holiday_name(date(2025, 5, 5), NL) == "Liberation Day"
    assert holiday_name(date(2026, 5, 4), NL) is None  # Remembrance Day is no holiday
    assert is_working_day(date(2026, 5, 5), Jurisdiction("BE", None, "Europe/Brussels"))


def test_a_years_calendar_holds_only_that_years_days() -> None:
    for year in (2026, 2027):
        days = holidays_in_year("DE", "NW", None, REGISTER_DAYS, year)
        assert {day.year for day in days} == {year}
        assert (date(2026, 6, 12) in days) is (year == 2026)
        assert days[date(year, 9, 1)] == "Gründungstag"


def test_29_february_every_year_falls_on_leap_years_only() -> None:
    leap = ExtraHoliday("Leap day", month=2, day=29)
    assert (leap.in_year(2028), leap.in_year(2027)) == (date(2028, 2, 29), None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("DE", "NW", "augsburg"), "municipality 'augsburg' applies only in DE-BY, not in DE-NW"),
        (("DE", None, "catholic"), "applies only in DE-BY, DE-SN, DE-TH, not in DE"),
        (("AT", "9", "catholic"), "applies only in DE-BY, DE-SN, DE-TH, not in AT-9"),
        (("DE", "BY", "munich"), "'munich' is not a municipal holiday rule: use one of catholic"),
    ],
)
def test_a_municipality_outside_its_land_is_refused(
    args: tuple[str, str | None, str], message: str
) -> None:
    country, subdivision, municipality = args
    with pytest.raises(InvalidJurisdiction, match=message):
        Jurisdiction(country, subdivision, BERLIN, municipality=municipality)


def test_municipality_is_normalised() -> None:
    assert Jurisdiction("de", "by", BERLIN, municipality=" Augsburg ") == AUGSBURG
    assert Jurisdiction("DE", "BY", BERLIN, municipality="").municipality is None


@settings(max_examples=200, deadline=None, database=None)
@given(
    received=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
    offsets=st.sets(st.integers(25, 40), max_size=6),
    extended=st.booleans(),
)
def test_the_explanation_names_every_day_the_due_date_rolls_over(
    received: date, offsets: set[int], extended: bool
) -> None:
    days = tuple(ExtraHoliday(f"Day {i}", on=received + timedelta(days=i)) for i in offsets)
    jurisdiction = Jurisdiction("DE", "BY", BERLIN, "augsburg", days)
    instant = noon(received.isoformat(), jurisdiction)
    due = statutory_deadline(instant, jurisdiction, extended=extended)
    steps = explain_deadline(instant, jurisdiction, extended=extended)
    raw = next(step.on for step in steps if step.kind is StepKind.RAW_END)
    rolled = [step for step in steps if step.kind is StepKind.ROLLED]
    assert steps[-1].on == due and is_working_day(due, jurisdiction)
    assert [step.on for step in rolled] == [
        raw + timedelta(days=i) for i in range((due - raw).days)
    ]
    for step in rolled:
        name = holiday_name(step.on, jurisdiction)
        assert (f"({name})" in step.text) if name else step.on.weekday() >= 5
