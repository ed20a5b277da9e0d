"""How download links end: a rebuilt export supersedes the old one; a withdrawal, a refusal or
a failed identity ends every link of the request in the decision's transaction; the dead link
answers 410 with why, in German or English, and with nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.core.clock import FixedClock
from dsar.extensions import limiter
from dsar.fulfilment.exclusions import exclude
from dsar.fulfilment.links import ENDED_BY_STATUS
from dsar.fulfilment.models import ExclusionReason, Export
from dsar.requests.deadlines.clock_policies import ClockPolicy
from dsar.requests.deadlines.operations import ClockSettings
from dsar.requests.decisions import DecisionInput, RefusalGround, StaleForm, decide
from dsar.requests.models import RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import CLOSED_STATUSES, Action, Decision, Status
from tests.factories import make_request, make_staff
from tests.fulfilment.conftest import make_export
from tests.fulfilment.test_export import _build, _prepared

CLOCK = ClockSettings(ClockPolicy.EDPB, 3)
WHY = {
    "superseded": (
        "This link was replaced by a newer export.",
        "Dieser Link wurde durch einen neueren Export ersetzt.",
    ),
    "withdrawn": (
        "This link no longer works because the request was withdrawn.",
        "Dieser Link funktioniert nicht mehr, weil die Anfrage zurückgezogen wurde.",
    ),
    "refused": (
        "This link no longer works because the request was refused.",
        "Dieser Link funktioniert nicht mehr, weil die Anfrage abgelehnt wurde.",
    ),
    "identity_failed": (
        "This link no longer works because your identity could not be confirmed.",
        "Dieser Link funktioniert nicht mehr, weil Ihre Identität nicht bestätigt werden konnte.",
    ),
}


@pytest.fixture(autouse=True)
def _no_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limiter, "enabled", False)  # many clicks from 127.0.0.1 per session


def _get(client, token: str, language: str = "en"):  # type: ignore[no-untyped-def]
    return client.get(f"/c/demo/download/{token}", headers={"Accept-Language": language})


def _events(session, request, action: str) -> list[RequestEvent]:  # type: ignore[no-untyped-def]
    return list(
        session.execute(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id, RequestEvent.action == action)
            .order_by(RequestEvent.seq)
        ).scalars()
    )


def _says_only_why(client, token: str, reason: str, request) -> None:  # type: ignore[no-untyped-def]
    """The link answers 410 with the reason in each language, and nothing about the request."""
    for language, why in zip(("en", "de"), WHY[reason], strict=True):
        response = _get(client, token, language)
        page = response.get_data(as_text=True)
        assert response.status_code == 410
        assert f'<html lang="{language}">' in page and why in page
        assert response.headers["Cache-Control"] == "no-store"
        for secret in (request.reference, request.subject_name, request.subject_email):
            assert secret not in page


def test_a_rebuilt_export_supersedes_the_old_link(  # type: ignore[no-untyped-def]
    app, client, session, now, verified_request, monkeypatch
):
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now + timedelta(days=1)))
    request = verified_request()
    register = _prepared(app, session, now, request)
    first, _archive = _build(app, session, now, request, register)
    exclude(
        session,
        request,
        source_id="shop_db",
        part="web_logs",
        row_key="125",
        reason_code=ExclusionReason.THIRD_PARTY,
        reason="a family member's browsing",
        actor="dana@example.org",
        now=now,
    )
    later = now + timedelta(hours=2)
    second, _archive = _build(app, session, later, request, register)
    session.commit()

    _says_only_why(client, first.token, "superseded", request)
    assert _get(client, second.token).status_code == 200
    session.refresh(first.export)
    assert (first.export.revoked_at, first.export.revoked_reason) == (later, "superseded")
    assert (first.export.revoked_by, first.export.download_count) == ("dana@example.org", 0)
    [event] = _events(session, request, "revoke_download_links")
    assert (event.actor, event.payload) == (
        "dana@example.org",
        {"exports": [first.export.id], "reason": "superseded", "by_export": second.export.id},
    )
    # The new build's event comes after: the old link was dead before the new one was mailed.
    assert event.seq < _events(session, request, "build_access_export")[-1].seq


DECISIONS = {
    "withdrawn": [(Decision.WITHDRAW, {})],
    "refused": [
        (
            Decision.PROPOSE_REFUSAL,
            {"ground": RefusalGround.EXCESSIVE, "reason": "the fifth in a week"},
        ),
        (Decision.APPROVE_REFUSAL, {}),
    ],
    "identity_failed": [
        (Decision.REQUEST_INFORMATION, {"what": "your customer number", "why": "two Zoës"}),
        (Decision.FAIL_IDENTITY, {"reason": "no answer"}),
    ],
}


@pytest.mark.parametrize("reason", list(DECISIONS))
def test_closing_without_an_answer_ends_every_link_in_the_same_transaction(  # type: ignore[no-untyped-def]
    app, client, session, controller, now, monkeypatch, reason
):
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now + timedelta(days=1)))
    request = make_request(session, controller, now)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    links = [make_export(app, session, request, now) for _ in range(2)]  # two mails sent
    dpo = make_staff(session, now, role=Role.DPO)
    decided = now + timedelta(days=1)
    for decision, fields in DECISIONS[reason]:
        decide(
            session,
            request,
            DecisionInput(decision, version=request.version, **fields),
            user=dpo,
            clock=CLOCK,
            now=decided,
        )

    # Before any commit: the decision and the links' end are one unit of work.
    ended = session.execute(select(Export).where(Export.request_id == request.id)).scalars()
    assert {(e.revoked_at, e.revoked_reason, e.revoked_by) for e in ended} == {
        (decided, reason, dpo.email)
    }
    [event] = _events(session, request, "revoke_download_links")
    assert event.payload == {"exports": [e.id for e, _t in links], "reason": reason}
    decision_event = _events(session, request, DECISIONS[reason][-1][0].value)[-1]
    assert event.seq == decision_event.seq + 1
    session.commit()
    for _export, token in links:
        _says_only_why(client, token, reason, request)


def test_a_refused_decision_leaves_the_links_alive(app, client, session, controller, now):  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    export, _token = make_export(app, session, request, now)
    dpo = make_staff(session, now, role=Role.DPO)

    with pytest.raises(StaleForm):
        decide(
            session,
            request,
            DecisionInput(Decision.WITHDRAW, version=request.version - 1),
            user=dpo,
            clock=CLOCK,
            now=now,
        )
    assert export.revoked_at is None and request.status is Status.IN_PROGRESS
    assert _events(session, request, "revoke_download_links") == []


def test_every_status_that_closes_without_an_answer_ends_the_links() -> None:
    """Completing delivers the answer through the link; an unconfirmed request has none."""
    assert set(ENDED_BY_STATUS) == CLOSED_STATUSES - {Status.COMPLETED, Status.EXPIRED}


def test_unknown_and_expired_links_say_nothing_of_a_revocation(  # type: ignore[no-untyped-def]
    app, client, session, controller, now, monkeypatch
):
    request = make_request(session, controller, now)
    _export, token = make_export(app, session, request, now)
    session.commit()

    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now + timedelta(days=15)))
    expired = _get(client, token)
    assert expired.status_code == 404 and b"has expired" in expired.data
    unknown = _get(client, "x" * 43, "de")
    assert unknown.status_code == 404 and "Dieser Download-Link ist nicht gültig." in (
        unknown.get_data(as_text=True)
    )
