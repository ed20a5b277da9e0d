"""Sending 10,000 queued messages to a local SMTP server (aiosmtpd) with the outbox dispatcher,
as the scheduler runs it (batches of 100, one SMTP connection per batch, a commit per message).

Run: .venv/bin/python -m benchmarks.outbox_send [--messages 10000] [--backend sqlite]
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsar.extensions import db  # noqa: E402
from dsar.outbox.dispatch import dispatch_outbox  # noqa: E402
from dsar.outbox.models import OutboxMessage, OutboxStatus  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.count += 1
        return "250 OK"


def run(backend: str, url: str, folder: Path, n: int) -> float:
    from aiosmtpd.controller import Controller as SMTPController

    from tests.conftest import build_app
    from tests.pg import free_port

    app = build_app(url, folder / "instance")
    handler = Counter()
    smtp = SMTPController(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"], smtp_host="127.0.0.1", smtp_port=smtp.port
    )
    try:
        with app.app_context():
            db.create_all()
            rows = [
                {
                    "idempotency_key": f"bench:{i}",
                    "message_id": f"<bench.{i}@bench.example>",
                    "recipient": f"staff{i % 50}@bench.example",
                    "subject": f"DSAR-2026-{i:06d}: answer due in 7 days (2026-03-09)",
                    "body_text": "Hello,\n\nthe answer to request ... is due.\n" * 5,
                    "body_html": "<p>Hello,</p><p>the answer to request ... is due.</p>" * 5,
                    "language": "en",
                    "headers": {"Auto-Submitted": "auto-generated"},
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "next_attempt_at": NOW,
                    "created_at": NOW,
                }
                for i in range(n)
            ]
            db.session.execute(insert(OutboxMessage), rows)
            db.session.commit()
            session = db.session
            start = time.perf_counter()
            sent = 0
            while True:
                result = dispatch_outbox(session, settings, NOW, after_each=session.commit)
                session.commit()
                if result.sent == 0:
                    break
                sent += result.sent
            elapsed = time.perf_counter() - start
            db.session.remove()
            db.engine.dispose()
    finally:
        smtp.stop()
    assert sent == n == handler.count, (sent, handler.count)
    rate = n / elapsed
    print(f"{backend}: {n} messages sent in {elapsed:.1f} s: {rate:.0f} messages/s")
    return rate


def main() -> None:
    from tests.pg import start_postgres

    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        folder = Path(tempfile.mkdtemp(prefix="dsar-bench-outbox-"))
        if backend == "sqlite":
            run(backend, f"sqlite:///{folder / 'bench.sqlite3'}", folder, args.messages)
            shutil.rmtree(folder, ignore_errors=True)
            continue
        import psycopg

        server = start_postgres()
        try:
            with psycopg.connect(
                server.url("postgres").replace("+psycopg", ""), autocommit=True
            ) as c:
                c.execute("CREATE DATABASE bench")
            run(backend, server.url("bench"), folder, args.messages)
        finally:
            server.stop()
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
