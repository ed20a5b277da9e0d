"""suppress, check, listed_entries and record_tombstone on the app's database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dsar.jobs.purge import purge_requests
from dsar.requests.models import Request, RequestEvent
from dsar.suppression.hashing import value_hmac
from dsar.suppression.models import ErasureTombstone, SuppressionEntry, SuppressionScope
from dsar.suppression.operations import check, listed_entries, record_tombstone, suppress
from tests.factories import make_request
from tests.suppression.conftest import PARTS_42, SALT

MARKETING, ERASED = SuppressionScope.MARKETING, SuppressionScope.ERASED
KEYS = {"email": " Zoe@Example.ORG ", "customer_number": "K-100042"}


def _entries(session) -> int:  # type: ignore[no-untyped-def]
    return session.execute(select(func.count()).select_from(SuppressionEntry)).scalar_one()


def test_suppress_is_idempotent_and_keeps_the_first_entry(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    assert suppress(session, controller, KEYS, MARKETING, salt=SALT, now=now) == 2
    later = now + timedelta(days=3)
    assert (
        suppress(
            session, controller, {"email": "zoe@example.org"}, "marketing", salt=SALT, now=later
        )
        == 0
    )
    assert suppress(session, controller, KEYS, MARKETING, salt=SALT, now=later) == 0
    assert _entries(session) == 2
    assert {e.created_at for e in listed_entries(session, controller)} == {now}
    assert suppress(session, controller, KEYS, ERASED, salt=SALT, now=later) == 2  # another scope
    assert _entries(session) == 4


def test_check_finds_an_email_in_any_case_and_other_keys_exactly(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    suppress(session, controller, KEYS, MARKETING, salt=SALT, now=now)
    suppress(session, controller, {"email": "zoe@example.org"}, ERASED, salt=SALT, now=now)

    assert check(session, controller, "ZOE@example.org", salt=SALT) == [
        ("email", ERASED),
        ("email", MARKETING),
    ]
    assert check(session, controller, "zoe@example.org", "email", salt=SALT) == [
        ("email", ERASED),
        ("email", MARKETING),
    ]
    assert check(session, controller, " K-100042", salt=SALT) == [("customer_number", MARKETING)]
    assert check(session, controller, "k-100042", salt=SALT) == []  # not an e-mail: as given
    assert check(session, controller, "K-100042", "email", salt=SALT) == []  # another key
    assert check(session, controller, "zoe@example.org", salt="another-salt-long-enough") == []
    assert check(session, controller, "  ", salt=SALT) == []


def test_a_controllers_entries_are_not_found_for_another(
    session, controller, other_controller, now
) -> None:  # type: ignore[no-untyped-def]
    suppress(session, controller, KEYS, MARKETING, salt=SALT, now=now)

    assert check(session, other_controller, "zoe@example.org", salt=SALT) == []
    assert list(listed_entries(session, other_controller)) == []
    assert suppress(session, other_controller, KEYS, MARKETING, salt=SALT, now=now) == 2
    assert len(check(session, other_controller, "zoe@example.org", salt=SALT)) == 1


def test_entries_keep_hashes_only_and_export_by_scope(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    suppress(session, controller, KEYS, MARKETING, salt=SALT, now=now)
    suppress(session, controller, {"email": "max@example.org"}, ERASED, salt=SALT, now=now)

    stored = [(e.lookup_key, e.scope, e.hmac) for e in listed_entries(session, controller)]
    assert ("email", MARKETING, value_hmac(SALT, "email", "zoe@example.org")) in stored
    assert not any("zoe" in h.lower() or "100042" in h for _, _, h in stored)
    erased = list(listed_entries(session, controller, "erased"))
    assert [(e.lookup_key, e.hmac) for e in erased] == [
        ("email", value_hmac(SALT, "email", "max@example.org"))
    ]


def test_a_request_records_what_was_suppressed_without_values(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    suppress(session, controller, KEYS, MARKETING, request, salt=SALT, now=now, actor="dana")
    suppress(session, controller, KEYS, MARKETING, request, salt=SALT, now=now)  # nothing new

    events = (
        session.execute(
            select(RequestEvent).where(
                RequestEvent.request_id == request.id, RequestEvent.action == "suppressed"
            )
        )
        .scalars()
        .all()
    )
    assert [(e.actor, e.payload) for e in events] == [
        ("dana", {"scope": "marketing", "keys": ["email", "customer_number"]})
    ]
    assert {e.request_id for e in listed_entries(session, controller)} == {request.id}


def test_a_tombstone_keeps_hashes_and_the_parts_fields_only(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    parts = [{**PARTS_42[0], "rows": [{"email": "zoe@example.org"}]}]  # anything else is dropped
    tombstone = record_tombstone(session, controller, KEYS, parts, now, request, salt=SALT)

    session.expire_all()
    stored = session.get(ErasureTombstone, tombstone.id)
    assert stored.key_hashes == [
        {"key": "customer_number", "hmac": value_hmac(SALT, "customer_number", "K-100042")},
        {"key": "email", "hmac": value_hmac(SALT, "email", "zoe@example.org")},
    ]
    assert stored.parts == [PARTS_42[0]]
    assert (stored.request_id, stored.executed_at, stored.controller_id) == (
        request.id,
        now,
        controller.id,
    )
    assert "zoe" not in repr(stored.key_hashes) + repr(stored.parts)
    [event] = (
        session.execute(select(RequestEvent).where(RequestEvent.action == "erasure_tombstone"))
        .scalars()
        .all()
    )
    assert event.payload == {
        "tombstone": tombstone.id,
        "keys": ["customer_number", "email"],
        "parts": 1,
    }


@pytest.mark.parametrize(
    ("keys", "parts", "message"),
    [
        ({"email": " "}, PARTS_42, "at least one lookup value"),
        (KEYS, [{"source": "shop_db", "part": "customers", "action": "delete"}], "lacks rule"),
    ],
)
def test_a_tombstone_needs_a_key_and_complete_parts(
    session, controller, now, keys, parts, message
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        record_tombstone(session, controller, keys, parts, now, salt=SALT)
    assert session.execute(select(func.count()).select_from(ErasureTombstone)).scalar_one() == 0


def test_the_purge_of_the_request_keeps_entries_and_tombstones(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    suppress(session, controller, KEYS, ERASED, request, salt=SALT, now=now)
    tombstone = record_tombstone(session, controller, KEYS, PARTS_42, now, request, salt=SALT)
    request_id, tombstone_id = request.id, tombstone.id
    session.commit()

    settings = app.config["DSAR_SETTINGS"]
    assert purge_requests(session, settings, now, Request.id == request_id).purged == 1
    session.commit()
    assert session.get(Request, request_id) is None
    assert session.get(ErasureTombstone, tombstone_id).request_id is None
    assert [e.request_id for e in listed_entries(session, controller)] == [None, None]
    assert len(check(session, controller, "zoe@example.org", salt=SALT)) == 1
