"""How the Art. 12(3) clock moves: requests for information (D11, D12) and the extension (D9).

Pure and calendar-free: `resolve_clock` turns a request's clock events into a `ClockAdjustment`
(the day the period runs from, and the days added to its raw end date);
`dsar.requests.deadlines.rules` applies it, so computing a due date and explaining it share one
code path.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from dsar.core.words import N_, Said

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class ExtensionNotAllowed(Exception):
    """Art. 12(3) allows one extension, with reasons, before the first due date: not this one."""


class ClockPolicy(enum.StrEnum):
    EDPB = "edpb"  # EDPB Guidelines 01/2022: suspended from asking to answer (default)
    ICO = "ico"  # UK ICO guidance: identity restarts the clock, clarification pauses it
    STRICT = "strict"  # the GDPR text alone: the clock never stops


class ClockEventKind(enum.StrEnum):
    INFORMATION_REQUESTED = "information_requested"
    INFORMATION_RECEIVED = "information_received"


class InformationPurpose(enum.StrEnum):
    IDENTITY = "identity"  # Art. 12(6): reasonable doubt about who asks
    CLARIFICATION = "clarification"  # Recital 63: which information or processing is meant


class StepKind(enum.StrEnum):
    RECEIVED = "received"
    CLAMPED = "clamped"
    RAW_END = "raw_end"
    SUSPENDED = "suspended"
    PAUSED = "paused"
    RESTARTED = "restarted"
    LATE_REQUEST = "late_request"
    IGNORED = "ignored"
    SHIFTED = "shifted"
    ROLLED = "rolled"
    DUE = "due"


@dataclass(frozen=True)
class Step:
    """One line of a deadline explanation, with the day it is about (a UI can mark it)."""

    kind: StepKind
    on: date
    text: str


@dataclass(frozen=True)
class ClockEvent:
    """The controller asked for information, or the subject's answer arrived (local dates)."""

    kind: ClockEventKind
    on: date
    purpose: InformationPurpose | None = None

    def __post_init__(self) -> None:
        if self.kind is ClockEventKind.INFORMATION_REQUESTED and self.purpose is None:
            raise ValueError(
                N_("an information request needs a purpose: identity or clarification")
            )


@dataclass(frozen=True)
class ClockAdjustment:
    """What the events do to the period: where it starts and how many days are added to its end."""

    starts_on: date
    extra_days: int = 0
    restarted_on: date | None = None
    late_information_request: bool = False
    suspended: bool = False  # information asked for and not yet received
    suspended_since: date | None = None


def day_label(day: date) -> str:
    """`Sat 2026-01-31`: the weekday from a fixed table, so the text does not follow the locale."""
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


def resolve_clock(
    received_on: date,
    events: Iterable[ClockEvent],
    policy: ClockPolicy,
    *,
    request_cutoff: date,
    today: date | None = None,
    steps: list[Step] | None = None,
) -> ClockAdjustment:
    """Pair each request for information with its answer and apply `policy` to the pairs.

    Events are taken in date order (the given order within a day). A second request while one
    is open is part of the same wait; an answer with no open request has no effect; both are
    noted. An event before the day of receipt is an error. An open request is counted as if
    the answer came `today` (or on the day of asking, if `today` is earlier), so the due date is
    the earliest it can still be, and `suspended` says it will move.
    """
    events = sorted(events, key=lambda event: event.on)
    if policy is ClockPolicy.STRICT or not events:
        if events and steps is not None:
            text = "Policy strict: asking for information does not stop the clock"
            steps.append(Step(StepKind.IGNORED, events[0].on, text))
        return ClockAdjustment(starts_on=received_on)
    state = ClockAdjustment(starts_on=received_on)
    asked: ClockEvent | None = None
    for event in events:
        if event.on < received_on:
            raise ValueError(
                f"clock event on {event.on} is before the day of receipt {received_on}"
            )
        if event.kind is ClockEventKind.INFORMATION_REQUESTED:
            if asked is None:
                asked = event
            elif steps is not None:
                text = f"Asked again on {day_label(event.on)}: the wait still runs from {asked.on}"
                steps.append(Step(StepKind.IGNORED, event.on, text))
        elif asked is None:
            if steps is not None:
                text = f"Information arrived on {day_label(event.on)} unasked: no effect"
                steps.append(Step(StepKind.IGNORED, event.on, text))
        else:
            state = _apply(state, policy, asked, event.on, request_cutoff, steps, pending=False)
            asked = None
    if asked is not None:
        if today is None:
            raise ValueError(f"information asked for on {asked.on} is still awaited: pass today")
        state = _apply(state, policy, asked, max(today, asked.on), request_cutoff, steps, True)
    return state


def _apply(
    state: ClockAdjustment,
    policy: ClockPolicy,
    asked: ClockEvent,
    answered_on: date,
    request_cutoff: date,
    steps: list[Step] | None,
    pending: bool,
) -> ClockAdjustment:
    """One ask/answer pair under `policy`; `pending` means the answer is assumed to come today.

    ICO clarification: the day of asking and the day of the answer both do not count, so the
    pause is `answered - asked + 1` days (P4: 03-04..03-10 is 7 days; 04-02 + 7 = Thu 04-09).
    The day the answer arrives is treated like a day of receipt (D3): the clock runs again from
    the next day. EDPB: `answered - asked` days (P2: 6 days; 04-02 + 6 = Wed 04-08). Only
    `edpb` checks that the request was sent in time (D12); `ico` restarts or pauses regardless.
    """
    subject = (
        "identity information" if asked.purpose is InformationPurpose.IDENTITY else "clarification"
    )
    what = f"{subject} asked for on {day_label(asked.on)}"
    if pending:
        answer = f"not yet received (assumed to arrive {day_label(answered_on)})"
    else:
        answer = f"received on {day_label(answered_on)}"
    pending_since = asked.on if pending else None
    if policy is ClockPolicy.EDPB and asked.on > request_cutoff:
        last = day_label(request_cutoff)
        text = f"{what}, after the last day to ask with effect ({last}): no suspension (D12)"
        _note(steps, StepKind.LATE_REQUEST, asked.on, text)
        return replace(state, late_information_request=True)
    if policy is ClockPolicy.ICO and asked.purpose is InformationPurpose.IDENTITY:
        text = f"{what}, {answer}: the period runs afresh from that day (ICO)"
        _note(steps, StepKind.RESTARTED, answered_on, text)
        return replace(
            state,
            starts_on=answered_on,
            extra_days=0,
            restarted_on=answered_on,
            suspended=pending,
            suspended_since=pending_since,
        )
    if policy is ClockPolicy.ICO:
        days = (answered_on - asked.on).days + 1
        text = f"{what}, {answer}: the {days} days from asking to answer do not count (ICO)"
        kind = StepKind.PAUSED
    else:
        days = (answered_on - asked.on).days
        text = f"{what}, {answer}: {days} days suspended (EDPB, D12)"
        kind = StepKind.SUSPENDED
    _note(steps, kind, asked.on, text)
    return replace(
        state,
        extra_days=state.extra_days + days,
        suspended=pending,
        suspended_since=pending_since,
    )


def _note(steps: list[Step] | None, kind: StepKind, on: date, text: str) -> None:
    if steps is not None:
        steps.append(Step(kind, on, text[0].upper() + text[1:]))


def check_extension(*, today: date, due: date, already_extended: bool, reason: str) -> None:
    """Raise ExtensionNotAllowed unless Art. 12(3) still allows extending (D9); `today` local."""
    if already_extended:
        once = N_("the deadline was already extended once; Art. 12(3) allows one")
        raise ExtensionNotAllowed(Said(once))
    if today > due:
        passed = N_(
            "the due date %(due)s has passed (today is %(today)s): the extension notice had to "
            "reach the data subject by then (Art. 12(3), D9)"
        )
        raise ExtensionNotAllowed(Said(passed, due=due, today=today))
    if not reason.strip():
        reasons = N_(
            "an extension needs case-specific reasons to give the data subject (Art. 12(3), D9)"
        )
        raise ExtensionNotAllowed(Said(reasons))


def can_extend(*, today: date, due: date, already_extended: bool, reason: str) -> bool:
    """Whether `check_extension` would pass, for enabling the button in the staff view."""
    try:
        check_extension(today=today, due=due, already_extended=already_extended, reason=reason)
    except ExtensionNotAllowed:
        return False
    return True
