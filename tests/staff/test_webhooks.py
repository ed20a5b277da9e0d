"""The admin's webhooks page: endpoints of the admin's controllers, a secret shown once,
dead letters replayed."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role, StaffEvent
from dsar.controllers.models import Controller
from dsar.outbox.models import OutboxStatus, WebhookDelivery
from dsar.webhooks.endpoints import add_endpoint, unseal_secret
from dsar.webhooks.models import WebhookEndpoint
from tests.factories import make_request, make_staff
from tests.webhooks.keys import app_key

URL = "https://127.0.0.1/hooks"
FORM = {"url": URL, "events": ["request.received", "request.closed"]}


def _allow_private(app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(app.config["DSAR_SETTINGS"], transmit_allow_private=True)
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", settings)


def _endpoints(session) -> list[WebhookEndpoint]:  # type: ignore[no-untyped-def]
    return list(session.execute(select(WebhookEndpoint)).scalars())


def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(  # type: ignore[no-untyped-def]
    app, session, controller, admin, as_user, no_csrf, monkeypatch
) -> None:
    _allow_private(app, monkeypatch)
    client = as_user(admin)
    created = client.post("/staff/webhooks", data={**FORM, "controller": controller.id})
    assert created.status_code == 201
    [endpoint] = _endpoints(session)
    assert endpoint.events == ["request.closed", "request.received"]
    [secret] = re.findall(r"whsec_[A-Za-z0-9+/=]+", created.get_data(as_text=True))
    assert unseal_secret(app_key(), endpoint.sealed_secret) == secret
    assert secret not in endpoint.sealed_secret  # sealed at rest
    page = client.get("/staff/webhooks")
    assert URL.encode() in page.data
    assert b"whsec_" not in page.data  # shown once only


def test_a_private_address_is_refused_without_the_setting(  # type: ignore[no-untyped-def]
    session, controller, admin, as_user, no_csrf
) -> None:
    refused = as_user(admin).post("/staff/webhooks", data={**FORM, "controller": controller.id})
    assert refused.status_code == 400
    assert "its host is not a public address" in refused.get_data(as_text=True)
    assert "(127.0.0.1 is a loopback address: refused)" in refused.get_data(as_text=True)
    assert _endpoints(session) == []
    none = as_user(admin).post("/staff/webhooks", data={"url": URL, "controller": controller.id})
    assert "choose at least one event" in none.get_data(as_text=True)
    assert _endpoints(session) == []


def test_a_refusal_speaks_the_page_language(  # type: ignore[no-untyped-def]
    session, controller, admin, as_user, no_csrf
) -> None:
    http = as_user(admin).post(
        "/staff/webhooks",
        data={**FORM, "url": "http://example.org/h", "controller": controller.id},
        headers={"Accept-Language": "de"},
    )
    assert http.status_code == 400
    assert "Seine URL muss mit https:// beginnen." in http.get_data(as_text=True)
    assert _endpoints(session) == []


def test_an_admin_of_another_controller_neither_sees_nor_changes_the_endpoint(  # type: ignore[no-untyped-def]
    app, session, controller, now: datetime, as_user, no_csrf, monkeypatch
) -> None:
    _allow_private(app, monkeypatch)
    other = Controller(
        slug="other", name="Other GmbH", country="DE", timezone="Europe/Berlin", loaded_at=now
    )
    session.add(other)
    session.flush()
    endpoint, _ = add_endpoint(
        session,
        controller,
        url=URL,
        events=["request.received"],
        actor="t",
        now=now,
        file_key=app_key(),
        allow_private=True,
    )
    limited = make_staff(session, now, email="lim@example.org", role=Role.ADMIN)
    limited.controllers = [other]
    client = as_user(limited)
    assert URL.encode() not in client.get("/staff/webhooks").data
    assert client.post(f"/staff/webhooks/{endpoint.id}/remove").status_code == 404
    assert _endpoints(session) == [endpoint]
    refused = client.post("/staff/webhooks", data={**FORM, "controller": controller.id})
    assert refused.status_code == 400
    assert _endpoints(session) == [endpoint]


def test_an_admin_removes_an_endpoint_and_replays_a_dead_letter(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, admin, as_user, no_csrf
) -> None:
    endpoint, _ = add_endpoint(
        session,
        controller,
        url=URL,
        events=["request.received"],
        actor="t",
        now=now,
        file_key=app_key(),
        allow_private=True,
    )
    make_request(session, controller, now)
    dead = session.execute(select(WebhookDelivery)).scalar_one()
    dead.status, dead.last_error = OutboxStatus.FAILED, "rejected: HTTP 410"
    client = as_user(admin)
    page = client.get("/staff/webhooks").get_data(as_text=True)
    assert "rejected: HTTP 410" in page
    assert f"<td><code>{URL}</code></td>" in page.split('id="dead"')[1]  # the endpoint's URL
    assert client.post(f"/staff/webhooks/deliveries/{dead.id}/replay").status_code == 302
    again = session.execute(select(WebhookDelivery).where(WebhookDelivery.replay_of_id == dead.id))
    assert again.scalar_one().status is OutboxStatus.PENDING
    assert b"rejected: HTTP 410" not in client.get("/staff/webhooks").data
    assert client.post(f"/staff/webhooks/deliveries/{dead.id}/replay").status_code == 404
    assert client.post(f"/staff/webhooks/{endpoint.id}/remove").status_code == 302
    assert _endpoints(session) == []
    assert session.execute(select(WebhookDelivery)).all() == []
    trail = session.execute(
        select(StaffEvent.action, StaffEvent.actor)
        .where(StaffEvent.subject == f"webhook:{endpoint.id}")
        .order_by(StaffEvent.seq)
    ).all()
    assert [tuple(row) for row in trail] == [
        ("webhook_added", "t"),
        ("webhook_replayed", "ada@example.org"),
        ("webhook_removed", "ada@example.org"),
    ]


def test_the_page_speaks_german(admin, as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user(admin).get("/staff/webhooks", headers={"Accept-Language": "de"})
    text = page.get_data(as_text=True)
    assert "Fehlgeschlagene Zustellungen" in text and "Endpunkt hinzufügen" in text
