"""Which changes become webhook events, and for which endpoints."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from dsar.controllers.models import Controller
from dsar.fulfilment.manual_tasks import open_manual_task
from dsar.outbox.models import WebhookDelivery
from dsar.register.datasources import ManualSource
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, Channel
from dsar.webhooks.endpoints import WebhookError, add_endpoint
from dsar.webhooks.events import events_for
from tests.factories import make_request
from tests.webhooks.keys import app_key


@pytest.mark.parametrize(
    ("action", "payload", "expected"),
    [
        ("created", {"status": "new"}, ()),
        ("received", {}, ("request.received",)),
        ("confirm_email", {"from": "awaiting_confirmation", "to": "new"}, ("request.confirmed",)),
        ("verify_identity", {"from": "new", "to": "in_progress"}, ()),
        ("answered", {}, ("request.answered",)),
        ("complete", {"to": "completed"}, ("request.answered", "request.closed")),
        ("withdraw", {"from": "new", "to": "withdrawn"}, ("request.closed",)),
        ("approve_refusal", {"from": "awaiting_approval", "to": "refused"}, ("request.closed",)),
        ("fail_identity", {"from": "new", "to": "identity_failed"}, ("request.closed",)),
        ("expire", {"from": "awaiting_confirmation", "to": "expired"}, ()),  # never received
        ("recipient_notice_drafted", {"notice": 3}, ("task.created",)),
        ("note", {"text": "closed"}, ()),
    ],
)
def test_trail_actions_map_to_events(action: str, payload: dict, expected: tuple) -> None:  # type: ignore[type-arg]
    assert events_for(action, payload) == expected


def _add(session, controller, now, events, url="https://127.0.0.1/hooks"):  # type: ignore[no-untyped-def]
    return add_endpoint(
        session,
        controller,
        url=url,
        events=events,
        actor="cli",
        now=now,
        file_key=app_key(),
        allow_private=True,
    )[0]


def _queued(session) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        select(WebhookDelivery.endpoint_id, WebhookDelivery.event_type).order_by(WebhookDelivery.id)
    )
    return [tuple(row) for row in rows]


def test_events_go_only_to_the_endpoints_of_the_controller_that_chose_them(  # type: ignore[no-untyped-def]
    session, controller, now: datetime
) -> None:
    other = Controller(
        slug="other", name="Other GmbH", country="DE", timezone="Europe/Berlin", loaded_at=now
    )
    session.add(other)
    session.flush()
    closing = _add(session, controller, now, ["request.closed"])
    everything = _add(session, other, now, ["request.received", "request.closed"])
    request = make_request(session, controller, now)
    assert _queued(session) == []  # received: not chosen here, and `everything` is other's
    apply_action(session, request, Action.WITHDRAW, actor="test", now=now)
    assert _queued(session) == [(closing.id, "request.closed")]
    make_request(session, other, now)
    assert _queued(session)[1:] == [(everything.id, "request.received")]


def test_a_web_request_is_confirmed_and_received_when_its_address_is_confirmed(  # type: ignore[no-untyped-def]
    session, controller, now: datetime
) -> None:
    from dsar.intake.operations import confirm_request

    endpoint = _add(session, controller, now, ["request.confirmed", "request.received"])
    request = make_request(session, controller, now, received_at=None, channel=Channel.WEB)
    assert _queued(session) == []
    from flask import current_app

    settings = current_app.config["DSAR_SETTINGS"]
    confirm_request(session, controller, request.reference, settings=settings, now=now)
    assert _queued(session) == [
        (endpoint.id, "request.confirmed"),
        (endpoint.id, "request.received"),
    ]


def test_a_manual_task_is_a_task_created_event_once(  # type: ignore[no-untyped-def]
    app, session, controller, now: datetime
) -> None:
    register = app.extensions["dsar.registers"][0]
    source = next(s for s in register.sources if isinstance(s, ManualSource))
    _add(session, controller, now, ["task.created"])
    request = make_request(session, controller, now)
    task = open_manual_task(session, request, source, language="en", now=now)
    open_manual_task(session, request, source, language="en", now=now)  # the same task
    [delivery] = session.execute(select(WebhookDelivery)).scalars()
    data = json.loads(delivery.body)["data"]
    assert data["task"] == {"kind": "manual_source", "id": task.id}
    assert data["reference"] == request.reference


def test_registration_refuses_private_addresses_http_and_unknown_events(  # type: ignore[no-untyped-def]
    session, controller, now: datetime
) -> None:
    def add(url: str, **allowed: bool) -> None:
        add_endpoint(
            session,
            controller,
            url=url,
            events=["request.received"],
            actor="t",
            now=now,
            file_key=app_key(),
            **allowed,
        )

    for url in ("https://127.0.0.1/h", "https://10.0.0.8/h", "https://169.254.169.254/latest"):
        with pytest.raises(WebhookError, match="refused"):
            add(url)
    with pytest.raises(WebhookError, match="refused"):  # link-local: even with the setting
        add("https://169.254.169.254/latest", allow_private=True)
    with pytest.raises(WebhookError, match="not an https"):
        add("http://127.0.0.1/h", allow_private=True)
    with pytest.raises(WebhookError, match="choose events"):
        add_endpoint(
            session,
            controller,
            url="https://127.0.0.1/h",
            events=["request.eaten"],
            actor="t",
            now=now,
            file_key=app_key(),
            allow_private=True,
        )
    assert _queued(session) == []
    add("https://127.0.0.1/h", allow_private=True)
    add("http://127.0.0.1/h", allow_private=True, allow_local_http=True)


def test_due_soon_and_overdue_go_once_per_request_and_day(  # type: ignore[no-untyped-def]
    app, session, controller, now: datetime
) -> None:
    from dsar.jobs.webhook_deadlines import queue_deadline_webhooks

    settings = app.config["DSAR_SETTINGS"]
    _add(session, controller, now, ["request.due_soon", "request.overdue"])
    soon = make_request(session, controller, now - timedelta(days=25))  # due in about 5 days
    late = make_request(session, controller, now - timedelta(days=40))  # overdue
    make_request(session, controller, now)  # due in a month: neither
    first = queue_deadline_webhooks(session, settings, now)
    second = queue_deadline_webhooks(session, settings, now + timedelta(hours=2))
    assert (first.due_soon, first.overdue) == (1, 1)
    assert (second.due_soon, second.overdue) == (1, 1)  # found again, queued nothing new
    rows = session.execute(
        select(WebhookDelivery.request_id, WebhookDelivery.event_type).order_by(WebhookDelivery.id)
    ).all()
    assert [tuple(r) for r in rows] == [(soon.id, "request.due_soon"), (late.id, "request.overdue")]
    queue_deadline_webhooks(session, settings, now + timedelta(days=1))
    assert len(session.execute(select(WebhookDelivery)).all()) == 4  # the next day: once more
