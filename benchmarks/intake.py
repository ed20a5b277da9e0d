"""Intake benchmark: the real form POST against a bare two-insert endpoint, under gunicorn.

    .venv/bin/python -m benchmarks.intake [--seconds 15] [--connections 16] [--backends sqlite]

For each database (SQLite in WAL mode, PostgreSQL from tests/pg.py) it serves the real app and
benchmarks/intake_bare.py with gunicorn (2 workers: the machine's 2 cores) and drives each with
wrk on the same machine. The form POST goes through CSRF, validation, the request service, the
audit event, the outbox and one commit; wrk sends a session cookie and the CSRF token fetched
from the form page first. Rate limits are off for the run (DSAR_RATE_LIMITS_ENABLED=false).
Afterwards the rows are counted: every answered POST must have made a request and an outbox row.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pg import free_port, start_postgres  # noqa: E402

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
# What a browser posts for the access form filled in by the subject for themselves: every text
# field and select, empty where nothing was typed (the folded "on behalf of someone else" fields
# too); an unticked box and unchosen radio buttons are not sent. (Files would make it multipart;
# none are attached.)
FORM = {
    "name": "Zoë Müller-Lüdenscheidt",
    "salutation": "",
    "email": "zoe@example.org",
    "language": "de",
    "key_customer_number": "K-100042",
    "message": "Bitte alle Daten.",
    "website": "",
    "relation_note": "",
    "subject_name": "",
    "subject_email": "",
    "subject_address": "",
}


def _prepare(env: dict[str, str]) -> None:
    """Create the schema and the demo controller, as `dsar db upgrade` + sync would."""
    code = (
        "from dsar import create_app; from dsar.extensions import db;"
        "from dsar.controllers.operations import sync_controllers\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    db.create_all(); sync_controllers(db.session, app.extensions['dsar.registers'],"
        " app.extensions['dsar.core.clock'].now()); db.session.commit()\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


@contextmanager
def _gunicorn(module: str, env: dict[str, str]):  # type: ignore[no-untyped-def]
    port = free_port()
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            module,
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310
            break
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP answer (404 on the bare app): it is up
                break
            time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _session_and_token(base: str) -> tuple[str, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/c/demo/request/access?lang=de").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, token


def _wrk(url: str, body: str, cookie: str, seconds: int, connections: int, tmp: Path) -> dict:
    script = tmp / "post.lua"
    lua_body = body.replace("\\", "\\\\").replace('"', '\\"')
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{lua_body}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = "{cookie}"\n'
    )
    out = subprocess.run(
        [
            "/usr/bin/wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    distribution = out.split("Latency Distribution", 1)[1]
    p50 = re.search(r"^\s*50%\s+(\S+)", distribution, re.M).group(1)
    p99 = re.search(r"^\s*99%\s+(\S+)", distribution, re.M).group(1)
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(g) for g in socket.groups()) if socket else 0),
        "p50": p50,
        "p99": p99,
    }


def _rows(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as connection:  # one statement, one snapshot of both tables
        requests, outbox = connection.execute(
            text("SELECT (SELECT count(*) FROM request), (SELECT count(*) FROM outbox_message)")
        ).one()
    engine.dispose()
    return requests, outbox


def _measure(
    name: str, url: str, env: dict[str, str], seconds: int, connections: int, tmp: Path
) -> dict:
    results = {}
    with _gunicorn("benchmarks.intake_wsgi:app", env) as base:
        cookie, token = _session_and_token(base)
        body = urllib.parse.urlencode({**FORM, "csrf_token": token})
        before = _rows(url)
        _wrk(base + "/c/demo/request/access", body, cookie, 2, connections, tmp)  # warm-up
        warm = _rows(url)
        form = _wrk(base + "/c/demo/request/access", body, cookie, seconds, connections, tmp)
        time.sleep(0.5)
        after = _rows(url)
        form["rows"] = (after[0] - warm[0], after[1] - warm[1])
        form["warmup_rows"] = (warm[0] - before[0], warm[1] - before[1])
        results["form"] = form
    with _gunicorn("benchmarks.intake_bare:app", env) as base:
        body = urllib.parse.urlencode(FORM)
        _wrk(base + "/bare", body, "x=1", 2, connections, tmp)
        warm = _rows(url)
        bare = _wrk(base + "/bare", body, "x=1", seconds, connections, tmp)
        time.sleep(0.5)
        after = _rows(url)
        bare["rows"] = (after[0] - warm[0], after[1] - warm[1])
        results["bare"] = bare
    results["ratio"] = results["form"]["rps"] / results["bare"]["rps"]
    _report(name, results, connections)
    return results


def _report(name: str, results: dict, connections: int) -> None:
    print(f"\n## {name} (gunicorn -w {WORKERS}, wrk -t2 -c{connections})")
    print("| endpoint | requests/s | p50 | p99 | answered | errors | request rows | outbox rows |")
    print("|---|---|---|---|---|---|---|---|")
    for key in ("form", "bare"):
        r = results[key]
        print(
            f"| {key} | {r['rps']:.0f} | {r['p50']} | {r['p99']} | {r['requests']} | "
            f"{r['errors']} | {r['rows'][0]} | {r['rows'][1]} |"
        )
    form = results["form"]
    lost = form["requests"] - form["rows"][0]
    print(
        f"ratio form/bare: {results['ratio']:.2f} (target >= 0.20); "
        f"answered form POSTs without a row: {max(lost, 0)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base_env = {
            **os.environ,
            "DSAR_ENV": "development",
            "DSAR_INSTANCE_PATH": str(tmp / "instance"),
            "DSAR_SECRET_KEY": "benchmark-secret-key-0123456789",
            "DSAR_RATE_LIMITS_ENABLED": "false",
            "DSAR_SMTP_HOST": "",
            "PYTHONPATH": str(ROOT),
        }
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{tmp / 'bench.sqlite3'}"
                env = {**base_env, "DSAR_DATABASE_URL": url}
                _prepare(env)
                _measure("SQLite (WAL)", url, env, args.seconds, args.connections, tmp)
            else:
                server = start_postgres()
                try:
                    url = server.url("postgres")
                    env = {**base_env, "DSAR_DATABASE_URL": url}
                    _prepare(env)
                    _measure("PostgreSQL", url, env, args.seconds, args.connections, tmp)
                finally:
                    server.stop()


if __name__ == "__main__":
    main()
