"""Saved queue views: a staff member saves the filters shown under a name, opens them from the
queue, and deletes only their own; nothing but the queue's filters is kept."""

from __future__ import annotations

from sqlalchemy import select

from dsar.requests.models import SavedView
from tests.factories import make_request


def test_save_open_and_delete_a_view(
    session, controller, now, agent, dpo, as_user, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    make_request(session, controller, now)
    staff = as_user(agent)
    back = "assignee=me&due_within=6&page=3&evil=%3Cscript%3E"

    saved = staff.post("/staff/queue/views", data={"name": "  mine,  due this week ", "back": back})

    assert saved.status_code == 303
    view = session.execute(select(SavedView)).scalar_one()
    assert (view.name, view.query) == ("mine, due this week", "assignee=me&due_within=6")
    assert saved.headers["Location"] == "/staff/queue?assignee=me&due_within=6"
    page = staff.get("/staff/queue").get_data(as_text=True)
    assert 'href="/staff/queue?assignee=me&amp;due_within=6">mine, due this week</a>' in page
    # the same name again replaces the filters
    staff.post("/staff/queue/views", data={"name": "mine, due this week", "back": "overdue=1"})
    session.refresh(view)
    assert view.query == "overdue=1"
    # a colleague neither sees nor deletes it
    colleague = as_user(dpo)
    assert "mine, due this week" not in colleague.get("/staff/queue").get_data(as_text=True)
    assert colleague.post(f"/staff/queue/views/{view.id}/delete").status_code == 404
    assert staff.post(f"/staff/queue/views/{view.id}/delete").status_code == 303
    assert session.execute(select(SavedView)).first() is None


def test_a_view_needs_a_name_and_a_filter(session, agent, as_user, no_csrf) -> None:  # type: ignore[no-untyped-def]
    staff = as_user(agent)

    nameless = staff.post("/staff/queue/views", data={"name": " ", "back": "overdue=1"})
    unfiltered = staff.post("/staff/queue/views", data={"name": "all", "back": "page=2"})

    assert nameless.status_code == unfiltered.status_code == 303
    assert session.execute(select(SavedView)).first() is None
    page = staff.get("/staff/queue?overdue=1").get_data(as_text=True)
    assert 'id="save-view"' in page  # offered once a filter is set
    assert 'id="save-view"' not in staff.get("/staff/queue").get_data(as_text=True)
