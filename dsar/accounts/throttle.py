"""Failed sign-ins counted per e-mail address and client address, whether or not an account
has that e-mail address.

Two rows count each failure: one for the e-mail address from this client address (IP), which
locks soon and grows (`lock_duration`), and one for the e-mail address from anywhere, which
locks only past ACCOUNT_CEILING failures (`ceiling_lock_duration`). So three wrong passwords
typed from one place lock that place out, not the account's owner signing in from another;
only a guessing spread over many places, far past what a person mistypes, locks the account
everywhere (the price of stopping distributed guessing).

Every address gets the same growing lock and the same answers, so neither a refusal nor a
lock tells an attacker which addresses have accounts. An address is stored only as an HMAC
keyed with the app's secret key: the table is no list of who tried to sign in, nor from where.

Since any address gets a row, random addresses posted to the form would grow the table without
bound; `prune_throttles` (run daily) forgets the rows of addresses quiet for FORGET_AFTER.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select
from sqlalchemy.orm import Session

from dsar.accounts.models import SignInThrottle
from dsar.core.db import locked_row

FREE_FAILURES = 2  # mistyping twice costs nothing
LOCK_AFTER = 5  # from the fifth failure on, the lock is measured in minutes
LOCK_MINUTES = 15
MAX_LOCK = timedelta(hours=24)
# Failures of one e-mail address from all client addresses before it is locked everywhere.
ACCOUNT_CEILING = 50
# Longer than the longest lock: an address that fails again within a day of its lock ending
# keeps its count and its escalation. Only two quiet days start it again at zero.
FORGET_AFTER = 2 * MAX_LOCK
_KEY_PURPOSE = b"dsar.sign-in-throttle:"  # this HMAC is never valid as any other signature


def lock_duration(failures: int) -> timedelta:
    """The lock after `failures` failed attempts in a row: seconds, then 15 minutes doubling."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    if failures < LOCK_AFTER:
        return timedelta(seconds=2 ** (failures - FREE_FAILURES))
    doublings = (failures - LOCK_AFTER) // LOCK_AFTER
    return min(timedelta(minutes=LOCK_MINUTES) * 2**doublings, MAX_LOCK)


def ceiling_lock_duration(failures: int) -> timedelta:
    """The lock of an e-mail address everywhere: none until ACCOUNT_CEILING failures from all
    client addresses together, then as `lock_duration` from its first long lock on."""
    if failures < ACCOUNT_CEILING:
        return timedelta(0)
    return lock_duration(failures - ACCOUNT_CEILING + LOCK_AFTER)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def address_key(secret_key: str, email: str, client: str | None = None) -> str:
    """HMAC-SHA256 of the normalised address (equal for ALEX@x.org and alex@x.org), and of the
    client address when given: the row of one e-mail address from one place."""
    message = _KEY_PURPOSE + normalise_email(email).encode()
    if client is not None:
        message += b"\0" + client.encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def claim_throttle(session: Session, key: str, account_key: str | None = None) -> SignInThrottle:
    """The address's row, created when new and locked until the commit; `account_key` is the
    e-mail address's own key on a row of it from one place (an admin's unlock finds them).

    Attempts on one address queue behind each other (FOR UPDATE on PostgreSQL; on SQLite the
    INSERT makes the transaction the one writer), so parallel guesses cannot all read the
    same count before any of them is added.
    """
    values = {"address_key": key, "failures": 0, "account_key": account_key}
    return locked_row(session, SignInThrottle, "address_key", values)


def seconds_locked(throttle: SignInThrottle, now: datetime) -> int:
    """Seconds until the address may try again, rounded up; 0 when it may now."""
    if throttle.locked_until is None or throttle.locked_until <= now:
        return 0
    return max(1, int((throttle.locked_until - now).total_seconds() + 0.999))


def count_failure(
    throttle: SignInThrottle, now: datetime, schedule: Callable[[int], timedelta] = lock_duration
) -> timedelta:
    """Add a failure; returns the lock it earns by `schedule` (zero for the free ones)."""
    throttle.failures += 1
    throttle.last_failure_at = now
    duration = schedule(throttle.failures)
    throttle.locked_until = now + duration if duration else None
    return duration


def clear_failures(throttle: SignInThrottle) -> None:
    throttle.failures, throttle.locked_until = 0, None


def prune_throttles(session: Session, now: datetime) -> int:
    """Delete the rows of addresses unlocked and without a failure for FORGET_AFTER; how many.

    What this changes: such an address starts again at zero failures, as after a successful
    sign-in (two free failures, then 2 s, 4 s, 15 minutes ...). A locked row is never deleted,
    so no lock ends early; and as no lock is longer than MAX_LOCK < FORGET_AFTER, an attacker
    who fails again within a day of a lock ending never loses their count. Rows without a
    failure (claimed, or cleared by a sign-in) hold nothing that a new row would not.
    """
    quiet = or_(
        SignInThrottle.failures == 0,
        SignInThrottle.last_failure_at.is_(None),  # counted before migration 0004
        SignInThrottle.last_failure_at < now - FORGET_AFTER,
    )
    unlocked = or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until <= now)
    gone = session.execute(
        delete(SignInThrottle).where(unlocked, quiet),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], gone).rowcount or 0  # a DELETE's result is a CursorResult


def throttles_for(
    session: Session, secret_key: str, emails: Iterable[str]
) -> dict[str, SignInThrottle]:
    """The rows of these addresses that exist, by address (the admin's overview)."""
    by_key = {address_key(secret_key, email): email for email in emails}
    rows = session.execute(
        select(SignInThrottle).where(SignInThrottle.address_key.in_(list(by_key)))
    ).scalars()
    return {by_key[row.address_key]: row for row in rows}
