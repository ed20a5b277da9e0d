"""A restart and two schedulers racing on one real database queue each reminder exactly once."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from dsar.controllers.operations import sync_controllers
from dsar.extensions import db
from dsar.jobs.models import JobRun
from dsar.jobs.scheduler import run_job
from dsar.outbox.models import OutboxMessage
from tests.factories import make_request

BERLIN = ZoneInfo("Europe/Berlin")


def _seed(app, now: datetime, count: int) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        [controller] = sync_controllers(db.session, app.extensions["dsar.registers"], now)
        for day in range(count):  # due dates spread over the next weeks
            make_request(db.session, controller, now - timedelta(days=day))
        db.session.commit()


def _keys(app) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        keys = db.session.execute(select(OutboxMessage.idempotency_key)).scalars().all()
        db.session.remove()
    return sorted(keys)


def test_two_schedulers_racing_and_a_restart_queue_each_reminder_once(committed_apps) -> None:  # type: ignore[no-untyped-def]
    first = committed_apps(dpo_mailbox="dpo@demo.example")
    second = committed_apps(dpo_mailbox="dpo@demo.example")
    received = datetime(2026, 3, 2, 9, tzinfo=BERLIN)
    _seed(first, received, 30)
    moment = datetime(2026, 3, 20, 9, tzinfo=BERLIN)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def race(app) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            run_job(app, "reminders", moment)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=race, args=(app,)) for app in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    after_race = _keys(first)
    # Received 2 March, 1 March, ... 20 February: due 2 April ... 20 March (weekends roll to
    # Monday); on 20 March each gets the most urgent threshold reached; 19 March is overdue.
    assert after_race == [
        "reminder:10:2026-03-23:3",  # received Sat 21 Feb -> Sat 21 Mar -> Mon 23 Mar
        "reminder:11:2026-03-20:1",  # due today
        "reminder:1:2026-04-02:14",
        "reminder:2:2026-04-01:14",
        "reminder:3:2026-03-30:14",  # Sat 28 Mar -> Mon 30 Mar
        "reminder:4:2026-03-27:7",
        "reminder:5:2026-03-26:7",
        "reminder:6:2026-03-25:7",
        "reminder:7:2026-03-24:7",
        "reminder:8:2026-03-23:3",
        "reminder:9:2026-03-23:3",
    ]
    # A restart: a new app instance on the same database, same instant and an hour later.
    restarted = committed_apps(dpo_mailbox="dpo@demo.example")
    run_job(restarted, "reminders", moment)
    run_job(restarted, "reminders", moment + timedelta(hours=1))
    assert _keys(restarted) == after_race
    with restarted.app_context():
        runs = db.session.execute(
            select(func.count()).select_from(JobRun).where(JobRun.job == "reminders")
        ).scalar()
    assert runs == 4


def _outbox_settings(app, port: int):  # type: ignore[no-untyped-def]
    import dataclasses

    return dataclasses.replace(app.config["DSAR_SETTINGS"], smtp_host="127.0.0.1", smtp_port=port)


def _queue_mail(app, now: datetime, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    from tests.factories import make_mail

    with app.app_context():
        ids = [
            make_mail(db.session, now, key=f"m{i}", to=f"p{i}@example.org").message_id
            for i in range(count)
        ]
        db.session.commit()
        db.session.remove()
    return ids


def test_a_second_dispatcher_skips_the_batch_the_first_one_claimed(  # type: ignore[no-untyped-def]
    committed_apps, smtp_server
) -> None:
    """An operator's run-once beside the scheduler: the one that starts second, while the
    first is sending, finds nothing due and sends nothing twice."""
    from dsar.outbox.dispatch import dispatch_outbox

    now = datetime(2026, 3, 2, 9, tzinfo=BERLIN)
    scheduler, operator = committed_apps(), committed_apps()
    message_ids = _queue_mail(scheduler, now, 3)
    second: list[int] = []

    def commit_then_let_the_other_run() -> None:
        db.session.commit()
        if not second:  # right after the first dispatcher's claim, before it sends
            with operator.app_context():
                settings = _outbox_settings(operator, smtp_server.port)
                result = dispatch_outbox(db.session, settings, now, after_each=db.session.commit)
                second.append(result.sent)
                db.session.remove()

    with scheduler.app_context():
        settings = _outbox_settings(scheduler, smtp_server.port)
        first = dispatch_outbox(db.session, settings, now, after_each=commit_then_let_the_other_run)
        db.session.remove()
    assert (first.sent, second) == (3, [0])
    assert sorted(m["Message-ID"] for m in smtp_server.handler.messages) == sorted(message_ids)


def test_two_dispatchers_at_once_send_each_message_once(committed_apps, smtp_server) -> None:  # type: ignore[no-untyped-def]
    """Two dispatchers started together on one database (threads, their own apps): whichever
    claims a message sends it; together they send every message exactly once."""
    from dsar.outbox.dispatch import dispatch_outbox

    now = datetime(2026, 3, 2, 9, tzinfo=BERLIN)
    apps = [committed_apps(), committed_apps()]
    message_ids = _queue_mail(apps[0], now, 40)
    sent: list[int] = []
    start = threading.Barrier(2)

    def dispatch(app) -> None:  # type: ignore[no-untyped-def]
        with app.app_context():
            settings = _outbox_settings(app, smtp_server.port)
            start.wait()
            result = dispatch_outbox(db.session, settings, now, after_each=db.session.commit)
            db.session.commit()
            sent.append(result.sent)
            db.session.remove()

    threads = [threading.Thread(target=dispatch, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent) == 40 and len(sent) == 2
    assert sorted(m["Message-ID"] for m in smtp_server.handler.messages) == sorted(message_ids)
