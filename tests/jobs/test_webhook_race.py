"""Two dispatchers and two deadline jobs at once on one real database: each webhook goes once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dsar.controllers.operations import sync_controllers
from dsar.extensions import db
from dsar.jobs.scheduler import run_job
from dsar.outbox.models import OutboxStatus, WebhookDelivery
from dsar.webhooks.endpoints import add_endpoint
from tests.factories import make_request
from tests.webhooks.keys import app_key
from tests.webhooks.receiver import Receiver, start

BERLIN = ZoneInfo("Europe/Berlin")
ALLOW = {"transmit_allow_local_http": True, "transmit_allow_private": True}
EVENTS = ("request.received", "request.due_soon", "request.overdue")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    server = start(found)
    yield found
    server.shutdown()
    server.server_close()


def _seed(app, receiver: Receiver, now: datetime, count: int) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        [controller] = sync_controllers(db.session, app.extensions["dsar.registers"], now)
        add_endpoint(
            db.session,
            controller,
            url=receiver.url,
            events=EVENTS,
            actor="t",
            now=now,
            file_key=app_key(),
            allow_local_http=True,
            allow_private=True,
        )
        for day in range(count):  # due dates spread over the next weeks, some overdue
            make_request(db.session, controller, now - timedelta(days=day * 3))
        db.session.commit()
        db.session.remove()


def _together(apps, job: str, moment: datetime) -> None:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(apps))
    errors: list[BaseException] = []

    def race(app) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            run_job(app, job, moment)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=race, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def test_two_schedulers_queue_and_deliver_each_webhook_once(committed_apps, receiver) -> None:  # type: ignore[no-untyped-def]
    apps = [committed_apps(**ALLOW), committed_apps(**ALLOW)]
    now = datetime(2026, 3, 2, 9, tzinfo=BERLIN)
    _seed(apps[0], receiver, now, 20)
    _together(apps, "webhook_deadlines", now)
    _together(apps, "webhook_deadlines", now + timedelta(minutes=30))
    _together(apps, "dispatch_outbox", now)
    with apps[0].app_context():
        rows = db.session.execute(select(WebhookDelivery)).scalars().all()
        kinds = Counter(row.event_type for row in rows)
        assert {row.status for row in rows} == {OutboxStatus.SENT}
        ids = sorted(row.webhook_id for row in rows)
        db.session.remove()
    assert kinds["request.received"] == 20
    assert kinds["request.due_soon"] > 0 and kinds["request.overdue"] > 0
    posted = [post.headers["webhook-id"] for post in receiver.posts]
    assert sorted(posted) == ids  # every delivery posted, none twice
