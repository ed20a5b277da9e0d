"""API keys: stored hashed, refused when missing, wrong or revoked, scoped, per controller,
every call logged with the key's id; cookies are never a key."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.api.keys import ApiKeyError, create_key, revoke_key
from dsar.api.models import ApiCall, ApiKey, Scope
from dsar.controllers.models import Controller
from tests.api.conftest import Call, bearer, make_key
from tests.factories import make_request, make_staff
from tests.staff.conftest import StaffClient, login_as


def test_only_the_hash_is_stored(session, key) -> None:  # type: ignore[no-untyped-def]
    stored = session.get(ApiKey, key.key.id)
    assert key.secret.startswith(f"dsar_{stored.prefix}_")
    assert stored.secret_hash == hashlib.sha256(key.secret.encode()).hexdigest()
    columns = [getattr(stored, c.key) for c in ApiKey.__table__.columns]
    assert key.secret not in [str(value) for value in columns]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer dsar_nope_nope"}, {"Authorization": "Basic eDp5"}],
)
def test_no_valid_key_is_401_problem(client, key, headers) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/requests", headers=headers)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.json["status"] == 401 and response.json["title"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_is_refused(session, api: Call, key, now: datetime) -> None:  # type: ignore[no-untyped-def]
    assert api("GET", "/requests").status_code == 200
    assert revoke_key(session, key.key, actor="ada@example.org", now=now)
    assert not revoke_key(session, key.key, actor="ada@example.org", now=now)
    assert api("GET", "/requests").status_code == 401


def test_a_missing_scope_is_403_and_nothing_is_filed(  # type: ignore[no-untyped-def]
    session, controller, now, api: Call
) -> None:
    reader = make_key(session, controller, now, scopes=[Scope.REQUESTS_READ.value])
    response = api("POST", "/requests", secret=reader.secret, json={"right": "access"})
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert "requests:write" in response.json["detail"]
    writer = make_key(session, controller, now, scopes=[Scope.REQUESTS_WRITE.value])
    assert api("GET", "/requests", secret=writer.secret).status_code == 403


def test_another_controllers_request_is_404(  # type: ignore[no-untyped-def]
    session, controller, other_controller: Controller, now, api: Call
) -> None:
    theirs = make_request(session, other_controller, now)
    ours = make_request(session, controller, now)
    assert api("GET", f"/requests/{ours.reference}").status_code == 200
    response = api("GET", f"/requests/{theirs.reference}")
    assert response.status_code == 404
    missing = api("GET", "/requests/DSAR-2026-0000-0000")
    assert missing.status_code == 404
    assert {k for k in response.json if k != "detail"} == {k for k in missing.json if k != "detail"}
    listed = api("GET", "/requests").json["items"]
    assert [item["reference"] for item in listed] == [ours.reference]
    assert api("POST", f"/requests/{theirs.reference}/notes", json={"text": "x"}).status_code == 404


def test_last_use_and_every_call_are_recorded(session, api: Call, key, now) -> None:  # type: ignore[no-untyped-def]
    assert session.get(ApiKey, key.key.id).last_used_at is None
    api("GET", "/requests")
    api("GET", "/requests/DSAR-2026-0000-0000")
    api("POST", "/requests", json={"right": "nope"})
    assert session.get(ApiKey, key.key.id).last_used_at == now
    calls = session.execute(select(ApiCall).order_by(ApiCall.id)).scalars().all()
    assert [(c.api_key_id, c.method, c.path, c.status) for c in calls] == [
        (key.key.id, "GET", "/api/v1/requests", 200),
        (key.key.id, "GET", "/api/v1/requests/DSAR-2026-0000-0000", 404),
        (key.key.id, "POST", "/api/v1/requests", 422),
    ]


def test_a_staff_cookie_is_not_an_api_key(app: Flask, session, now, controller) -> None:  # type: ignore[no-untyped-def]
    dpo = make_staff(session, now)
    staff_client = login_as(app, StaffClient(app, app.response_class, use_cookies=True), dpo)
    assert staff_client.get("/staff/queue").status_code == 200
    assert staff_client.get("/api/v1/requests").status_code == 401


def test_the_api_needs_no_csrf_token(
    app: Flask, api: Call, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = api("POST", "/requests", json={})
    assert response.status_code == 422  # validated, not refused as a CSRF failure


def test_scopes_are_checked(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ApiKeyError, match="unknown scope"):
        create_key(session, controller, name="x", scopes=["requests:delete"], actor="a", now=now)
    with pytest.raises(ApiKeyError, match="at least one scope"):
        create_key(session, controller, name="x", scopes=[], actor="a", now=now)
    made = create_key(session, controller, name="x", scopes=["webhooks:manage"], actor="a", now=now)
    assert made.key.scopes == ["webhooks:manage"]


def test_bearer_helper_matches_the_scheme() -> None:
    assert bearer("s") == {"Authorization": "Bearer s"}


def test_each_key_has_its_own_rate_limit(  # type: ignore[no-untyped-def]
    session, controller, now, api: Call, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dsar.extensions import limiter

    other = make_key(session, controller, now)
    monkeypatch.setattr(limiter, "enabled", True)
    statuses = [api("GET", "/requests/DSAR-2026-0000-0000").status_code for _ in range(300)]
    assert set(statuses) == {404}  # two endpoints, one count per key
    limited = api("GET", "/requests")
    assert limited.status_code == 429
    assert limited.content_type == "application/problem+json"
    assert api("GET", "/requests", secret=other.secret).status_code == 200


def test_making_and_revoking_a_key_are_in_the_staff_chain(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    from dsar.accounts.models import StaffEvent
    from dsar.audit.staff_trail import verify_staff_chain

    made = create_key(
        session, controller, name="CRM", scopes=["requests:read"], actor="ada@example.org", now=now
    )
    revoke_key(session, made.key, actor="ada@example.org", now=now)
    events = session.scalars(select(StaffEvent).order_by(StaffEvent.seq)).all()
    assert [(e.action, e.actor, e.subject) for e in events][-2:] == [
        ("api_key_created", "ada@example.org", f"api-key:{made.key.id}"),
        ("api_key_revoked", "ada@example.org", f"api-key:{made.key.id}"),
    ]
    assert made.secret not in str([e.payload for e in events])
    assert verify_staff_chain(session) is None
