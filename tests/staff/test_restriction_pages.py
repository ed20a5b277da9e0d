"""The Restriction page: placed by anyone working the request (nothing changes until the job
runs), lifted by a DPO only after the Art. 18(3) letter was sent; the letter page asks no day
or ground that dsar records."""

from __future__ import annotations

from sqlalchemy import create_engine, select, text

from dsar.changes.models import Restriction, RestrictionStatus
from dsar.jobs.scheduler import run_job
from dsar.letters.models import Letter
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from tests.factories import make_request
from tests.fulfilment.conftest import GOLDEN_EMAIL

FLAG = "SELECT restricted FROM customers WHERE email = :e"


def _flag(url: str) -> object:
    engine = create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(text(FLAG), {"e": GOLDEN_EMAIL}).scalar()
    engine.dispose()
    return value


def test_place_then_lift_only_after_the_notice(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, agent, as_user, no_csrf, private_shop
) -> None:
    request = make_request(
        session, controller, now, type=RequestType.RESTRICTION, subject_email=GOLDEN_EMAIL
    )
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    worker = as_user(agent)
    case = worker.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert f'href="/staff/requests/{request.id}/restriction"' in case

    refused = worker.post(
        f"/staff/requests/{request.id}/restriction/place",
        data={"ground": "18.1.a", "end_condition": " ", "where": "all"},
        follow_redirects=True,
    )
    assert "Not placed: say until when" in refused.get_data(as_text=True)
    assert session.execute(select(Restriction)).first() is None
    worker.post(
        f"/staff/requests/{request.id}/restriction/place",
        data={"ground": "18.1.a", "end_condition": "until the address is checked", "where": "all"},
    )
    restriction = session.execute(select(Restriction)).scalar_one()
    page = worker.get(f"/staff/requests/{request.id}/restriction").get_data(as_text=True)
    assert "Placed: waiting for the scheduler" in page and "I restricted it by hand" in page
    assert _flag(private_shop) in (False, 0)  # the page changes nothing itself

    run_job(app, "marks", now)
    session.refresh(restriction)
    session.refresh(request)
    assert restriction.status is RestrictionStatus.ACTIVE and _flag(private_shop) in (True, 1)
    lift = f"/staff/requests/{request.id}/restriction/{restriction.id}/lift"
    assert worker.post(lift).status_code == 403
    staff = as_user(dpo)
    answer = staff.post(lift, follow_redirects=True).get_data(as_text=True)
    assert "Not lifted: the subject must be told before" in answer
    session.refresh(restriction)
    assert restriction.status is RestrictionStatus.ACTIVE and _flag(private_shop) in (True, 1)


def test_the_restriction_letter_asks_no_day_or_ground_dsar_records(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf
) -> None:
    request = make_request(
        session, controller, now, type=RequestType.RESTRICTION, subject_email=GOLDEN_EMAIL
    )
    staff = as_user(dpo)
    staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "restriction"})
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()

    page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)

    assert "Date the data was restricted" not in page
    assert "Ground of the restriction" not in page
    assert "the restriction placed by dsar" in page  # what the letter still needs
