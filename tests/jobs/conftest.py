"""Helpers for the job tests: settings pointing at the test SMTP server, staff, committed apps."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from dsar.config import Settings
from dsar.extensions import db
from tests.conftest import build_app, make_database_url


@pytest.fixture
def job_settings(app: Flask) -> Callable[..., Settings]:
    """The test app's settings with some replaced: job_settings(dpo_mailbox="dpo@x.example")."""

    def make(**overrides: object) -> Settings:
        base = dataclasses.replace(
            app.config["DSAR_SETTINGS"], mail_from="dsar <dsar@demo.example>", dpo_mailbox=""
        )
        return dataclasses.replace(base, **overrides)

    return make


@pytest.fixture
def committed_apps(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> Iterator[Callable[..., Flask]]:
    """Apps on one real, committed database (file SQLite or PostgreSQL): a restart, a race."""
    url = make_database_url(request, backend, tmp_path)
    apps: list[Flask] = []

    def make(**overrides: object) -> Flask:
        app = build_app(url, tmp_path / "instance", **overrides)
        if not apps:
            with app.app_context():
                db.create_all()
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()
