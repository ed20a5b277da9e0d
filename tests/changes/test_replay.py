"""After a backup of the shop taken before an erasure is restored, the replay erases again
what came back, within the erasure's scope; kept rows stay under their planned deletion."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from dsar.changes.erasures import approve_erasure, carry_out, plan_request_erasure
from dsar.changes.executors import register_erasure_executors
from dsar.changes.replay import replay_eraser
from dsar.jobs.models import DeletionStatus, PlannedDeletion
from dsar.jobs.planned import carry_out_planned_deletions
from dsar.suppression.replay import replay
from tests.factories import make_staff

SALT = "a-test-salt-of-some-length"
EMAIL = "kunde042@example.org"


@pytest.fixture
def backup(backend: str, shop_url: str, request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """backup() copies the test's shop whole, and returns restore(), which puts it back."""

    def take() -> Callable[[], None]:
        if backend == "sqlite":
            path, saved = Path(shop_url.removeprefix("sqlite:///")), tmp_path / "backup.sqlite3"
            shutil.copy(path, saved)
            return lambda: shutil.copy(saved, path) and None
        import psycopg

        server = request.getfixturevalue("postgres_server")
        name = shop_url.rsplit("/", 1)[1]

        def pg(*statements: str) -> None:
            with psycopg.connect(
                server.url("postgres").replace("+psycopg", ""), autocommit=True
            ) as c:
                for statement in statements:
                    c.execute(statement)

        pg(f"CREATE DATABASE {name}_backup TEMPLATE {name}")
        return lambda: pg(
            f"DROP DATABASE {name} WITH (FORCE)", f"CREATE DATABASE {name} TEMPLATE {name}_backup"
        )

    return take


def _read(shop_url: str, sql: str) -> Any:
    engine = create_engine(shop_url, poolclass=NullPool)  # no connection outlives the read
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), {"e": EMAIL}).scalar()
    finally:
        engine.dispose()


def _erased(session, request, register, now, scope=None):  # type: ignore[no-untyped-def]
    erasure = plan_request_erasure(
        session, request, register, scope=scope, actor="dana@example.org", now=now
    )
    approver = make_staff(session, now, email="eve@x.org")
    approve_erasure(session, erasure, register, approver=approver, now=now)
    carry_out(session, erasure, register, now=now, checkpoint=session.flush, salt=SALT)
    return erasure


def _replay(session, register, now):  # type: ignore[no-untyped-def]
    return replay(session, lambda c: register, None, replay_eraser(now), salt=SALT)


def _planned_keys(session) -> list[str]:  # type: ignore[no-untyped-def]
    rows = session.execute(select(PlannedDeletion.record_key)).scalars()
    return sorted(json.dumps(k) for r in rows for k in json.loads(r)["keys"])


MESSAGES = "SELECT count(*) FROM contact_messages WHERE email = :e"
ACCOUNT_EMAIL = "SELECT email FROM customers WHERE customer_number = 'K-100042'"


def test_the_replay_erases_again_what_the_restore_brought_back(
    session, erasure_request, shop_register, shop_url, backup, now
) -> None:  # type: ignore[no-untyped-def]
    restore = backup()
    erasure = _erased(session, erasure_request, shop_register, now)
    kept = _planned_keys(session)
    restore()
    assert (_read(shop_url, MESSAGES), _read(shop_url, ACCOUNT_EMAIL)) == (1, EMAIL)

    report = _replay(session, shop_register, now)

    [replayed] = report.tombstones
    assert replayed.erased and report.needing_action == []
    assert replayed.rows[("shop_db", "contact_messages")] == 1
    assert replayed.rows[("shop_db", "customers")] == 1  # the account anonymised again
    assert ("shop_db", "orders") not in replayed.rows  # kept: meant to be there
    assert (_read(shop_url, MESSAGES), _read(shop_url, ACCOUNT_EMAIL)) == (0, None)
    assert _read(shop_url, "SELECT count(*) FROM orders WHERE customer_id = 42") == 4
    assert _planned_keys(session) == kept  # the same kept rows, each named once
    assert erasure.runs == 1  # the request's own record is left as it was

    again = _replay(session, shop_register, now)
    assert [t.found_again for t in again.tombstones] == [0]


def test_the_replay_keeps_to_the_erasures_scope(
    session, erasure_request, shop_register, shop_url, backup, now
) -> None:  # type: ignore[no-untyped-def]
    restore = backup()
    _erased(session, erasure_request, shop_register, now, scope={"message"})
    newsletter = "SELECT count(*) FROM newsletter_subscriptions WHERE email = :e"
    assert _read(shop_url, newsletter) == 1  # out of scope: left
    restore()

    report = _replay(session, shop_register, now)

    # Only support tickets hold nothing but messages: their rows go; the rest stays.
    assert set(report.tombstones[0].rows) == {("shop_db", "support_tickets")}
    assert _read(shop_url, "SELECT count(*) FROM support_tickets WHERE customer_id = 42") == 0
    assert (_read(shop_url, MESSAGES), _read(shop_url, newsletter)) == (1, 1)
    assert _read(shop_url, ACCOUNT_EMAIL) == EMAIL  # the contact category was not erased


def test_kept_rows_deleted_before_the_restore_are_deleted_again(
    app, session, erasure_request, shop_register, shop_url, backup, now, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    restore = backup()
    _erased(session, erasure_request, shop_register, now)
    monkeypatch.setattr("dsar.jobs.planned.EXECUTORS", {})
    register_erasure_executors(lambda: [shop_register])
    settings, late = app.config["DSAR_SETTINGS"], datetime(2045, 1, 2, tzinfo=UTC)
    assert carry_out_planned_deletions(session, settings, late).failed == 0
    orders = "SELECT count(*) FROM orders WHERE customer_id = 42"
    assert _read(shop_url, orders) == 0
    restore()
    assert _read(shop_url, orders) == 4

    _replay(session, shop_register, late)
    replanned = (
        session.execute(
            select(PlannedDeletion).where(PlannedDeletion.status == DeletionStatus.PLANNED)
        )
        .scalars()
        .all()
    )
    assert replanned and all(p.blocked_until < late.date() for p in replanned)
    assert carry_out_planned_deletions(session, settings, late).failed == 0

    assert _read(shop_url, orders) == 0
    assert _read(shop_url, "SELECT count(*) FROM customers WHERE id = 42") == 0
