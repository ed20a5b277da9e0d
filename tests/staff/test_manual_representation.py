"""Manual intake has the same choice as the form: a request recorded on the subject's behalf,
the representative the contact, the subject's own address a claim (docs/representatives.md)."""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import select

from dsar.files.models import FilePurpose, StoredFile
from dsar.representatives.models import Check, Relationship
from dsar.requests.models import Request


def _data(**overrides: Any) -> dict[str, Any]:
    data = {
        "type": "access",
        "channel": "post",
        "language": "de",
        "received_at": "2026-02-27T10:00",
        "salutation": "ms",
        "subject_name": "Mia Berger",
        "subject_email": "mia@example.org",
        "subject_address": "Kinderweg 1\n10115 Berlin",
        "description": "Letter from her mother",
        "original": (io.BytesIO(b"%PDF-1.4 scan"), "letter.pdf"),
        "on_behalf": "y",
        "rep_name": "Anna Berger",
        "rep_email": "anna@example.org",
        "rep_address": "Elternstr. 2\n10115 Berlin",
        "relation": "parent",
        "proof": (io.BytesIO(b"%PDF-1.4 birth"), "birth.pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_record_a_representatives_request(  # type: ignore[no-untyped-def]
    session, controller, agent, as_user, no_csrf
) -> None:
    response = as_user(agent).post(
        "/staff/requests/new",
        data={"controller": controller.id, **_data()},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    request = session.execute(select(Request)).scalar_one()
    assert request.subject_name == "Mia Berger"
    assert (request.subject_email, request.subject_address) == (
        "anna@example.org",
        "Elternstr. 2\n10115 Berlin",
    )
    representation = request.representation
    assert representation is not None
    assert (representation.name, representation.relation) == ("Anna Berger", Relationship.PARENT)
    assert representation.subject_email == "mia@example.org"
    assert representation.subject_address == "Kinderweg 1\n10115 Berlin"
    assert representation.authority is Check.PENDING
    files = {f.purpose: f for f in session.execute(select(StoredFile)).scalars()}
    assert set(files) == {FilePurpose.ORIGINAL_REQUEST, FilePurpose.AUTHORITY_PROOF}
    assert representation.proof_file_id == files[FilePurpose.AUTHORITY_PROOF].id


def test_without_the_box_nothing_of_it_counts_and_a_name_is_needed_with_it(  # type: ignore[no-untyped-def]
    session, controller, agent, as_user, no_csrf
) -> None:
    client = as_user(agent)
    refused = client.post(
        "/staff/requests/new",
        data={"controller": controller.id, **_data(rep_name="")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert session.execute(select(Request)).first() is None
    response = client.post(
        "/staff/requests/new",
        data={"controller": controller.id, **_data(on_behalf=None, rep_name="", proof=None)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    request = session.execute(select(Request)).scalar_one()
    assert request.representation is None
    assert request.subject_email == "mia@example.org"
