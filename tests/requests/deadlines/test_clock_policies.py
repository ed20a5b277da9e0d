"""Clock policies (docs/legal-rules.md D11, D12, cases P1-P4) and the extension rule (D9)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsar.requests.deadlines.legal_calendar import Jurisdiction
from dsar.requests.deadlines.rules import (
    ClockEvent,
    ClockEventKind,
    ClockPolicy,
    ExtensionNotAllowed,
    InformationPurpose,
    StepKind,
    can_extend,
    check_extension,
    due_date_with_clock,
    explain_deadline,
    statutory_deadline,
)

BERLIN = ZoneInfo("Europe/Berlin")
DE = Jurisdiction("DE", None, "Europe/Berlin")
RECEIVED = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)  # Mon 2026-03-02, as in P1-P4
IDENTITY, CLARIFICATION = InformationPurpose.IDENTITY, InformationPurpose.CLARIFICATION


def asked(day: date, purpose: InformationPurpose = IDENTITY) -> ClockEvent:
    return ClockEvent(ClockEventKind.INFORMATION_REQUESTED, day, purpose)


def answered(day: date) -> ClockEvent:
    return ClockEvent(ClockEventKind.INFORMATION_RECEIVED, day)


# docs/legal-rules.md section 1, "Clock policy cases": asked Wed 03-04, answered Tue 03-10.
POLICY_CASES = [
    ("P1", ClockPolicy.STRICT, IDENTITY, date(2026, 4, 2), date(2026, 6, 2)),
    ("P2", ClockPolicy.EDPB, IDENTITY, date(2026, 4, 8), date(2026, 6, 8)),
    ("P3", ClockPolicy.ICO, IDENTITY, date(2026, 4, 10), date(2026, 6, 10)),
    ("P4", ClockPolicy.ICO, CLARIFICATION, date(2026, 4, 9), date(2026, 6, 9)),
]


@pytest.mark.parametrize(
    ("case", "policy", "purpose", "due", "extended"),
    POLICY_CASES,
    ids=[row[0] for row in POLICY_CASES],
)
def test_policy_case(
    case: str, policy: ClockPolicy, purpose: InformationPurpose, due: date, extended: date
) -> None:
    events = [asked(date(2026, 3, 4), purpose), answered(date(2026, 3, 10))]
    assert due_date_with_clock(RECEIVED, DE, events, policy).due == due
    assert due_date_with_clock(RECEIVED, DE, events, policy, extended=True).due == extended


def test_policy_case_flags() -> None:
    events = [asked(date(2026, 3, 4)), answered(date(2026, 3, 10))]
    edpb = due_date_with_clock(RECEIVED, DE, events, ClockPolicy.EDPB)
    assert (edpb.suspended_days, edpb.restarted_on, edpb.late_information_request) == (
        6,
        None,
        False,
    )
    ico = due_date_with_clock(RECEIVED, DE, events, "ico")
    assert (ico.starts_on, ico.restarted_on, ico.suspended_days) == (
        date(2026, 3, 10),
        date(2026, 3, 10),
        0,
    )
    clarified = [asked(date(2026, 3, 4), CLARIFICATION), answered(date(2026, 3, 10))]
    assert due_date_with_clock(RECEIVED, DE, clarified, ClockPolicy.ICO).suspended_days == 7
    strict = due_date_with_clock(RECEIVED, DE, events, ClockPolicy.STRICT)
    assert (strict.suspended_days, strict.received_on) == (0, date(2026, 3, 2))


@pytest.mark.parametrize(
    ("asked_on", "working_days", "late", "due"),
    [
        (date(2026, 3, 5), 3, False, date(2026, 4, 7)),  # 3rd working day: 5 days -> Tue 04-07
        (date(2026, 3, 6), 3, True, date(2026, 4, 2)),  # 4th working day: no suspension
        (date(2026, 3, 6), 5, False, date(2026, 4, 7)),  # 4 days -> Easter Monday -> 04-07
    ],
)
def test_edpb_late_request_does_not_suspend(
    asked_on: date, working_days: int, late: bool, due: date
) -> None:
    events = [asked(asked_on), answered(date(2026, 3, 10))]
    result = due_date_with_clock(
        RECEIVED, DE, events, ClockPolicy.EDPB, identity_request_working_days=working_days
    )
    assert (result.late_information_request, result.due) == (late, due)


def test_edpb_cutoff_counts_working_days_over_easter() -> None:
    received = datetime(2026, 4, 1, 10, 0, tzinfo=BERLIN)  # Wed; Thu 04-02, Tue 04-07, Wed 04-08
    on_time = [asked(date(2026, 4, 8)), answered(date(2026, 4, 15))]
    too_late = [asked(date(2026, 4, 9)), answered(date(2026, 4, 15))]
    assert due_date_with_clock(received, DE, on_time).due == date(2026, 5, 8)  # 05-01 + 7 days
    result = due_date_with_clock(received, DE, too_late)
    assert (result.due, result.late_information_request) == (date(2026, 5, 4), True)
    steps = explain_deadline(received, DE, too_late)
    assert [s.on for s in steps if s.kind is StepKind.LATE_REQUEST] == [date(2026, 4, 9)]


def test_suspensions_add_up() -> None:
    events = [
        asked(date(2026, 3, 3)),
        answered(date(2026, 3, 4)),
        asked(date(2026, 3, 5), CLARIFICATION),
        answered(date(2026, 3, 9)),
    ]
    edpb = due_date_with_clock(RECEIVED, DE, events, ClockPolicy.EDPB)
    assert (edpb.suspended_days, edpb.due) == (5, date(2026, 4, 7))
    ico = due_date_with_clock(RECEIVED, DE, events, ClockPolicy.ICO)
    assert (ico.restarted_on, ico.suspended_days, ico.due) == (
        date(2026, 3, 4),
        5,
        date(2026, 4, 9),
    )


def test_ico_restart_drops_earlier_pauses_and_keeps_later_ones() -> None:
    events = [
        asked(date(2026, 3, 3), CLARIFICATION),
        answered(date(2026, 3, 4)),
        asked(date(2026, 3, 5), IDENTITY),
        answered(date(2026, 3, 10)),
        asked(date(2026, 3, 12), CLARIFICATION),
        answered(date(2026, 3, 13)),
    ]
    result = due_date_with_clock(RECEIVED, DE, events, ClockPolicy.ICO)
    # 03-10 + 1 month = Fri 04-10, + 2 days paused = Sun 04-12 -> Mon 04-13
    assert (result.restarted_on, result.suspended_days, result.due) == (
        date(2026, 3, 10),
        2,
        date(2026, 4, 13),
    )


def test_events_are_taken_in_date_order() -> None:
    events = [answered(date(2026, 3, 10)), asked(date(2026, 3, 4))]
    assert due_date_with_clock(RECEIVED, DE, events).due == date(2026, 4, 8)


def test_unmatched_answer_and_repeated_request_are_noted_not_counted() -> None:
    unasked = [answered(date(2026, 3, 5))]
    assert due_date_with_clock(RECEIVED, DE, unasked).due == date(2026, 4, 2)
    steps = explain_deadline(RECEIVED, DE, unasked)
    assert [s.on for s in steps if s.kind is StepKind.IGNORED] == [date(2026, 3, 5)]
    reminded = [asked(date(2026, 3, 4)), asked(date(2026, 3, 6)), answered(date(2026, 3, 10))]
    assert due_date_with_clock(RECEIVED, DE, reminded).suspended_days == 6


def test_strict_ignores_requests_and_says_so() -> None:
    events = [asked(date(2026, 3, 4)), answered(date(2026, 3, 10))]
    steps = explain_deadline(RECEIVED, DE, events, ClockPolicy.STRICT)
    assert any(s.kind is StepKind.IGNORED and "strict" in s.text for s in steps)
    assert steps[-1].on == date(2026, 4, 2)


@pytest.mark.parametrize(
    ("policy", "purpose", "due"),
    [
        (ClockPolicy.EDPB, IDENTITY, date(2026, 4, 7)),  # 04-02 + 3 = Sun 04-05, Easter Monday
        (ClockPolicy.ICO, IDENTITY, date(2026, 4, 7)),  # restarts 03-07: Tue 04-07
        (ClockPolicy.ICO, CLARIFICATION, date(2026, 4, 7)),  # 04-02 + 4 = Easter Monday 04-06
        (ClockPolicy.STRICT, IDENTITY, date(2026, 4, 2)),
    ],
)
def test_open_request_counts_as_if_answered_today(
    policy: ClockPolicy, purpose: InformationPurpose, due: date
) -> None:
    result = due_date_with_clock(
        RECEIVED, DE, [asked(date(2026, 3, 4), purpose)], policy, today=date(2026, 3, 7)
    )
    assert result.due == due
    waiting = policy is not ClockPolicy.STRICT
    assert (result.suspended, result.suspended_since) == (
        waiting,
        date(2026, 3, 4) if waiting else None,
    )


def test_open_request_needs_today_and_tolerates_an_early_today() -> None:
    with pytest.raises(ValueError, match="pass today"):
        due_date_with_clock(RECEIVED, DE, [asked(date(2026, 3, 4))])
    early = due_date_with_clock(RECEIVED, DE, [asked(date(2026, 3, 4))], today=date(2026, 3, 3))
    assert (early.due, early.suspended_days, early.suspended) == (date(2026, 4, 2), 0, True)


def test_bad_events_are_refused() -> None:
    with pytest.raises(ValueError, match="before the day of receipt"):
        due_date_with_clock(RECEIVED, DE, [asked(date(2026, 3, 1)), answered(date(2026, 3, 5))])
    with pytest.raises(ValueError, match="needs a purpose"):
        ClockEvent(ClockEventKind.INFORMATION_REQUESTED, date(2026, 3, 4))
    with pytest.raises(ValueError):
        due_date_with_clock(RECEIVED, DE, [], "pause-forever")


def test_explain_p2_and_p3() -> None:
    events = [asked(date(2026, 3, 4)), answered(date(2026, 3, 10))]
    p2 = explain_deadline(RECEIVED, DE, events, ClockPolicy.EDPB)
    assert [s.kind for s in p2] == [
        StepKind.RECEIVED,
        StepKind.SUSPENDED,
        StepKind.RAW_END,
        StepKind.SHIFTED,
        StepKind.DUE,
    ]
    assert "6 days" in p2[1].text and p2[3].on == p2[4].on == date(2026, 4, 8)
    p3 = explain_deadline(RECEIVED, DE, events, ClockPolicy.ICO, extended=True)
    restart = next(s for s in p3 if s.kind is StepKind.RESTARTED)
    raw_end = next(s for s in p3 if s.kind is StepKind.RAW_END)
    assert restart.on == date(2026, 3, 10)
    assert "Tue 2026-03-10" in raw_end.text and raw_end.on == date(2026, 6, 10)


# Properties: a suspension of k days moves the raw end by exactly k days (oracle: `holidays`).
DE_CALENDAR = holidays.country_holidays("DE", years=range(2024, 2033))


def one_month_later(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_working_day_from(day: date) -> date:
    while day.weekday() >= 5 or day in DE_CALENDAR:
        day += timedelta(days=1)
    return day


@settings(max_examples=300, deadline=None, database=None)
@given(received=st.dates(date(2025, 1, 1), date(2030, 12, 31)), wait=st.integers(0, 90))
def test_edpb_suspension_shifts_the_raw_end(received: date, wait: int) -> None:
    received_at = datetime.combine(received, time(12, 0), tzinfo=BERLIN)
    events = [asked(received), answered(received + timedelta(days=wait))]
    result = due_date_with_clock(received_at, DE, events, ClockPolicy.EDPB)
    one_month = statutory_deadline(received_at, DE)
    assert result.due >= one_month
    assert result.due == first_working_day_from(one_month_later(received) + timedelta(days=wait))


@settings(max_examples=300, deadline=None, database=None)
@given(received=st.dates(date(2025, 1, 1), date(2030, 12, 31)), wait=st.integers(0, 90))
def test_ico_identity_restarts_on_the_answer(received: date, wait: int) -> None:
    received_at = datetime.combine(received, time(12, 0), tzinfo=BERLIN)
    answer = received + timedelta(days=wait)
    events = [asked(received), answered(answer)]
    restarted = datetime.combine(answer, time(12, 0), tzinfo=BERLIN)
    for extended in (False, True):
        result = due_date_with_clock(received_at, DE, events, ClockPolicy.ICO, extended=extended)
        assert result.due == statutory_deadline(restarted, DE, extended=extended)


def test_extension_allowed_once_on_time_with_reasons() -> None:
    due = date(2026, 4, 2)
    check_extension(today=due, due=due, already_extended=False, reason="3 linked requests")
    assert can_extend(today=date(2026, 3, 20), due=due, already_extended=False, reason="complex")


@pytest.mark.parametrize(
    ("today", "already_extended", "reason", "message"),
    [
        (date(2026, 4, 3), False, "complex", "the due date 2026-04-02 has passed"),
        (date(2026, 3, 20), True, "complex", "already extended once"),
        (date(2026, 3, 20), False, "  ", "needs case-specific reasons"),
    ],
)
def test_extension_refused(today: date, already_extended: bool, reason: str, message: str) -> None:
    due = date(2026, 4, 2)
    with pytest.raises(ExtensionNotAllowed, match=message):
        check_extension(today=today, due=due, already_extended=already_extended, reason=reason)
    assert not can_extend(today=today, due=due, already_extended=already_extended, reason=reason)
