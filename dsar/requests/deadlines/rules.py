"""Art. 12(3) deadlines: Regulation 1182/71 arithmetic over the controller's public holidays.

Pure (docs/legal-rules.md section 1): no Flask, database, clock or configuration. Callers pass the
instant of receipt and, where the answer depends on it, `today`. Every public function that
gives a due date or its explanation ends in `_period_end`, so none can drift. The calendar it
counts in (jurisdiction, holidays, working days, local date) is
`dsar.requests.deadlines.legal_calendar`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dsar.requests.deadlines.clock_policies import (
    ClockEvent,
    ClockPolicy,
    Step,
    StepKind,
    day_label,
    resolve_clock,
)

# Re-exported so that callers import the whole deadline vocabulary from one module.
from dsar.requests.deadlines.clock_policies import ClockEventKind as ClockEventKind
from dsar.requests.deadlines.clock_policies import ExtensionNotAllowed as ExtensionNotAllowed
from dsar.requests.deadlines.clock_policies import InformationPurpose as InformationPurpose
from dsar.requests.deadlines.clock_policies import can_extend as can_extend
from dsar.requests.deadlines.clock_policies import check_extension as check_extension

# The calendar is not re-exported: import its names from dsar.requests.deadlines.legal_calendar.
from dsar.requests.deadlines.legal_calendar import (
    Jurisdiction,
    add_months,
    add_working_days,
    holiday_name,
    is_working_day,
    local_date,
)

_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June")
_MONTHS += ("July", "August", "September", "October", "November", "December")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def days_left(today: date, due: date) -> int:
    """Calendar days until the due day: 0 on it, negative once overdue."""
    return (due - today).days


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
