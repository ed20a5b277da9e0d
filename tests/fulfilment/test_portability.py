"""Portability: only provided data in consent/contract activities; direct transmission."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from dsar.fulfilment.portability import TransmissionError, check_destination, transmit_export
from dsar.models import ExportKind, RequestEvent
from dsar.storage import FileStore
from tests.fulfilment.test_export import _build, _prepared


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
            "email",
            "first_name",
            "last_name",
            "street",
            "postcode",
            "city",
            "phone",
            "birth_date",
        ],
        "orders": ["shipping_address"],
        "newsletter_subscriptions": ["email"],
        "support_tickets": ["subject", "body"],
    }  # contact_messages and web_logs are on legitimate interests (6.1.f): not portable
    assert data["kind"] == "portability" and data["manual_sources"] == []
    assert archive.read("shop_db/orders.csv").decode().splitlines()[0] == "shipping_address"


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
    request = verified_request()
    built, _archive = _build(
        app,
        session,
        now,
        request,
        _prepared(app, session, now, request),
        kind=ExportKind.PORTABILITY,
    )
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    data = FileStore.from_settings(app.config["DSAR_SETTINGS"]).read(built.export.file)
    try:
        url = f"http://127.0.0.1:{server.server_port}/import"
        result = transmit_export(
            session,
            request,
            built.export,
            data,
            url=url,
            actor="dana@example.org",
            now=now,
            allow_local_http=True,
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
        "export": built.export.id,
        "url": url,
        "status": 202,
        "answer": '{"accepted": true}',
    }


@pytest.mark.parametrize(
    ("url", "allow"),
    [
        ("http://127.0.0.1:9/x", False),  # plain HTTP needs the setting
        ("http://example.org/x", True),  # and even then only to the loopback address
        ("ftp://example.org/x", True),
        ("https:///nohost", False),
    ],
)
def test_only_https_destinations(url, allow):
    with pytest.raises(TransmissionError, match="is not an https:// address"):
        check_destination(url, allow_local_http=allow)


def test_https_destination_is_accepted():
    check_destination("https://new-controller.example/import", allow_local_http=False)
