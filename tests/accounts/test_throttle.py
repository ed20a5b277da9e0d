"""Failed sign-ins per address: keyed hashes of addresses, counting, and the lock's length."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from dsar.accounts.models import SignInThrottle
from dsar.accounts.throttle import (
    FORGET_AFTER,
    MAX_LOCK,
    address_key,
    claim_throttle,
    clear_failures,
    count_failure,
    lock_duration,
    prune_throttles,
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
    assert throttle.last_failure_at == now
    clear_failures(throttle)
    assert (throttle.failures, throttle.locked_until) == (0, None)


def test_claim_creates_one_row_per_address(session) -> None:  # type: ignore[no-untyped-def]
    key = address_key(SECRET, "alex@example.org")
    first = claim_throttle(session, key)
    first.failures = 4
    again = claim_throttle(session, key)
    assert again is first and again.failures == 4
    assert session.execute(select(func.count()).select_from(SignInThrottle)).scalar() == 1


def _row(session, name: str, failures: int, last: datetime | None, locked: datetime | None):  # type: ignore[no-untyped-def]
    row = SignInThrottle(
        address_key=address_key(SECRET, name),
        failures=failures,
        last_failure_at=last,
        locked_until=locked,
    )
    session.add(row)
    return row


def _kept(session) -> set[str]:  # type: ignore[no-untyped-def]
    return set(session.execute(select(SignInThrottle.address_key)).scalars())


def test_prune_forgets_only_unlocked_rows_quiet_for_long_enough(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    old = now - FORGET_AFTER - timedelta(seconds=1)
    recent = now - FORGET_AFTER + timedelta(minutes=1)
    doomed = [
        _row(session, "old@x.org", 3, old, old + timedelta(seconds=2)),
        _row(session, "old-unlocked@x.org", 1, old, None),
        _row(session, "before-0004@x.org", 7, None, now - timedelta(hours=1)),
        _row(session, "before-0004-unlocked@x.org", 7, None, None),
        _row(session, "signed-in@x.org", 0, recent, None),  # cleared: as good as no row
        _row(session, "claimed@x.org", 0, None, None),
    ]
    kept = [
        _row(session, "recent@x.org", 1, recent, None),
        _row(session, "recent-expired@x.org", 9, recent, recent + timedelta(minutes=15)),
        _row(
            session, "locked-one-more-second@x.org", 30, now - MAX_LOCK, now + timedelta(seconds=1)
        ),
        # Locks are never cut short, whatever the failure time says (or a pre-0004 NULL).
        _row(session, "old-but-locked@x.org", 50, old, now + timedelta(hours=1)),
        _row(session, "before-0004-locked@x.org", 50, None, now + timedelta(hours=1)),
    ]
    session.flush()
    assert prune_throttles(session, now) == len(doomed)
    assert _kept(session) == {row.address_key for row in kept}
    assert prune_throttles(session, now) == 0


def test_an_attacker_who_keeps_failing_keeps_the_escalation(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """At the longest lock, failing again a day after it ends still finds the full count."""
    key = address_key(SECRET, "target@x.org")
    at = now
    throttle = claim_throttle(session, key)
    while count_failure(throttle, at) < MAX_LOCK:
        at += lock_duration(throttle.failures)
    failures = throttle.failures
    for _ in range(3):
        at = throttle.locked_until + MAX_LOCK - timedelta(minutes=1)
        session.flush()
        assert prune_throttles(session, at) == 0
        throttle = claim_throttle(session, key)
        assert throttle.failures == failures and seconds_locked(throttle, at) == 0
        assert count_failure(throttle, at) == MAX_LOCK
        failures += 1
    session.flush()
    # Two quiet days after the last failure, the address starts again at zero.
    assert prune_throttles(session, at + FORGET_AFTER + timedelta(seconds=1)) == 1
    session.expire_all()
    assert claim_throttle(session, key).failures == 0
