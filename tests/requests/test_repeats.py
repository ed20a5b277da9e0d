"""The same subject's other requests: repeats within 12 months, possible duplicates."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dsar.controllers.models import Controller
from dsar.requests.models import Request
from dsar.requests.operations import apply_action
from dsar.requests.repeats import duplicated_rows, others_of_subject
from dsar.requests.workflow import Action, RequestType
from tests.factories import make_request


@pytest.fixture
def subject(session, controller, now: datetime) -> dict[str, Request]:  # type: ignore[no-untyped-def]
    """One subject's requests under several spellings of the address, and some of others'."""
    other = Controller(slug="aaa", name="Aaa AG", country="AT", timezone="Europe/Vienna")
    other.loaded_at = now
    session.add(other)
    session.flush()

    def made(email: str, days: int, kind: RequestType = RequestType.ACCESS, **kw):  # type: ignore[no-untyped-def]
        at = now - timedelta(days=days)
        return make_request(
            session, kw.pop("to", controller), at, subject_email=email, type=kind, **kw
        )

    requests = {
        "this": made("Zoe@Example.org", 0),
        "twin": made("zoe@example.org", 10),  # the same right, open: a possible duplicate
        "unconfirmed": made("ZOE@example.org", 1, received_at=None),  # a second submit
        "erasure": made("ZOE@EXAMPLE.ORG", 100, RequestType.ERASURE),  # a repeat, another right
        "withdrawn": made("zoe@example.org", 20),  # the same right, closed
        "old": made("zoe@example.org", 400),  # more than 12 months before, still open
        "elsewhere": made("zoe@example.org", 5, to=other),  # another controller
        "someone": made("zoey@example.org", 5),  # another subject
    }
    apply_action(session, requests["withdrawn"], Action.WITHDRAW, actor="t", now=now)
    session.flush()
    return requests


def test_the_subjects_other_requests_within_12_months(session, subject) -> None:  # type: ignore[no-untyped-def]
    others = others_of_subject(session, subject["this"])
    names = {r.id: name for name, r in subject.items()}
    listed = [(names[o.request.id], o.possible_duplicate) for o in others]
    assert listed == [
        ("unconfirmed", True),
        ("twin", True),
        ("withdrawn", False),
        ("erasure", False),
        ("old", True),  # the same right still open: shown whatever its age
    ]


def test_a_closed_request_has_no_duplicates_but_its_repeats(session, subject) -> None:  # type: ignore[no-untyped-def]
    others = others_of_subject(session, subject["withdrawn"])
    assert others and not any(o.possible_duplicate for o in others)
    assert subject["old"].id not in {o.request.id for o in others}  # a closed one: 12 months


def test_no_address_no_others(session, controller, now: datetime) -> None:  # type: ignore[no-untyped-def]
    posted = make_request(session, controller, now, subject_email=None)
    make_request(session, controller, now, subject_email=None)
    assert others_of_subject(session, posted) == []


def test_queue_rows_sharing_subject_and_right_while_open(session, subject) -> None:  # type: ignore[no-untyped-def]
    ids = {name: r.id for name, r in subject.items()}
    flagged = duplicated_rows(session, ids.values())
    assert flagged == {ids["this"], ids["twin"], ids["unconfirmed"], ids["old"]}
    assert duplicated_rows(session, [ids["erasure"], ids["someone"]]) == set()
    assert duplicated_rows(session, []) == set()
