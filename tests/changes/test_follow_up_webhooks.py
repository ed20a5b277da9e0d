"""A task by hand that an approved erasure opens is a `task.created` webhook."""

from __future__ import annotations

import json

from sqlalchemy import select

from dsar.changes.erasures import approve_erasure, plan_request_erasure
from dsar.changes.follow_up import erasure_tasks
from dsar.outbox.models import WebhookDelivery
from dsar.webhooks.endpoints import add_endpoint
from tests.factories import make_staff
from tests.webhooks.keys import app_key


def test_an_erasure_task_by_hand_is_a_task_created_event(  # type: ignore[no-untyped-def]
    session, erasure_request, shop_register, now
) -> None:
    add_endpoint(
        session,
        erasure_request.controller,
        url="https://127.0.0.1/h",
        events=["task.created"],
        actor="t",
        now=now,
        file_key=app_key(),
        allow_private=True,
    )
    erasure = plan_request_erasure(
        session, erasure_request, shop_register, scope=None, actor="dana@example.org", now=now
    )
    assert session.execute(select(WebhookDelivery)).all() == []  # planned: no task yet
    approve_erasure(
        session,
        erasure,
        shop_register,
        approver=make_staff(session, now, email="eve@x.org"),
        now=now,
    )
    [task] = erasure_tasks(session, erasure)
    [delivery] = session.execute(select(WebhookDelivery)).scalars()
    body = json.loads(delivery.body)
    assert body["type"] == "task.created"
    assert body["data"]["task"] == {"kind": "erasure_manual", "id": task.id}
    assert "kunde042" not in delivery.body
