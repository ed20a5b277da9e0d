"""Whose holidays count: the `holidays` package's, the law on periods' additions and the register's.

Pure (docs/deadlines.md, "Holidays"): no Flask, database, clock or configuration. Three
sources are merged into one year's calendar for `legal_calendar`:

- the public holidays the `holidays` package gives for the country and subdivision;
- days the country's law on periods counts that `holidays` keeps in another category
  (`PERIOD_LAW_DAYS`: the Netherlands' 5 May, Algemene termijnenwet art. 3);
- what the register adds: a municipal rule (`jurisdiction.municipality`, from
  `dsar.register.municipalities`) and explicit days (`jurisdiction.holidays`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import holidays

from dsar.register.municipalities import MUNICIPAL_RULES

# country -> (a `holidays` category, the (month, day)s of it that count for periods every year).
# NL: Algemene termijnenwet art. 3(1) names "de vijfde mei" among the general holidays every
# year; `holidays` marks Liberation Day public only every fifth year and optional otherwise.
PERIOD_LAW_DAYS: Mapping[str, tuple[str, tuple[tuple[int, int], ...]]] = {
    "NL": ("optional", ((5, 5),)),
}


@dataclass(frozen=True)
class ExtraHoliday:
    """A day the register adds: `on` one date, or `month`-`day` every year; `name` in English."""

    name: str
    on: date | None = None
    month: int = 0
    day: int = 0

    def in_year(self, year: int) -> date | None:
        """The day it falls on in `year`, or None (another year's date; 29 February)."""
        if self.on is not None:
            return self.on if self.on.year == year else None
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None


def extra_holidays(entries: Iterable[Mapping[str, Any]]) -> tuple[ExtraHoliday, ...]:
    """The register's `jurisdiction.holidays` in its plain (JSON) form, as calendar days.

    An entry is `{date: YYYY-MM-DD, name: {..}}` or `{every_year: MM-DD, name: {..}}`; the
    English name is used, else the first one given. The register has validated the shape.
    """
    result = []
    for entry in entries:
        names: Mapping[str, str] = entry["name"]
        name = names.get("en") or next(iter(names.values()))
        if entry.get("date"):
            result.append(ExtraHoliday(name, on=date.fromisoformat(str(entry["date"]))))
        else:
            month, day = (int(part) for part in str(entry["every_year"]).split("-"))
            result.append(ExtraHoliday(name, month=month, day=day))
    return tuple(result)


@functools.cache
def _name_language(country: str) -> str | None:
    # Explicit, because `holidays` otherwise follows the process locale (LANG) for the names.
    entity = holidays.country_holidays(country)
    return "en_US" if "en_US" in entity.supported_languages else entity.default_language


def _package_holidays(
    country: str, subdivision: str | None, categories: tuple[str, ...], year: int
) -> Mapping[date, str]:
    # Neighbouring years too: a substitute day can fall in another year than its holiday.
    entity = holidays.country_holidays(
        country,
        subdiv=subdivision,
        years=(year - 1, year, year + 1),
        language=_name_language(country),
        # None is the package's default (its public holidays): named only when adding others.
        categories=("public", *categories) if categories else None,
    )
    return {day: name for day, name in entity.items() if day.year == year}


def holidays_in_year(
    country: str,
    subdivision: str | None,
    municipality: str | None,
    extras: tuple[ExtraHoliday, ...],
    year: int,
) -> dict[date, str]:
    """Every day in `year` on which a period cannot end besides weekends, with its name."""
    categories: tuple[str, ...] = ()
    if municipality is not None:
        rule = MUNICIPAL_RULES[municipality]
        subdivision = rule.holidays_subdivision or subdivision
        categories = rule.categories
    days = dict(_package_holidays(country, subdivision, categories, year))
    if country in PERIOD_LAW_DAYS:
        category, month_days = PERIOD_LAW_DAYS[country]
        for day, name in _package_holidays(country, subdivision, (category,), year).items():
            if (day.month, day.day) in month_days:
                days.setdefault(day, name)
    for extra in extras:
        on = extra.in_year(year)
        if on is not None:
            days.setdefault(on, extra.name)
    return days
