"""The case page's decisions: only those that apply now, each with its fields in its own
disclosure; destructive or final ones look different and need a ticked confirmation, checked
on the server (a post without it changes nothing)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from dsar.requests.models import Request, RequestEvent
from dsar.requests.workflow import Decision, Status
from dsar.web.staff.forms import NEEDS_CONFIRMATION
from tests.factories import make_request

FORM = re.compile(r'<form [^>]*data-decision="(\w+)">(.*?)</form>', re.S)
DETAILS = re.compile(r'<details class="decision[^"]*" id="decide-(\w+)">(.*?)</details>', re.S)


def _page(client, request: Request) -> str:  # type: ignore[no-untyped-def]
    return str(client.get(f"/staff/requests/{request.id}").get_data(as_text=True))


def _forms(html: str) -> dict[str, str]:
    return dict(FORM.findall(html))


def _disclosed(html: str) -> dict[str, str]:
    """{decision: the <details> block holding its form}."""
    return {name: body for name, body in DETAILS.findall(html) if f'data-decision="{name}"' in body}


def _events(session, request: Request) -> int:  # type: ignore[no-untyped-def]
    query = select(func.count()).where(RequestEvent.request_id == request.id)
    return int(session.execute(query).scalar_one())


def _decide(client, request: Request, decision: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"decision": decision, "version": str(request.version), **fields}
    return client.post(f"/staff/requests/{request.id}/decide", data=data)


def test_only_the_decisions_that_apply_now_are_offered(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    client = as_user(agent)
    new = _forms(_page(client, request))
    # New: settle identity first; no answer yet, no DPO-only decision for an agent.
    assert set(new) == {
        "verify_identity",
        "request_information",
        "fail_identity",
        "propose_refusal",
        "withdraw",
    }
    assert _decide(client, request, "verify_identity").status_code == 303
    session.refresh(request)
    verified = _forms(_page(client, request))
    assert "prepare_answer" in verified
    assert "verify_identity" not in verified and "fail_identity" not in verified


def test_each_decision_with_fields_is_its_own_disclosure_and_buttons_stay_visible(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    request = make_request(session, controller, now)
    html = _page(as_user(dpo), request)
    disclosed = _disclosed(html)
    assert set(disclosed) == {
        "request_information",
        "fail_identity",
        "propose_refusal",
        "extend",
        "withdraw",
    }
    # Each disclosure holds one decision's form, with only that decision's fields.
    assert all(body.count("<form ") == 1 for body in disclosed.values())
    assert 'name="what"' in disclosed["request_information"]
    assert 'name="ground"' in disclosed["propose_refusal"]
    assert 'name="ground"' not in disclosed["fail_identity"]
    assert "<summary>Ask the subject for information (Art. 12(6))</summary>" in html
    # A decision without fields is a plain button, not folded away.
    assert "verify_identity" not in {name for name, _ in DETAILS.findall(html)}
    verify = html.index('data-decision="verify_identity"')
    assert html.rfind("<details", 0, verify) <= html.rfind("</details>", 0, verify)


def test_destructive_decisions_look_different_and_ask_for_confirmation(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    request = make_request(session, controller, now)
    forms = _forms(_page(as_user(dpo), request))
    for name, body in forms.items():
        final = Decision(name) in NEEDS_CONFIRMATION
        assert ('<button type="submit" class="danger">' in body) is final, name
        assert ('name="confirmed" value="y" required' in body) is final, name
        assert ("I have checked" in body) is final, name


@pytest.mark.parametrize("decision", ["fail_identity", "propose_refusal", "withdraw"])
def test_a_destructive_decision_without_confirmation_is_refused(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf, decision: str
) -> None:
    request = make_request(session, controller, now)
    before = _events(session, request)
    fields = {"reason": "Facts of the case.", "ground": "manifestly_unfounded"}
    response = _decide(as_user(dpo), request, decision, **fields)
    assert response.status_code == 400
    assert "Tick “I have checked …” to confirm this decision" in response.get_data(as_text=True)
    session.refresh(request)
    assert request.status is Status.NEW
    assert _events(session, request) == before
    # Ticked, the same post goes through.
    assert _decide(as_user(dpo), request, decision, confirmed="y", **fields).status_code == 303
    session.refresh(request)
    assert request.status is not Status.NEW
    assert _events(session, request) > before


def test_approving_a_refusal_needs_the_confirmation_too(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    client = as_user(dpo)
    proposal = {"ground": "excessive", "reason": "Twelve requests in a month.", "confirmed": "y"}
    assert _decide(client, request, "propose_refusal", **proposal).status_code == 303
    session.refresh(request)
    assert "approve_refusal" in _disclosed(_page(client, request))
    assert _decide(client, request, "approve_refusal").status_code == 400
    session.refresh(request)
    assert request.status is Status.AWAITING_APPROVAL
    assert _decide(client, request, "approve_refusal", confirmed="y").status_code == 303
    session.refresh(request)
    assert request.status is Status.REFUSED
