"""Regions by label and a `holidays` oracle, shared by the calendar and the deadline tests."""

from __future__ import annotations

from datetime import date

import holidays

from dsar.requests.deadlines.legal_calendar import Jurisdiction

REGIONS = {
    "DE": ("DE", None, "Europe/Berlin"),
    "DE-NW": ("DE", "NW", "Europe/Berlin"),
    "DE-BY": ("DE", "BY", "Europe/Berlin"),
    "DE-BE": ("DE", "BE", "Europe/Berlin"),
    "AT": ("AT", None, "Europe/Vienna"),
    "NL": ("NL", None, "Europe/Amsterdam"),
    "GB-ENG": ("GB", "ENG", "Europe/London"),
}


def region(label: str) -> Jurisdiction:
    return Jurisdiction(*REGIONS[label])


# The regions and the years the property tests walk, with `holidays` as oracle.
PROPERTY_REGIONS = ["DE-NW", "DE-BY", "DE-BE", "AT", "NL"]
FIRST, LAST = date(2020, 1, 1), date(2035, 12, 31)


def oracle_working_days(label: str):  # type: ignore[no-untyped-def]
    country, subdivision, _ = REGIONS[label]
    calendar_ = holidays.country_holidays(country, subdiv=subdivision, years=range(2019, 2037))
    return lambda day: day.weekday() < 5 and day not in calendar_
