"""A request's erasure: planned (nothing changes), approved by a second DPO, carried out by the
job, recorded; a failing source leaves it partial and a retry finishes it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.changes.erasures import (
    ErasureError,
    FourEyes,
    approve_erasure,
    carry_out,
    plan_request_erasure,
    retry_erasure,
    writer_for,
)
from dsar.changes.models import ErasureStatus
from dsar.changes.run import WriteRefused
from dsar.jobs.erasures import carry_out_approved_erasures
from dsar.jobs.models import PlannedDeletion
from dsar.requests.models import RequestEvent
from dsar.suppression.models import ErasureTombstone
from dsar.suppression.operations import check
from tests.factories import make_staff

SALT = "a-test-salt-of-some-length"
EMAIL = "kunde042@example.org"
MESSAGES = "SELECT count(*) FROM contact_messages WHERE email = :e"


def _planned(session, request, register, now, actor="dana@example.org"):  # type: ignore[no-untyped-def]
    return plan_request_erasure(session, request, register, scope=None, actor=actor, now=now)


def _approved(session, request, register, now):  # type: ignore[no-untyped-def]
    erasure = _planned(session, request, register, now)
    approve_erasure(
        session, erasure, register, approver=make_staff(session, now, email="eve@x.org"), now=now
    )
    return erasure


def test_planning_changes_nothing_and_shows_every_part(
    session, erasure_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    erasure = _planned(session, erasure_request, shop_register, now)

    assert erasure.status is ErasureStatus.PLANNED
    [plan] = erasure.plans
    parts = {p["part"]: p for p in plan["parts"]}
    assert parts["contact_messages"]["rows"] == 1
    assert [s["action"] for s in parts["contact_messages"]["steps"]] == ["delete"]
    assert {s["action"] for s in parts["invoices"]["steps"]} == {"keep"}
    assert [m["source"] for m in erasure.manual] == ["accounting"]
    assert shop(MESSAGES, e=EMAIL) == 1  # nothing written before approval
    events = session.execute(select(RequestEvent.action)).scalars().all()
    assert "erasure_planned" in events


def test_the_planner_cannot_approve_a_second_dpo_does(
    session, erasure_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    planner = make_staff(session, now, email="dana@example.org", role=Role.DPO)
    erasure = _planned(session, erasure_request, shop_register, now, actor=planner.email)

    with pytest.raises(FourEyes):
        approve_erasure(session, erasure, shop_register, approver=planner, now=now)
    with pytest.raises(ErasureError, match="only an approved one runs"):
        carry_out(session, erasure, shop_register, now=now, checkpoint=session.flush, salt=SALT)
    eve = make_staff(session, now, email="eve@x.org")
    approve_erasure(session, erasure, shop_register, approver=eve, now=now)
    assert (erasure.status, erasure.approved_by) == (ErasureStatus.APPROVED, "eve@x.org")


def test_the_job_carries_it_out_and_records_what_it_did(
    app, session, controller, erasure_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    erasure = _approved(session, erasure_request, shop_register, now)
    settings = app.config["DSAR_SETTINGS"]
    run = {"registers": [shop_register], "after_each": session.flush}

    result = carry_out_approved_erasures(session, settings, now, **run)

    assert (result.done, result.partial) == (1, 0)
    assert erasure.status is ErasureStatus.DONE and erasure.finished_at == now
    assert shop(MESSAGES, e=EMAIL) == 0
    assert shop("SELECT email FROM customers WHERE customer_number = 'K-100042'") is None
    assert shop("SELECT count(*) FROM orders WHERE customer_id = 42") == 4  # kept: retention
    reports = {r["part"]: r for r in erasure.reports}
    assert reports["contact_messages"]["removed"] == 1
    assert reports["orders"]["kept"] == 4 and reports["orders"]["deletion_dates"]
    assert session.execute(select(PlannedDeletion)).scalars().first() is not None
    assert session.execute(select(ErasureTombstone)).scalar_one().request_id == erasure_request.id
    salt = settings.suppression_salt
    assert [e.scope.value for e in check(session, controller, EMAIL, salt=salt)] == ["erased"]
    assert carry_out_approved_erasures(session, settings, now, **run).done == 0


def test_a_failing_source_leaves_it_partial_and_a_retry_finishes(
    session, erasure_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    erasure = _approved(session, erasure_request, shop_register, now)

    def refused(source: Any) -> Any:
        raise WriteRefused(f"source {source.id} has no write_url")

    carry_out(session, erasure, shop_register, now=now, checkpoint=session.flush, salt=SALT,
              writers=refused)  # fmt: skip
    assert erasure.status is ErasureStatus.PARTIAL and erasure.finished_at is None
    assert all(r["failed"] for r in erasure.reports)
    assert "has no write_url" in erasure.reports[0]["reasons"][0]
    assert shop(MESSAGES, e=EMAIL) == 1
    with pytest.raises(ErasureError):
        carry_out(session, erasure, shop_register, now=now, checkpoint=session.flush, salt=SALT)

    retry_erasure(session, erasure, actor="dana@example.org", now=now)
    carry_out(session, erasure, shop_register, now=now, checkpoint=session.flush, salt=SALT,
              writers=writer_for)  # fmt: skip
    assert erasure.status is ErasureStatus.DONE and erasure.runs == 2
    assert shop(MESSAGES, e=EMAIL) == 0


def test_a_new_plan_replaces_one_not_yet_approved_and_none_follows_an_approval(
    session, erasure_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    first = _planned(session, erasure_request, shop_register, now)
    second = plan_request_erasure(
        session, erasure_request, shop_register, scope=["message"], actor="d@x.org", now=now
    )
    assert (first.status, second.scope) == (ErasureStatus.CANCELLED, ["message"])
    e = make_staff(session, now, email="e@x.org")
    approve_erasure(session, second, shop_register, approver=e, now=now)
    with pytest.raises(ErasureError, match="approved already"):
        _planned(session, erasure_request, shop_register, now)
    with pytest.raises(ErasureError, match="categories of the register"):
        plan_request_erasure(
            session, erasure_request, shop_register, scope=["nonsense"], actor="d@x.org", now=now
        )


def test_the_case_waits_for_a_planned_erasure(session, erasure_request, shop_register, now) -> None:  # type: ignore[no-untyped-def]
    from dsar.requests.closing import completion_blockers

    _planned(session, erasure_request, shop_register, now)

    assert "the erasure is planned: see the request's Erasure page" in completion_blockers(
        session, erasure_request
    )
