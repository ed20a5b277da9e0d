"""Every response carries the security headers: pages, error pages, a 500; HSTS only on https."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsar.extensions import db
from dsar.web.headers import CONTENT_SECURITY_POLICY
from tests.conftest import build_app, make_database_url


@pytest.fixture
def headers_app(backend: str, request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    made = []

    def make(**overrides: object):  # type: ignore[no-untyped-def]
        app = build_app(make_database_url(request, backend, tmp_path), tmp_path, **overrides)
        made.append(app)

        @app.get("/probe/fails")
        def fails():  # type: ignore[no-untyped-def]
            raise RuntimeError("a bug")

        app.config["PROPAGATE_EXCEPTIONS"] = False  # answer with the 500 page, as in production
        with app.app_context():
            db.create_all()
        return app

    yield make
    for app in made:  # close the pool's connections (PostgreSQL would warn of them later)
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/staff/login", 200),
        ("/staff/queue", 302),  # anonymous: to the login
        ("/no/such/page", 404),
        ("/probe/fails", 500),
    ],
)
def test_every_response_carries_the_headers(headers_app, path: str, status: int) -> None:  # type: ignore[no-untyped-def]
    response = headers_app().test_client().get(path)

    assert response.status_code == status
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # http base URL


def test_hsts_with_an_https_base_url(headers_app) -> None:  # type: ignore[no-untyped-def]
    app = headers_app(base_url="https://dsar.example.org")

    response = app.test_client().get("/staff/login")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
