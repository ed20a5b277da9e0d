"""The staff forms fuzzed (hypothesis, tests/fuzz_inputs.py): a DPO's malformed posts to the
new-request, decision, note and assign forms never answer 500, and afterwards no request is
half-written (docs/reliability.md)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsar.requests.models import Request
from dsar.requests.workflow import Action, RequestType
from tests.factories import make_request
from tests.fuzz_inputs import FUZZ, Upload, assert_no_half_written_request, posts

PDF = b"%PDF-1.4 scan"
HUGE_ID = "99999999999999999999"
DECISION_FIELDS = ("reason", "what", "why", "ground", "purpose", "confirmed")
# Decisions a new request can take, drawn as often as all the others together.
POSSIBLE = ("verify_identity", "prepare_answer", "reopen", "extend")
NEW_REQUEST_FIELDS = ("subject_address", "subject_phone", "salutation")


@pytest.fixture
def worked(session, controller, now, dpo, as_user, no_csrf):  # type: ignore[no-untyped-def]
    """A DPO's client and three requests to work on."""
    requests = [
        make_request(session, controller, now, type=kind)
        for kind in (RequestType.ACCESS, RequestType.ERASURE, RequestType.OBJECTION)
    ]
    return as_user(dpo), requests


def _run(client: Any, session: Any, form: str, target: Any) -> Counter[int]:
    """Post `target(data) -> (path, strategy)` examples; each must answer below 500."""
    statuses: Counter[int] = Counter()

    @FUZZ
    @given(data=st.data())
    def post_one(data: st.DataObject) -> None:
        path, strategy = target(data)
        post = data.draw(strategy)
        response = post.send(client, path)
        statuses[response.status_code] += 1
        assert response.status_code < 500, (path, post)

    post_one()
    stored = assert_no_half_written_request(session)
    print(f"\n{form}: {sum(statuses.values())} posts, {dict(sorted(statuses.items()))}, "
          f"{stored} requests, all whole")  # fmt: skip
    return statuses


def _request_path(
    data: st.DataObject, requests: list[Request], session: Any
) -> tuple[str, Request]:
    request = data.draw(st.sampled_from(requests))
    session.refresh(request)
    which = data.draw(
        st.one_of(st.just(str(request.id)), st.sampled_from(["0", HUGE_ID, "-1", "x"]))
    )
    return which, request


def test_the_new_request_form(worked, session, controller) -> None:  # type: ignore[no-untyped-def]
    client, _requests = worked
    valid = {
        "controller": str(controller.id),
        "type": "access",
        "channel": "post",
        "language": "de",
        "received_at": "2026-02-27T23:30",
        "subject_name": "Zoë",
        "subject_email": "brief@example.org",
        "description": "Letter asking for a copy",
    }
    strategy = posts(valid, NEW_REQUEST_FIELDS, ("original",))
    letters = st.builds(Upload, st.just(PDF), st.just("letter.pdf"))

    def target(data: st.DataObject) -> tuple[str, Any]:
        with_letter = st.builds(
            lambda post, letter: type(post)(
                (*post.pairs, ("original", letter)), post.raw, "multipart/form-data"
            ),
            strategy,
            letters,
        )
        return "/staff/requests/new", data.draw(st.sampled_from([strategy, with_letter]))

    statuses = _run(client, session, "new request", target)
    assert statuses[303] > 0  # some got through to the write


def test_the_decision_form(worked, session) -> None:  # type: ignore[no-untyped-def]
    client, requests = worked
    decisions = [action.value for action in Action] + ["", "nonsense"]

    def target(data: st.DataObject) -> tuple[str, Any]:
        which, request = _request_path(data, requests, session)
        decision = data.draw(st.one_of(st.sampled_from(POSSIBLE), st.sampled_from(decisions)))
        valid = {"decision": decision, "version": str(request.version)}
        return f"/staff/requests/{which}/decide", posts(valid, DECISION_FIELDS)

    statuses = _run(client, session, "decisions", target)
    assert statuses[303] > 0


def test_the_note_and_assign_forms(worked, session, dpo, agent) -> None:  # type: ignore[no-untyped-def]
    client, requests = worked
    assignees = ["me", "", str(dpo.id), str(agent.id), "0", HUGE_ID, "abc"]

    def target(data: st.DataObject) -> tuple[str, Any]:
        which, request = _request_path(data, requests, session)
        form = data.draw(st.sampled_from(["note", "assign", "bulk"]))
        if form == "note":
            return f"/staff/requests/{which}/notes", posts({"text": "Called back"}, ())
        assignee = data.draw(st.sampled_from(assignees))
        if form == "assign":
            return f"/staff/requests/{which}/assign", posts({"assignee": assignee}, ())
        ids = {"ids": which, "assignee": assignee}
        return "/staff/queue/assign", posts(ids, ("one", "ids", "next"))

    statuses = _run(client, session, "notes and assignments", target)
    assert statuses[303] + statuses[302] > 0
