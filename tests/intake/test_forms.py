"""Each invalid input: a message next to its field, what was typed kept, nothing created."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request
from tests.intake.conftest import form_data

LONG = "x" * 201
CASES = [
    # right, fields, field id with the error, message
    ("access", {"name": ""}, "name", "Please enter your name."),
    ("access", {"name": LONG}, "name", "Field cannot be longer than 200 characters."),
    ("access", {"name": "Zoë\r\nBcc: all@example.org"}, "name", "Please write this on one line"),
    ("access", {"email": ""}, "email", "Please enter your e-mail address."),
    ("access", {"email": "zoe@"}, "email", "This is not a valid e-mail address."),
    ("access", {"email": "zoe@example.org\nCc: x@y.z"}, "email", "Please write this on one line"),
    ("access", {"email": "z" * 310 + "@example.org"}, "email", "cannot be longer than 320"),
    ("access", {"message": "m" * 5001}, "message", "cannot be longer than 5000"),
    ("access", {"language": "fr"}, "language", "Not a valid choice"),
    ("access", {"key_customer_number": "12345"}, "key_customer_number", "expected form"),
    ("access", {"key_customer_number": "K-" + "1" * 100}, "key_customer_number", "longer than 100"),
    ("rectification", {}, "items", "Please describe at least one thing to correct."),
    ("rectification", {"items-0-wrong": "Müler"}, "items-0-correct", "Please give the correct"),
    ("rectification", {"items-0-correct": "Müller"}, "items-0-correct", "Please say what is wrong"),
    ("rectification", {"items-0-wrong": "w" * 501, "items-0-correct": "c"}, "items-0-wrong", "500"),
    ("erasure", {"scope": "categories"}, "categories", "Please choose at least one kind"),
    (
        "erasure",
        {"scope": "categories", "categories": ["bogus"]},
        "categories",
        "not a valid choice",
    ),
    ("erasure", {"scope": "nothing"}, "scope", "Not a valid choice"),
    ("erasure", {"ground": "17.1.z"}, "ground", "Not a valid choice"),
    ("restriction", {}, "ground", "Please choose a reason."),
    ("portability", {"format": "xml"}, "format", "Not a valid choice"),
    ("portability", {"transmit": "y"}, "recipient_name", "Please name the organisation."),
    ("portability", {"transmit": "y", "recipient_name": "N"}, "recipient_address", "its address"),
    (
        "portability",
        {"transmit": "y", "recipient_name": "N", "recipient_endpoint": "http://new.example/in"},
        "recipient_endpoint",
        "starting with https://",
    ),
    ("objection", {}, "kind", "Please choose what you object to."),
    ("objection", {"kind": "legitimate_interest"}, "grounds", "Please explain your reasons"),
    ("consent_withdrawal", {}, "activities", "Please choose at least one consent."),
    ("consent_withdrawal", {"activities": ["marketing_calls"]}, "activities", "not a valid choice"),
]


@pytest.mark.parametrize(("right", "fields", "field_id", "message"), CASES)
def test_invalid_input_is_shown_at_its_field_and_creates_nothing(
    client, session, controller, no_csrf, right, fields, field_id, message
) -> None:  # type: ignore[no-untyped-def]
    data = form_data(name="Jędrzej Typed", message="I typed this")
    data.update(fields)
    response = client.post(f"/c/demo/request/{right}?lang=en", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error_at = page.find(f'id="{field_id}-error"')
    assert error_at != -1, page
    assert message.lower() in page[error_at : error_at + 400].lower()
    if "name" not in fields:
        assert 'value="Jędrzej Typed"' in page
    if "message" not in fields:
        assert "I typed this</textarea>" in page
    assert session.execute(select(func.count()).select_from(Request)).scalar_one() == 0
    assert session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one() == 0


def test_messages_are_in_german_on_the_german_page(client, controller, no_csrf) -> None:  # type: ignore[no-untyped-def]
    page = client.post(
        "/c/demo/request/objection?lang=de", data=form_data(name="", email="zoe@")
    ).get_data(as_text=True)
    assert "Bitte geben Sie Ihren Namen an." in page
    assert "Das ist keine gültige E-Mail-Adresse." in page
    assert "Bitte wählen Sie, wogegen Sie widersprechen." in page
    assert "Bitte prüfen Sie das Formular" in page


def test_email_is_normalised_without_dns(client, session, controller, no_csrf) -> None:  # type: ignore[no-untyped-def]
    # Nobody registered this domain: a DNS check would refuse it.
    response = client.post(
        "/c/demo/request/access", data=form_data(email="Zoë@Beispiel-Nirgendwo-4711.DE")
    )
    assert response.status_code == 302
    assert (
        session.execute(select(Request.subject_email)).scalar_one()
        == "Zoë@beispiel-nirgendwo-4711.de"
    )
