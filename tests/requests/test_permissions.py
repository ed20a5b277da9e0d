"""Who may see which request and take which decision: the SQL rule and the Python rule agree."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.controllers.models import Controller
from dsar.requests.models import Request
from dsar.requests.permissions import (
    can_be_assigned,
    can_see,
    may_approve_rectification,
    may_assign_to,
    may_compare_documents,
    may_decide,
    visible_to,
)
from dsar.requests.workflow import Decision, RequestType
from tests.factories import make_request, make_staff


def _other_controller(session, now: datetime) -> Controller:  # type: ignore[no-untyped-def]
    other = Controller(
        slug="other", name="Other GmbH", country="DE", timezone="Europe/Berlin", loaded_at=now
    )
    session.add(other)
    session.flush()
    return other


def test_can_see_and_visible_to_agree_for_every_role_controller_and_assignee(  # type: ignore[no-untyped-def]
    session, controller, now: datetime
) -> None:
    other = _other_controller(session, now)
    agent = make_staff(session, now, email="agent@example.org", role=Role.AGENT)
    colleague = make_staff(session, now, email="colleague@example.org", role=Role.AGENT)
    dpo = make_staff(session, now, email="dpo@example.org", role=Role.DPO)
    ours_dpo = make_staff(session, now, email="ours-dpo@example.org", role=Role.DPO)
    ours_agent = make_staff(session, now, email="ours-agent@example.org", role=Role.AGENT)
    admin = make_staff(session, now, email="admin@example.org", role=Role.ADMIN)
    ours_dpo.controllers = [controller]
    ours_agent.controllers = [controller]
    requests = {}
    for owner in (controller, other):
        for assignee in (None, agent, colleague, ours_agent):
            made = make_request(session, owner, now)
            made.assignee = assignee
            requests[(owner.slug, assignee.email if assignee else None)] = made
    session.flush()
    expected = {
        dpo: set(requests),
        ours_dpo: {key for key in requests if key[0] == controller.slug},
        agent: {key for key in requests if key[1] in (None, agent.email)},
        ours_agent: {
            key
            for key in requests
            if key[0] == controller.slug and key[1] in (None, ours_agent.email)
        },
        admin: set(),
    }
    for user, keys in expected.items():
        by_sql = set(session.scalars(select(Request.id).where(visible_to(user))))
        assert by_sql == {requests[key].id for key in keys}, user.email
        assert {key for key, r in requests.items() if can_see(user, r)} == keys, user.email


@pytest.mark.parametrize(
    ("role", "decision", "allowed"),
    [
        (Role.AGENT, Decision.VERIFY_IDENTITY, True),
        (Role.AGENT, Decision.PROPOSE_REFUSAL, True),
        (Role.AGENT, Decision.PREPARE_ANSWER, True),
        (Role.AGENT, Decision.EXTEND, False),
        (Role.AGENT, Decision.APPROVE_REFUSAL, False),
        (Role.AGENT, Decision.REJECT_REFUSAL, False),
        (Role.DPO, Decision.EXTEND, True),
        (Role.DPO, Decision.APPROVE_REFUSAL, True),
        (Role.DPO, Decision.REJECT_REFUSAL, True),
        (Role.ADMIN, Decision.VERIFY_IDENTITY, False),
        (Role.ADMIN, Decision.WITHDRAW, False),
    ],
)
def test_decisions_by_role(session, controller, now, role, decision, allowed) -> None:  # type: ignore[no-untyped-def]
    user = make_staff(session, now, email="someone@example.org", role=role)
    request = make_request(session, controller, now)
    assert may_decide(user, request, decision) is allowed


def test_completing_an_erasure_is_the_dpos_and_nobody_decides_unseen_requests(  # type: ignore[no-untyped-def]
    session, controller, now: datetime
) -> None:
    agent = make_staff(session, now, email="agent@example.org", role=Role.AGENT)
    colleague = make_staff(session, now, email="colleague@example.org", role=Role.AGENT)
    dpo = make_staff(session, now, email="dpo@example.org", role=Role.DPO)
    erasure = make_request(session, controller, now, type=RequestType.ERASURE)
    assert may_decide(dpo, erasure, Decision.PREPARE_ANSWER)
    assert not may_decide(agent, erasure, Decision.PREPARE_ANSWER)
    assert may_decide(agent, erasure, Decision.VERIFY_IDENTITY)
    erasure.assignee = colleague
    session.flush()
    assert not may_decide(agent, erasure, Decision.VERIFY_IDENTITY)  # not theirs to see
    dpo.controllers = [_other_controller(session, now)]
    assert not may_decide(dpo, erasure, Decision.PREPARE_ANSWER)  # another controller's request


def test_assignment_and_document_comparison(session, controller, now: datetime) -> None:  # type: ignore[no-untyped-def]
    agent = make_staff(session, now, email="agent@example.org", role=Role.AGENT)
    colleague = make_staff(session, now, email="colleague@example.org", role=Role.AGENT)
    dpo = make_staff(session, now, email="dpo@example.org", role=Role.DPO)
    admin = make_staff(session, now, email="admin@example.org", role=Role.ADMIN)
    request = make_request(session, controller, now)
    assert may_assign_to(agent, agent) and may_assign_to(agent, None)
    assert not may_assign_to(agent, colleague)
    assert may_assign_to(dpo, colleague)
    assert can_be_assigned(colleague, request) and can_be_assigned(dpo, request)
    assert not can_be_assigned(admin, request)
    colleague.active = False
    assert not can_be_assigned(colleague, request)
    dpo.controllers = [_other_controller(session, now)]
    assert not can_be_assigned(dpo, request)
    assert may_compare_documents(dpo)
    assert not may_compare_documents(agent) and not may_compare_documents(admin)


def test_a_dpo_or_the_assigned_agent_approves_a_rectification(  # type: ignore[no-untyped-def]
    session, controller, now: datetime
) -> None:
    agent = make_staff(session, now, email="agent@example.org", role=Role.AGENT)
    colleague = make_staff(session, now, email="colleague@example.org", role=Role.AGENT)
    dpo = make_staff(session, now, email="dpo@example.org", role=Role.DPO)
    admin = make_staff(session, now, email="admin@example.org", role=Role.ADMIN)
    request = make_request(session, controller, now, type=RequestType.RECTIFICATION)
    assert may_approve_rectification(dpo, request)
    assert not may_approve_rectification(agent, request)  # unassigned: a DPO approves
    assert not may_approve_rectification(admin, request)
    request.assignee = agent
    session.flush()
    assert may_approve_rectification(agent, request)
    assert not may_approve_rectification(colleague, request)
    dpo.controllers = [_other_controller(session, now)]
    assert not may_approve_rectification(dpo, request)  # another controller's request
