"""The app factory, its pages and the `dsar` command group."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from dsar.accounts.models import StaffEvent
from dsar.config import ConfigError
from tests.conftest import build_app


def test_root_redirects_to_the_only_controller(client, controller) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/{controller.slug}/")
    page = client.get(f"/c/{controller.slug}/")
    assert page.status_code == 200
    assert controller.name in page.get_data(as_text=True)


def test_unknown_page_gets_a_readable_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/c/nobody/")
    assert response.status_code == 404
    assert "There is no such organisation here." in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_health(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_staff_pages_need_a_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_login_with_demo_style_account(app, client, session, now) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import PASSWORD, make_staff

    app.config["WTF_CSRF_ENABLED"] = False
    try:
        make_staff(session, now)
        session.commit()
        wrong = client.post("/staff/login", data={"email": "dana@example.org", "password": "nope"})
        assert "E-mail or password is wrong." in wrong.get_data(as_text=True)
        right = client.post(
            "/staff/login", data={"email": "Dana@Example.org", "password": PASSWORD}
        )
        assert right.status_code == 302
        assert client.get("/staff/").status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def test_login_form_without_csrf_token_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/staff/login", data={"email": "a@b.c", "password": "x"})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)


def test_bad_register_path_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DSAR_REGISTER"):
        build_app("sqlite://", tmp_path, register=str(tmp_path / "missing.yaml"))


def test_create_staff_command(runner, session) -> None:  # type: ignore[no-untyped-def]
    result = runner(["create-staff", "New@Example.org", "--role", "dpo"])
    assert result.exit_code == 0, result.output
    assert "created dpo new@example.org" in result.output
    assert "password: " in result.output
    again = runner(["create-staff", "new@example.org"])
    assert again.exit_code == 2 and "already exists" in again.output
    events = session.execute(select(StaffEvent)).scalars().all()
    assert [(e.action, e.actor, e.subject) for e in events] == [
        ("account_created", "cli", "new@example.org")
    ]


def test_dsar_help_lists_the_commands(tmp_path: Path) -> None:
    env = {"DSAR_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "dsar", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for command in (
        "run",
        "dev",
        "scheduler",
        "db",
        "create-staff",
        "deadline",
        "register",
        "audit",
        "demo",
        "controllers",
        "mail-sink",
    ):
        assert f"  {command} " in result.stdout or f"  {command}\n" in result.stdout, command


def test_bad_setting_stops_the_cli_with_one_line(tmp_path: Path) -> None:
    env = {"DSAR_INSTANCE_PATH": str(tmp_path), "DSAR_SMTP_PORT": "smtp", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "dsar", "controllers", "sync"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "error: DSAR_SMTP_PORT='smtp' is not a whole number"


def test_a_command_before_migrations_says_what_to_run(tmp_path: Path) -> None:
    env = {"DSAR_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "dsar", "controllers", "sync"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: the database has no dsar tables yet: run `dsar db upgrade` first"
    )


def test_a_postgresql_connection_closed_while_pooled_is_replaced(  # type: ignore[no-untyped-def]
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """pool_pre_ping: a request after a database restart gets a live connection, not an error."""
    if "postgresql" not in request.config.getoption("--db").split(","):
        pytest.skip("PostgreSQL not selected with --db")
    import psycopg
    from sqlalchemy import text

    from dsar.extensions import db
    from tests.conftest import make_database_url

    url = make_database_url(request, "postgresql", tmp_path)
    app = build_app(url, tmp_path)
    pid = "SELECT pg_backend_pid()"
    with app.app_context():
        first = db.session.execute(text(pid)).scalar()
        db.session.remove()  # the connection goes back to the pool
        with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
            # pg_terminate_backend only signals: wait (bounded) until the backend is gone.
            for _ in range(200):
                gone = admin.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (first,)
                ).fetchone()
                if gone is not None and gone[0] == 0:
                    break
                time.sleep(0.01)
        assert db.session.execute(text(pid)).scalar() != first
        db.session.remove()
        db.engine.dispose()
