"""Consent withdrawal and objection carried out on the data: nothing changes before staff
confirm; the job runs the register's stop rules for the subject only and records when it took
effect; an objection to direct marketing stops every marketing activity and is never continued."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from dsar.changes.models import StopStatus
from dsar.changes.stops import StopError, decide_stop
from dsar.jobs.marks import carry_out_marks
from dsar.requests.closing import completion_blockers
from dsar.requests.models import RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from tests.factories import by_hand, make_request

EMAIL = "kunde042@example.org"
NEWSLETTER = "SELECT count(*) FROM newsletter_subscriptions WHERE email = :e"
SUBSCRIBERS = "SELECT count(*) FROM newsletter_subscriptions"
OPT_IN = "SELECT marketing_opt_in FROM customers WHERE email = :e"
OPTED_IN = "SELECT count(*) FROM customers WHERE marketing_opt_in"


def _request(session, controller, now, kind: RequestType, details: dict[str, Any], verify=True):  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now, type=kind, subject_email=EMAIL,
                           details=details)  # fmt: skip
    if verify:
        apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    return request


def _run(app, session, register, now):  # type: ignore[no-untyped-def]
    settings = app.config["DSAR_SETTINGS"]
    return carry_out_marks(session, settings, now, registers=[register], after_each=session.flush)


def test_consent_withdrawal_deletes_the_subscription_once_confirmed(
    app, session, controller, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    request = _request(session, controller, now, RequestType.CONSENT_WITHDRAWAL,
                       {"activities": ["newsletter"]})  # fmt: skip
    subscribers = shop(SUBSCRIBERS)
    assert shop(NEWSLETTER, e=EMAIL) == 1
    _run(app, session, shop_register, now)
    assert shop(NEWSLETTER, e=EMAIL) == 1  # nothing before staff confirm

    stop = decide_stop(session, request, shop_register, actor="dana@example.org", now=now)
    assert stop.status is StopStatus.APPROVED and shop(NEWSLETTER, e=EMAIL) == 1
    assert _run(app, session, shop_register, now).done == 1

    assert stop.status is StopStatus.DONE and stop.finished_at == now
    assert shop(NEWSLETTER, e=EMAIL) == 0
    assert shop(SUBSCRIBERS) == subscribers - 1  # nobody else's subscription
    assert shop(OPT_IN, e=EMAIL) in (True, 1)  # only the named activity stopped
    report = next(r for r in stop.reports if r["part"] == "newsletter_subscriptions")
    assert (report["removed"], report["verified"]) == (1, True)
    events = session.execute(select(RequestEvent.action)).scalars().all()
    assert {"processing_stop_decided", "processing_stopped"} <= set(events)


def test_a_withdrawal_waits_for_the_identity_and_names_consent_activities_only(
    session, controller, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    unverified = _request(session, controller, now, RequestType.CONSENT_WITHDRAWAL,
                          {"activities": ["newsletter"]}, verify=False)  # fmt: skip
    with pytest.raises(StopError, match="identity"):
        decide_stop(session, unverified, shop_register, actor="d@x.org", now=now)
    other = _request(session, controller, now, RequestType.CONSENT_WITHDRAWAL,
                     {"activities": ["orders"]})  # fmt: skip
    with pytest.raises(StopError, match="consent-based activities"):
        decide_stop(session, other, shop_register, actor="d@x.org", now=now)


def test_an_objection_to_direct_marketing_stops_every_marketing_activity(
    app, session, controller, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    request = _request(session, controller, now, RequestType.OBJECTION,
                       {"objection": "direct_marketing"})  # fmt: skip
    opted_in = shop(OPTED_IN)
    with pytest.raises(StopError, match="cannot be continued"):
        decide_stop(session, request, shop_register, actor="d@x.org", now=now, continued=True,
                    grounds="we like it")  # fmt: skip

    stop = decide_stop(session, request, shop_register, actor="d@x.org", now=now)
    assert stop.activities == ["marketing_mail", "newsletter"]
    assert shop(OPT_IN, e=EMAIL) in (True, 1)  # the job stops it
    _run(app, session, shop_register, now)

    assert stop.status is StopStatus.DONE
    assert shop(OPT_IN, e=EMAIL) in (False, 0) and shop(NEWSLETTER, e=EMAIL) == 0
    assert shop(OPTED_IN) == opted_in - 1  # nobody else's flag


def test_an_assessed_objection_continued_changes_nothing_and_needs_grounds(
    app, session, controller, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    details = {"objection": "legitimate_interest", "grounds": "I dislike logs"}
    request = _request(session, controller, now, RequestType.OBJECTION, details)
    with pytest.raises(StopError, match="compelling legitimate grounds"):
        decide_stop(session, request, shop_register, actor="d@x.org", now=now,
                    activities=["web_logs"], continued=True)  # fmt: skip
    with pytest.raises(StopError, match="choose the activities"):
        decide_stop(session, request, shop_register, actor="d@x.org", now=now,
                    activities=["orders"])  # fmt: skip
    with pytest.raises(StopError, match="choose the activities"):  # none chosen: nothing stops
        decide_stop(session, request, shop_register, actor="d@x.org", now=now)
    with pytest.raises(StopError, match="cannot be continued"):  # marketing: Art. 21(3)
        decide_stop(session, request, shop_register, actor="d@x.org", now=now,
                    activities=["marketing_mail"], continued=True, grounds="sales")  # fmt: skip

    stop = decide_stop(session, request, shop_register, actor="d@x.org", now=now,
                       activities=["web_logs"], continued=True,
                       grounds="Logs are needed to defend against attacks.")  # fmt: skip

    assert (stop.status, stop.outcome, stop.plans) == (StopStatus.CONTINUED, "continued", [])
    assert _run(app, session, shop_register, now).done == 0


def test_the_answer_waits_while_the_stop_is_under_way(
    app, session, controller, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    request = _request(session, controller, now, RequestType.CONSENT_WITHDRAWAL,
                       {"activities": ["newsletter"]})  # fmt: skip
    decide_stop(session, request, shop_register, actor="d@x.org", now=now)

    assert completion_blockers(session, request) == [
        "the stop is approved: see the request's Processing page"
    ]
    _run(app, session, shop_register, now)
    assert completion_blockers(session, request) == []


def test_an_assessed_objection_naming_marketing_stops_all_marketing(
    app, session, controller, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    request = _request(session, controller, now, RequestType.OBJECTION, {})  # by post: no kind
    stop = decide_stop(session, request, shop_register, actor="d@x.org", now=now,
                       activities=["marketing_mail"])  # fmt: skip

    assert (stop.basis, stop.activities) == ("21.2", ["marketing_mail", "newsletter"])
    _run(app, session, shop_register, now)
    assert shop(OPT_IN, e=EMAIL) in (False, 0) and shop(NEWSLETTER, e=EMAIL) == 0


def test_a_withdrawal_by_post_lets_staff_choose_the_consent_activities(
    session, controller, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    request = _request(session, controller, now, RequestType.CONSENT_WITHDRAWAL, {})
    with pytest.raises(StopError, match="consent-based activities"):
        decide_stop(session, request, shop_register, actor="d@x.org", now=now)

    stop = decide_stop(session, request, shop_register, actor="d@x.org", now=now,
                       activities=["newsletter"])  # fmt: skip
    assert (stop.basis, stop.activities) == ("7.3", ["newsletter"])


def test_without_a_write_credential_the_activities_are_stopped_by_hand(
    session, controller, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    request = _request(session, controller, now, RequestType.OBJECTION,
                       {"objection": "direct_marketing"})  # fmt: skip
    stop = decide_stop(session, request, by_hand(shop_register), actor="d@x.org", now=now)

    assert stop.plans == []
    assert [m["activity"] for m in stop.manual] == ["marketing_mail", "newsletter"]
