"""`dsar webhook add|list|remove`: the secret printed once, refusals with exit status 2."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from dsar.webhooks.endpoints import unseal_secret
from dsar.webhooks.models import WebhookEndpoint
from tests.webhooks.keys import app_key


def test_add_list_and_remove(app, session, controller, runner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    refused = runner(["webhook", "add", "https://127.0.0.1/h", "--event", "request.received"])
    assert refused.exit_code == 2
    assert "loopback address" in refused.stderr
    assert session.execute(select(WebhookEndpoint)).all() == []

    settings = dataclasses.replace(app.config["DSAR_SETTINGS"], transmit_allow_private=True)
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", settings)
    added = runner(
        [
            "webhook",
            "add",
            "https://127.0.0.1/h",
            "--event",
            "request.received",
            "--event",
            "task.created",
        ]
    )
    assert added.exit_code == 0, added.output
    endpoint = session.execute(select(WebhookEndpoint)).scalar_one()
    secret = unseal_secret(app_key(), endpoint.sealed_secret)
    assert f"signing secret (shown once): {secret}" in added.stdout
    assert endpoint.events == ["request.received", "task.created"]

    listed = runner(["webhook", "list"])
    assert listed.stdout == (
        f"{endpoint.id}\tdemo\thttps://127.0.0.1/h\trequest.received, task.created\n"
    )
    assert "whsec_" not in listed.stdout

    assert runner(["webhook", "remove", str(endpoint.id)]).exit_code == 0
    assert session.execute(select(WebhookEndpoint)).all() == []
    assert runner(["webhook", "remove", str(endpoint.id)]).exit_code == 2


def test_an_unknown_event_is_refused(runner, controller) -> None:  # type: ignore[no-untyped-def]
    result = runner(["webhook", "add", "https://127.0.0.1/h", "--event", "request.eaten"])
    assert result.exit_code == 2
