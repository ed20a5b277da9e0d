"""Regions by label, a `holidays` oracle and a register with added holidays, shared by the
calendar, deadline and command tests."""

from __future__ import annotations

from datetime import date

import holidays

from dsar.register import Register
from dsar.register.loading import validate
from dsar.requests.deadlines.legal_calendar import Jurisdiction
from tests.register.test_schema import minimal_register

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
    years = range(2019, 2037)
    calendar_ = set(holidays.country_holidays(country, subdiv=subdivision, years=years))
    if country == "NL":  # Algemene termijnenwet art. 3: 5 May every year, not every fifth
        calendar_ |= {date(year, 5, 5) for year in years}
    return lambda day: day.weekday() < 5 and day not in calendar_


def bavarian_register() -> Register:
    """Controller `shop` in a Catholic Bavarian municipality, with a town festival 2026-06-12."""
    jurisdiction = {
        "country": "DE",
        "subdivision": "BY",
        "timezone": "Europe/Berlin",
        "municipality": "catholic",
        "holidays": [{"date": "2026-06-12", "name": {"de": "Stadtfest", "en": "Town festival"}}],
    }
    return validate(minimal_register(jurisdiction=jurisdiction), "r.yaml")
