"""Each right's form in both languages: what is stored, what is sent, what the page says."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dsar.files.models import StoredFile
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request
from dsar.requests.workflow import RequestType, Status
from tests.intake.conftest import form_data

RIGHTS = {
    "access": ({}, {}),
    "rectification": (
        {"items-0-wrong": "Müler", "items-0-correct": "Müller", "items-1-wrong": ""},
        {"items": [{"wrong": "Müler", "correct": "Müller"}]},
    ),
    "erasure": (
        {"scope": "categories", "categories": ["contact", "usage"], "ground": "17.1.b"},
        {"scope": "categories", "categories": ["contact", "usage"], "ground": "17.1.b"},
    ),
    "restriction": ({"ground": "18.1.a"}, {"ground": "18.1.a"}),
    "portability": (
        {
            "format": "csv",
            "transmit": "y",
            "recipient_name": "Neuer Shop AG",
            "recipient_endpoint": "https://neu.example/import",
        },
        {
            "format": "csv",
            "transmit_to": {
                "name": "Neuer Shop AG",
                "address": None,
                "endpoint": "https://neu.example/import",
            },
        },
    ),
    "objection": (
        {"kind": "legitimate_interest", "grounds": "Ich werde verfolgt."},
        {"objection": "legitimate_interest", "grounds": "Ich werde verfolgt."},
    ),
    "consent_withdrawal": ({"activities": ["newsletter"]}, {"activities": ["newsletter"]}),
}
SUBJECTS = {
    "en": "Please confirm your request ",
    "de": "Bitte bestätigen Sie Ihre Anfrage ",
}
HEADINGS = {
    "en": "Please confirm your e-mail address",
    "de": "Bitte bestätigen Sie Ihre E-Mail-Adresse",
}


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("right", list(RIGHTS))
def test_each_right_creates_a_request_awaiting_confirmation(
    client, session, controller, clock, no_csrf, right: str, language: str
) -> None:  # type: ignore[no-untyped-def]
    fields, expected_details = RIGHTS[right]
    page = client.get(f"/c/demo/request/{right}?lang={language}")
    assert page.status_code == 200
    response = client.post(
        f"/c/demo/request/{right}",
        data=form_data(language=language, key_customer_number="K-100042", **fields),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/c/demo/submitted"
    request = session.execute(select(Request)).scalar_one()
    assert request.type is RequestType(right)
    assert request.status is Status.AWAITING_CONFIRMATION
    assert request.received_at is None and request.due_date is None
    assert request.language == language
    assert request.subject_name == "Zoë Müller-Lüdenscheidt"
    assert request.details == {
        "form_version": 1,
        "lookup_keys": {"customer_number": "K-100042"},
        "message": None,
        **expected_details,
    }
    [mail] = session.execute(select(OutboxMessage)).scalars().all()
    assert mail.idempotency_key == f"confirm:{request.id}"
    assert mail.recipient == "zoe@example.org"
    assert mail.subject == SUBJECTS[language] + request.reference
    assert mail.language == language
    done = client.get("/c/demo/submitted").get_data(as_text=True)
    assert HEADINGS[language] in done
    assert request.reference in done


def test_start_page_lists_every_right_in_both_languages(client, controller) -> None:  # type: ignore[no-untyped-def]
    english = client.get("/c/demo/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Your data protection rights with Demo Shop GmbH" in english
    for right in RequestType:
        assert f'href="/c/demo/request/{right.value}"' in english
    assert "Withdraw your consent" in english and "Art. 7(3) GDPR" in english
    german = client.get("/c/demo/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    text = german.get_data(as_text=True)
    assert "Ihre Datenschutzrechte bei Demo Shop GmbH" in text
    assert "Ihre Einwilligung widerrufen" in text and "Art. 15 DSGVO" in text
    assert '<html lang="de">' in text


def test_language_switch_is_remembered(client, controller) -> None:  # type: ignore[no-untyped-def]
    client.get("/c/demo/?lang=de", headers={"Accept-Language": "en"})
    later = client.get("/c/demo/request/access", headers={"Accept-Language": "en"})
    assert "Ihr Name" in later.get_data(as_text=True)
    client.get("/c/demo/?lang=en")
    assert "Your name" in client.get("/c/demo/request/access").get_data(as_text=True)


def test_unknown_right_and_controller_are_404(client, controller) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/c/demo/request/complain").status_code == 404
    assert client.get("/c/nobody/request/access").status_code == 404


def test_a_register_never_synced_to_its_row_answers_404_and_stores_nothing(
    client, session, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    """No `controller` fixture: the demo register is loaded, its controller row is missing."""
    response = client.post("/c/demo/request/access", data=form_data())
    assert response.status_code == 404
    assert "There is no such organisation here." in response.get_data(as_text=True)
    assert _count(session, Request) == 0
    assert _count(session, OutboxMessage) == 0


def test_rectification_add_another_row_without_javascript(
    client, controller, no_csrf, session
) -> None:  # type: ignore[no-untyped-def]
    data = form_data(**{"items-0-wrong": "Müler", "items-0-correct": "Müller", "add_item": "1"})
    page = client.post("/c/demo/request/rectification", data=data).get_data(as_text=True)
    assert 'name="items-3-wrong"' in page and 'name="items-4-wrong"' not in page
    assert 'value="Müler"' in page
    assert _count(session, Request) == 0


@pytest.mark.parametrize(
    "name", ["Zoë", "Jędrzej Brzęczyszczykiewicz", "Müller-Lüdenscheidt", "山田 太郎", "O'Brien"]
)
def test_unicode_names_are_accepted(client, session, controller, no_csrf, name: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/c/demo/request/access", data=form_data(name=name))
    assert response.status_code == 302
    assert session.execute(select(Request.subject_name)).scalar_one() == name


def test_honeypot_gets_the_same_answer_and_nothing_is_stored(
    client, session, controller, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/c/demo/request/access", data=form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/c/demo/submitted"
    page = client.get("/c/demo/submitted").get_data(as_text=True)
    assert "Please confirm your e-mail address" in page and "DSAR-2026-" in page
    assert _count(session, Request) == 0
    assert _count(session, OutboxMessage) == 0


def test_consent_withdrawal_without_consent_activities_is_refused_clearly(
    app, client, session, controller, no_csrf, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    [register] = app.extensions["dsar.registers"]
    no_consent = register.model_copy(
        update={"activities": [a for a in register.activities if not a.consent_based]}
    )
    monkeypatch.setitem(app.extensions, "dsar.registers", [no_consent])
    page = client.get("/c/demo/request/consent_withdrawal?lang=en").get_data(as_text=True)
    assert "does not process any data on the basis of your consent" in page
    assert "<form" not in page.split("</header>")[1]
    posted = client.post(
        "/c/demo/request/consent_withdrawal", data=form_data(activities=["newsletter"])
    )
    assert posted.status_code == 200
    assert _count(session, Request) == 0


def test_missing_csrf_token_is_refused(client, session, controller) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/c/demo/request/access", data=form_data())
    assert response.status_code == 400
    assert _count(session, Request) == 0


def test_with_csrf_token_from_the_page_it_goes_through(client, session, controller) -> None:  # type: ignore[no-untyped-def]
    import re

    page = client.get("/c/demo/request/access").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/c/demo/request/access", data=form_data(csrf_token=token))
    assert response.status_code == 302
    assert _count(session, Request) == 1


def test_rate_limit_per_ip(client, session, controller, no_csrf) -> None:  # type: ignore[no-untyped-def]
    for n in range(10):
        response = client.post("/c/demo/request/access", data=form_data(email=f"p{n}@example.org"))
        assert response.status_code == 302
    blocked = client.post("/c/demo/request/access", data=form_data(email="p99@example.org"))
    assert blocked.status_code == 429
    assert _count(session, Request) == 10


def _post_as(client, email: str, ip: str):  # type: ignore[no-untyped-def]
    data = form_data(email=email)
    return client.post("/c/demo/request/access", data=data, environ_base={"REMOTE_ADDR": ip})


def test_posts_with_someone_elses_address_do_not_block_its_owner(
    client, session, controller, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    """Three posts with the victim's address from one place use up that place's count for the
    address; the victim, posting from elsewhere, is not blocked."""
    for _ in range(3):
        assert _post_as(client, "Victim@Example.org", "192.0.2.66").status_code == 302
    assert _post_as(client, " victim@example.org ", "192.0.2.66").status_code == 429
    assert _post_as(client, "victim@example.org", "198.51.100.7").status_code == 302
    assert _count(session, Request) == 4


def test_one_address_has_a_ceiling_from_everywhere(client, session, controller, no_csrf) -> None:  # type: ignore[no-untyped-def]
    """Twenty posts for one address from twenty places: the next is refused from anywhere (no
    address gets more than 20 confirmation mails an hour)."""
    for n in range(20):
        assert _post_as(client, "victim@example.org", f"192.0.2.{n + 1}").status_code == 302
    assert _post_as(client, "victim@example.org", "198.51.100.7").status_code == 429
    assert _post_as(client, "other@example.org", "198.51.100.7").status_code == 302
    assert _count(session, Request) == 21


def test_rate_limits_can_be_switched_off_for_load_tests(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dsar.extensions import limiter
    from tests.conftest import build_app

    # One Flask-Limiter serves every app in the process, and init_app sets its switch from the
    # newest app's config: put it back afterwards, for the tests that follow.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    quiet = build_app(
        "sqlite://", app.config["DSAR_SETTINGS"].instance_path, rate_limits_enabled=False
    )
    assert quiet.config["RATELIMIT_ENABLED"] is False
    assert app.config["RATELIMIT_ENABLED"] is True


def test_nothing_typed_is_rendered_unescaped(client, session, controller, no_csrf) -> None:  # type: ignore[no-untyped-def]
    evil = '<script>alert("x")</script>'
    page = client.post(
        "/c/demo/request/access", data=form_data(name=evil, email="not-an-address", message=evil)
    ).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert client.post("/c/demo/request/access", data=form_data(name=evil)).status_code == 302
    mail = session.execute(select(OutboxMessage)).scalar_one()
    assert "<script>" not in mail.body_html
    assert "&lt;script&gt;" in mail.body_html
    assert f"Hello {evil}," in mail.body_text  # plain text is not HTML: no escaping there
    assert "\n" not in mail.subject and "script" not in mail.subject


def test_status_page_needs_the_secret_token_not_the_reference(
    client, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_request

    request = make_request(session, controller, now)
    session.commit()
    assert client.get(f"/c/demo/status/{request.reference}").status_code == 404
    assert client.get("/c/demo/status/").status_code == 404
    assert _count(session, StoredFile) == 0


def test_a_urlencoded_documents_field_is_no_upload(client, controller, no_csrf) -> None:  # type: ignore[no-untyped-def]
    """`documents=x` in a urlencoded POST is a string, not a file: ignored, never a 500."""
    response = client.post("/c/demo/request/access", data={**form_data(), "documents": "x"})
    assert response.status_code == 302


def test_a_salutation_is_kept_for_the_letters_and_an_unknown_one_refused(
    client, session, controller, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/c/demo/request/access?lang=de").get_data(as_text=True)
    assert 'name="salutation"' in page and ">Frau</option>" in page

    bad = client.post("/c/demo/request/access", data=form_data(salutation="Dr."))
    assert bad.status_code == 422 and _count(session, Request) == 0

    good = client.post("/c/demo/request/access", data=form_data(salutation="ms"))
    assert good.status_code == 302
    assert session.execute(select(Request)).scalar_one().details["salutation"] == "ms"
