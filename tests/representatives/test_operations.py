"""A representative's request: recorded with its proof, two separate decisions, a refusal that
closes it with a letter to the representative (docs/representatives.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.fulfilment.search import FulfilmentError, identity_settled, run_search
from dsar.letters.models import Letter
from dsar.representatives.gate import disclosure_allowed, representation_blockers
from dsar.representatives.models import Check
from dsar.representatives.operations import Step, decide_representation
from dsar.requests.closing import NotReady
from dsar.requests.deadlines.clock_policies import ClockPolicy
from dsar.requests.deadlines.operations import ClockSettings
from dsar.requests.decisions import DecisionInput, NotPermitted, decide
from dsar.requests.models import RequestEvent
from dsar.requests.workflow import Decision, Status, Verification
from tests.factories import make_request, make_staff
from tests.representatives.factories import make_represented

CLOCK = ClockSettings(ClockPolicy.EDPB, 3)


def _decide(session, request, step, user, now, *, verified=True, note=""):  # type: ignore[no-untyped-def]
    return decide_representation(
        session, request, step, verified=verified, note=note, version=request.version,
        user=user, clock=CLOCK, now=now,
    )  # fmt: skip


def _actions(session, request) -> list[str]:  # type: ignore[no-untyped-def]
    query = select(RequestEvent.action).where(RequestEvent.request_id == request.id)
    return list(session.execute(query.order_by(RequestEvent.seq)).scalars())


def test_the_representation_is_recorded_with_its_proof_and_who_acted_for_whom(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    request = make_represented(app, session, controller, now)
    representation = request.representation
    assert representation is not None
    assert representation.name == "Anna Berger"
    assert representation.proof_file is not None
    assert representation.proof_file.filename == "birth.pdf"
    assert (representation.identity, representation.authority) == (Check.PENDING, Check.PENDING)
    event = session.execute(
        select(RequestEvent).where(
            RequestEvent.request_id == request.id,
            RequestEvent.action == "representation_recorded",
        )
    ).scalar_one()
    assert event.actor == "representative"
    assert event.payload["on_behalf_of"] == "Mia Berger"
    assert event.payload["representative"] == "Anna Berger"


def test_both_decisions_are_needed_before_identity_is_settled(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    request = make_represented(app, session, controller, now)
    dpo = make_staff(session, now, role=Role.DPO)
    verify = DecisionInput(Decision.VERIFY_IDENTITY, version=request.version)
    with pytest.raises(NotReady):
        decide(session, request, verify, user=dpo, clock=CLOCK, now=now)
    assert request.status is Status.NEW
    _decide(session, request, Step.IDENTITY, dpo, now, note="passport seen")
    assert not disclosure_allowed(request)
    assert representation_blockers(request) == ["verify the representative's authority to act (B4)"]
    with pytest.raises(NotReady):
        decide(
            session, request, DecisionInput(Decision.VERIFY_IDENTITY, version=request.version),
            user=dpo, clock=CLOCK, now=now,
        )  # fmt: skip
    later = now + timedelta(hours=1)
    _decide(session, request, Step.AUTHORITY, dpo, later, note="birth certificate")
    assert disclosure_allowed(request)
    representation = request.representation
    assert representation is not None
    assert representation.authority_by == dpo.email
    assert representation.authority_at == later
    assert representation.identity_note == "passport seen"
    decide(
        session, request, DecisionInput(Decision.VERIFY_IDENTITY, version=request.version),
        user=dpo, clock=CLOCK, now=later,
    )  # fmt: skip
    assert identity_settled(request)
    actions = _actions(session, request)
    assert "representative_identity_verified" in actions
    assert "representative_authority_verified" in actions


def test_identity_settled_holds_back_an_in_progress_request_with_an_open_check(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    request = make_represented(app, session, controller, now)
    request.status, request.verification = Status.IN_PROGRESS, Verification.VERIFIED
    assert not identity_settled(request)
    register = app.extensions["dsar.registers"][0]
    with pytest.raises(FulfilmentError):
        run_search(session, request, register, actor="test", now=now)
    plain = make_request(session, controller, now, subject_email="x@example.org")
    plain.status = Status.IN_PROGRESS
    assert identity_settled(plain)  # without a representation, nothing changes


def test_a_refused_authority_closes_the_request_with_a_letter_to_the_representative(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    request = make_represented(app, session, controller, now)
    dpo = make_staff(session, now, role=Role.DPO)
    with pytest.raises(ValueError, match="reason"):
        _decide(session, request, Step.AUTHORITY, dpo, now, verified=False)
    assert request.representation is not None
    assert request.representation.authority is Check.PENDING
    reason = "The document does not show that you have parental responsibility."
    _decide(session, request, Step.AUTHORITY, dpo, now, verified=False, note=reason)
    assert request.representation.authority is Check.REFUSED
    assert request.status is Status.IDENTITY_FAILED
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    assert letter.type == "identity_failed"
    assert letter.texts == {"unidentified": reason}
    assert "representative_authority_refused" in _actions(session, request)
    with pytest.raises(ValueError, match="already"):
        _decide(session, request, Step.AUTHORITY, dpo, now)


def test_an_administrator_may_not_decide(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request = make_represented(app, session, controller, now)
    admin = make_staff(session, now, email="admin@example.org", role=Role.ADMIN)
    with pytest.raises(NotPermitted):
        _decide(session, request, Step.IDENTITY, admin, now)
    assert request.representation is not None
    assert request.representation.identity is Check.PENDING


def test_the_representatives_address_is_never_searched_as_the_subjects(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    from dsar.fulfilment.claims import verified_subject

    request = make_represented(app, session, controller, now)
    assert "email" not in verified_subject(session, request).keys
    plain = make_request(session, controller, now, subject_email="x@example.org")
    assert verified_subject(session, plain).keys["email"] == "x@example.org"


def test_a_purge_takes_the_representation_and_its_proof(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    from dsar.files.models import StoredFile
    from dsar.jobs.purge import purge_requests
    from dsar.representatives.models import Representation
    from dsar.requests.models import Request

    request = make_represented(app, session, controller, now)
    request_id = request.id
    session.commit()
    purge_requests(session, app.config["DSAR_SETTINGS"], now, Request.id == request_id)
    session.commit()
    assert session.execute(select(Representation)).first() is None
    assert session.execute(select(StoredFile)).first() is None
    assert session.get(Request, request_id) is None


def test_a_refusal_the_status_does_not_allow_changes_nothing(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    from dsar.requests.workflow import IllegalTransition

    request = make_represented(app, session, controller, now)
    dpo = make_staff(session, now, role=Role.DPO)
    request.status = Status.IN_PROGRESS  # e.g. back from a rejected refusal proposal
    with pytest.raises(IllegalTransition):
        _decide(session, request, Step.AUTHORITY, dpo, now, verified=False, note="no")
    assert request.representation is not None
    assert request.representation.authority is Check.PENDING
    request.status = Status.WITHDRAWN
    with pytest.raises(ValueError, match="closed"):
        _decide(session, request, Step.IDENTITY, dpo, now)
    assert request.representation.identity is Check.PENDING


def test_a_parents_requests_for_two_children_are_no_duplicates(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    from dsar.requests.repeats import others_of_subject

    mia = make_represented(app, session, controller, now)
    ben = make_represented(app, session, controller, now, subject_name="Ben Berger")
    again = make_represented(app, session, controller, now)
    others = others_of_subject(session, mia)
    assert [o.request.id for o in others] == [again.id]
    assert others[0].possible_duplicate
    assert ben.id not in [o.request.id for o in others_of_subject(session, again)]
