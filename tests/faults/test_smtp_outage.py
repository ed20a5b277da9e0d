"""SMTP down for an hour, then up: every queued message arrives exactly once.

A real aiosmtpd server is stopped; `dsar jobs run-once --now T --job dispatch_outbox` runs
every five minutes of the hour while new mail keeps being queued; then the server comes back
on the same port and the runs go on. Counted at the SMTP sink (docs/reliability.md).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller as SMTPController
from sqlalchemy import func, select

from dsar.cli import cli
from dsar.extensions import db
from dsar.outbox.models import OutboxMessage, OutboxStatus
from tests.factories import make_mail

START = datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Europe/Berlin"))
STEP = timedelta(minutes=5)
FIRST_BATCH, PER_STEP = 30, 3  # queued before the outage; queued at every run during it


def _queue(app, now: datetime, first: int, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        ids = [
            make_mail(db.session, now, key=f"m{i}", to=f"p{i}@example.org").message_id
            for i in range(first, first + count)
        ]
        db.session.commit()
        db.session.remove()
    return ids


def _run_dispatcher(app, now: datetime) -> str:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(
        cli, ["jobs", "run-once", "--now", now.isoformat(), "--job", "dispatch_outbox"]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _statuses(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
        db.session.remove()
    return {status.value: count for status, count in rows}


def test_an_hour_without_smtp_loses_no_message_and_sends_none_twice(  # type: ignore[no-untyped-def]
    committed_apps, smtp_server
) -> None:
    port = smtp_server.port
    app = committed_apps(smtp_host="127.0.0.1", smtp_port=port)
    queued = _queue(app, START, 0, FIRST_BATCH)
    smtp_server.stop()  # the mail server goes down

    moment, refused_runs = START, 0
    while moment < START + timedelta(hours=1):
        queued += _queue(app, moment, len(queued), PER_STEP)
        output = _run_dispatcher(app, moment)
        refused_runs += "sent=0 retried=0" not in output and "sent=0 " in output
        moment += STEP
    assert refused_runs == 12  # every run while down found mail due and was refused
    assert smtp_server.handler.messages == []
    assert _statuses(app) == {"pending": len(queued)}  # all kept, none given up

    # The server is back, on the same port, with the same sink.
    back = SMTPController(smtp_server.handler, hostname="127.0.0.1", port=port)
    back.start()
    try:
        runs_after = 0
        while _statuses(app).get("pending") and moment < START + timedelta(hours=4):
            _run_dispatcher(app, moment)
            moment += STEP
            runs_after += 1
        for _ in range(3):  # and a few more runs: nothing goes out again
            _run_dispatcher(app, moment)
            moment += STEP
    finally:
        back.stop()

    arrived = Counter(message["Message-ID"] for message in smtp_server.handler.messages)
    lost = set(queued) - set(arrived)
    twice = {message_id for message_id, n in arrived.items() if n > 1}
    print(  # the figure in docs/reliability.md
        f"\n{len(queued)} messages queued, {refused_runs} dispatcher runs refused while down, "
        f"{len(arrived)} arrived after {runs_after} runs ({runs_after * 5} min), "
        f"{len(lost)} lost, {len(twice)} sent twice"
    )
    assert (lost, twice) == (set(), set())
    assert len(smtp_server.handler.messages) == len(queued) == FIRST_BATCH + 12 * PER_STEP
    assert _statuses(app) == {OutboxStatus.SENT.value: len(queued)}
