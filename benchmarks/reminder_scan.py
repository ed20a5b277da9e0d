"""One reminder scan over 1,000,000 open requests, on SQLite and PostgreSQL, against the raw
indexed query that selects the same due rows, measured in the same run.

Data: 1,000,000 running requests (new / in progress / awaiting information / awaiting
approval) with due dates spread evenly over ten years from 30 days ago; 5 % extended by two
months. Timed (best of 7): the raw union of the two index range scans; `plan_reminders` (the
scan: rows, local-date threshold, keys already queued); a steady-state `send_reminders`
(everything already queued). The first, queueing run is reported too.

Run: .venv/bin/python -m benchmarks.reminder_scan [--requests 1000000] [--backend sqlite]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsar.extensions import db  # noqa: E402
from dsar.jobs.reminders import due_rows, plan_reminders, send_reminders  # noqa: E402
from dsar.requests.models import Request  # noqa: E402
from dsar.requests.workflow import Channel, RequestType, Status  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RUNNING = ["new", "in_progress", "awaiting_information", "awaiting_approval"]


def build(app, n: int) -> None:  # type: ignore[no-untyped-def]
    from dsar.controllers.operations import sync_controllers

    rng = random.Random(6)
    today = NOW.date()
    with app.app_context():
        db.create_all()
        [controller] = sync_controllers(db.session, app.extensions["dsar.registers"], NOW)
        db.session.commit()
        rows = []
        for i in range(n):
            due = today + timedelta(days=-30 + (i * 3650) // n)
            received = datetime(due.year, due.month, 1, 9, tzinfo=UTC) - timedelta(days=30)
            rows.append(
                {
                    "controller_id": controller.id,
                    "type": RequestType.ACCESS,
                    "status": Status(RUNNING[rng.randrange(4)]),
                    "channel": Channel.WEB,
                    "language": "en",
                    "received_at": received,
                    "due_date": due,
                    "extended_due_date": due + timedelta(days=61) if rng.random() < 0.05 else None,
                    "subject_name": "Bench Subject",
                    "details": {},
                    "created_at": received,
                    "updated_at": received,
                }
            )
            if len(rows) == 50_000:
                db.session.execute(insert(Request), rows)
                rows = []
        if rows:
            db.session.execute(insert(Request), rows)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def best(function: Callable[[], object], runs: int = 7) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def measure(app, backend: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(app.config["DSAR_SETTINGS"], dpo_mailbox="dpo@bench.example")
    window = max(settings.reminder_days) + 1
    low, high = NOW.date() - timedelta(days=1), NOW.date() + timedelta(days=window)
    with app.app_context():
        session = db.session
        raw, rows = best(lambda: due_rows(session, low, high))
        scan, planned = best(lambda: plan_reminders(session, settings, NOW))
        start = time.perf_counter()
        first = send_reminders(session, settings, NOW)
        session.commit()
        first_run = time.perf_counter() - start
        steady, again = best(lambda: send_reminders(session, settings, NOW))
        session.rollback()
    figures = {
        "backend": backend,
        "due_rows": len(rows),  # type: ignore[arg-type]
        "reminders": len(planned),  # type: ignore[arg-type]
        "raw_ms": raw * 1000,
        "scan_ms": scan * 1000,
        "ratio": scan / raw,
        "first_run_s": first_run,
        "queued": first.queued,
        "steady_ms": steady * 1000,
        "steady_queued": again.queued,  # type: ignore[attr-defined]
    }
    print(
        f"{backend}: {figures['due_rows']} due rows, {figures['reminders']} reminders; raw indexed "
        f"query {figures['raw_ms']:.1f} ms, scan {figures['scan_ms']:.1f} ms "
        f"({figures['ratio']:.2f}x); first run queueing {first.queued} in {first_run:.2f} s; "
        f"steady-state job {figures['steady_ms']:.1f} ms ({again.queued} queued)"  # type: ignore[attr-defined]
    )
    return figures


def main() -> None:
    from tests.conftest import build_app
    from tests.pg import start_postgres

    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        folder = Path(tempfile.mkdtemp(prefix="dsar-bench-reminders-"))
        server = None
        if backend == "sqlite":
            url = f"sqlite:///{folder / 'bench.sqlite3'}"
        else:
            import psycopg

            server = start_postgres()
            with psycopg.connect(
                server.url("postgres").replace("+psycopg", ""), autocommit=True
            ) as c:
                c.execute("CREATE DATABASE bench")
            url = server.url("bench")
        app = build_app(url, folder / "instance")
        start = time.perf_counter()
        build(app, args.requests)
        print(
            f"{backend}: {args.requests} requests inserted in {time.perf_counter() - start:.0f} s"
        )
        try:
            measure(app, backend)
        finally:
            with app.app_context():
                db.engine.dispose()
            if server is not None:
                server.stop()
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
