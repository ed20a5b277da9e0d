"""Server time of the staff queue and a request detail page at 100,000 requests and 1,000,000
events, on SQLite and PostgreSQL, against a bare Flask view rendering the same rows from one
raw SQL query. Prints the figures as Markdown for BENCHMARKS.md (--out: also to a file).

Run: .venv/bin/python -m benchmarks.queue [--requests 100000] [--events-per-request 10]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask_login import login_required
from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsar.accounts.models import Role  # noqa: E402
from dsar.controllers.models import Controller  # noqa: E402
from dsar.extensions import db, login_manager  # noqa: E402
from dsar.requests.models import Request, RequestEvent  # noqa: E402
from dsar.requests.workflow import Channel, RequestType, Status  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OPEN = [Status.NEW, Status.IN_PROGRESS, Status.AWAITING_INFORMATION, Status.AWAITING_APPROVAL]
# The same status list, in the same order, as the partial index ix_request_working_due: SQLite
# uses a partial index only for the identical term (the app writes it with status_in()), so the
# list is taken from the app's own statuses, not typed here.
WORKING_SQL = ", ".join(f"'{v}'" for v in sorted(s.value for s in Status if s.clock_running))
BARE_SQL = f"""
SELECT r.id, r.reference, r.type, r.status, r.subject_name, r.subject_email, r.channel,
       r.language, COALESCE(r.extended_due_date, r.due_date) AS due, s.email AS assignee
FROM request r LEFT JOIN staff_user s ON s.id = r.assignee_id
WHERE r.status IN ({WORKING_SQL})
ORDER BY COALESCE(r.extended_due_date, r.due_date), r.id LIMIT 50
"""
BARE_TEMPLATE = """<table>{% for r in rows %}<tr><td><a href="/staff/requests/{{ r.id }}">
{{ r.reference }}</a></td><td>{{ r.type }}</td><td>{{ r.status }}</td><td>{{ r.subject_name }}
<br>{{ r.subject_email }}</td><td>{{ r.channel }} {{ r.language }}</td><td>{{ r.assignee }}</td>
<td>{{ r.due }}</td></tr>{% endfor %}</table>"""


def build(app: Flask, n_requests: int, events_per_request: int) -> tuple[int, int]:
    """Bulk-insert the data set with Core executemany; returns (a staff id, an open request id)."""
    from dsar.controllers.operations import sync_controllers
    from tests.factories import make_staff

    rng = random.Random(5)
    with app.app_context():
        db.create_all()
        sync_controllers(db.session, app.extensions["dsar.registers"], NOW)
        staff = make_staff(db.session, NOW, email="dpo@bench.example", role=Role.DPO)
        agents = [
            make_staff(db.session, NOW, email=f"agent{i}@bench.example", role=Role.AGENT).id
            for i in range(5)
        ]
        controller_id = db.session.execute(select(Controller.id)).scalars().first()
        db.session.commit()
        batch: list[dict] = []
        open_id = 0
        types, channels = list(RequestType), [Channel.WEB, Channel.EMAIL, Channel.POST]
        for i in range(1, n_requests + 1):
            received = NOW - timedelta(days=1095 * (n_requests - i) / n_requests, hours=i % 24)
            is_open = i > n_requests * 0.95  # the newest 5 % are open
            due = (received + timedelta(days=31)).date()
            status = OPEN[i % 4] if is_open else Status.COMPLETED
            batch.append(
                {
                    "id": i,
                    "controller_id": controller_id,
                    "reference": f"DSAR-{received.year}-{i:06d}",
                    "type": types[i % len(types)],
                    "status": status,
                    "channel": channels[i % 3],
                    "language": "de" if i % 3 else "en",
                    "received_at": received,
                    "due_date": due,
                    "extended_due_date": due + timedelta(days=61) if i % 17 == 0 else None,
                    "subject_name": f"Person {rng.randrange(10**6)}",
                    "subject_email": f"p{i}@example.org",
                    "details": {},
                    "assignee_id": agents[i % 5] if i % 3 == 0 else None,
                    "created_at": received,
                    "updated_at": received,
                    "closed_at": None if is_open else received + timedelta(days=20),
                    "version": 1,
                }
            )
            if is_open and not open_id:
                open_id = i
            if len(batch) == 5000:
                db.session.execute(insert(Request), batch)
                batch = []
        if batch:
            db.session.execute(insert(Request), batch)
        db.session.commit()
        events: list[dict] = []
        for i in range(1, n_requests + 1):
            for seq in range(1, events_per_request + 1):
                events.append(
                    {
                        "request_id": i,
                        "seq": seq,
                        "action": "note" if seq > 2 else ("created", "received")[seq - 1],
                        "actor": "bench",
                        "payload": {"text": "synthetic"},
                        "created_at": NOW,
                        "prev_hash": "0" * 64,  # synthetic: the chain is not what is measured
                        "hash": f"{i:032d}{seq:032d}",
                    }
                )
            if len(events) >= 50_000:
                db.session.execute(insert(RequestEvent), events)
                events = []
        if events:
            db.session.execute(insert(RequestEvent), events)
        db.session.commit()
        db.session.commit()
        # Fresh statistics for both planners, and on PostgreSQL a vacuum too: right after a bulk
        # load the visibility map is empty, so index-only scans (the counts) would visit the
        # heap until autovacuum comes by. A running install is in that vacuumed state.
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.execute(text("VACUUM ANALYZE"))
        else:  # SQLite's ANALYZE writes sqlite_stat1 inside a transaction: commit it
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        return staff.id, open_id


def signed_in_client(app: Flask, user_id: int):  # type: ignore[no-untyped-def]
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as sess:
        # StaffUser.get_id(): the id and the session epoch (0 for a new account).
        sess.update({"_user_id": f"{user_id}.0", "_fresh": True, "_id": identifier})
        # signed in now (dsar/web/staff/session_life.py ends a session without these)
        sess["signed_in_at"] = sess["seen_at"] = int(time.time())
    return client


def measure(client, urls: dict[str, str], iterations: int) -> dict[str, tuple[float, float]]:  # type: ignore[no-untyped-def]
    """p50 and p95 per page, the pages taken in turn: a slow spell of the machine (other
    processes, PostgreSQL's background work) then falls on every page alike, not on one."""
    for url in urls.values():
        for _ in range(10):
            assert client.get(url).status_code == 200, url
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(iterations):
        for name, url in urls.items():
            start = time.perf_counter()
            response = client.get(url)
            times[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    result = {}
    for name, taken in times.items():
        taken.sort()
        result[name] = (statistics.median(taken), taken[int(len(taken) * 0.95) - 1])
    return result


def count_plan(app: Flask) -> str:
    """The plan of the queue's count per open status: it must read the partial index on open
    requests, not the table."""
    from dsar.requests.models import OPEN

    with app.app_context():
        where = str(OPEN.compile(dialect=db.engine.dialect))
        sql = f"SELECT status, count(*) FROM request WHERE {where} GROUP BY status"
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            rows = db.session.execute(text("EXPLAIN QUERY PLAN " + sql)).all()
            return " / ".join(str(r[-1]) for r in rows)
        rows = db.session.execute(text("EXPLAIN " + sql)).all()
        return " / ".join(r[0].strip() for r in rows)


def run(backend: str, url: str, instance: Path, args: argparse.Namespace) -> dict[str, object]:
    from tests.conftest import build_app

    app = build_app(url, instance)
    template = app.jinja_env.from_string(BARE_TEMPLATE)  # compiled once, like a template file

    @app.get("/bench/bare")
    def bare():  # type: ignore[no-untyped-def]
        rows = db.session.execute(text(BARE_SQL)).mappings().all()
        return template.render(rows=rows)

    @app.get("/bench/bare-signed-in")
    @login_required
    def bare_signed_in():  # type: ignore[no-untyped-def]
        """The same, behind the login check that no staff page can skip (loads the user)."""
        rows = db.session.execute(text(BARE_SQL)).mappings().all()
        return template.render(rows=rows)

    started = time.perf_counter()
    staff_id, open_id = build(app, args.requests, args.events_per_request)
    build_seconds = time.perf_counter() - started
    from dsar.core.clock import FixedClock

    app.extensions["dsar.core.clock"] = FixedClock(NOW)
    # No app context around the client: each request gets its own, as under a WSGI server,
    # so nothing (the signed-in user, say) stays cached in the session between requests.
    client = signed_in_client(app, staff_id)
    pages = {
        "queue": "/staff/queue",
        "detail": f"/staff/requests/{open_id}",
        "bare": "/bench/bare",
        "bare_signed_in": "/bench/bare-signed-in",
        # Issue 21's search (any part of a reference, name or e-mail: ILIKE '%term%'): part of
        # an e-mail among the open requests, and part of a reference among all 100,000.
        "search": "/staff/queue?q=p9999",
        "search_all": "/staff/queue?status=all&q=00412",
    }
    result: dict[str, object] = {"backend": backend, "build_seconds": build_seconds}
    result.update(measure(client, pages, args.iterations))
    result["plan"] = count_plan(app)
    with app.app_context():
        db.engine.dispose()
    return result


PAGES = ("queue", "detail", "bare", "bare_signed_in", "search", "search_all")


def report(results: list[dict[str, object]], args: argparse.Namespace) -> str:
    lines = [
        "# Staff workspace benchmark",
        "",
        f"Data: {args.requests:,} requests (5 % open), "
        f"{args.requests * args.events_per_request:,} events; {args.iterations} timed requests "
        "per page through the Flask test client in-process (server time, no network), the "
        "pages taken in turn. "
        f"Generated by `benchmarks/queue.py` on {date.today().isoformat()}.",
        "",
        "| backend | page | p50 ms | p95 ms | p95 / bare | p95 / bare signed in | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        bare_p95 = r["bare"][1]  # type: ignore[index]
        signed_p95 = r["bare_signed_in"][1]  # type: ignore[index]
        for page in PAGES:
            if page not in r:
                continue
            p50, p95 = r[page]  # type: ignore[misc]
            ratio, signed = p95 / bare_p95, p95 / signed_p95
            ok = ""
            if page in ("queue", "detail"):
                ok = "absolute met" if p95 <= 25 else "absolute MISSED"
                ok += ", 3x bare " + ("met" if ratio <= 3 else "MISSED")
                ok += ", 3x signed-in " + ("met" if signed <= 3 else "MISSED")
            lines.append(
                f"| {r['backend']} | {page} | {p50:.1f} | {p95:.1f} | {ratio:.2f} | {signed:.2f}"
                f" | {ok} |"
            )
    lines += [
        "",
        "Targets: p95 at most 25 ms and at most 3x the bare view's p95 (queue and detail; the"
        " searches are measured for information).",
        "",
    ]
    lines += [
        "The counts per open status are a GROUP BY on the partial index of open requests;"
        " its plan (must use that index, not the table):",
        "",
    ]
    lines += [f"- {r['backend']}: `{r['plan']}`" for r in results]
    lines += ["", "Build time of the data set (Core executemany in batches):", ""]
    lines += [f"- {r['backend']}: {r['build_seconds']:.0f} s" for r in results]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--events-per-request", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--out", default="", help="also write the Markdown report to this file")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            instance = Path(tmp) / backend
            instance.mkdir()
            if backend == "sqlite":
                results.append(run(backend, f"sqlite:///{instance / 'bench.db'}", instance, args))
            else:
                from tests.pg import start_postgres

                server = start_postgres()
                try:
                    results.append(run(backend, server.url("postgres"), instance, args))
                finally:
                    server.stop()
            print(results[-1], flush=True)
    text_out = report(results, args)
    if args.out:
        Path(args.out).write_text(text_out)
    print(text_out)


if __name__ == "__main__":
    main()
