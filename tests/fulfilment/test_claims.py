"""Typed lookup keys are claims: checked at search; verified by record, code or DPO; set aside."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dsar.fulfilment.claim_codes import (
    MAX_ATTEMPTS,
    MAX_CODES,
    address_on_file,
    enter_code,
    new_code,
)
from dsar.fulfilment.claim_models import ClaimMethod, ClaimState, LookupClaim
from dsar.fulfilment.claims import (
    ClaimError,
    claims_of,
    set_aside_claim,
    verified_subject,
    verify_claim,
)
from dsar.fulfilment.search import completion_blockers, register_for, run_search
from dsar.requests.models import RequestEvent
from tests.fulfilment.conftest import GOLDEN_EMAIL, GOLDEN_NUMBER

SECRET = "test-secret"
ATTACKER = "attacker@example.org"
VICTIM_NUMBER = "K-100002"
VICTIM_EMAIL = "kunde002@example.org"


def _register(app, request):  # type: ignore[no-untyped-def]
    return register_for(app.extensions["dsar.registers"], request)


def _counts(run):  # type: ignore[no-untyped-def]
    return {f.part: f.row_count for f in run.findings if f.source_id == "shop_db"}


def _claim(session, request) -> LookupClaim:  # type: ignore[no-untyped-def]
    return session.execute(
        select(LookupClaim).where(LookupClaim.request_id == request.id)
    ).scalar_one()


def test_own_number_on_a_record_with_the_confirmed_email_is_verified_and_searched(
    app, session, now, verified_request
):
    request = verified_request()
    run = run_search(session, request, _register(app, request), actor="dana@example.org", now=now)

    claim = _claim(session, request)
    assert (claim.state, claim.method) == (ClaimState.VERIFIED, ClaimMethod.ROW_CARRIES_EMAIL)
    assert "has the confirmed e-mail" in (claim.detail or "")
    assert verified_subject(session, request).keys == {
        "email": GOLDEN_EMAIL,
        "customer_number": GOLDEN_NUMBER,
    }
    assert _counts(run)["customers"] == 1
    assert not any("customer_number" in b for b in completion_blockers(session, request))
    actions = [e.action for e in session.execute(select(RequestEvent)).scalars()]
    assert "verify_lookup_key" in actions


def test_another_customers_number_is_held_back_with_a_conflict(app, session, now, verified_request):
    request = verified_request(
        subject_email=ATTACKER, details={"lookup_keys": {"customer_number": VICTIM_NUMBER}}
    )
    run = run_search(session, request, _register(app, request), actor="dana@example.org", now=now)

    claim = _claim(session, request)
    assert claim.state is ClaimState.UNVERIFIED and claim.conflict
    assert "differs from the confirmed one" in (claim.finding or "")
    assert set(_counts(run).values()) == {0}
    assert VICTIM_NUMBER not in str([f.sample for f in run.findings])
    assert verified_subject(session, request).keys == {"email": ATTACKER}
    assert any(
        b.startswith(f"customer_number {VICTIM_NUMBER}: typed")
        for b in completion_blockers(session, request)
    )


def test_a_number_nobody_has_is_not_found_when_only_automated_sources_exist(
    app, session, now, verified_request
):
    request = verified_request(details={"lookup_keys": {"customer_number": "K-999999"}})
    register = _register(app, request)
    automated = register.model_copy(
        update={"sources": [s for s in register.sources if s.type != "manual"]}
    )
    run_search(session, request, automated, actor="dana@example.org", now=now)
    assert _claim(session, request).state is ClaimState.NOT_FOUND


def test_a_number_nobody_has_stays_open_while_a_manual_system_may_hold_it(
    app, session, now, verified_request
):
    request = verified_request(details={"lookup_keys": {"customer_number": "K-999999"}})
    run_search(session, request, _register(app, request), actor="dana@example.org", now=now)
    claim = _claim(session, request)
    assert claim.state is ClaimState.UNVERIFIED and not claim.conflict


def test_code_to_the_address_on_file_verifies_the_owner(app, session, now, verified_request):
    request = verified_request(
        subject_email="owner-new-address@example.com",
        details={"lookup_keys": {"customer_number": VICTIM_NUMBER}},
    )
    register = _register(app, request)
    run_search(session, request, register, actor="dana@example.org", now=now)
    claim = _claim(session, request)

    assert address_on_file(register, claim) == (VICTIM_EMAIL, "Shop database")
    sent = new_code(
        session,
        request,
        claim,
        recipient=VICTIM_EMAIL,
        where="Shop database",
        secret=SECRET,
        actor="subject",
        now=now,
    )
    assert sent is not None and len(sent.code) == 6 and sent.recipient == VICTIM_EMAIL
    assert claim.code_hash not in (None, sent.code)  # only a keyed hash is stored

    wrong = "000000" if sent.code != "000000" else "111111"
    assert not enter_code(session, request, claim, wrong, secret=SECRET, now=now)
    assert claim.state is ClaimState.UNVERIFIED
    soon = now + timedelta(minutes=1)
    assert enter_code(session, request, claim, sent.code, secret=SECRET, now=soon)
    assert claim.method is ClaimMethod.CODE_TO_CONTACT_ON_FILE
    assert "customer_number was verified after the last search: search again" in (
        completion_blockers(session, request)
    )

    run = run_search(
        session, request, register, actor="dana@example.org", now=now + timedelta(minutes=2)
    )
    assert _counts(run)["customers"] == 1 and _counts(run)["orders"] > 0


def test_an_expired_code_or_one_past_its_attempts_fails(app, session, now, verified_request):
    request = verified_request(
        subject_email=ATTACKER, details={"lookup_keys": {"customer_number": VICTIM_NUMBER}}
    )
    run_search(session, request, _register(app, request), actor="dana@example.org", now=now)
    claim = _claim(session, request)

    def send():  # type: ignore[no-untyped-def]
        sent = new_code(
            session,
            request,
            claim,
            recipient=VICTIM_EMAIL,
            where="x",
            secret=SECRET,
            actor="subject",
            now=now,
        )
        assert sent is not None
        return sent

    later = now + timedelta(minutes=31)
    assert not enter_code(session, request, claim, send().code, secret=SECRET, now=later)

    sent = send()
    wrong = "000000" if sent.code != "000000" else "111111"
    for _ in range(MAX_ATTEMPTS):
        enter_code(session, request, claim, wrong, secret=SECRET, now=now)
    assert not enter_code(session, request, claim, sent.code, secret=SECRET, now=now)
    assert claim.state is ClaimState.UNVERIFIED


def test_codes_per_claim_are_limited_whether_or_not_an_address_exists(
    app, session, now, verified_request
):
    request = verified_request(details={"lookup_keys": {"customer_number": "K-999999"}})
    claim = claims_of(session, request, now)[0]
    for _ in range(MAX_CODES):
        assert (
            new_code(
                session,
                request,
                claim,
                recipient=None,
                where="",
                secret=SECRET,
                actor="subject",
                now=now,
            )
            is None
        )
    with pytest.raises(ClaimError):
        new_code(
            session,
            request,
            claim,
            recipient=VICTIM_EMAIL,
            where="",
            secret=SECRET,
            actor="subject",
            now=now,
        )


def test_verifying_needs_a_detail_and_set_aside_a_reason(app, session, now, verified_request):
    request = verified_request(
        subject_email=ATTACKER, details={"lookup_keys": {"customer_number": VICTIM_NUMBER}}
    )
    claim = claims_of(session, request, now)[0]
    with pytest.raises(ClaimError):
        verify_claim(
            session,
            request,
            claim,
            method=ClaimMethod.DOCUMENT_COMPARED,
            detail=" ",
            actor="dpo@example.org",
            now=now,
        )
    with pytest.raises(ClaimError):
        set_aside_claim(session, request, claim, reason="", actor="dana@example.org", now=now)
    assert claim.state is ClaimState.UNVERIFIED

    set_aside_claim(session, request, claim, reason="not theirs", actor="dana@example.org", now=now)
    assert claim.state is ClaimState.SET_ASIDE
    assert verified_subject(session, request).keys == {"email": ATTACKER}
    run_search(session, request, _register(app, request), actor="dana@example.org", now=now)
    assert _claim(session, request).state is ClaimState.SET_ASIDE  # a new search keeps it
    assert not any("customer_number" in b for b in completion_blockers(session, request))


def test_the_address_counts_as_confirmed_only_by_its_recorded_confirmation(
    app, session, now, verified_request
):
    from dsar.audit.request_trail import record_event
    from dsar.fulfilment.claims import email_confirmed_by_link, identity_basis

    request = verified_request()  # received, but no confirmation was ever recorded
    assert not email_confirmed_by_link(session, request)
    assert identity_basis(session, request)["verified"] == {"email": "checked by staff"}
    record_event(session, request, "confirm_email", actor="subject", now=now)
    assert email_confirmed_by_link(session, request)
    assert identity_basis(session, request)["verified"] == {"email": "confirmed by link"}
