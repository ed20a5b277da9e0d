"""`dsar api-key create/revoke/list`: the key printed once, stored hashed, revoked for good."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from dsar.api.models import ApiKey


def test_create_list_and_revoke(runner, session, controller, client) -> None:  # type: ignore[no-untyped-def]
    made = runner(
        ["api-key", "create", "--controller", controller.slug, "--name", "shop",
         "--scope", "requests:read", "--scope", "requests:write"]
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    secret = next(line for line in made.output.splitlines() if line.startswith("key: "))[5:]
    key = session.scalars(select(ApiKey)).one()
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert key.scopes == ["requests:read", "requests:write"] and key.created_by == "cli"
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/requests", headers=headers).status_code == 200
    listed = runner(["api-key", "list"])
    assert key.prefix in listed.output and secret not in listed.output
    revoked = runner(["api-key", "revoke", str(key.id)])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert runner(["api-key", "revoke", str(key.id)]).output.strip() == "already revoked"
    assert client.get("/api/v1/requests", headers=headers).status_code == 401


def test_unknown_scope_or_key_fails(runner, controller) -> None:  # type: ignore[no-untyped-def]
    bad = runner(["api-key", "create", "--name", "x", "--scope", "everything"])
    assert bad.exit_code == 2
    assert runner(["api-key", "revoke", "999"]).exit_code == 2
