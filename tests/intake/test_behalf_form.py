"""The public form's "on behalf of someone else": fields checked only when ticked, the proof
required with the same upload rules, the request recorded for the subject with its
representative as the contact (docs/representatives.md)."""

from __future__ import annotations

import io

from sqlalchemy import select

from dsar.files.models import FilePurpose, StoredFile
from dsar.representatives.models import Check, Relationship
from dsar.requests.models import Request, RequestEvent
from tests.intake.conftest import form_data

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _behalf(**overrides):  # type: ignore[no-untyped-def]
    data = form_data(
        name="Anna Berger",
        email="anna@example.org",
        on_behalf="y",
        subject_name="Mia Berger",
        relation="parent",
        subject_email="mia@example.org",
    )
    data["proof"] = (io.BytesIO(PDF), "Geburtsurkunde.pdf", "application/pdf")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _post(client, data):  # type: ignore[no-untyped-def]
    return client.post("/c/demo/request/access", data=data, content_type="multipart/form-data")


def test_the_page_has_the_fields_without_a_script(client, controller) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/c/demo/request/access").get_data(as_text=True)
    assert 'name="on_behalf"' in page
    assert 'name="subject_name"' in page and 'name="proof"' in page
    assert "<script" not in page


def test_unticked_the_fields_are_ignored(client, session, controller, clock, no_csrf) -> None:  # type: ignore[no-untyped-def]
    data = _behalf(on_behalf=None, subject_name="", relation="", proof=None)
    assert _post(client, data).status_code == 302
    request = session.execute(select(Request)).scalar_one()
    assert request.subject_name == "Anna Berger"
    assert request.representation is None


def test_a_representatives_request_is_recorded_for_the_subject(
    client, session, controller, clock, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    assert _post(client, _behalf()).status_code == 302
    request = session.execute(select(Request)).scalar_one()
    assert request.subject_name == "Mia Berger"
    assert request.subject_email == "anna@example.org"  # the contact: all mail to them
    representation = request.representation
    assert representation is not None
    assert representation.name == "Anna Berger"
    assert representation.relation is Relationship.PARENT
    assert representation.subject_email == "mia@example.org"
    assert (representation.identity, representation.authority) == (Check.PENDING, Check.PENDING)
    proof = session.execute(select(StoredFile)).scalar_one()
    assert proof.purpose is FilePurpose.AUTHORITY_PROOF
    assert representation.proof_file_id == proof.id
    created = session.execute(
        select(RequestEvent).where(RequestEvent.action == "created")
    ).scalar_one()
    assert (created.actor, created.payload["on_behalf_of"]) == ("representative", "Mia Berger")


def test_missing_proof_is_refused(client, session, controller, clock, no_csrf) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, _behalf(proof=None))
    assert response.status_code == 422
    assert "Please attach a proof that you may act for them." in response.get_data(as_text=True)
    assert session.execute(select(Request)).first() is None


def test_a_proof_that_is_no_pdf_or_image_is_refused(
    client, session, controller, clock, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, _behalf(proof=(io.BytesIO(SVG), "proof.pdf", "application/pdf")))
    assert response.status_code == 422
    assert "is not a PDF, PNG or JPEG file" in response.get_data(as_text=True)
    assert session.execute(select(Request)).first() is None


def test_missing_subject_name_and_relation_are_refused(
    client, session, controller, clock, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, _behalf(subject_name="  ", relation=None))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please enter the name of the person you ask for." in page
    assert "Please choose how you may act for them." in page
    assert session.execute(select(Request)).first() is None


def test_other_needs_a_description(client, session, controller, clock, no_csrf) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, _behalf(relation="other"))
    assert response.status_code == 422
    assert "Please describe how you may act for them." in response.get_data(as_text=True)
    data = _behalf(relation="other", relation_note="Neighbour with a power of attorney")
    assert _post(client, data).status_code == 302
    request = session.execute(select(Request)).scalar_one()
    assert request.representation is not None
    assert request.representation.relation_note == "Neighbour with a power of attorney"


def test_the_status_page_shows_who_asked_for_whom(app, client, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    import secrets

    from dsar.requests.operations import hash_token
    from tests.representatives.factories import make_represented

    request = make_represented(app, session, controller, now)
    token = secrets.token_urlsafe(32)
    request.status_token_hash = hash_token(token)
    session.commit()
    page = client.get(f"/c/demo/status/{token}").get_data(as_text=True)
    assert "Asked by Anna Berger on behalf of Mia Berger." in page
    german = client.get(f"/c/demo/status/{token}?lang=de").get_data(as_text=True)
    assert "Gestellt von Anna Berger im Namen von Mia Berger." in german


def test_the_fields_speak_german(client, session, controller, clock, no_csrf) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/c/demo/request/access?lang=de").get_data(as_text=True)
    assert "Ich stelle die Anfrage im Namen einer anderen Person" in page
    assert "Nachweis Ihrer Vertretungsbefugnis" in page
    refused = client.post(
        "/c/demo/request/access?lang=de",
        data=_behalf(proof=None, subject_name=""),
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Bitte fügen Sie einen Nachweis Ihrer Vertretungsbefugnis bei." in refused
    assert "Bitte geben Sie den Namen der Person an, für die Sie anfragen." in refused


def test_the_confirmation_mail_greets_the_representative(
    client, session, controller, clock, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    from dsar.outbox.models import OutboxMessage

    assert _post(client, _behalf()).status_code == 302
    mail = session.execute(select(OutboxMessage)).scalar_one()
    assert mail.recipient == "anna@example.org"
    assert mail.body_text.startswith("Hello Anna Berger,\n")
    assert "You asked on behalf of Mia Berger." in mail.body_text
    assert "Hello Anna Berger," in mail.body_html
