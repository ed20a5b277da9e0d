"""Portability: only provided data in consent/contract activities; direct transmission."""

from __future__ import annotations

import dataclasses
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from dsar.files.storage import FileStore
from dsar.fulfilment.models import ExportKind, TransmissionStatus
from dsar.fulfilment.portability import (
    TransmissionError,
    checked_target,
    queue_transmission,
    transmit_export,
)
from dsar.jobs.transmissions import TransmissionRun, send_transmissions
from dsar.requests.models import RequestEvent
from tests.factories import make_staff
from tests.fulfilment.test_export import _build, _prepared
from tests.staff.conftest import StaffClient, login_as


def test_portability_keeps_only_provided_data_on_consent_or_contract(
    app, session, now, verified_request
):
    request = verified_request()
    _built, archive = _build(
        app,
        session,
        now,
        request,
        _prepared(app, session, now, request),
        kind=ExportKind.PORTABILITY,
    )

    data = json.loads(archive.read("data.json"))
    parts = {p["name"]: [c["name"] for c in p["columns"]] for p in data["sources"][0]["parts"]}
    assert parts == {
        "customers": [
            "customer_number",  # the table's key: kept so that each row can be told apart
            "email",
            "first_name",
            "last_name",
            "street",
            "postcode",
            "city",
            "phone",
            "birth_date",
        ],
        "orders": ["id", "shipping_address"],
        "newsletter_subscriptions": ["id", "email"],
        "support_tickets": ["id", "subject", "body"],
    }  # contact_messages and web_logs are on legitimate interests (6.1.f): not portable
    assert data["kind"] == "portability" and data["manual_sources"] == []
    orders = archive.read("shop_db/orders.csv").decode().splitlines()
    assert orders[0] == "Order number,Delivery address"
    assert len(set(orders[1:])) == len(orders) - 1 > 1  # each order its own line, by number


class _Receiver(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receiver.received.append(body)
        self.send_response(202)
        self.end_headers()
        self.wfile.write(b'{"accepted": true}')

    def log_message(self, *args: object) -> None:
        return None


def test_transmission_posts_the_zip_and_records_the_answer(app, session, now, verified_request):
    request, export, data = _portability_export(app, session, now, verified_request)
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/import"
        result = transmit_export(
            session,
            request,
            export,
            data,
            url=url,
            actor="dana@example.org",
            now=now,
            allow_local_http=True,
            allow_private=True,  # 127.0.0.1 is internal: refused without the setting
        )
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()

    assert result.status == 202 and result.answer == '{"accepted": true}'
    assert zipfile.ZipFile(io.BytesIO(_Receiver.received[-1])).read("data.json")
    event = (
        session.execute(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.seq.desc())
        )
        .scalars()
        .first()
    )
    assert event.action == "transmit_export"
    assert event.payload == {
        "export": export.id,
        "url": url,
        "status": 202,
        "answer": '{"accepted": true}',
    }


@pytest.mark.parametrize(
    ("url", "allow"),
    [
        ("http://127.0.0.1:9/x", False),  # plain HTTP needs the setting
        ("ftp://example.org/x", True),
    ],
)
def test_only_https_destinations(url, allow):
    # The scheme rule is dsar.core.outbound.require_https (tests/core/test_outbound.py).
    with pytest.raises(TransmissionError, match="is not an https:// address"):
        checked_target(url, allow_local_http=allow, allow_private=True)


def _portability_export(app, session, now, verified_request):  # type: ignore[no-untyped-def]
    request = verified_request()
    built, _archive = _build(
        app,
        session,
        now,
        request,
        _prepared(app, session, now, request),
        kind=ExportKind.PORTABILITY,
    )
    data = FileStore.from_settings(app.config["DSAR_SETTINGS"]).read(built.export.file)
    return request, built.export, data


def _last_event(session, request):  # type: ignore[no-untyped-def]
    return (
        session.execute(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.seq.desc())
        )
        .scalars()
        .first()
    )


@pytest.fixture
def receiver() -> Iterator[HTTPServer]:
    """A receiving controller on 127.0.0.1 that accepts with 202."""
    _Receiver.received.clear()
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(5)
    server.server_close()


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.1/import",
        "https://192.168.178.1/import",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:172.16.0.9]/import",
        "https://[fd00::5]:8443/import",
        "https://127.0.0.1/import",
    ],
)
def test_internal_addresses_are_refused_before_any_connection_and_audited(
    app,
    session,
    now,
    verified_request,
    connections,
    url,
):
    request, export, data = _portability_export(app, session, now, verified_request)

    with pytest.raises(TransmissionError, match="address: refused"):
        transmit_export(session, request, export, data, url=url, actor="dana@example.org", now=now)

    assert connections == []
    event = _last_event(session, request)
    assert event.action == "transmit_export" and event.payload["url"] == url
    assert "address: refused" in event.payload["error"] and "status" not in event.payload


def test_local_http_alone_does_not_open_loopback(
    app,
    session,
    now,
    verified_request,
    receiver,
    connections,
):
    request, export, data = _portability_export(app, session, now, verified_request)
    url = f"http://127.0.0.1:{receiver.server_port}/import"

    with pytest.raises(TransmissionError, match="127.0.0.1 is a loopback address: refused"):
        transmit_export(
            session,
            request,
            export,
            data,
            url=url,
            actor="dana@example.org",
            now=now,
            allow_local_http=True,
        )
    assert connections == [] and _Receiver.received == []


class _Redirect(BaseHTTPRequestHandler):
    location = ""

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(307)
        self.send_header("Location", _Redirect.location)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


def test_a_redirect_is_not_followed(
    app,
    session,
    now,
    verified_request,
    receiver,
    connections,
):
    request, export, data = _portability_export(app, session, now, verified_request)
    _Redirect.location = f"http://127.0.0.1:{receiver.server_port}/elsewhere"
    redirecting = HTTPServer(("127.0.0.1", 0), _Redirect)
    thread = threading.Thread(target=redirecting.serve_forever, daemon=True)
    thread.start()
    try:
        result = transmit_export(
            session,
            request,
            export,
            data,
            url=f"http://127.0.0.1:{redirecting.server_port}/import",
            actor="dana@example.org",
            now=now,
            allow_local_http=True,
            allow_private=True,
        )
    finally:
        redirecting.shutdown()
        thread.join(5)
        redirecting.server_close()

    assert result.status == 307
    assert _Receiver.received == []
    assert connections == [("127.0.0.1", redirecting.server_port)]
    assert _last_event(session, request).payload["status"] == 307


def _staff_client(app, session, now):  # type: ignore[no-untyped-def]
    user = make_staff(session, now)
    return login_as(app, StaffClient(app, app.response_class, use_cookies=True), user)


def test_the_staff_page_refuses_an_internal_address_by_default(
    app,
    session,
    now,
    verified_request,
    connections,
    monkeypatch,
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    request, export, _data = _portability_export(app, session, now, verified_request)
    client = _staff_client(app, session, now)

    page = client.post(
        f"/staff/requests/{request.id}/data/exports/{export.id}/transmit",
        data={"url": "https://10.20.30.40/import"},
        follow_redirects=True,
    )

    assert "10.20.30.40 is a private address: refused" in page.get_data(as_text=True)
    assert connections == []
    assert _last_event(session, request).payload["error"].startswith("10.20.30.40 is a private")


def test_the_setting_lets_the_staff_page_reach_a_local_receiver(
    app,
    session,
    now,
    verified_request,
    receiver,
    connections,
    monkeypatch,
):
    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"], transmit_allow_local_http=True, transmit_allow_private=True
    )
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", settings)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    request, export, data = _portability_export(app, session, now, verified_request)
    client = _staff_client(app, session, now)

    page = client.post(
        f"/staff/requests/{request.id}/data/exports/{export.id}/transmit",
        data={"url": f"http://127.0.0.1:{receiver.server_port}/import"},
        follow_redirects=True,
    )

    # Queued in the staff request's transaction; nothing is sent before its commit.
    assert "Queued: dsar sends it within a minute" in page.get_data(as_text=True)
    assert _Receiver.received == [] and connections == []
    assert "not sent yet" in page.get_data(as_text=True)

    assert send_transmissions(session, settings, now) == TransmissionRun(sent=1, failed=0)
    assert _Receiver.received == [data]
    assert connections == [("127.0.0.1", receiver.server_port)]
    page = client.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert "the receiver answered 202" in page
    assert send_transmissions(session, settings, now) == TransmissionRun()  # sent once only


def test_the_job_fails_a_transmission_whose_export_was_revoked_meanwhile(
    app, session, now, verified_request, connections
):
    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"], transmit_allow_local_http=True, transmit_allow_private=True
    )
    request, export, _data = _portability_export(app, session, now, verified_request)
    queued = queue_transmission(
        session,
        request,
        export,
        url="http://127.0.0.1:9/import",
        actor="dana@example.org",
        now=now,
        allow_local_http=True,
        allow_private=True,
    )
    export.revoked_at = now

    assert send_transmissions(session, settings, now) == TransmissionRun(sent=0, failed=1)
    assert queued.status is TransmissionStatus.FAILED and "revoked" in (queued.answer or "")
    assert connections == []
    event = _last_event(session, request)
    assert event.action == "transmit_export" and "revoked" in event.payload["error"]


def test_the_job_fails_and_audits_a_transmission_whose_file_is_gone(
    app, session, now, verified_request, connections
):
    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"], transmit_allow_local_http=True, transmit_allow_private=True
    )
    request, export, _data = _portability_export(app, session, now, verified_request)
    queued = queue_transmission(
        session,
        request,
        export,
        url="http://127.0.0.1:9/import",
        actor="dana@example.org",
        now=now,
        allow_local_http=True,
        allow_private=True,
    )
    (FileStore.from_settings(settings).root / export.file.storage_path).unlink()

    assert send_transmissions(session, settings, now) == TransmissionRun(sent=0, failed=1)
    assert queued.status is TransmissionStatus.FAILED and connections == []
    event = _last_event(session, request)
    assert event.action == "transmit_export" and event.payload["error"] == queued.answer


def test_a_replaced_or_revoked_export_is_not_sent(app, session, now, verified_request):
    request, export, _data = _portability_export(app, session, now, verified_request)
    export.revoked_at = now
    with pytest.raises(TransmissionError, match="replaced or revoked"):
        transmit_export(
            session,
            request,
            export,
            b"zip",
            url="http://127.0.0.1:9/import",  # nothing listens: no connection is tried
            actor="dana@example.org",
            now=now,
            allow_local_http=True,
            allow_private=True,
        )
