"""The queue's page and counts from the service: what each viewer counts under each filter."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dsar.accounts.models import Role
from dsar.requests.permissions import can_see
from dsar.requests.queue import QueueFilters, queue_page
from dsar.requests.workflow import RequestType, Status
from tests.factories import make_request, make_staff


@pytest.fixture
def mixed(session, controller, now: datetime):  # type: ignore[no-untyped-def]
    """24 requests: unconfirmed, new, in progress and withdrawn; unassigned or with two agents."""
    dpo = make_staff(session, now, email="dpo@example.org", role=Role.DPO)
    agent = make_staff(session, now, email="agent@example.org", role=Role.AGENT)
    other = make_staff(session, now, email="other@example.org", role=Role.AGENT)
    made = []
    for i in range(24):
        request = make_request(
            session,
            controller,
            now - timedelta(days=i),
            received_at=None if i % 6 == 0 else now - timedelta(days=i),
            type=RequestType.ERASURE if i % 5 == 0 else RequestType.ACCESS,
        )
        request.assignee = (None, agent, other)[i % 3]
        if request.status is Status.NEW and i % 4 == 1:
            request.status = Status.IN_PROGRESS
        if request.status is Status.NEW and i % 7 == 2:
            request.status = Status.WITHDRAWN
        made.append(request)
    session.flush()
    return dpo, agent, made


def _expected(user, requests, keep) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts: dict[str, int] = {}
    for r in requests:
        if r.status.is_open and can_see(user, r) and keep(r, user):
            counts[r.status.value] = counts.get(r.status.value, 0) + 1
    return counts


FILTERS = {
    "none": ({}, lambda r, u: True),
    "me": ({"assignee": "me"}, lambda r, u: r.assignee_id == u.id),
    "unassigned": ({"assignee": "none"}, lambda r, u: r.assignee_id is None),
    "erasure": ({"type": RequestType.ERASURE}, lambda r, u: r.type is RequestType.ERASURE),
}


@pytest.mark.parametrize("name", FILTERS)
def test_counts_and_totals_follow_visibility_and_filters(mixed, session, now, name) -> None:  # type: ignore[no-untyped-def]
    dpo, agent, requests = mixed
    given, keep = FILTERS[name]
    for user in (dpo, agent):
        page = queue_page(session, user, QueueFilters(**given), now.date())
        expected = _expected(user, requests, keep)
        assert page.counts == expected, (user.email, name)
        working = sum(n for s, n in expected.items() if Status(s).clock_running)
        assert page.total == working == len(page.rows)
        assert "withdrawn" not in page.counts  # closed statuses are not counted
    dpo_new = queue_page(session, dpo, QueueFilters(), now.date()).counts["new"]
    assert queue_page(session, agent, QueueFilters(), now.date()).counts["new"] < dpo_new


def test_rows_are_named_and_carry_days_left(mixed, session, now) -> None:  # type: ignore[no-untyped-def]
    dpo, agent, requests = mixed
    page = queue_page(session, dpo, QueueFilters(status="all"), now.date())
    by_id = {r.id: r for r in requests}
    assert {row.id for row in page.rows} == set(by_id)
    for row in page.rows:
        request = by_id[row.id]
        assert (row.reference, row.type, row.status) == (
            request.reference,
            request.type,
            request.status,
        )
        assert row.assignee_email == (request.assignee.email if request.assignee else None)
        assert row.due == request.effective_due_date
        left = page.days_left[row.id]
        if request.status.clock_running:
            assert left == (request.effective_due_date - now.date()).days
        else:
            assert left is None
    closed = queue_page(session, dpo, QueueFilters(status="withdrawn"), now.date())
    assert closed.total == sum(r.status is Status.WITHDRAWN for r in requests) > 0


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("kunde099", {"kunde"}),  # part of an e-mail address
        ("KUNDE0991@FIRMA", {"kunde"}),
        ("j412", {"ref"}),  # part of a reference, any case
        ("26-j412-a", {"ref"}),
        ("lüden", {"name"}),  # part of a name
        ("Schmidt-", {"name"}),
        ("%", set()),  # LIKE's wildcards are searched for as characters
        ("_", {"underscore"}),
        ("o_e", {"underscore"}),
        ("\\", set()),  # the escape character itself
    ],
)
def test_search_finds_any_part_of_reference_name_or_email(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, term: str, found: set[str]
) -> None:
    dpo = make_staff(session, now, email="dpo@example.org", role=Role.DPO)
    made = {
        "kunde": make_request(session, controller, now, subject_email="Kunde0991@firma.example"),
        "ref": make_request(session, controller, now, subject_email="a@example.org"),
        "name": make_request(session, controller, now, subject_name="Zoë Schmidt-Lüdenscheidt"),
        "underscore": make_request(session, controller, now, subject_email="j_o_e@example.org"),
    }
    made["ref"].reference = "DSAR-2026-J412-ABCD"
    for request in made.values():
        if request is not made["name"]:
            request.subject_name = "Anna Berg"
    session.flush()
    page = queue_page(session, dpo, QueueFilters(status="all", search=term), now.date())
    by_id = {request.id: key for key, request in made.items()}
    assert {by_id[row.id] for row in page.rows} == found
