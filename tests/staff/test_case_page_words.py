"""The case page reads: the form's details labelled, empty and internal values left out, times
in the controller's zone with the zone named, statuses and rights in words, the timeline as
sentences."""

from __future__ import annotations

import re
from datetime import datetime

from dsar.requests.models import RequestEvent
from dsar.requests.workflow import RequestType
from dsar.web.staff.request_fields import article
from dsar.web.staff.timeline import Entry, entry
from tests.factories import make_request


def _fields(html: str) -> dict[str, str]:
    """The labelled rows of the request's details: {data-field: the row's text without tags}."""
    rows = re.findall(
        r'<tr(?: class="claim")? data-field="(\w+)"><th>(.*?)</th><td[^>]*>(.*?)</td>', html, re.S
    )
    return {key: f"{label} | {re.sub(r'<[^>]+>', ' ', value)}" for key, label, value in rows}


def test_details_are_labelled_and_empty_or_internal_values_left_out(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    details = {
        "form_version": 1,
        "lookup_keys": {"customer_number": "K-100042"},
        "message": None,
        "items": [{"wrong": "Hauptstr. 1", "correct": "Hauptstr. 2"}],
    }
    request = make_request(
        session, controller, now, type=RequestType.RECTIFICATION, details=details
    )
    html = as_user(dpo).get(f"/staff/requests/{request.id}").get_data(as_text=True)
    fields = _fields(html)
    assert fields["customer_number"].startswith("Customer number (typed) | K-100042")
    assert fields["items"] == "To correct (wrong → correct) | Hauptstr. 1 → Hauptstr. 2"
    assert "message" not in fields and "form_version" not in fields
    for raw in ("{'", "None", "form version", "customer_number (typed)", "in_progress"):
        assert raw not in html.replace('data-field="customer_number"', ""), raw
    assert "identity: not yet established" in html  # not "unverified"
    assert ">to confirm the identity (Art. 12(6))</option>" in html  # the purpose in words


def test_objection_and_consent_by_their_words_and_register_titles(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    objection = make_request(
        session,
        controller,
        now,
        type=RequestType.OBJECTION,
        details={"objection": "direct_marketing", "grounds": ""},
    )
    consent = make_request(
        session,
        controller,
        now,
        type=RequestType.CONSENT_WITHDRAWAL,
        details={"activities": ["newsletter"]},
    )
    client = as_user(dpo)
    objection_html = client.get(f"/staff/requests/{objection.id}").get_data(as_text=True)
    assert _fields(objection_html) == {"objection": "Objection to | direct marketing (Art. 21(2))"}
    consent_html = client.get(f"/staff/requests/{consent.id}").get_data(as_text=True)
    assert _fields(consent_html) == {"activities": "Consent withdrawn for | Newsletter"}
    assert "withdrawal of consent (Art. 7(3))" in consent_html
    assert "consent_withdrawal" not in consent_html.replace('data-action="', "")


def test_times_in_the_controllers_zone_and_the_timeline_in_sentences(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)  # 2 March 2026, 09:00 UTC
    client = as_user(dpo)
    client.post(f"/staff/requests/{request.id}/assign", data={"assignee": "me"})
    html = client.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert "<tr><th>Received</th><td>2 March 2026, 10:00 CET</td></tr>" in html
    assert "UTC" not in html
    assert '<strong id="status">new</strong>' in html
    timeline = html.split("<h2>Timeline</h2>", 1)[1]
    assert "<strong>Request received; the statutory clock started</strong>" in timeline
    assert f"assignee: nobody → {dpo.email}" in timeline
    assert "received at: 2 March 2026, 10:00 CET; due date: 2 April 2026" in timeline
    assert "from: None" not in timeline and "None" not in timeline


def test_grounds_are_named_by_their_article() -> None:
    assert article("17.1.b") == "Art. 17(1)(b)"
    assert article("18.1.d") == "Art. 18(1)(d)"


def test_timeline_entries_read_and_fall_back_to_the_recorded_name() -> None:
    berlin = "Europe/Berlin"
    moved = RequestEvent(action="verify_identity", payload={"from": "new", "to": "in_progress"})
    assert entry(moved, berlin) == Entry("Identity verified", ("status: new → in progress",))
    released = RequestEvent(action="assigned", payload={"from": "a@example.org", "to": None})
    assert entry(released, berlin).details == ("assignee: a@example.org → nobody",)
    unknown = RequestEvent(action="brand_new_thing", payload={"reason": None, "on": "2026-04-02"})
    assert entry(unknown, berlin) == Entry("Brand new thing", ("on: 2 April 2026",))
