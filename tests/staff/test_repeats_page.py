"""The case page lists the subject's other requests; possible duplicates are marked there and
in the queue. Shown only: nothing is refused, merged or changed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import event

from dsar.extensions import db
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
    link = r'<a href="requests/(\d+)" id="ref-\d+">[^<]*</a>'
    marked = re.findall(link + r'<br><strong class="overdue duplicate">', html)
    assert sorted(int(i) for i in marked) == sorted([first.id, second.id])
    assert other_right.reference in html


def test_the_case_page_reads_no_more_for_more_repeats(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    """The subject's other requests and whether each was made by a representative (a
    representative's requests are told apart by name, dsar/requests/repeats.py) come in the
    page's one query for them, however many there are."""
    this = make_request(session, controller, now, subject_email="zoe@example.org")
    make_request(session, controller, now - timedelta(days=1), subject_email="zoe@example.org")
    client = as_user(dpo)
    url = f"/staff/requests/{this.id}"

    def statements() -> list[str]:
        """The page's statements as a fresh request reads them: nothing already loaded."""
        session.commit()
        session.expunge_all()
        seen: list[str] = []

        def count(*args) -> None:  # type: ignore[no-untyped-def]
            seen.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return seen

    with_one = statements()
    for days in range(2, 6):
        make_request(
            session, controller, now - timedelta(days=days), subject_email="zoe@example.org"
        )
    with_five = statements()
    html = client.get(url).get_data(as_text=True)
    assert len(re.findall(r'<tr data-request="\d+">', html)) == 5
    assert len(with_five) == len(with_one)
    # this request's representation too comes with the request, not in a query of its own
    assert not [sql for sql in with_five if sql.lstrip().startswith("SELECT representation.")]
