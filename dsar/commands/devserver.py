"""The README's run command: one process tree with web app, scheduler and mail sink."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from collections.abc import Callable

from flask import Flask
from werkzeug.serving import run_simple

from dsar.extensions import db


def migrate_database(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def prepare_demo(app: Flask, *, only_if_empty: bool, echo: Callable[[str], object]) -> None:
    """Sync controllers from the registers and, if asked and the DB is empty, load the demo."""
    from dsar.controllers.operations import sync_controllers
    from dsar.demo.data import database_is_empty, load_demo
    from dsar.demo.shop import ensure_shop

    if ensure_shop(app.config["DSAR_SETTINGS"].instance_path) is not None:
        echo("demo shop database generated in the instance folder")
    now = app.extensions["dsar.core.clock"].now()
    with app.app_context():
        controllers = sync_controllers(db.session(), app.extensions["dsar.registers"], now)
        if only_if_empty and not database_is_empty(db.session()):
            db.session.commit()
            echo("database already has data: demo not loaded")
            return
        result = load_demo(db.session(), controllers[0], now)
        name = controllers[0].name
        db.session.commit()
    echo(f"demo loaded: {result.requests} requests for {name}")
    for email in result.staff:
        echo(f"  staff login: {email}  password: {result.password}")


def _stop_on_sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _say(text: str) -> None:
    print(text, flush=True)  # seen at once when the output goes to a file or a pipe


def run_development(app: Flask, *, host: str, port: int, mail_port: int) -> None:
    """Migrate, load the demo when empty, then run mail sink, scheduler and web app together."""
    from dsar.outbox.devmail import start_mail_sink

    settings = app.config["DSAR_SETTINGS"]
    if not os.environ.get("DSAR_BASE_URL"):  # links in e-mails point where this server listens
        settings = dataclasses.replace(settings, base_url=f"http://{host}:{port}")
        app.config["DSAR_SETTINGS"] = settings
    migrate_database(app)
    prepare_demo(app, only_if_empty=True, echo=_say)
    sink = start_mail_sink(settings.instance_path / "mail", mail_port)
    env = {
        **os.environ,
        "DSAR_SMTP_HOST": "127.0.0.1",
        "DSAR_SMTP_PORT": str(mail_port),
        "DSAR_SMTP_STARTTLS": "false",
        "DSAR_SMTP_SSL": "false",
        "DSAR_INSTANCE_PATH": str(settings.instance_path),
        "DSAR_BASE_URL": settings.base_url,
    }
    scheduler = subprocess.Popen([sys.executable, "-m", "dsar", "scheduler"], env=env)  # noqa: S603
    # SIGTERM (systemd, docker stop, timeout) ends the server like Ctrl-C does, through the
    # `finally` below: by default Python dies at once and the scheduler would run on.
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    print(f"mail sink: 127.0.0.1:{mail_port}, messages as .eml in {sink.folder}")
    print(f"staff workspace: http://{host}:{port}/staff/  (outgoing mail: /staff/mail)")
    try:
        # werkzeug directly: Flask ignores app.run() inside its own CLI.
        run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=10)
        sink.stop()
