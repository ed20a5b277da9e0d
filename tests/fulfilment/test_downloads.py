"""The subject's download link: expiry, password, audit, CSRF."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from sqlalchemy import select

from dsar.core.clock import FixedClock
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import RequestEvent
from tests.fulfilment.test_export import _build, _prepared


def _export(app, session, now, verified_request, **options):  # type: ignore[no-untyped-def]
    request = verified_request()
    built, _archive = _build(
        app, session, now, request, _prepared(app, session, now, request), **options
    )
    session.commit()
    return request, built


def test_download_returns_the_zip_and_is_audited(
    app, client, session, now, verified_request, monkeypatch
):
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now + timedelta(days=1)))
    request, built = _export(app, session, now, verified_request)

    response = client.get(f"/c/demo/download/{built.token}")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={built.export.file.filename}"
    )
    assert "data.json" in zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    event = (
        session.execute(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.seq.desc())
        )
        .scalars()
        .first()
    )
    assert (event.action, event.actor, event.payload["count"]) == ("download_export", "subject", 1)


def test_expired_or_wrong_link_is_refused(app, client, session, now, verified_request, monkeypatch):
    _request, built = _export(app, session, now, verified_request)

    assert client.get("/c/demo/download/not-a-token").status_code == 404
    assert client.get(f"/c/other/download/{built.token}").status_code == 404
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now + timedelta(days=14)))
    response = client.get(f"/c/demo/download/{built.token}")
    assert response.status_code == 404
    assert b"This download link has expired" in response.data


def test_password_protected_download(app, client, session, now, verified_request, monkeypatch):
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    _request, built = _export(app, session, now, verified_request, with_password=True)
    url = f"/c/demo/download/{built.token}"

    assert b"protected by a password" in client.get(url).data
    assert client.post(url, data={"password": "wrong"}).status_code == 403
    response = client.post(url, data={"password": built.password})
    assert response.status_code == 200 and response.mimetype == "application/zip"


def test_password_form_needs_csrf_token(app, client, session, now, verified_request, monkeypatch):
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now))
    _request, built = _export(app, session, now, verified_request, with_password=True)

    response = client.post(f"/c/demo/download/{built.token}", data={"password": built.password})
    assert response.status_code != 200 or response.mimetype != "application/zip"


def test_staff_export_mails_the_link_without_the_password(
    app, client, session, now, verified_request, monkeypatch
):
    from tests.factories import PASSWORD, make_staff

    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    request = verified_request()
    _prepared(app, session, now, request)
    make_staff(session, now)
    session.commit()
    client.post("/staff/login", data={"email": "dana@example.org", "password": PASSWORD})

    page = client.get(f"/staff/requests/{request.id}/data")
    assert page.status_code == 200 and b"kunde042@example.org" in page.data
    response = client.post(
        f"/staff/requests/{request.id}/data/export",
        data={"kind": "access", "with_password": "y"},
        follow_redirects=True,
    )

    assert b"Send this password by another channel" in response.data
    mail = session.execute(select(OutboxMessage)).scalars().all()[-1]
    assert mail.recipient == "kunde042@example.org"
    assert "http://127.0.0.1:5000/c/demo/download/" in mail.body_text
    assert "another channel" in mail.body_text
    assert mail.body_html is None  # plain text: there is no download_link.html
    password = response.data.split(b"(shown once): ")[1].split(b"<")[0].decode()
    assert password not in mail.body_text


def test_a_download_is_counted_by_one_update_that_adds_one(app, client, session, controller, now):  # type: ignore[no-untyped-def]
    """No read-modify-write: the database adds 1, so parallel downloads lose no count
    (tests/fulfilment/test_downloads_parallel.py shows it with threads)."""
    from sqlalchemy import event

    from dsar.extensions import db
    from dsar.fulfilment.delivery import record_download
    from tests.factories import make_request
    from tests.fulfilment.conftest import make_export

    request = make_request(session, controller, now)
    export, _token = make_export(app, session, request, now)
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        counts = [record_download(session, export, now=now + timedelta(hours=h)) for h in (1, 2)]
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)

    assert counts == [1, 2]
    [counting, _again] = [s for s in statements if s.startswith("UPDATE export")]
    assert "download_count=(export.download_count + " in counting
    assert "RETURNING" in counting and "revoked_at IS NULL" in counting
    session.refresh(export)
    assert (export.download_count, export.last_download_at) == (2, now + timedelta(hours=2))


def test_a_link_ended_after_it_was_looked_up_counts_nothing(app, session, controller, now):  # type: ignore[no-untyped-def]
    """A click that found the link alive, then waited while staff revoked it, gets the 410."""
    import pytest

    from dsar.fulfilment.delivery import LinkEnded, find_export, record_download
    from dsar.fulfilment.links import end_links
    from dsar.fulfilment.models import LinkEnd
    from tests.factories import make_request
    from tests.fulfilment.conftest import make_export

    request = make_request(session, controller, now)
    _export, token = make_export(app, session, request, now)
    found = find_export(session, token, controller_id=controller.id, now=now)
    end_links(session, request, LinkEnd.STAFF, actor="dana@example.org", now=now)

    with pytest.raises(LinkEnded) as ended:
        record_download(session, found, now=now)
    assert ended.value.reason is LinkEnd.STAFF
    session.refresh(found)
    assert (found.download_count, found.last_download_at) == (0, None)


def test_an_unreadable_file_is_logged_says_so_and_counts_nothing(
    app, client, session, now, verified_request, caplog, monkeypatch
):
    from dsar.files.storage import FileStore

    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now + timedelta(days=1)))
    _request, built = _export(app, session, now, verified_request)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    (store.root / built.export.file.storage_path).unlink()

    response = client.get(f"/c/demo/download/{built.token}")

    assert response.status_code == 410
    assert b"This download is no longer available." in response.data
    assert f"export {built.export.id} of request" in caplog.text
    session.refresh(built.export)
    assert built.export.download_count == 0
