"""Webhook endpoints and dead letters through the API: scope `webhooks:manage`, the key's
controller only, a secret shown once, private addresses refused as on the staff page,
replays; each change in the staff trail with the key as actor, each call in the call log."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import StaffEvent
from dsar.api.keys import NewKey
from dsar.api.models import ApiCall, Scope
from dsar.controllers.models import Controller
from dsar.outbox.models import OutboxStatus, WebhookDelivery
from dsar.webhooks.endpoints import add_endpoint, unseal_secret
from dsar.webhooks.models import WebhookEndpoint
from tests.api.conftest import ALL, Call, make_key
from tests.webhooks.keys import app_key

URL = "https://127.0.0.1/hooks"
NEW = {"url": URL, "events": ["request.received", "request.closed"]}


@pytest.fixture
def hooks(session, controller: Controller, now: datetime) -> NewKey:  # type: ignore[no-untyped-def]
    return make_key(session, controller, now, scopes=[Scope.WEBHOOKS_MANAGE.value])


@pytest.fixture
def allow_private(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = dataclasses.replace(app.config["DSAR_SETTINGS"], transmit_allow_private=True)
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", settings)


def endpoint_of(session, controller: Controller, now: datetime, path: str = "x") -> WebhookEndpoint:  # type: ignore[no-untyped-def]
    made, _secret = add_endpoint(session, controller, url=f"https://127.0.0.1/{path}",
                                 events=["request.received"], actor="ada@example.org", now=now,
                                 file_key=app_key(), allow_private=True)  # fmt: skip
    return made


def dead_letter(session, endpoint: WebhookEndpoint, now: datetime) -> WebhookDelivery:  # type: ignore[no-untyped-def]
    dead = WebhookDelivery(idempotency_key=f"k{endpoint.id}", webhook_id=f"msg_{endpoint.id}",
                           endpoint_id=endpoint.id, event_type="request.received", body="{}",
                           status=OutboxStatus.FAILED, attempts=8, next_attempt_at=now,
                           last_error="rejected: HTTP 410", created_at=now)  # fmt: skip
    session.add(dead)
    session.flush()
    return dead


def trail(session, endpoint_id: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        select(StaffEvent.action, StaffEvent.actor)
        .where(StaffEvent.subject == f"webhook:{endpoint_id}")
        .order_by(StaffEvent.seq)
    )
    return [tuple(row) for row in rows]


def endpoints(session) -> list[WebhookEndpoint]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def test_every_operation_needs_the_scope(session, controller, now, api: Call, key) -> None:  # type: ignore[no-untyped-def]
    assert sorted(key.key.scopes) == sorted(ALL)  # every scope but webhooks:manage
    endpoint = endpoint_of(session, controller, now)
    dead = dead_letter(session, endpoint_of(session, controller, now, "y"), now)
    calls = [("GET", "/webhooks", {}), ("POST", "/webhooks", {"json": NEW}),
             ("DELETE", f"/webhooks/{endpoint.id}", {}), ("GET", "/webhooks/dead-letters", {}),
             ("POST", f"/webhooks/dead-letters/{dead.id}/replay", {})]  # fmt: skip
    for method, path, sent in calls:
        refused = api(method, path, **sent)
        assert refused.status_code == 403, path
        assert "webhooks:manage" in refused.json["detail"]
    assert len(endpoints(session)) == 2
    assert session.scalars(select(WebhookDelivery)).all() == [dead]


def test_register_shows_the_secret_once(  # type: ignore[no-untyped-def]
    session, controller, hooks: NewKey, api: Call, allow_private
) -> None:
    created = api("POST", "/webhooks", json=NEW, secret=hooks.secret)
    assert created.status_code == 201, created.json
    [endpoint] = endpoints(session)
    assert endpoint.controller_id == controller.id
    assert created.json == {
        "id": endpoint.id,
        "url": URL,
        "events": ["request.closed", "request.received"],
        "created_at": "2026-03-02T09:00:00Z",
        "secret": created.json["secret"],
    }
    secret = created.json["secret"]
    assert secret.startswith("whsec_")
    assert unseal_secret(app_key(), endpoint.sealed_secret) == secret
    listed = api("GET", "/webhooks", secret=hooks.secret)
    assert listed.json == {"items": [{k: v for k, v in created.json.items() if k != "secret"}]}
    assert "whsec_" not in listed.get_data(as_text=True)  # never again
    assert trail(session, endpoint.id) == [("webhook_added", f"api-key:{hooks.key.id}")]
    calls = session.execute(select(ApiCall.method, ApiCall.path, ApiCall.status)).all()
    assert [tuple(c) for c in calls] == [("POST", "/api/v1/webhooks", 201),
                                         ("GET", "/api/v1/webhooks", 200)]  # fmt: skip


def test_a_private_address_is_refused_unless_allowed(  # type: ignore[no-untyped-def]
    app: Flask, session, hooks: NewKey, api: Call, monkeypatch
) -> None:
    refused = api("POST", "/webhooks", json=NEW, secret=hooks.secret)
    assert refused.status_code == 422
    assert refused.content_type == "application/problem+json"
    assert refused.json["errors"][0]["field"] == "url"
    assert "127.0.0.1 is a loopback address" in refused.json["detail"]
    http = api("POST", "/webhooks", json={**NEW, "url": "http://93.184.215.14/h"},
               secret=hooks.secret)  # fmt: skip
    assert http.status_code == 422 and http.json["errors"][0]["field"] == "url"
    unknown = api("POST", "/webhooks", json={**NEW, "events": ["request.eaten"]},
                  secret=hooks.secret)  # fmt: skip
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"].startswith("events")
    assert endpoints(session) == []
    settings = dataclasses.replace(app.config["DSAR_SETTINGS"], transmit_allow_private=True)
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", settings)
    assert api("POST", "/webhooks", json=NEW, secret=hooks.secret).status_code == 201
    assert [e.url for e in endpoints(session)] == [URL]


def test_another_controllers_endpoints_are_unseen_and_unchanged(  # type: ignore[no-untyped-def]
    session, controller, other_controller, now, hooks: NewKey, api: Call
) -> None:
    ours = endpoint_of(session, controller, now, "ours")
    theirs = endpoint_of(session, other_controller, now, "theirs")
    their_dead = dead_letter(session, theirs, now)
    our_dead = dead_letter(session, ours, now)
    listed = api("GET", "/webhooks", secret=hooks.secret).json["items"]
    assert [item["id"] for item in listed] == [ours.id]
    dead = api("GET", "/webhooks/dead-letters", secret=hooks.secret).json["items"]
    assert [item["id"] for item in dead] == [our_dead.id]
    assert api("DELETE", f"/webhooks/{theirs.id}", secret=hooks.secret).status_code == 404
    missing = api("DELETE", "/webhooks/987654", secret=hooks.secret)
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"
    replay = api("POST", f"/webhooks/dead-letters/{their_dead.id}/replay", secret=hooks.secret)
    assert replay.status_code == 404
    assert [e.id for e in endpoints(session)] == [ours.id, theirs.id]
    assert session.scalars(select(WebhookDelivery.replay_of_id)).all() == [None, None]
    assert trail(session, theirs.id) == [("webhook_added", "ada@example.org")]


def test_remove_an_endpoint(session, controller, now, hooks: NewKey, api: Call) -> None:  # type: ignore[no-untyped-def]
    endpoint = endpoint_of(session, controller, now)
    dead_letter(session, endpoint, now)
    removed = api("DELETE", f"/webhooks/{endpoint.id}", secret=hooks.secret)
    assert removed.status_code == 204 and removed.data == b""
    assert endpoints(session) == []
    assert session.scalars(select(WebhookDelivery)).all() == []
    assert trail(session, endpoint.id)[-1] == ("webhook_removed", f"api-key:{hooks.key.id}")
    assert api("DELETE", f"/webhooks/{endpoint.id}", secret=hooks.secret).status_code == 404


def test_replay_a_dead_letter(session, controller, now, hooks: NewKey, api: Call) -> None:  # type: ignore[no-untyped-def]
    endpoint = endpoint_of(session, controller, now)
    dead = dead_letter(session, endpoint, now)
    listed = api("GET", "/webhooks/dead-letters", secret=hooks.secret).json["items"]
    assert listed == [{"id": dead.id, "endpoint_id": endpoint.id, "event_type": "request.received",
                       "webhook_id": dead.webhook_id, "attempts": 8,
                       "last_error": "rejected: HTTP 410",
                       "created_at": "2026-03-02T09:00:00Z"}]  # fmt: skip
    path = f"/webhooks/dead-letters/{dead.id}/replay"
    replayed = api("POST", path, secret=hooks.secret)
    assert replayed.status_code == 201
    again = session.scalars(select(WebhookDelivery).where(WebhookDelivery.replay_of_id == dead.id))
    again = again.one()
    assert replayed.json == {"id": again.id, "replay_of": dead.id, "webhook_id": dead.webhook_id,
                             "status": "pending"}  # fmt: skip
    assert again.status is OutboxStatus.PENDING and again.webhook_id == dead.webhook_id
    assert api("GET", "/webhooks/dead-letters", secret=hooks.secret).json == {"items": []}
    twice = api("POST", path, secret=hooks.secret)
    assert twice.status_code == 409 and "replayed already" in twice.json["detail"]
    pending = api("POST", f"/webhooks/dead-letters/{again.id}/replay", secret=hooks.secret)
    assert pending.status_code == 409  # only a delivery given up is replayed
    assert len(session.scalars(select(WebhookDelivery)).all()) == 2
    assert trail(session, endpoint.id)[-1] == ("webhook_replayed", f"api-key:{hooks.key.id}")
