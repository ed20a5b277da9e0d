"""Staff letter pages: draft, preview, edit with escaping, approve (DPO only), send; CSRF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.cli import cli
from dsar.core.clock import FixedClock
from dsar.letters.models import Letter, LetterStatus
from dsar.outbox.models import OutboxMessage
from tests.factories import PASSWORD, make_request, make_staff


@pytest.fixture
def signed_in(app: Flask, client, session, now, controller, monkeypatch):  # type: ignore[no-untyped-def]
    def sign_in(role: Role = Role.DPO, csrf: bool = False):  # type: ignore[no-untyped-def]
        monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now))
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", csrf)
        make_staff(session, now, role=role)
        request = make_request(session, controller, now, language="en", subject_name="Zoë Weiß")
        session.commit()
        if csrf:
            monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
        client.post("/staff/login", data={"email": "dana@example.org", "password": PASSWORD})
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", csrf)
        return request

    return sign_in


def test_draft_edit_approve_send(client, session, signed_in) -> None:  # type: ignore[no-untyped-def]
    request = signed_in()
    page = client.get(f"/staff/requests/{request.id}/letters")
    assert page.status_code == 200 and b"No letters yet." in page.data
    response = client.post(
        f"/staff/requests/{request.id}/letters", data={"letter_type": "acknowledgement"}
    )
    letter = session.execute(select(Letter)).scalar_one()
    assert response.headers["Location"].endswith(f"/staff/letters/{letter.id}")

    client.post(f"/staff/letters/{letter.id}/edit", data={"note": "<script>alert(1)</script>"})
    preview = client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "We have received your request (DSAR-2026-" in preview
    # The letter's HTML sits escaped inside srcdoc, so its escaped script is escaped twice.
    assert "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;" in preview
    assert "<script>alert(1)</script>" not in preview

    client.post(f"/staff/letters/{letter.id}/approve")
    session.refresh(letter)
    assert letter.status is LetterStatus.APPROVED
    pdf = client.get(f"/staff/letters/{letter.id}/pdf")
    assert pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"] == (
        f"inline; filename={request.reference}-acknowledgement-en.pdf"
    )
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert pdf.headers["Cache-Control"] == "no-store"
    frozen = client.post(
        f"/staff/letters/{letter.id}/edit", data={"note": "changed"}, follow_redirects=True
    )
    assert b"is approved: it can no longer be edited" in frozen.data

    client.post(f"/staff/letters/{letter.id}/send")
    session.refresh(letter)
    assert letter.status is LetterStatus.SENT
    outbox = session.execute(select(OutboxMessage)).scalars().all()
    assert [m.idempotency_key for m in outbox][-1] == f"letter:{letter.id}"


def test_incomplete_letter_shows_why_and_cannot_be_approved(client, session, signed_in) -> None:  # type: ignore[no-untyped-def]
    request = signed_in()
    client.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "refusal"})
    letter = session.execute(select(Letter)).scalar_one()
    page = client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "the refusal letter is incomplete: missing the facts that show" in page
    response = client.post(f"/staff/letters/{letter.id}/approve", follow_redirects=True)
    assert b"Not approved: the refusal letter is incomplete" in response.data
    session.refresh(letter)
    assert letter.status is LetterStatus.DRAFT


def test_agent_may_not_approve(client, session, signed_in) -> None:  # type: ignore[no-untyped-def]
    request = signed_in(Role.AGENT)
    client.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "acknowledgement"})
    letter = session.execute(select(Letter)).scalar_one()
    assert client.post(f"/staff/letters/{letter.id}/approve").status_code == 403


def test_csrf_is_enforced(client, session, signed_in) -> None:  # type: ignore[no-untyped-def]
    request = signed_in(csrf=True)
    response = client.post(
        f"/staff/requests/{request.id}/letters", data={"letter_type": "acknowledgement"}
    )
    assert response.status_code == 400
    assert session.execute(select(Letter)).first() is None


def test_anonymous_is_sent_to_login(client, session, now, controller) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    response = client.get(f"/staff/requests/{request.id}/letters")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_staff_download_the_receipt_beside_the_pdf(
    app: Flask, client, session, signed_in, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    request = signed_in()
    client.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "acknowledgement"})
    letter = session.execute(select(Letter)).scalar_one()
    assert client.get(f"/staff/letters/{letter.id}/receipt").status_code == 404  # a draft
    client.post(f"/staff/letters/{letter.id}/approve")
    session.refresh(letter)
    assert "Signed receipt" in client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    response = client.get(f"/staff/letters/{letter.id}/receipt")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={request.reference}-acknowledgement-en.receipt.json"
    )
    assert json.loads(response.data) == letter.receipt
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(client.get(f"/staff/letters/{letter.id}/pdf").data)
    receipt = tmp_path / "letter.receipt.json"
    receipt.write_bytes(response.data)
    verified = app.test_cli_runner().invoke(cli, ["receipt", "verify", str(pdf)])
    assert verified.exit_code == 0, verified.output
