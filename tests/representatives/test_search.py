"""What a representative's request searches under: never their own address; the subject's
e-mail they gave only once staff verified it as the subject's (B5)."""

from __future__ import annotations

from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.fulfilment.claim_models import ClaimMethod, LookupClaim
from dsar.fulfilment.claims import verify_claim
from dsar.fulfilment.search import completion_blockers, run_search
from dsar.representatives.models import Relationship
from dsar.representatives.operations import NewRepresentation, Step, decide_representation
from dsar.requests.deadlines.clock_policies import ClockPolicy
from dsar.requests.deadlines.operations import ClockSettings
from dsar.requests.decisions import DecisionInput, decide
from dsar.requests.workflow import Decision
from tests.factories import make_staff
from tests.fulfilment.conftest import GOLDEN_EMAIL
from tests.representatives.factories import make_represented

CLOCK = ClockSettings(ClockPolicy.EDPB, 3)


def test_the_subjects_address_is_searched_only_once_verified(
    app, session, controller, now, shop
) -> None:  # type: ignore[no-untyped-def]
    dpo = make_staff(session, now, role=Role.DPO)
    lawyer = NewRepresentation(
        "Dr. Ruth Kanzlei", "kanzlei@example.org", Relationship.LAWYER, subject_email=GOLDEN_EMAIL
    )
    request = make_represented(app, session, controller, now, representation=lawyer)
    assert request.details["lookup_keys"] == {"email": GOLDEN_EMAIL}
    for step in Step:
        decide_representation(
            session, request, step, verified=True, note="seen", version=request.version,
            user=dpo, clock=CLOCK, now=now,
        )  # fmt: skip
    decide(
        session, request, DecisionInput(Decision.VERIFY_IDENTITY, version=request.version),
        user=dpo, clock=CLOCK, now=now,
    )  # fmt: skip
    register = app.extensions["dsar.registers"][0]
    run = run_search(session, request, register, actor=dpo.email, now=now)
    assert sum(f.row_count for f in run.findings) == 0  # a claim is not searched
    assert any("email" in b for b in completion_blockers(session, request))
    claim = session.execute(
        select(LookupClaim).where(LookupClaim.request_id == request.id)
    ).scalar_one()
    verify_claim(
        session, request, claim, method=ClaimMethod.DOCUMENT_COMPARED,
        detail="the power of attorney names this address", actor=dpo.email, now=now,
    )  # fmt: skip
    run = run_search(session, request, register, actor=dpo.email, now=now)
    assert sum(f.row_count for f in run.findings) > 0
