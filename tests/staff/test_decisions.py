"""Decisions on the detail page: each one's effect and audit event; refusals change nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from dsar.audit.request_trail import verify_chain
from dsar.requests.models import Request, RequestEvent
from dsar.requests.workflow import RequestType, Status, Verification
from tests.factories import make_request


def _events(session, request: Request) -> list[RequestEvent]:  # type: ignore[no-untyped-def]
    return list(
        session.execute(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.seq)
        ).scalars()
    )


def _decide(client, request: Request, decision: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"decision": decision, "version": str(request.version), **fields}
    return client.post(f"/staff/requests/{request.id}/decide", data=data)


def test_verify_then_prepare_the_answer_records_each_step(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now, type=RequestType.OBJECTION)
    client = as_user(agent)
    assert _decide(client, request, "verify_identity").status_code == 303
    session.refresh(request)
    assert (request.status, request.verification) == (Status.IN_PROGRESS, Verification.VERIFIED)
    response = _decide(client, request, "prepare_answer", reason="Processing stopped")
    assert response.status_code == 303  # on to the drafted letter
    session.refresh(request)
    # Not closed: the request completes only once its letter has been sent.
    assert request.status is Status.ANSWERING
    assert (request.closed_at, request.answered_at) == (None, None)
    events = _events(session, request)
    # Preparing drafts the outcome letter the subject is owed (here: the objection's).
    assert [(e.action, e.actor) for e in events[-3:]] == [
        ("verify_identity", "alex@example.org"),
        ("prepare_answer", "alex@example.org"),
        ("letter_drafted", "alex@example.org"),
    ]
    assert response.headers["Location"].endswith(
        f"/staff/letters/{events[-1].payload['letter_id']}"
    )
    assert events[-2].payload == {
        "from": "in_progress",
        "to": "answering",
        "comment": "Processing stopped",
    }
    assert events[-1].payload["type"] == "objection"
    assert verify_chain(session, request.id) is None


def test_request_information_states_what_and_why(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    client = as_user(agent)
    response = _decide(client, request, "request_information", what="", why="doubt")
    assert response.status_code == 400
    assert b"Say exactly what information is needed and why" in response.data
    session.refresh(request)
    assert request.status is Status.NEW
    response = _decide(
        client, request, "request_information", what="Customer number", why="Two Zoë Schmidts"
    )
    assert response.status_code == 303
    session.refresh(request)
    assert request.status is Status.AWAITING_INFORMATION
    asked = [e for e in _events(session, request) if e.action == "request_information"][0]
    assert asked.payload["what"] == "Customer number"
    assert asked.payload["why"] == "Two Zoë Schmidts"
    assert asked.payload["clock"] == {
        "kind": "information_requested",
        "on": "2026-03-02",
        "purpose": "identity",
    }
    assert _decide(client, request, "receive_information").status_code == 303
    session.refresh(request)
    assert request.status is Status.NEW


def test_asking_drafts_the_identity_or_the_clarification_letter_filled_in(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user, no_csrf
) -> None:
    """Art. 12(6) asks who; Recital 63 asks what the request is about: each has its letter
    (docs/legal-rules.md L2, L3), with what the decision said already in it."""
    from dsar.letters.models import Letter
    from dsar.letters.operations import due_letter_type

    client = as_user(agent)
    who = make_request(session, controller, now)
    what = make_request(session, controller, now, subject_email="big@example.org")
    asked = {"what": "Customer number", "why": "Two Zoë Schmidts"}
    assert _decide(client, who, "request_information", **asked).status_code == 303
    scope = {"purpose": "clarification", "what": "Orders or support tickets?", "why": "8 systems"}
    assert _decide(client, what, "request_information", **scope).status_code == 303
    drafts = {
        r.id: session.execute(select(Letter).where(Letter.request_id == r.id)).scalar_one()
        for r in (who, what)
    }
    assert (drafts[who.id].type, drafts[who.id].texts) == (
        "identity_request",
        {"needed": "Customer number", "doubt": "Two Zoë Schmidts"},
    )
    assert (drafts[what.id].type, drafts[what.id].texts) == (
        "clarification",
        {"question": "Orders or support tickets?"},
    )
    session.refresh(who)
    session.refresh(what)
    assert (due_letter_type(who), due_letter_type(what)) == ("identity_request", "clarification")


def test_refusal_needs_reasons_and_dpo_approval(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, dpo, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    agent_client = as_user(agent)
    assert (
        _decide(
            agent_client, request, "propose_refusal", ground="excessive", confirmed="y"
        ).status_code
        == 400
    )
    response = _decide(
        agent_client,
        request,
        "propose_refusal",
        confirmed="y",
        ground="manifestly_unfounded",
        reason="Sent 40 identical requests in one day to extort a payment (letter of 2 March).",
    )
    assert response.status_code == 303
    session.refresh(request)
    assert request.status is Status.AWAITING_APPROVAL
    # The agent cannot approve: 403, and the request stays as it was.
    response = _decide(agent_client, request, "approve_refusal", confirmed="y")
    assert response.status_code == 403
    session.refresh(request)
    assert request.status is Status.AWAITING_APPROVAL
    assert (
        _decide(
            as_user(dpo), request, "approve_refusal", reason="Agreed", confirmed="y"
        ).status_code
        == 303
    )
    session.refresh(request)
    assert request.status is Status.REFUSED
    proposal, approval = [e for e in _events(session, request) if "refusal" in e.action]
    assert proposal.payload["ground"] == "manifestly_unfounded"
    assert (approval.actor, approval.payload["comment"]) == ("dana@example.org", "Agreed")


def test_extension_by_the_dpo_once_with_reasons(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, dpo, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    assert _decide(as_user(agent), request, "extend", reason="Complex").status_code == 403
    client = as_user(dpo)
    assert _decide(client, request, "extend", reason="  ").status_code == 409
    response = _decide(client, request, "extend", reason="12 systems, 3 processors to ask")
    assert response.status_code == 303
    session.refresh(request)
    assert request.due_date == date(2026, 4, 2)
    assert request.extended_due_date == date(2026, 6, 2)
    assert request.details["extension_notice_due"] is True
    page = client.get(f"/staff/requests/{request.id}")
    assert b"Extension notice due" in page.data
    second = _decide(client, request, "extend", reason="again")
    assert second.status_code == 409
    assert b"already extended once" in second.data


def test_access_answer_cannot_be_prepared_before_search_and_export(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)  # an access request
    client = as_user(agent)
    assert _decide(client, request, "verify_identity").status_code == 303
    session.refresh(request)
    response = _decide(client, request, "prepare_answer")
    assert response.status_code == 409
    assert b"Cannot prepare the answer yet: the sources have not been searched yet" in response.data
    session.refresh(request)
    assert request.status is Status.IN_PROGRESS


def test_illegal_transition_is_a_clear_409(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    response = _decide(as_user(agent), request, "prepare_answer")
    assert response.status_code == 409
    assert b"cannot prepare answer a request that is new" in response.data
    session.refresh(request)
    assert request.status is Status.NEW
    assert [e.action for e in _events(session, request)] == ["created", "received"]


def test_stale_form_is_refused_and_changes_nothing(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, dpo, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    stale_version = str(request.version)
    assert _decide(as_user(dpo), request, "verify_identity").status_code == 303
    response = as_user(agent).post(
        f"/staff/requests/{request.id}/decide",
        data={"decision": "withdraw", "version": stale_version, "confirmed": "y"},
    )
    assert response.status_code == 409
    assert b"This request changed meanwhile; reload" in response.data
    session.refresh(request)
    assert request.status is Status.IN_PROGRESS
    assert _events(session, request)[-1].action == "verify_identity"


def test_erasure_answer_is_prepared_only_by_the_dpo(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, dpo, as_user, no_csrf
) -> None:
    from dsar.requests.workflow import RequestType

    request = make_request(session, controller, now, type=RequestType.ERASURE)
    _decide(as_user(agent), request, "verify_identity")
    session.refresh(request)
    assert _decide(as_user(agent), request, "prepare_answer").status_code == 403
    # The DPO may, once the search says what there was to erase.
    response = _decide(as_user(dpo), request, "prepare_answer")
    assert (response.status_code, b"not been searched yet" in response.data) == (409, True)


def test_another_agents_request_is_404(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, other_agent, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    request.assignee = other_agent
    session.commit()
    client = as_user(agent)
    assert client.get(f"/staff/requests/{request.id}").status_code == 404
    assert _decide(client, request, "verify_identity").status_code == 404
    session.refresh(request)
    assert request.status is Status.NEW


def test_notes_are_events(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    client = as_user(agent)
    response = client.post(f"/staff/requests/{request.id}/notes", data={"text": "Called back"})
    assert response.status_code == 303
    note = _events(session, request)[-1]
    assert (note.action, note.actor, note.payload) == (
        "note",
        "alex@example.org",
        {"text": "Called back"},
    )
    page = client.get(f"/staff/requests/{request.id}")
    assert b"Called back" in page.data


def test_assignment_rules(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, other_agent, dpo, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    client = as_user(agent)
    # An agent may not hand a request to a colleague ...
    bad = client.post(
        f"/staff/requests/{request.id}/assign", data={"assignee": str(other_agent.id)}
    )
    assert bad.status_code == 403
    # ... but takes it, and the DPO reassigns.
    assert (
        client.post(f"/staff/requests/{request.id}/assign", data={"assignee": "me"}).status_code
        == 303
    )
    dpo_client = as_user(dpo)
    response = dpo_client.post(
        f"/staff/requests/{request.id}/assign", data={"assignee": str(other_agent.id)}
    )
    assert response.status_code == 303
    session.refresh(request)
    assert request.assignee_id == other_agent.id
    assigned = [e.payload for e in _events(session, request) if e.action == "assigned"]
    assert assigned == [
        {"from": None, "to": "alex@example.org"},
        {"from": "alex@example.org", "to": "olga@example.org"},
    ]
    # A value that names nobody is refused; it does not release the request.
    unclear = dpo_client.post(f"/staff/requests/{request.id}/assign", data={"assignee": "bob"})
    assert unclear.status_code == 400
    session.refresh(request)
    assert request.assignee_id == other_agent.id


def test_decision_without_csrf_token_is_refused(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user
) -> None:
    request = make_request(session, controller, now)
    response = _decide(as_user(agent), request, "verify_identity")
    assert response.status_code == 400
    session.refresh(request)
    assert request.status is Status.NEW


def test_tampered_decision_event_is_named_by_audit_verify(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user, runner, no_csrf
) -> None:
    from sqlalchemy import update

    request = make_request(session, controller, now + timedelta(minutes=1))
    _decide(as_user(agent), request, "verify_identity")
    event = _events(session, request)[-1]
    session.execute(
        update(RequestEvent).where(RequestEvent.id == event.id).values(actor="someone@else")
    )
    session.commit()
    result = runner(["audit", "verify"])
    assert result.exit_code == 1
    assert f"request {request.id}, event #3" in result.output
    assert "content does not match hash" in result.output
