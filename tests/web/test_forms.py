"""Every form is a WebForm (dsar/web/forms.py): an upload reaches only a file field of its
name, and a JSON body fills no field."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from dsar.extensions import limiter
from dsar.requests.models import Request
from tests.intake.conftest import form_data

WEB = Path(__file__).resolve().parents[2] / "dsar" / "web"


def test_no_form_skips_the_web_form_base() -> None:
    direct = [
        path.relative_to(WEB).as_posix()
        for path in WEB.rglob("*.py")
        if "FlaskForm" in path.read_text() and path.name != "forms.py"
    ]
    assert direct == []


def _open(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    monkeypatch.setattr(limiter, "enabled", False)


def _requests(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(Request))


def test_a_file_posted_under_a_text_field_is_not_that_field(  # type: ignore[no-untyped-def]
    app, client, session, controller, monkeypatch
) -> None:
    _open(app, monkeypatch)
    data = form_data(key_customer_number="K-100042")
    data["name"] = (io.BytesIO(b"%PDF-1.7\n"), "id.pdf")  # was a TypeError in Length: a 500
    response = client.post("/c/demo/request/access", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert _requests(session) == 0


def test_a_json_body_fills_no_field(app, client, session, controller, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _open(app, monkeypatch)
    response = client.post("/c/demo/request/access", json=form_data(key_customer_number="K-100042"))
    assert response.status_code == 422  # Flask-WTF alone read the JSON as the form: a request
    assert _requests(session) == 0
