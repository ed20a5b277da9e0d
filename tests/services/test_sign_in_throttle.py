"""Failed sign-ins per address: keyed hashes of addresses, counting, and the lock's length."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from dsar.models import SignInThrottle
from dsar.services.sign_in_throttle import (
    address_key,
    claim_throttle,
    clear_failures,
    count_failure,
    seconds_locked,
)

SECRET = "a test secret key of some length"


def test_address_key_normalises_and_depends_on_the_secret() -> None:
    key = address_key(SECRET, "alex@example.org")
    assert key == address_key(SECRET, "  ALEX@Example.ORG ")
    assert key != address_key(SECRET, "alex@example.com")
    assert key != address_key("another secret key entirely", "alex@example.org")
    assert len(key) == 64 and "alex" not in key


def test_failures_lock_and_clear(now: datetime) -> None:
    throttle = SignInThrottle(address_key="k", failures=0)
    assert [count_failure(throttle, now) for _ in range(3)][-1] == timedelta(seconds=2)
    assert seconds_locked(throttle, now) == 2
    assert seconds_locked(throttle, now + timedelta(seconds=1, milliseconds=1)) == 1
    assert seconds_locked(throttle, now + timedelta(seconds=2)) == 0
    clear_failures(throttle)
    assert (throttle.failures, throttle.locked_until) == (0, None)


def test_claim_creates_one_row_per_address(session) -> None:  # type: ignore[no-untyped-def]
    key = address_key(SECRET, "alex@example.org")
    first = claim_throttle(session, key)
    first.failures = 4
    again = claim_throttle(session, key)
    assert again is first and again.failures == 4
    assert session.execute(select(func.count()).select_from(SignInThrottle)).scalar() == 1
