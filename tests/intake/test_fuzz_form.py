"""The public form fuzzed (hypothesis, tests/fuzz_inputs.py): malformed posts to every right's
form never answer 500, and afterwards no request is half-written (docs/reliability.md)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from dsar.extensions import limiter
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request
from dsar.requests.workflow import Status
from tests.fuzz_inputs import EXAMPLES, FUZZ, Post, assert_no_half_written_request, posts
from tests.intake.conftest import form_data

RIGHTS = ("access", "rectification", "erasure", "restriction", "portability", "objection",
          "consent_withdrawal", "nonsense")  # fmt: skip
FIELDS = ("salutation", "items-0-wrong", "items-0-correct", "items-1-wrong", "add_item",
          "scope", "categories", "ground", "format", "transmit", "recipient_name",
          "recipient_address", "recipient_endpoint", "kind", "grounds", "activities",
          "switch_language")  # fmt: skip
VALID = form_data(key_customer_number="K-100042")


@pytest.fixture
def fuzz_client(app, clock, no_csrf, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(limiter, "enabled", False)  # hundreds of posts from one address
    return app.test_client()


def test_malformed_posts_to_the_public_form_never_fail_and_leave_nothing_half(  # type: ignore[no-untyped-def]
    fuzz_client, session, controller
) -> None:
    statuses: Counter[int] = Counter()

    @FUZZ
    @given(right=st.sampled_from(RIGHTS), post=posts(VALID, FIELDS, ("documents",)))
    def post_one(right: str, post: Post) -> None:
        response = post.send(fuzz_client, f"/c/demo/request/{right}")
        statuses[response.status_code] += 1
        assert response.status_code < 500, post

    post_one()
    stored = assert_no_half_written_request(session)
    waiting = session.execute(
        select(Request.id).where(Request.status == Status.AWAITING_CONFIRMATION)
    ).scalars()
    mails = set(session.execute(select(OutboxMessage.idempotency_key)).scalars())
    assert {f"confirm:{request_id}" for request_id in waiting} <= mails
    print(f"\npublic form: {sum(statuses.values())} posts, {dict(sorted(statuses.items()))}, "
          f"{stored} requests stored, all whole")  # fmt: skip
    assert sum(statuses.values()) >= EXAMPLES
    assert stored > 0  # the fuzz reached the write path, not only the validators
