"""The staff outbox page shows a member only the mail of requests they may open, and their own."""

from __future__ import annotations

from datetime import datetime

from dsar.accounts.models import Role
from dsar.controllers.models import Controller
from tests.factories import make_mail, make_request, make_staff


def test_the_outbox_page_is_scoped_like_the_requests(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, as_user, no_csrf
) -> None:
    other = Controller(slug="aaa", name="Aaa AG", country="AT", timezone="Europe/Vienna")
    other.loaded_at = now
    session.add(other)
    session.flush()
    ours = make_request(session, controller, now, subject_email="ours@example.org")
    theirs = make_request(session, other, now, subject_email="theirs@example.org")
    agent = make_staff(session, now, email="agent@example.org", role=Role.AGENT)
    agent.controllers = [controller]
    dpo = make_staff(session, now, email="dpo@example.org", role=Role.DPO)
    for key, to, request_id in (
        ("a", "ours@example.org", ours.id),
        ("b", "theirs@example.org", theirs.id),
        ("c", "agent@example.org", None),
        ("d", "dpo@example.org", None),
    ):
        make_mail(session, now, key=key, to=to, request_id=request_id, subject=f"Mail {key}")
    session.flush()

    def subjects(user) -> set[str]:  # type: ignore[no-untyped-def]
        page = as_user(user).get("/staff/mail").get_data(as_text=True)
        return {key for key in "abcd" if f"Mail {key}" in page}

    # Another controller's request and a colleague's own mail stay out of an agent's view.
    assert subjects(agent) == {"a", "c"}
    assert subjects(dpo) == {"a", "b", "d"}


def test_an_agent_sees_no_mail_of_a_colleagues_request(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, as_user, no_csrf
) -> None:
    agent = make_staff(session, now, email="agent@example.org", role=Role.AGENT)
    colleague = make_staff(session, now, email="colleague@example.org", role=Role.AGENT)
    open_one = make_request(session, controller, now, subject_email="open@example.org")
    theirs = make_request(session, controller, now, subject_email="theirs@example.org")
    mine = make_request(session, controller, now, subject_email="mine@example.org")
    theirs.assignee_id = colleague.id
    mine.assignee_id = agent.id
    for key, request in (("a", open_one), ("b", theirs), ("c", mine)):
        make_mail(
            session,
            now,
            key=key,
            to=request.subject_email,
            request_id=request.id,
            subject=f"Mail {key}",
        )
    # A mail about a colleague's request, addressed to staff rather than the subject.
    make_mail(session, now, key="d", to="agent@example.org", request_id=theirs.id, subject="Mail d")
    session.flush()
    client = as_user(agent)
    assert client.get(f"/staff/requests/{theirs.id}").status_code == 404
    page = client.get("/staff/mail").get_data(as_text=True)
    assert {key for key in "abcd" if f"Mail {key}" in page} == {"a", "c"}
