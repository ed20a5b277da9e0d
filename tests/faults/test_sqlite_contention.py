"""Confirmation links, staff decisions and the scheduler at once: 0 errors.

SQLite has one writer at a time. A busy timeout makes a writer wait for the lock, and
`BEGIN IMMEDIATE` (dsar/core/write_lock.py: every web POST and every job run) makes a
transaction that reads before it writes take the lock first, so it cannot fail with "database
is locked" when another writer committed between its read and its write. Here subjects
confirm, a DPO decides and two schedulers run their jobs, all released together; none
fails, no job has to be run again, and every chain is intact. PostgreSQL runs the same
(docs/reliability.md).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from dsar.accounts.models import Role
from dsar.audit.request_trail import verify_chain
from dsar.controllers.models import Controller
from dsar.core.clock import FixedClock
from dsar.extensions import db, limiter
from dsar.intake.links import make_confirmation_token
from dsar.jobs.scheduler import run_job
from dsar.requests.models import Request
from dsar.requests.workflow import Verification
from tests.conftest import NOW
from tests.factories import make_request, make_staff
from tests.staff.conftest import StaffClient, login_as
from tests.threads import at_once, summary

CLICKS, DECISIONS, SCHEDULERS = 8, 8, 2
JOBS = ("expire_unconfirmed", "reminders", "escalation", "digest", "dispatch_outbox")
INSTANTS = [NOW + timedelta(minutes=10 * i) for i in range(3)]


@pytest.fixture
def busy_app(committed_db_app: Flask, smtp_server, monkeypatch: pytest.MonkeyPatch) -> Flask:  # type: ignore[no-untyped-def]
    app = committed_db_app
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(NOW))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    monkeypatch.setattr(limiter, "enabled", False)  # many posts from one address
    import dataclasses

    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"],
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        dpo_mailbox="dpo@demo.example",
    )
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", settings)
    return app


def test_confirmations_decisions_and_the_scheduler_at_once_give_no_error(  # type: ignore[no-untyped-def]
    busy_app: Flask, caplog
) -> None:
    app = busy_app
    secret = app.config["DSAR_SETTINGS"].secret_key
    with app.app_context():
        controller = db.session.execute(select(Controller)).scalar_one()
        unconfirmed = [
            make_request(db.session, controller, NOW, received_at=None, subject_email=f"u{i}@x.org")
            for i in range(CLICKS)
        ]
        received = [  # due soon: the reminder and escalation sweeps find them
            make_request(db.session, controller, NOW - timedelta(days=25 + i))
            for i in range(DECISIONS)
        ]
        dpo = make_staff(db.session, NOW, email="dana@example.org", role=Role.DPO)
        db.session.commit()
        links = [
            f"/c/demo/confirm/{make_confirmation_token(secret, r.reference, NOW)}"
            for r in unconfirmed
        ]
        decisions = [(r.id, r.version) for r in received]
        clients = [
            login_as(app, StaffClient(app, app.response_class, use_cookies=True), dpo)
            for _ in range(DECISIONS)
        ]
        db.session.remove()
    subjects = [app.test_client() for _ in range(CLICKS)]

    def act(i: int) -> object:
        if i < CLICKS:
            return subjects[i].post(links[i]).status_code
        if i < CLICKS + DECISIONS:
            request_id, version = decisions[i - CLICKS]
            data = {"decision": "verify_identity", "version": str(version)}
            with app.app_context():
                response = clients[i - CLICKS].post(
                    f"/staff/requests/{request_id}/decide", data=data
                )
            return response.status_code
        for moment in INSTANTS:
            for job in JOBS:
                run_job(app, job, moment)
        return "jobs ok"

    with caplog.at_level(logging.WARNING, logger="dsar.jobs.scheduler"):
        outcomes = at_once(CLICKS + DECISIONS + SCHEDULERS, act)

    retries = [r.getMessage() for r in caplog.records if "locked database" in r.getMessage()]
    print(f"\n{summary(outcomes)}; jobs run again after a locked database: {len(retries)}")
    assert outcomes == [200] * CLICKS + [303] * DECISIONS + ["jobs ok"] * SCHEDULERS, summary(
        outcomes
    )
    assert retries == []
    with app.app_context():
        verified = db.session.scalar(
            select(func.count())
            .select_from(Request)
            .where(Request.verification == Verification.VERIFIED)
        )
        confirmed = db.session.scalar(
            select(func.count()).select_from(Request).where(Request.received_at.is_not(None))
        )
        assert (verified, confirmed) == (DECISIONS, CLICKS + DECISIONS)
        assert verify_chain(db.session) is None
        db.session.remove()
