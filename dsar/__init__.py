"""dsar: GDPR data-subject-rights requests, end to end.

`create_app()` is the only place where configuration, extensions, blueprints, error pages
and the processing registers come together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from dsar.config import ConfigError, Settings, load_settings
from dsar.core.clock import SystemClock
from dsar.core.paths import MIGRATIONS_DIR, TEMPLATES_DIR
from dsar.core.signing import APP_KEY as SIGNER_KEY
from dsar.core.signing import Signer
from dsar.web.proxies import trust_proxies
from dsar.web.transaction import TransactionalFlask


def create_app(
    overrides: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None
) -> Flask:
    """Build the app from DSAR_* settings; `overrides` replace single settings (tests)."""
    settings = load_settings(environ, **dict(overrides or {}))
    app = TransactionalFlask(
        __name__,
        template_folder=str(TEMPLATES_DIR),
        instance_path=str(settings.instance_path),
    )
    _configure(app, settings)
    app.extensions["dsar.core.clock"] = SystemClock()  # tests and `--now` put a FixedClock here
    app.extensions["dsar.audit_key"] = settings.audit_key.encode()  # dsar/audit/keys.py
    app.extensions[SIGNER_KEY] = Signer.from_seed(settings.signing_key)  # dsar/core/signing.py
    _register_extensions(app)
    trust_proxies(app, settings.trusted_proxies)
    _register_blueprints(app)
    _register_error_pages(app)
    _load_registers(app, settings)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    app.config.update(
        DSAR_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings.database_url),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        REMEMBER_COOKIE_SECURE=settings.is_production,
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,
        RATELIMIT_STORAGE_URI=settings.rate_limit_storage,
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_ENABLED=settings.rate_limits_enabled,
        BABEL_DEFAULT_LOCALE="en",
        TESTING=settings.env == "testing",
    )


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # A writer waits for the lock instead of failing at once (web app + scheduler).
        return {"connect_args": {"timeout": 15}}
    # PostgreSQL: a pooled connection is tested before use; one the server closed (a restart at
    # night) is replaced instead of failing the request.
    return {"pool_pre_ping": True}


def _register_extensions(app: Flask) -> None:
    from sqlalchemy import event

    from dsar.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    from dsar.web.staff.language import select_locale

    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.session_protection = "strong"

    from dsar.web.staff.auth import load_user

    login_manager.user_loader(load_user)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
            from dsar.core.write_lock import sqlite_begin

            event.listen(db.engine, "begin", sqlite_begin)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy's recipe takes over:
    # no implicit BEGIN from the driver, an explicit one from the "begin" event
    # (dsar/core/write_lock.py: IMMEDIATE for requests that must become the writer).
    dbapi_connection.isolation_level = None
    # WAL lets the web app read while the scheduler writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _register_blueprints(app: Flask) -> None:
    from dsar.web.converters import BoundedIntegerConverter

    app.url_map.converters["int"] = BoundedIntegerConverter  # before any rule is added
    from dsar.web import page_words
    from dsar.web.intake import bp as intake_bp
    from dsar.web.staff import bp as staff_bp

    page_words.init_app(app)
    app.register_blueprint(intake_bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")

    from dsar.web.downloads import bp as downloads_bp

    app.register_blueprint(downloads_bp)
    _register_api(app)


def _register_api(app: Flask) -> None:
    """/api/v1: keys instead of cookies, so no CSRF token; a rate limit per key."""
    from dsar.extensions import csrf, limiter
    from dsar.web.api import bp as api_bp
    from dsar.web.api.auth import rate_limit_key

    csrf.exempt(api_bp)
    limiter.shared_limit("300 per minute", scope="api", key_func=rate_limit_key)(api_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def _register_error_pages(app: Flask) -> None:
    from dsar.web.errors import register_error_pages
    from dsar.web.headers import install_security_headers

    register_error_pages(app)
    settings: Settings = app.config["DSAR_SETTINGS"]
    install_security_headers(app, https=settings.base_url.startswith("https://"))


def _load_registers(app: Flask, settings: Settings) -> None:
    """Validate every processing register now: an invalid one stops start-up with its field."""
    from flask import current_app

    from dsar.changes.executors import register_erasure_executors
    from dsar.controllers.operations import load_configured_registers

    app.extensions["dsar.registers"] = load_configured_registers(settings)
    # The retention job deletes kept rows through these when their period ends: the registers
    # of the app the job runs in (several apps in one process each keep their own).
    register_erasure_executors(lambda: current_app.extensions["dsar.registers"])


__all__ = ["ConfigError", "create_app"]
