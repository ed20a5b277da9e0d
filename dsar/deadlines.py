"""Art. 12(3) deadlines: Regulation 1182/71 arithmetic over the controller's public holidays.

Pure (docs/legal-rules.md section 1): no Flask, database, clock or configuration. Callers pass the
instant of receipt and, where the answer depends on it, `today`. Every public function that
gives a due date or its explanation ends in `_period_end`, so none can drift.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from dsar.clock_policies import ClockEvent, ClockPolicy, Step, StepKind, day_label, resolve_clock

# Re-exported so that callers import the whole deadline vocabulary from one module.
from dsar.clock_policies import ClockEventKind as ClockEventKind
from dsar.clock_policies import ExtensionNotAllowed as ExtensionNotAllowed
from dsar.clock_policies import InformationPurpose as InformationPurpose
from dsar.clock_policies import can_extend as can_extend
from dsar.clock_policies import check_extension as check_extension

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
_MONTHS += ("September", "October", "November", "December")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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
    """

    country: str
    subdivision: str | None
    timezone: str

    def __post_init__(self) -> None:
        country, subdivision = _canonical(self.country, self.subdivision)
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "subdivision", subdivision)
        _zone(self.timezone)

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.timezone)

    @property
    def label(self) -> str:
        """`DE-NW` or `NL`, as docs/legal-rules.md writes regions."""
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country


@functools.cache
def _name_language(country: str) -> str | None:
    # Explicit, because `holidays` otherwise follows the process locale (LANG) for the names.
    entity = holidays.country_holidays(country)
    return "en_US" if "en_US" in entity.supported_languages else entity.default_language


@functools.lru_cache(maxsize=4096)
def _holidays_in(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    """One year's public holidays; cached because reminder sweeps ask for millions of days."""
    # Neighbouring years too: a substitute day can fall in another year than its holiday.
    entity = holidays.country_holidays(
        country,
        subdiv=subdivision,
        years=(year - 1, year, year + 1),
        language=_name_language(country),
    )
    return MappingProxyType({day: name for day, name in entity.items() if day.year == year})


def holiday_name(day: date, jurisdiction: Jurisdiction) -> str | None:
    """The public holiday on `day` (national or the subdivision's), in English, or None."""
    return _holidays_in(jurisdiction.country, jurisdiction.subdivision, day.year).get(day)


def is_working_day(day: date, jurisdiction: Jurisdiction) -> bool:
    """Not a Saturday, Sunday or public holiday (Regulation 1182/71 Art. 2(2), 3(4))."""
    if day.weekday() >= 5:
        return False
    return day not in _holidays_in(jurisdiction.country, jurisdiction.subdivision, day.year)


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


def days_left(today: date, due: date) -> int:
    """Calendar days until the due day: 0 on it, negative once overdue."""
    return (due - today).days


def local_date(instant: datetime, jurisdiction: Jurisdiction) -> date:
    """The controller's calendar day at `instant` (D7); a naive datetime is refused, not guessed."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        example = "such as 2026-01-31T10:00:00+01:00"
        raise ValueError(f"{instant.isoformat()} has no timezone: pass an aware datetime {example}")
    return instant.astimezone(jurisdiction.zone).date()


def add_months(day: date, months: int) -> date:
    """The same day number `months` later, or that month's last day if it has none (D3, D4)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DeadlineResult:
    """A due date and why it is what it is, for the staff view and the reminder sweep.

    `suspended`: information was asked for and has not arrived, so `due` is provisional: it
    assumes the answer arrives `today` and is the earliest the due date can still be.
    """

    due: date
    received_on: date
    starts_on: date
    suspended_days: int = 0
    restarted_on: date | None = None
    late_information_request: bool = False
    suspended: bool = False
    suspended_since: date | None = None


def statutory_deadline(
    received_at: datetime, jurisdiction: Jurisdiction, *, extended: bool = False
) -> date:
    """The last day to answer with no suspension: D3-D8 on the controller's local date."""
    months = 3 if extended else 1
    return _period_end_cached(local_date(received_at, jurisdiction), months, 0, jurisdiction)


def explain_deadline(
    received_at: datetime,
    jurisdiction: Jurisdiction,
    events: Iterable[ClockEvent] = (),
    policy: ClockPolicy | str = ClockPolicy.EDPB,
    *,
    extended: bool = False,
    identity_request_working_days: int = 3,
    today: date | None = None,
) -> list[Step]:
    """The steps of `due_date_with_clock`, in words, for the staff view and `--explain`."""
    steps: list[Step] = []
    due_date_with_clock(
        received_at,
        jurisdiction,
        events,
        policy,
        extended=extended,
        identity_request_working_days=identity_request_working_days,
        today=today,
        steps=steps,
    )
    return steps


def due_date_with_clock(
    received_at: datetime,
    jurisdiction: Jurisdiction,
    events: Iterable[ClockEvent] = (),
    policy: ClockPolicy | str = ClockPolicy.EDPB,
    *,
    extended: bool = False,
    identity_request_working_days: int = 3,
    today: date | None = None,
    steps: list[Step] | None = None,
) -> DeadlineResult:
    """The due date once requests for information are applied under `policy` (D11, D12).

    `today` is needed only while information is awaited (see `DeadlineResult.suspended`);
    `steps`, if given, collects the explanation: this is the one code path for both.
    """
    events, policy = tuple(events), ClockPolicy(policy)
    received_on = local_date(received_at, jurisdiction)
    if steps is not None:
        local = received_at.astimezone(jurisdiction.zone)
        text = (
            f"Received {local:%Y-%m-%d %H:%M} {local.tzname()} ({jurisdiction.timezone}): "
            f"the day of receipt is {_DAY_NAMES[received_on.weekday()]} {received_on}, "
            "which is not counted (D3, D7)"
        )
        steps.append(Step(StepKind.RECEIVED, received_on, text))
    cutoff = received_on
    if events and policy is ClockPolicy.EDPB:
        cutoff = add_working_days(received_on, identity_request_working_days, jurisdiction)
    clock = resolve_clock(
        received_on, events, policy, request_cutoff=cutoff, today=today, steps=steps
    )
    months = 3 if extended else 1
    if steps is None:
        due = _period_end_cached(clock.starts_on, months, clock.extra_days, jurisdiction)
    else:
        due = _period_end(clock.starts_on, months, clock.extra_days, jurisdiction, steps)
    return DeadlineResult(
        due=due,
        received_on=received_on,
        starts_on=clock.starts_on,
        suspended_days=clock.extra_days,
        restarted_on=clock.restarted_on,
        late_information_request=clock.late_information_request,
        suspended=clock.suspended,
        suspended_since=clock.suspended_since,
    )


def _period_end(
    start: date, months: int, extra_days: int, jurisdiction: Jurisdiction, steps: list[Step] | None
) -> date:
    """D3-D5 from the day the period runs from: add months, clamp, add suspended days, roll."""
    raw_end = add_months(start, months)
    end = raw_end + timedelta(days=extra_days)
    if steps is not None:
        _explain_period(steps, start, months, raw_end, end, extra_days)
    due = end
    while not is_working_day(due, jurisdiction):
        if steps is not None:
            why = _why_not_working(due, jurisdiction)
            text = f"{day_label(due)} is {why}: the period runs on to the next day (D5)"
            steps.append(Step(StepKind.ROLLED, due, text))
        due += timedelta(days=1)
    if steps is not None:
        text = f"Due: {day_label(due)}, end of the day in {jurisdiction.timezone}"
        steps.append(Step(StepKind.DUE, due, text))
    return due


@functools.lru_cache(maxsize=65536)
def _period_end_cached(
    start: date, months: int, extra_days: int, jurisdiction: Jurisdiction
) -> date:
    # A million open requests share a few thousand days of receipt: memoise the silent path.
    return _period_end(start, months, extra_days, jurisdiction, None)


def _explain_period(
    steps: list[Step], start: date, months: int, raw_end: date, end: date, extra_days: int
) -> None:
    period = "1 month" if months == 1 else f"{months} months (extended, D8)"
    if raw_end.day != start.day:
        month = _MONTHS[raw_end.month - 1]
        text = (
            f"{month} {raw_end.year} has no day {start.day}: "
            "the period ends on the last day of that month (D4)"
        )
        steps.append(Step(StepKind.CLAMPED, raw_end, text))
    text = f"{period} after {day_label(start)}: {day_label(raw_end)}"
    steps.append(Step(StepKind.RAW_END, raw_end, text))
    if extra_days:
        text = f"{extra_days} days added for the wait for information (D12): {day_label(end)}"
        steps.append(Step(StepKind.SHIFTED, end, text))


def _why_not_working(day: date, jurisdiction: Jurisdiction) -> str:
    name = holiday_name(day, jurisdiction)
    holiday = f"a public holiday in {jurisdiction.label} ({name})" if name else ""
    if day.weekday() < 5:
        return holiday
    weekend = f"a {_DAY_NAMES[day.weekday()]}"
    return f"{weekend} and {holiday}" if holiday else weekend
