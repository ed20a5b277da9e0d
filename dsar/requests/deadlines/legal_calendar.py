"""The calendar deadlines count in: jurisdiction, public holidays, working days, local date, months.

Pure (docs/legal-rules.md section 1, D3-D7): no Flask, database, clock or configuration.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from dsar.register.municipalities import municipal_rule
from dsar.requests.deadlines.local_holidays import ExtraHoliday, holidays_in_year


class InvalidJurisdiction(ValueError):
    """A country, subdivision or timezone that the holiday calendar or the tz database lacks."""


@functools.cache
def _subdivisions_by_country() -> Mapping[str, tuple[str, ...]]:
    supported = holidays.list_supported_countries(include_aliases=False)
    return MappingProxyType({code: tuple(subdivs) for code, subdivs in supported.items()})


@functools.lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        message = f"unknown timezone {name!r}: use an IANA name such as Europe/Berlin"
        raise InvalidJurisdiction(message) from None


@functools.lru_cache(maxsize=1024)
def _canonical(country: str, subdivision: str | None) -> tuple[str, str | None]:
    code = country.strip().upper()
    subdivisions = _subdivisions_by_country().get(code)
    if subdivisions is None:
        example = "an ISO 3166-1 alpha-2 code such as DE, AT, NL or GB"
        raise InvalidJurisdiction(f"unknown country {country!r}: use {example}")
    wanted = (subdivision or "").strip()
    if not wanted:
        return code, None
    for known in subdivisions:
        if known.casefold() == wanted.casefold():
            return code, known
    valid = ", ".join(subdivisions) if subdivisions else "none: leave it empty"
    raise InvalidJurisdiction(f"unknown subdivision {subdivision!r} for {code}: use {valid}")


@dataclass(frozen=True)
class Jurisdiction:
    """Where the controller acts: whose public holidays count (D6) and whose date it is (D7).

    `subdivision` is named as the `holidays` package names it (DE+NW, AT+9, GB+ENG); an empty
    one means national holidays only. Codes are normalised, so `de`/`nw` equals `DE`/`NW`.
    `municipality` names a rule of `dsar.register.municipalities` (`catholic`, `augsburg`);
    `extra_holidays` are the days the register adds (docs/deadlines.md, "Holidays").
    """

    country: str
    subdivision: str | None
    timezone: str
    municipality: str | None = None
    extra_holidays: tuple[ExtraHoliday, ...] = ()
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        country, subdivision = _canonical(self.country, self.subdivision)
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "subdivision", subdivision)
        object.__setattr__(self, "municipality", (self.municipality or "").strip().lower() or None)
        object.__setattr__(self, "extra_holidays", tuple(self.extra_holidays))
        if self.municipality is not None:
            try:
                municipal_rule(self.municipality, country, subdivision)
            except ValueError as error:
                raise InvalidJurisdiction(f"municipality {error}") from None
        _zone(self.timezone)
        fields = (country, subdivision, self.timezone, self.municipality, self.extra_holidays)
        object.__setattr__(self, "_hash", hash(fields))

    def __hash__(self) -> int:
        # Computed once: the holiday and period caches hash the jurisdiction on every day asked.
        return self._hash

    def __reduce__(self) -> tuple[type[Jurisdiction], tuple[object, ...]]:
        # Rebuilt through __init__, so another process (another string hash seed) rehashes.
        fields = (self.country, self.subdivision, self.timezone, self.municipality)
        return Jurisdiction, (*fields, self.extra_holidays)

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.timezone)

    @property
    def label(self) -> str:
        """`DE-NW` or `NL`, as docs/legal-rules.md writes regions."""
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country


@functools.lru_cache(maxsize=4096)
def _holidays_in(jurisdiction: Jurisdiction, year: int) -> Mapping[date, str]:
    """One year's holidays; cached because reminder sweeps ask for millions of days."""
    days = holidays_in_year(
        jurisdiction.country,
        jurisdiction.subdivision,
        jurisdiction.municipality,
        jurisdiction.extra_holidays,
        year,
    )
    return MappingProxyType(days)


def holiday_name(day: date, jurisdiction: Jurisdiction) -> str | None:
    """The holiday on `day` (national, regional, municipal or the register's), in English."""
    return _holidays_in(jurisdiction, day.year).get(day)


def is_working_day(day: date, jurisdiction: Jurisdiction) -> bool:
    """Not a Saturday, Sunday or public holiday (Regulation 1182/71 Art. 2(2), 3(4))."""
    if day.weekday() >= 5:
        return False
    return day not in _holidays_in(jurisdiction, day.year)


def add_working_days(start: date, n: int, jurisdiction: Jurisdiction) -> date:
    """The n-th working day after `start` (before it if n < 0); `start` itself never counts."""
    step = timedelta(days=1 if n >= 0 else -1)
    day, remaining = start, abs(n)
    while remaining:
        day += step
        if is_working_day(day, jurisdiction):
            remaining -= 1
    return day


def working_days_between(a: date, b: date, jurisdiction: Jurisdiction) -> int:
    """Working days landed on walking from a to b (b counts, a does not); negative if b < a.

    The inverse of `add_working_days`: `working_days_between(a, add_working_days(a, n)) == n`.
    """
    sign, days = (
        (1, range(1, (b - a).days + 1)) if b >= a else (-1, range(-1, (b - a).days - 1, -1))
    )
    return sign * sum(is_working_day(a + timedelta(days=i), jurisdiction) for i in days)


def local_date(instant: datetime, jurisdiction: Jurisdiction) -> date:
    """The controller's calendar day at `instant` (D7); a naive datetime is refused, not guessed."""
    return date_in(instant, jurisdiction.timezone)


def date_in(instant: datetime, timezone: str) -> date:
    """The calendar day at `instant` in `timezone` (an IANA name); a naive datetime is refused."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        example = "such as 2026-01-31T10:00:00+01:00"
        raise ValueError(f"{instant.isoformat()} has no timezone: pass an aware datetime {example}")
    return instant.astimezone(_zone(timezone)).date()


def add_months(day: date, months: int) -> date:
    """The same day number `months` later, or that month's last day if it has none (D3, D4)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
