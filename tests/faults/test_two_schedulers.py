"""Two schedulers and two dispatchers at once on one database: no reminder twice.

Each "scheduler" is an app of its own (its own engine and connections, as a second process
would have) that walks the same instants, running the reminder sweep and then the outbox
dispatcher against a real SMTP server; the two start each tick together on a barrier (their
clocks agree, as two machines' do: a lease is measured on them). The leader lock
would normally keep the second one waiting: here both run, as after a split brain or an
operator's `run-once` beside the scheduler (docs/reliability.md).
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dsar.controllers.operations import sync_controllers
from dsar.extensions import db
from dsar.jobs.scheduler import run_job
from dsar.outbox.models import OutboxMessage, OutboxStatus
from tests.factories import make_request

BERLIN = ZoneInfo("Europe/Berlin")
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=BERLIN)
REQUESTS = 30
# Twice a day from the last receipt to the last due date: the reminders fall due 14, 7, 3
# and 1 day ahead.
INSTANTS = [RECEIVED + timedelta(hours=12 * i) for i in range(64)]


def _seed(app) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        [controller] = sync_controllers(db.session, app.extensions["dsar.registers"], RECEIVED)
        for day in range(REQUESTS):  # due dates spread over three weeks
            make_request(db.session, controller, RECEIVED - timedelta(days=day))
        db.session.commit()
        db.session.remove()


def _outbox(app) -> list[tuple[str, str, OutboxStatus]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.idempotency_key, OutboxMessage.message_id, OutboxMessage.status)
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _request_and_days(key: str) -> str:
    """'reminder:7:2026-03-24:3' -> '7:3' (the due date may move; the threshold is once)."""
    _, request_id, _due, days = key.split(":")
    return f"{request_id}:{days}"


def test_two_schedulers_and_two_dispatchers_send_each_reminder_once(  # type: ignore[no-untyped-def]
    committed_apps, smtp_server
) -> None:
    settings = {
        "dpo_mailbox": "dpo@demo.example",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_server.port,
    }
    schedulers = [committed_apps(**settings), committed_apps(**settings)]
    _seed(schedulers[0])
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    dispatched: list[tuple[int, int, int]] = []

    def scheduler(app) -> None:  # type: ignore[no-untyped-def]
        try:
            for moment in INSTANTS:  # both read the same clock: they start each tick together
                start.wait()
                run_job(app, "reminders", moment)
                result = run_job(app, "dispatch_outbox", moment)
                dispatched.append((result.sent, result.retried, result.failed))
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
            start.abort()

    threads = [threading.Thread(target=scheduler, args=(app,)) for app in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    rows = _outbox(schedulers[0])
    reminders = [(key, mid, status) for key, mid, status in rows if key.startswith("reminder:")]
    arrived = Counter(message["Message-ID"] for message in smtp_server.handler.messages)
    # one reminder per request and threshold: the key names both
    per_threshold = Counter(_request_and_days(key) for key, *_ in reminders)
    twice = sorted(mid for mid, n in arrived.items() if n > 1)
    sent, retried, failed = (sum(column) for column in zip(*dispatched, strict=True))
    print(  # the figure in docs/reliability.md
        f"\n2 schedulers x {len(INSTANTS)} instants: {len(reminders)} reminders queued, "
        f"{sum(arrived.values())} arrived, {len(twice)} twice; dispatcher runs sent {sent}, "
        f"retried {retried}, failed {failed}"
    )
    assert len(reminders) > 2 * REQUESTS  # most requests reach several thresholds
    assert max(per_threshold.values()) == 1
    assert twice == []
    assert sorted(arrived) == sorted(mid for _key, mid, _status in rows)
    assert {status for *_, status in rows} == {OutboxStatus.SENT}
    assert (sent, retried, failed) == (len(rows), 0, 0)
