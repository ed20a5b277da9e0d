"""The case page lists the subject's other requests; possible duplicates are marked there and
in the queue. Shown only: nothing is refused, merged or changed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType, Status
from tests.factories import make_request


def test_the_case_page_lists_repeats_and_marks_a_duplicate(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    this = make_request(session, controller, now, subject_email="Zoe@Example.org")
    twin = make_request(
        session, controller, now - timedelta(days=3), subject_email="zoe@example.org"
    )
    erasure = make_request(
        session,
        controller,
        now - timedelta(days=60),
        subject_email="ZOE@example.org",
        type=RequestType.ERASURE,
    )
    old = make_request(
        session, controller, now - timedelta(days=400), subject_email="zoe@example.org"
    )
    apply_action(session, old, Action.WITHDRAW, actor="t", now=now)  # closed, and a year ago
    session.flush()
    html = as_user(dpo).get(f"/staff/requests/{this.id}").get_data(as_text=True)
    banner = html.split('id="possible-duplicate"')[1].split("</p>")[0]
    assert f'<a href="/staff/requests/{twin.id}">{twin.reference}</a>' in banner
    section = html.split('id="other-requests"')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-request="(\d+)">(.*?)</tr>', section, re.S)
    assert [int(i) for i, _ in rows] == [twin.id, erasure.id]
    twin_row, erasure_row = (row for _, row in rows)
    assert f'<a href="/staff/requests/{twin.id}">{twin.reference}</a>' in twin_row
    assert "possible duplicate" in twin_row and "possible duplicate" not in erasure_row
    assert (
        "erasure (Art. 17)" in erasure_row and "1 January 2026, 10:00 CET" in erasure_row  # Berlin
    )
    assert old.reference not in html
    session.refresh(this)
    session.refresh(twin)
    assert (this.status, twin.status) == (Status.NEW, Status.NEW)  # shown, nothing decided


def test_the_twin_says_so_too_and_an_agent_gets_no_link_to_a_colleagues(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, other_agent, as_user
) -> None:
    mine = make_request(session, controller, now, subject_email="zoe@example.org")
    theirs = make_request(session, controller, now, subject_email="zoe@example.org")
    mine.assignee, theirs.assignee = agent, other_agent
    session.flush()
    html = as_user(agent).get(f"/staff/requests/{mine.id}").get_data(as_text=True)
    assert 'id="possible-duplicate"' in html
    assert f"/staff/requests/{theirs.id}" not in html
    assert f'{theirs.reference} <span class="muted">(assigned to a colleague)</span>' in html


def test_the_queue_marks_possible_duplicates(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    first = make_request(session, controller, now, subject_email="zoe@example.org")
    second = make_request(session, controller, now, subject_email="ZOE@example.org")
    other_right = make_request(
        session, controller, now, subject_email="zoe@example.org", type=RequestType.ERASURE
    )
    session.flush()
    html = as_user(dpo).get("/staff/queue").get_data(as_text=True)
    marked = re.findall(
        r'<a href="requests/(\d+)">[^<]*</a><br><strong class="overdue duplicate">', html
    )
    assert sorted(int(i) for i in marked) == sorted([first.id, second.id])
    assert other_right.reference in html
