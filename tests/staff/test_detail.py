"""The request page: its timeline, files and assignment menu; 404 for requests one may not open."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from dsar.accounts.models import Role
from dsar.audit.request_trail import record_event
from dsar.controllers.models import Controller
from dsar.files.models import FilePurpose, StoredFile
from tests.factories import make_request, make_staff


def _file(request_id: int, name: str, purpose: FilePurpose, now: datetime, **fields) -> StoredFile:  # type: ignore[no-untyped-def]
    return StoredFile(
        request_id=request_id,
        purpose=purpose,
        filename=name,
        storage_path=f"x/{name}",
        sha256="0" * 64,
        content_type="application/pdf",
        size=len(name) * 100,
        created_at=now,
        **fields,
    )


def _section(html: str, heading: str) -> str:
    return html.split(f"<h2>{heading}</h2>", 1)[1].split("<h2>", 1)[0]


def test_the_page_lists_the_requests_own_events_and_files_in_order(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user
) -> None:
    request = make_request(session, controller, now)
    other = make_request(session, controller, now, subject_email="other@example.org")
    record_event(session, request, "note", actor="b@example.org", now=now, payload={"text": "hi"})
    record_event(session, other, "note", actor="x@example.org", now=now, payload={"text": "no"})
    later = now + timedelta(hours=1)
    record_event(session, request, "assigned", actor="a@example.org", now=later, payload={})
    session.add(_file(request.id, "second.pdf", FilePurpose.EVIDENCE, now, deleted_at=later))
    session.flush()
    session.add(_file(request.id, "third.pdf", FilePurpose.ORIGINAL_REQUEST, now))
    session.add(_file(other.id, "not-mine.pdf", FilePurpose.EVIDENCE, now))
    session.flush()
    html = as_user(agent).get(f"/staff/requests/{request.id}").get_data(as_text=True)

    timeline = _section(html, "Timeline")
    actions = re.findall(r'data-action="(\w+)"', timeline)
    assert actions[0] == "created" and actions[-2:] == ["note", "assigned"]
    assert "hi" in timeline and ">no<" not in timeline and "x@example.org" not in timeline
    assert "2 March 2026, 11:00 CET · a@example.org" in timeline  # Berlin, zone named
    files = _section(html, "Files")
    assert re.findall(r"(\w+\.pdf)", files) == ["second.pdf", "third.pdf"]
    assert "second.pdf (deleted)" in files and "not-mine.pdf" not in html
    assert "original request: <a href=" in files and "1000 bytes" in files


def test_dpos_get_the_assignable_staff_and_agents_a_button(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, dpo, admin, as_user
) -> None:
    make_staff(session, now, email="gone@example.org", role=Role.AGENT).active = False
    zed = make_staff(session, now, email="zed@example.org", role=Role.AGENT)
    request = make_request(session, controller, now)
    session.flush()
    html = as_user(dpo).get(f"/staff/requests/{request.id}").get_data(as_text=True)
    menu = html.split('id="assignee"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d+)" >([^<]+)</option>', menu) == [
        (str(agent.id), agent.email),
        (str(dpo.id), dpo.email),
        (str(zed.id), zed.email),
    ]
    agent_html = as_user(agent).get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert 'id="assignee"' not in agent_html
    assert '<input type="hidden" name="assignee" value="me">' in agent_html


def test_another_controllers_request_is_404_and_admins_get_403(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, dpo, admin, as_user
) -> None:
    other = Controller(
        slug="other", name="Other GmbH", country="DE", timezone="Europe/Berlin", loaded_at=now
    )
    session.add(other)
    session.flush()
    theirs = make_request(session, other, now)
    ours = make_request(session, controller, now)
    agent.controllers = [controller]
    dpo.controllers = [controller]
    session.flush()
    for user in (agent, dpo):
        client = as_user(user)
        assert client.get(f"/staff/requests/{theirs.id}").status_code == 404
        assert client.get(f"/staff/requests/{ours.id}").status_code == 200
    assert as_user(admin).get(f"/staff/requests/{ours.id}").status_code == 403
    assert as_user(dpo).get("/staff/requests/999999").status_code == 404
