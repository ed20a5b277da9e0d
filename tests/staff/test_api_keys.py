"""The admin's API key page: a key made for a controller and shown once, revoked; an admin
limited to some controllers sees and revokes only their keys."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.api.keys import create_key
from dsar.api.models import ApiKey
from dsar.controllers.models import Controller
from tests.factories import make_staff


def _other(session, now: datetime) -> Controller:  # type: ignore[no-untyped-def]
    other = Controller(
        slug="other", name="Other Ltd", country="DE", timezone="Europe/Berlin",
        extra_holidays=[], languages=["de"], loaded_at=now,
    )  # fmt: skip
    session.add(other)
    session.flush()
    return other


def test_an_admin_creates_and_revokes_a_key(  # type: ignore[no-untyped-def]
    app: Flask, session, admin, controller, as_user, no_csrf
) -> None:
    client = as_user(admin)
    assert client.get("/staff/api-keys").status_code == 200
    form = {"controller": controller.id, "name": "Shop", "scopes": ["requests:read"]}
    created = client.post("/staff/api-keys", data=form, follow_redirects=True)
    page = created.get_data(as_text=True)
    secret = re.search(r"dsar_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", page).group(0)
    key = session.scalars(select(ApiKey)).one()
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (key.controller_id, key.name, key.scopes, key.created_by) == (
        controller.id, "Shop", ["requests:read"], admin.email,
    )  # fmt: skip
    assert secret not in client.get("/staff/api-keys").get_data(as_text=True)  # once
    assert (
        client.get("/api/v1/requests", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )
    revoked = client.post(f"/staff/api-keys/{key.id}/revoke", follow_redirects=True)
    assert revoked.status_code == 200
    session.refresh(key)
    assert key.revoked_at is not None and key.revoked_by == admin.email
    assert (
        client.get("/api/v1/requests", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )


def test_nothing_is_made_without_a_scope(app, session, admin, controller, as_user, no_csrf) -> None:  # type: ignore[no-untyped-def]
    client = as_user(admin)
    client.post("/staff/api-keys", data={"controller": controller.id, "name": "Shop"})
    assert session.scalars(select(ApiKey)).all() == []


def test_a_restricted_admin_manages_only_their_controllers_keys(  # type: ignore[no-untyped-def]
    app: Flask, session, controller, now, as_user, no_csrf
) -> None:
    other = _other(session, now)
    theirs = create_key(
        session, other, name="Other CRM", scopes=["requests:read"], actor="x", now=now
    )
    ours = create_key(
        session, controller, name="Our shop", scopes=["requests:read"], actor="x", now=now
    )
    limited = make_staff(session, now, email="lim@example.org", role=Role.ADMIN)
    limited.controllers = [controller]
    session.flush()
    client = as_user(limited)
    page = client.get("/staff/api-keys").get_data(as_text=True)
    assert "Our shop" in page and "Other CRM" not in page
    assert client.post(f"/staff/api-keys/{theirs.key.id}/revoke").status_code == 404
    made = client.post(
        "/staff/api-keys", data={"controller": other.id, "name": "x", "scopes": ["requests:read"]}
    )
    assert made.status_code == 303
    assert session.scalars(select(ApiKey).where(ApiKey.name == "x")).all() == []
    session.refresh(theirs.key)
    assert theirs.key.revoked_at is None
    assert client.post(f"/staff/api-keys/{ours.key.id}/revoke").status_code == 303
