"""Filing, listing and reading requests through the API; Idempotency-Key; cursor pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from dsar.api.filing import IDENTITY_EVENT
from dsar.requests.models import Request
from dsar.requests.workflow import Channel, RequestType, Status, Verification
from tests.api.conftest import FILING, Call
from tests.factories import make_request


def count(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(Request))


def test_filing_creates_a_received_request_verified_by_the_controller(  # type: ignore[no-untyped-def]
    session, api: Call, key, now: datetime
) -> None:
    response = api("POST", "/requests", json=FILING)
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"] == f"/api/v1/requests/{body['reference']}"
    filed = session.scalar(select(Request).where(Request.reference == body["reference"]))
    assert filed.channel is Channel.API and filed.type is RequestType.ACCESS
    assert filed.status is Status.NEW  # staff still decide on identity
    assert filed.verification is Verification.UNVERIFIED
    assert filed.received_at == now and filed.due_date is not None
    assert filed.subject_email == "zoe@example.org"
    assert filed.details["identity"] == {"verified_by": "controller", "account_id": "cust-4711"}
    events = {e.action: e for e in filed.events}
    assert {"created", "received", IDENTITY_EVENT} <= set(events)
    assert events[IDENTITY_EVENT].actor == f"api-key:{key.key.id}"
    assert events[IDENTITY_EVENT].payload["account_id"] == "cust-4711"
    assert body["deadline"]["due_date"] == filed.due_date.isoformat()
    assert body["status"] == "new" and body["right"] == "access"
    assert [t["action"] for t in body["timeline"]] == [e.action for e in filed.events]
    assert "Zoë" not in response.get_data(as_text=True)  # no personal data in the answer


def test_the_same_idempotency_key_and_body_replays_the_first_answer(  # type: ignore[no-untyped-def]
    session, api: Call
) -> None:
    headers = {"Idempotency-Key": "order-1"}
    first = api("POST", "/requests", json=FILING, headers=headers)
    again = api("POST", "/requests", json=FILING, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(session) == 1
    other = api("POST", "/requests", json={**FILING, "right": "erasure"}, headers=headers)
    assert other.status_code == 409
    assert other.content_type == "application/problem+json"
    assert "Idempotency-Key" in other.json["detail"]
    assert count(session) == 1
    fresh = api("POST", "/requests", json=FILING, headers={"Idempotency-Key": "order-2"})
    assert fresh.status_code == 201 and fresh.json["reference"] != first.json["reference"]
    assert api("POST", "/requests", json=FILING).json["reference"] not in {
        first.json["reference"],
        fresh.json["reference"],
    }
    assert count(session) == 3


def test_idempotency_keys_are_per_api_key(session, controller, now, api: Call) -> None:  # type: ignore[no-untyped-def]
    from tests.api.conftest import make_key

    second = make_key(session, controller, now)
    headers = {"Idempotency-Key": "same"}
    one = api("POST", "/requests", json=FILING, headers=headers)
    two = api("POST", "/requests", json=FILING, headers=headers, secret=second.secret)
    assert one.json["reference"] != two.json["reference"]


def test_invalid_fields_are_named_in_a_422_problem(session, api: Call) -> None:  # type: ignore[no-untyped-def]
    response = api("POST", "/requests", json={**FILING, "subject_email": "nope", "right": "x"})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    fields = {error["field"] for error in response.json["errors"]}
    assert fields == {"subject_email", "right"}
    unknown = api("POST", "/requests", json={**FILING, "language": "fr"})
    assert unknown.status_code == 422
    assert unknown.json["errors"][0]["field"] == "language"
    blank = api("POST", "/requests", json={**FILING, "subject_name": "  "})
    assert blank.json["errors"][0]["field"] == "subject_name"
    assert api("POST", "/requests", data="{", content_type="application/json").status_code == 422
    assert count(session) == 0


def test_list_filters(session, controller, now: datetime, api: Call) -> None:  # type: ignore[no-untyped-def]
    early = make_request(session, controller, now, received_at=now - timedelta(days=3))
    erasure = make_request(session, controller, now, type=RequestType.ERASURE)
    pending = make_request(session, controller, now, received_at=None)
    assert pending.status is Status.AWAITING_CONFIRMATION

    def refs(query: str) -> list[str]:
        response = api("GET", f"/requests{query}")
        assert response.status_code == 200, response.json
        return [item["reference"] for item in response.json["items"]]

    assert refs("") == [early.reference, erasure.reference, pending.reference]
    assert refs("?right=erasure") == [erasure.reference]
    assert refs("?status=awaiting_confirmation") == [pending.reference]
    day = now.date()
    assert refs(f"?received_since={day}") == [erasure.reference]
    assert refs(f"?received_until={day - timedelta(days=1)}") == [early.reference]
    assert api("GET", "/requests?status=bogus").status_code == 422
    assert api("GET", "/requests?limit=101").status_code == 422
    assert api("GET", "/requests?cursor=!!").status_code == 422
    assert api("GET", "/requests?received_since=1.5").status_code == 422


def test_pages_of_250_requests_have_no_duplicates_or_gaps(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, api: Call
) -> None:
    made = [make_request(session, controller, now).reference for _ in range(250)]
    seen: list[str] = []
    url = "/api/v1/requests?limit=100"
    pages = 0
    while url:
        response = api("GET", url.removeprefix("/api/v1"))
        assert response.status_code == 200
        seen += [item["reference"] for item in response.json["items"]]
        url = response.json["next"]
        pages += 1
    assert pages == 3
    assert seen == made


def test_a_request_with_its_deadline_timeline_and_letters(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, api: Call
) -> None:
    from dsar.letters.models import Letter, LetterStatus

    found = make_request(session, controller, now)
    found.extended_due_date = found.due_date + timedelta(days=60)
    session.add(
        Letter(
            request_id=found.id,
            type="acknowledgement",
            language="en",
            status=LetterStatus.SENT,
            created_by="dana@example.org",
            created_at=now,
            updated_at=now,
            sent_at=now,
        )
    )
    session.flush()
    body = api("GET", f"/requests/{found.reference.lower()}").json
    assert body["deadline"] == {
        "due_date": found.due_date.isoformat(),
        "extended_due_date": found.extended_due_date.isoformat(),
        "extended": True,
        "effective_due_date": found.extended_due_date.isoformat(),
    }
    assert body["timeline"][0] == {"action": "created", "at": "2026-03-02T09:00:00Z"}
    assert body["letters"] == [
        {"kind": "acknowledgement", "state": "sent", "sent_at": "2026-03-02T09:00:00Z"}
    ]
    assert "zoe@example.org" not in str(body)


def test_staff_verify_on_the_controllers_statement(  # type: ignore[no-untyped-def]
    app, session, api: Call, now: datetime, as_user
) -> None:
    from dsar.accounts.models import Role
    from dsar.requests.decisions import DecisionInput, decide
    from dsar.requests.workflow import Decision
    from dsar.web.staff.common import clock_settings
    from tests.factories import make_staff

    reference = api("POST", "/requests", json=FILING).json["reference"]
    filed = session.scalar(select(Request).where(Request.reference == reference))
    dpo = make_staff(session, now, email="dana@example.org", role=Role.DPO)
    page = as_user(dpo).get(f"/staff/requests/{filed.id}")
    assert page.status_code == 200 and IDENTITY_EVENT in page.get_data(as_text=True)
    with app.test_request_context():
        decide(
            session,
            filed,
            DecisionInput(decision=Decision.VERIFY_IDENTITY, version=filed.version),
            user=dpo,
            clock=clock_settings(),
            now=now,
        )
    assert filed.status is Status.IN_PROGRESS
    assert filed.events[-1].payload["verified"]["controller_account"] == "cust-4711"


def test_two_calls_with_one_key_at_once_file_one_request(  # type: ignore[no-untyped-def]
    session, api: Call, monkeypatch
) -> None:
    """The second of two simultaneous calls finds no answer yet (simulated: the lookup is
    skipped), files, and then meets the first one's stored answer: all of it is undone."""
    from dsar.web.api import request_views

    headers = {"Idempotency-Key": "at-once"}
    assert api("POST", "/requests", json=FILING, headers=headers).status_code == 201
    monkeypatch.setattr(request_views, "replay_or_none", lambda *args: None)
    second = api("POST", "/requests", json=FILING, headers=headers)
    assert second.status_code == 409
    assert "retry" in second.json["detail"]
    assert count(session) == 1
