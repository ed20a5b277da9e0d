"""The Processing page: an Art. 21(1) objection is assessed there (continued with grounds,
nothing changes), and the objection letter's page then asks for no outcome or day by hand."""

from __future__ import annotations

from sqlalchemy import select

from dsar.changes.models import ProcessingStop, StopStatus
from dsar.letters.models import Letter
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from tests.factories import make_request
from tests.fulfilment.conftest import GOLDEN_EMAIL


def test_an_assessment_is_recorded_and_drives_the_letter(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, private_shop
) -> None:
    details = {"objection": "legitimate_interest", "grounds": "I dislike being logged"}
    request = make_request(session, controller, now, type=RequestType.OBJECTION,
                           subject_email=GOLDEN_EMAIL, details=details)  # fmt: skip
    staff = as_user(dpo)
    page = f"/staff/requests/{request.id}/processing"
    refused = staff.post(f"{page}/decide", data={"activities": ["web_logs"]}, follow_redirects=True)
    assert "Not recorded: settle the requester" in refused.get_data(as_text=True)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    case = staff.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert f'href="{page}"' in case

    grounds = "The logs are needed to defend the shop against attacks."
    staff.post(
        f"{page}/decide",
        data={"activities": ["web_logs"], "outcome": "continued", "grounds": grounds},
    )
    stop = session.execute(select(ProcessingStop)).scalar_one()
    assert (stop.status, stop.outcome, stop.grounds) == (StopStatus.CONTINUED, "continued", grounds)
    shown = staff.get(page).get_data(as_text=True)
    assert "Processing continues" in shown and grounds in shown

    staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "objection"})
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    letter_page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "Outcome of the objection" not in letter_page
    assert "Date the processing stopped" not in letter_page
    assert grounds in letter_page  # the preview states the recorded grounds
