"""A request's restriction (Art. 18): placed with its ground (nothing changes yet), the flag set
by the job for the subject only and read back, by-hand steps recorded, lifted only after the
Art. 18(3) notice reached the subject, then the flag removed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from dsar.changes.models import RestrictionStatus
from dsar.changes.restrictions import (
    RestrictionError,
    carry_out_restriction,
    lift_restriction,
    place_restriction,
    record_by_hand,
    retry_restriction,
)
from dsar.changes.run import WriteRefused
from dsar.jobs.marks import carry_out_marks
from dsar.letters.models import Letter, LetterStatus, RecipientNotice
from dsar.outbox.models import OutboxStatus
from dsar.requests.closing import completion_blockers
from dsar.requests.models import RequestEvent
from tests.factories import by_hand, make_mail

RESTRICTED = "SELECT count(*) FROM customers WHERE restricted"
FLAG_42 = "SELECT restricted FROM customers WHERE customer_number = 'K-100042'"


def _placed(session, request, register, now, **kwargs: Any):  # type: ignore[no-untyped-def]
    options: dict[str, Any] = {
        "ground": "18.1.a",
        "end_condition": "until the accuracy is verified",
        "sources": None,
        "actor": "dana@example.org",
        "now": now,
    }
    return place_restriction(session, request, register, **{**options, **kwargs})


def _run(app, session, register, now):  # type: ignore[no-untyped-def]
    settings = app.config["DSAR_SETTINGS"]
    return carry_out_marks(session, settings, now, registers=[register], after_each=session.flush)


def _lift_letter(session, request, now, *, posted: bool):  # type: ignore[no-untyped-def]
    letter = Letter(
        request_id=request.id, type="restriction_lift", language="en",
        status=LetterStatus.SENT if posted else LetterStatus.APPROVED, texts={}, details={},
        created_by="dana@example.org", created_at=now, updated_at=now,
        posted_on=now.date() if posted else None,
    )  # fmt: skip
    session.add(letter)
    session.flush()
    return letter


def test_placing_changes_nothing_and_plans_the_flag_and_by_hand_steps(
    session, restriction_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    restriction = _placed(session, restriction_request, shop_register, now)

    assert restriction.status is RestrictionStatus.PLACING
    [plan] = restriction.plans
    parts = {p["part"]: p for p in plan["parts"]}
    assert [s["values"] for s in parts["customers"]["steps"]] == [{"restricted": True}]
    assert parts["orders"]["steps"] == []  # found through customers: follows its flag
    by_hand = {m["part"] for m in restriction.manual}
    assert {"newsletter_subscriptions", "contact_messages", "accounting"} <= by_hand
    assert "orders" not in by_hand
    assert shop(RESTRICTED) == 0  # nothing written before the job runs
    assert "restriction_placed" in session.execute(select(RequestEvent.action)).scalars().all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ground": "18.1.x"}, "choose the ground"),
        ({"end_condition": " "}, "end condition"),
        ({"sources": ["nowhere"]}, "choose sources"),
    ],
)
def test_placing_refuses_wrong_input_and_writes_nothing(
    session, restriction_request, shop_register, now, change, message
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RestrictionError, match=message):
        _placed(session, restriction_request, shop_register, now, **change)
    assert (
        session.execute(select(RequestEvent.action)).scalars().all().count("restriction_placed")
        == 0
    )


def test_only_a_restriction_request_places_one(
    session, erasure_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RestrictionError, match="only a restriction request"):
        _placed(session, erasure_request, shop_register, now)


def test_the_job_sets_the_flag_for_the_subject_only_and_reads_it_back(
    app, session, restriction_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    restriction = _placed(session, restriction_request, shop_register, now)

    result = _run(app, session, shop_register, now)

    assert (result.done, result.partial) == (1, 0)
    assert restriction.status is RestrictionStatus.ACTIVE and restriction.active_at == now
    assert shop(FLAG_42) in (True, 1)
    assert shop(RESTRICTED) == 1  # nobody else's row
    report = next(r for r in restriction.reports if r["part"] == "customers")
    assert (report["marked"], report["verified"]) == (1, True)
    assert _run(app, session, shop_register, now).done == 0  # nothing twice
    # Art. 19: the recipients of the subject's rows in the flagged table and the tables that
    # follow its flag (orders, invoices) each get a notice drafted, once; the newsletter's only
    # when its by-hand step is recorded
    notices = session.execute(select(RecipientNotice)).scalars().all()
    assert sorted((n.recipient_id, n.action) for n in notices) == [
        ("parcel", "restrict"), ("payments", "restrict"), ("tax_advisor", "restrict")
    ]  # fmt: skip
    newsletter = next(
        i for i, m in enumerate(restriction.manual) if m["part"] == "newsletter_subscriptions"
    )
    record_by_hand(session, restriction, newsletter, lifted=False, actor="dana@example.org",
                   now=now, register=shop_register)  # fmt: skip
    notices = session.execute(select(RecipientNotice.recipient_id)).scalars().all()
    assert sorted(notices) == ["newsletter_tool", "parcel", "payments", "tax_advisor"]


def test_lifting_is_refused_before_the_art_18_3_notice_was_sent(
    app, session, restriction_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    restriction = _placed(session, restriction_request, shop_register, now)
    _run(app, session, shop_register, now)
    _lift_letter(session, restriction_request, now, posted=False)  # approved, not sent

    with pytest.raises(RestrictionError, match=r"Art. 18\(3\)"):
        lift_restriction(session, restriction, shop_register, actor="dana@example.org", now=now)
    assert restriction.status is RestrictionStatus.ACTIVE
    _run(app, session, shop_register, now)
    assert shop(FLAG_42) in (True, 1)


def test_after_the_notice_the_job_removes_the_flag(
    app, session, restriction_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    restriction = _placed(session, restriction_request, shop_register, now)
    _run(app, session, shop_register, now)
    _lift_letter(session, restriction_request, now, posted=True)
    later = now + timedelta(days=3)

    lift_restriction(session, restriction, shop_register, actor="dana@example.org", now=later)
    assert restriction.status is RestrictionStatus.LIFTING
    assert shop(FLAG_42) in (True, 1)  # the job lifts it
    _run(app, session, shop_register, later)

    assert restriction.status is RestrictionStatus.LIFTED and restriction.lifted_at == later
    assert shop(RESTRICTED) == 0
    record_by_hand(session, restriction, 0, lifted=True, actor="dana@example.org", now=later)
    assert restriction.manual[0]["lifted_at"] == later.isoformat()
    events = session.execute(select(RequestEvent.action)).scalars().all()
    assert {"restriction_lifting", "restriction_lifted"} <= set(events)


def test_by_hand_steps_are_recorded_once_and_lifted_only_after_lifting(
    app, session, restriction_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    restriction = _placed(session, restriction_request, shop_register, now)

    record_by_hand(session, restriction, 0, lifted=False, actor="dana@example.org", now=now)
    assert restriction.manual[0]["restricted_by"] == "dana@example.org"
    with pytest.raises(RestrictionError, match="recorded already"):
        record_by_hand(session, restriction, 0, lifted=False, actor="dana@example.org", now=now)
    with pytest.raises(RestrictionError, match="lift the restriction first"):
        record_by_hand(session, restriction, 0, lifted=True, actor="dana@example.org", now=now)


def test_a_failing_source_leaves_it_partial_and_a_retry_finishes(
    session, restriction_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    restriction = _placed(session, restriction_request, shop_register, now)

    def refused(source: Any) -> Any:
        raise WriteRefused(f"source {source.id} has no write_url")

    carry_out_restriction(session, restriction, shop_register, now=now,
                          checkpoint=session.flush, writers=refused)  # fmt: skip
    assert restriction.status is RestrictionStatus.PARTIAL and restriction.active_at is None
    assert shop(RESTRICTED) == 0

    retry_restriction(session, restriction, actor="dana@example.org", now=now)
    carry_out_restriction(session, restriction, shop_register, now=now, checkpoint=session.flush)
    assert restriction.status is RestrictionStatus.ACTIVE and restriction.runs == 2
    assert shop(RESTRICTED) == 1


def test_the_answer_waits_while_the_restriction_is_being_placed(
    session, restriction_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    assert completion_blockers(session, restriction_request) == []
    restriction = _placed(session, restriction_request, shop_register, now)

    assert completion_blockers(session, restriction_request) == [
        "the restriction is placing: see the request's Restriction page"
    ]
    carry_out_restriction(session, restriction, shop_register, now=now, checkpoint=session.flush)
    assert completion_blockers(session, restriction_request) == []


def test_an_e_mailed_notice_counts_once_the_outbox_delivered_it(
    app, session, restriction_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    restriction = _placed(session, restriction_request, shop_register, now)
    _run(app, session, shop_register, now)
    letter = _lift_letter(session, restriction_request, now, posted=False)
    letter.status = LetterStatus.SENT  # queued for e-mail, not yet delivered
    mail = make_mail(session, now, key=letter.outbox_key, request_id=restriction_request.id)

    with pytest.raises(RestrictionError, match=r"Art. 18\(3\)"):
        lift_restriction(session, restriction, shop_register, actor="dana@example.org", now=now)
    mail.status, mail.sent_at = OutboxStatus.SENT, now + timedelta(hours=1)
    session.flush()
    lift_restriction(session, restriction, shop_register, actor="dana@example.org", now=now)
    assert restriction.status is RestrictionStatus.LIFTING


def test_without_a_write_credential_every_place_is_restricted_by_hand(
    session, restriction_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    register = by_hand(shop_register)
    restriction = _placed(session, restriction_request, register, now)

    assert restriction.plans == []  # nothing for the job to write
    parts = {m["part"] for m in restriction.manual}
    assert {"customers", "orders", "newsletter_subscriptions", "accounting"} <= parts
