"""Behind a reverse proxy (DSAR_TRUSTED_PROXIES): the rate limits count each client apart, and
without the setting a forged X-Forwarded-For changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from dsar.extensions import limiter
from dsar.web.proxies import trust_proxies
from tests.intake.conftest import form_data

PROXY = "10.0.0.1"  # every request reaches dsar from the proxy's address


@pytest.fixture(autouse=True)
def _fresh_limits(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    limiter.reset()
    yield


@pytest.fixture
def behind_one_proxy(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The test app as create_app makes it with DSAR_TRUSTED_PROXIES=1."""
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # put back afterwards
    trust_proxies(app, 1)
    return app


def _post(client, subject: str, n: int, forwarded_for: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/c/demo/request/access",
        data=form_data(email=f"s{n}@example.org"),
        environ_base={"REMOTE_ADDR": PROXY},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_the_setting_wraps_the_app_only_when_given(app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    original = app.wsgi_app
    trust_proxies(app, 0)
    assert app.wsgi_app is original
    trust_proxies(app, 2)
    assert isinstance(app.wsgi_app, ProxyFix) and app.wsgi_app.x_for == 2


def test_behind_a_proxy_two_subjects_do_not_share_a_limit(
    behind_one_proxy, session, controller
) -> None:  # type: ignore[no-untyped-def]
    client = behind_one_proxy.test_client()
    for n in range(10):  # the per-address limit: 10 posts an hour
        assert _post(client, "first", n, "203.0.113.5").status_code == 302
    assert _post(client, "first", 10, "203.0.113.5").status_code == 429
    assert _post(client, "second", 11, "198.51.100.7").status_code == 302
    # A client cannot escape by sending a header of its own: the proxy appends the real peer,
    # and only the last (one trusted proxy) address counts.
    assert _post(client, "first", 12, "192.0.2.1, 203.0.113.5").status_code == 429


def test_without_the_setting_the_header_is_ignored(app: Flask, session, controller) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    for n in range(10):  # a different forged header each time: all count against the peer
        assert _post(client, "spoofer", n, f"192.0.2.{n + 1}").status_code == 302
    assert _post(client, "spoofer", 10, "192.0.2.200").status_code == 429
