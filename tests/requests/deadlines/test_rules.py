"""Due dates against docs/legal-rules.md section 1: golden cases, explanations, properties."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsar.requests.deadlines.rules import StepKind, days_left, explain_deadline, statutory_deadline
from tests.regions import FIRST, LAST, PROPERTY_REGIONS, REGIONS, oracle_working_days, region

# docs/legal-rules.md, "Worked cases": id, received (local day or instant), region, due, extended.
GOLDEN = [
    ("G01", "2026-06-17", "DE", "2026-07-17", "2026-09-17"),
    ("G02", "2026-03-05", "DE", "2026-04-07", "2026-06-05"),
    ("G03", "2025-03-05", "DE", "2025-04-07", "2025-06-05"),
    ("G04", "2026-08-31", "DE", "2026-09-30", "2026-11-30"),
    ("G05", "2025-01-31", "DE", "2025-02-28", "2025-04-30"),
    ("G06", "2028-01-31", "DE", "2028-02-29", "2028-05-02"),
    ("G07", "2026-01-31", "DE", "2026-03-02", "2026-04-30"),
    ("G08", "2027-01-30", "DE", "2027-03-01", "2027-04-30"),
    ("G09", "2027-01-29", "DE", "2027-03-01", "2027-04-29"),
    ("G10", "2026-03-31", "DE", "2026-04-30", "2026-06-30"),
    ("G11", "2026-04-30", "DE", "2026-06-01", "2026-07-30"),
    ("G12", "2026-02-15", "DE", "2026-03-16", "2026-05-15"),
    ("G14", "2026-03-03", "DE", "2026-04-07", "2026-06-03"),
    ("G15", "2026-03-03", "AT", "2026-04-03", "2026-06-03"),
    ("G17", "2026-11-26", "DE", "2026-12-28", "2027-02-26"),
    ("G18", "2026-11-26", "GB-ENG", "2026-12-29", "2027-02-26"),
    ("G20", "2025-09-03", "DE", "2025-10-06", "2025-12-03"),
    ("G21", "2025-09-03", "GB-ENG", "2025-10-03", "2025-12-03"),
    ("G22", "2026-05-04", "DE-NW", "2026-06-05", "2026-08-04"),
    ("G23", "2026-05-04", "DE-BE", "2026-06-04", "2026-08-04"),
    ("G27", "2026-03-27", "NL", "2026-04-28", "2026-06-29"),
    ("G30", "2026-03-31T22:30:00+00:00", "DE", "2026-05-04", "2026-07-01"),
    ("G35", "2027-01-01", "GB-ENG", "2027-02-01", "2027-04-01"),
]


def receipt_instants(received: str, label: str) -> list[datetime]:
    """An instant as given, or a local day at its first, middle and last moment (D2, D7)."""
    if "T" in received:
        return [datetime.fromisoformat(received)]
    day, zone = date.fromisoformat(received), ZoneInfo(REGIONS[label][2])
    moments = (time(0, 0), time(12, 0), time(23, 59, 59))
    return [datetime.combine(day, moment, tzinfo=zone) for moment in moments]


@pytest.mark.parametrize(
    ("case", "received", "label", "due", "extended"), GOLDEN, ids=[row[0] for row in GOLDEN]
)
def test_golden_case(case: str, received: str, label: str, due: str, extended: str) -> None:
    for received_at in receipt_instants(received, label):
        assert statutory_deadline(received_at, region(label)) == date.fromisoformat(due)
        assert statutory_deadline(received_at, region(label), extended=True) == date.fromisoformat(
            extended
        )


def test_the_utc_date_would_give_the_wrong_day_g30() -> None:
    berlin = region("DE")
    assert statutory_deadline(datetime(2026, 3, 31, 22, 30, tzinfo=UTC), berlin) == date(2026, 5, 4)
    assert statutory_deadline(datetime(2026, 3, 31, 21, 59, tzinfo=UTC), berlin) == date(
        2026, 4, 30
    )


def test_a_naive_receipt_time_is_refused() -> None:
    with pytest.raises(ValueError, match="no timezone"):
        statutory_deadline(datetime(2026, 3, 5, 10, 0), region("DE"))


def test_explain_g02_names_the_easter_chain() -> None:
    received_at = datetime(2026, 3, 5, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    steps = explain_deadline(received_at, region("DE"))
    assert [step.kind for step in steps] == [
        StepKind.RECEIVED,
        StepKind.RAW_END,
        StepKind.ROLLED,
        StepKind.ROLLED,
        StepKind.DUE,
    ]
    assert "Thursday 2026-03-05" in steps[0].text and "Europe/Berlin" in steps[0].text
    assert steps[1].on == date(2026, 4, 5)
    assert (steps[2].on, steps[3].on) == (date(2026, 4, 5), date(2026, 4, 6))
    assert "Sunday" in steps[2].text
    assert "Easter Monday" in steps[3].text
    assert steps[-1].on == date(2026, 4, 7) and "Tue 2026-04-07" in steps[-1].text


def test_explain_g22_names_corpus_christi_in_nw_only() -> None:
    received_at = datetime(2026, 5, 4, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    rolls = [s for s in explain_deadline(received_at, region("DE-NW")) if s.kind is StepKind.ROLLED]
    assert [roll.on for roll in rolls] == [date(2026, 6, 4)]
    assert "Corpus Christi" in rolls[0].text and "DE-NW" in rolls[0].text
    berlin = explain_deadline(received_at, region("DE-BE"))
    assert not [step for step in berlin if step.kind is StepKind.ROLLED]


def test_explain_g07_shows_the_month_end_clamp() -> None:
    received_at = datetime(2026, 1, 31, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    steps = explain_deadline(received_at, region("DE-NW"), extended=False)
    clamp = next(step for step in steps if step.kind is StepKind.CLAMPED)
    assert clamp.on == date(2026, 2, 28) and "February 2026 has no day 31" in clamp.text
    assert [s.on for s in steps if s.kind is StepKind.ROLLED] == [
        date(2026, 2, 28),
        date(2026, 3, 1),
    ]
    assert steps[-1].on == date(2026, 3, 2)


def test_days_left() -> None:
    due = date(2026, 4, 7)
    assert days_left(date(2026, 4, 2), due) == 5
    assert days_left(due, due) == 0
    assert days_left(date(2026, 4, 9), due) == -2


# Properties over every day 2020-2035 (docs/legal-rules.md D3-D8), with `holidays` as oracle.
EVERY_DAY = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


def plain_month_end(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def noon(day: date, label: str) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(REGIONS[label][2]))


@pytest.mark.parametrize("label", PROPERTY_REGIONS)
def test_every_day_2020_to_2035(label: str) -> None:
    jurisdiction, working = region(label), oracle_working_days(label)
    previous = None
    for day in EVERY_DAY:
        due = statutory_deadline(noon(day, label), jurisdiction)
        extended = statutory_deadline(noon(day, label), jurisdiction, extended=True)
        for result, months in ((due, 1), (extended, 3)):
            raw = plain_month_end(day, months)
            assert result > day
            assert working(result), (day, result)
            assert result >= raw
            gap = (result - raw).days
            assert not any(working(raw + timedelta(days=i)) for i in range(gap)), (day, result)
        assert extended > due
        assert previous is None or previous <= due, day
        previous = due


@settings(max_examples=300, deadline=None, database=None)
@given(
    label=st.sampled_from(PROPERTY_REGIONS),
    first=st.dates(FIRST, LAST),
    second=st.dates(FIRST, LAST),
)
def test_due_date_moves_with_the_day_of_receipt(label: str, first: date, second: date) -> None:
    early, late = sorted((first, second))
    jurisdiction = region(label)
    assert statutory_deadline(noon(early, label), jurisdiction) <= statutory_deadline(
        noon(late, label), jurisdiction
    )


@settings(max_examples=300, deadline=None, database=None)
@given(
    label=st.sampled_from(PROPERTY_REGIONS),
    instant=st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31), timezones=st.just(UTC)),
)
def test_only_the_local_day_of_receipt_matters(label: str, instant: datetime) -> None:
    jurisdiction = region(label)
    local_day = instant.astimezone(ZoneInfo(REGIONS[label][2])).date()
    assert statutory_deadline(instant, jurisdiction) == statutory_deadline(
        noon(local_day, label), jurisdiction
    )
