"""Assigning from the queue and the case page: done as asked when permitted, refused otherwise."""

from __future__ import annotations

import re
from datetime import datetime

from dsar.accounts.models import StaffUser
from tests.factories import make_request


def test_an_agent_assigning_a_row_to_a_colleague_is_refused(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent: StaffUser, other_agent, as_user, no_csrf
) -> None:
    """The row's form field names a colleague: never silently assigned to the agent instead."""
    req = make_request(session, controller, now)
    client = as_user(agent)
    for data in (
        {"one": req.id, "assignee": other_agent.id},
        {"ids": [req.id], "assignee": other_agent.id},
    ):
        response = client.post("/staff/queue/assign", data=data)
        assert response.status_code == 403
        assert "Agents assign requests only to themselves" in response.get_data(as_text=True)
        session.refresh(req)
        assert req.assignee_id is None


def test_an_agent_assigning_on_the_case_page_to_a_colleague_is_refused(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent: StaffUser, other_agent, as_user, no_csrf
) -> None:
    req = make_request(session, controller, now)
    response = as_user(agent).post(
        f"/staff/requests/{req.id}/assign", data={"assignee": str(other_agent.id)}
    )
    assert response.status_code == 403
    assert "Agents assign requests only to themselves" in response.get_data(as_text=True)
    session.refresh(req)
    assert req.assignee_id is None


def test_a_dpo_assigns_a_row_to_the_colleague_named(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo: StaffUser, agent: StaffUser, as_user, no_csrf
) -> None:
    req = make_request(session, controller, now)
    response = as_user(dpo).post("/staff/queue/assign", data={"one": req.id, "assignee": agent.id})
    assert response.status_code == 302
    session.refresh(req)
    assert req.assignee_id == agent.id


def test_the_row_button_submits_its_own_assign_to_me_form(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo: StaffUser, as_user
) -> None:
    """The bulk menu's choice is not sent with a row's "Assign to me" (a form of its own)."""
    req = make_request(session, controller, now)
    html = as_user(dpo).get("/staff/queue").get_data(as_text=True)
    own_form = re.search(r'<form id="assign-me"[^>]*>(.*?)</form>', html, re.S)
    assert own_form is not None
    assert '<input type="hidden" name="assignee" value="me">' in own_form.group(1)
    assert f'form="assign-me" name="one" value="{req.id}"' in html
