"""The case page of a representative's request: who asked for whom, the two checks as the next
steps, each decision by POST, and the gates held on the staff pages (docs/representatives.md)."""

from __future__ import annotations

from sqlalchemy import select

from dsar.letters.models import Letter, LetterStatus
from dsar.letters.operations import draft_letter
from dsar.representatives.models import Check
from dsar.requests.models import RequestEvent
from dsar.requests.workflow import Status, Verification
from tests.representatives.factories import make_represented


def _post(client, request, step, outcome, note=""):  # type: ignore[no-untyped-def]
    data = {"step": step, "outcome": outcome, "version": str(request.version), "note": note}
    return client.post(f"/staff/requests/{request.id}/representation", data=data)


def test_the_case_page_shows_the_representative_and_the_next_steps(
    app, session, controller, now, agent, as_user
) -> None:  # type: ignore[no-untyped-def]
    request = make_represented(app, session, controller, now)
    page = as_user(agent).get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert 'id="representation"' in page
    assert "Anna Berger" in page and "birth.pdf" in page
    checklist = page[
        page.index('id="checklist"') : page.index("</ol>", page.index('id="checklist"'))
    ]
    first = checklist.index("Verify the representative&#39;s identity")
    assert first < checklist.index("Verify the authority") < checklist.index("Identity settled")
    assert "· next" in checklist[first : checklist.index("Verify the authority")]


def test_both_checks_by_post_then_identity_may_be_verified(
    app, session, controller, now, agent, as_user, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    request = make_represented(app, session, controller, now)
    client = as_user(agent)
    response = client.post(
        f"/staff/requests/{request.id}/decide",
        data={"decision": "verify_identity", "version": str(request.version)},
    )
    assert response.status_code == 409  # the representative first
    session.refresh(request)
    assert request.status is Status.NEW
    assert _post(client, request, "identity", "verified", "ID card seen").status_code == 303
    session.refresh(request)
    assert _post(client, request, "authority", "verified", "birth certificate").status_code == 303
    session.refresh(request)
    representation = request.representation
    assert representation is not None
    assert (representation.identity, representation.authority) == (Check.VERIFIED, Check.VERIFIED)
    assert representation.identity_by == agent.email
    response = client.post(
        f"/staff/requests/{request.id}/decide",
        data={"decision": "verify_identity", "version": str(request.version)},
    )
    assert response.status_code == 303
    session.refresh(request)
    assert request.verification is Verification.VERIFIED


def test_a_refusal_needs_its_reason_and_ends_the_request(
    app, session, controller, now, dpo, as_user, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    request = make_represented(app, session, controller, now)
    client = as_user(dpo)
    _post(client, request, "authority", "refused")
    session.refresh(request)
    assert request.representation is not None
    assert request.representation.authority is Check.PENDING
    assert request.status is Status.NEW
    _post(client, request, "authority", "refused", "The court order names someone else.")
    session.refresh(request)
    assert request.representation.authority is Check.REFUSED
    assert request.status is Status.IDENTITY_FAILED
    actions = session.execute(
        select(RequestEvent.action).where(RequestEvent.request_id == request.id)
    ).scalars()
    assert "representative_authority_refused" in list(actions)


def test_the_answer_letter_is_not_approved_or_sent_by_post(
    app, session, controller, now, dpo, as_user, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    request = make_represented(app, session, controller, now)
    assert request.representation is not None
    request.representation.identity = Check.VERIFIED  # the authority is still open
    request.status, request.verification = Status.ANSWERING, Verification.VERIFIED
    letter = draft_letter(session, request, actor="test", now=now, letter_type="access")
    client = as_user(dpo)
    for action in ("approve", "send"):
        response = client.post(f"/staff/letters/{letter.id}/{action}")
        assert response.status_code == 302
        session.expire_all()
        stored = session.execute(select(Letter).where(Letter.id == letter.id)).scalar_one()
        assert stored.status is LetterStatus.DRAFT and stored.sha256 is None
    page = client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "authority to act" in page


def test_the_export_is_not_built_by_post(
    app, session, controller, now, dpo, as_user, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    from dsar.fulfilment.models import Export

    request = make_represented(app, session, controller, now)
    request.status, request.verification = Status.IN_PROGRESS, Verification.VERIFIED
    client = as_user(dpo)
    response = client.post(f"/staff/requests/{request.id}/data/export", data={"kind": "access"})
    assert response.status_code in (302, 303)
    assert session.execute(select(Export)).first() is None
    searched = client.post(f"/staff/requests/{request.id}/data/search")
    assert searched.status_code in (302, 303)
    session.expire_all()
    actions = session.execute(
        select(RequestEvent.action).where(RequestEvent.request_id == request.id)
    ).scalars()
    assert "search_sources" not in list(actions)


def test_the_section_speaks_german(app, session, controller, now, dpo, as_user) -> None:  # type: ignore[no-untyped-def]
    request = make_represented(app, session, controller, now, language="de")
    client = as_user(dpo)
    page = client.get(f"/staff/requests/{request.id}", headers={"Accept-Language": "de"})
    main = page.get_data(as_text=True).split("<main", 1)[1]
    for words in (
        "Im Namen der betroffenen Person gestellt",
        "Vertretende Person",
        "Elternteil oder Vormund eines Kindes",
        "Vertretungsnachweis",
        "noch nicht entschieden",
        "Identität der vertretenden Person prüfen",
        "Vertretungsbefugnis prüfen",
        "Ablehnen: beendet die Anfrage",
        "im Namen von",  # the timeline's payload key
    ):
        assert words in main, words
    for words in ("Representative", "Proof of authority", "not decided yet", "on behalf of"):
        assert words not in main, words
