"""Staff sign-in: password, then TOTP; failed attempts lock the account for a growing time.

A locked account is refused at once with the seconds left ("try again in N seconds"): no
worker thread sleeps. An unknown e-mail and a wrong password get the same answer.
"""

from __future__ import annotations

import contextlib
import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy.orm import Session

from dsar.models import Role, StaffUser
from dsar.services.staff import find_staff, hash_password, password_matches

FREE_FAILURES = 2  # mistyping twice costs nothing
LOCK_AFTER = 5  # from the fifth failure on, the lock is measured in minutes
LOCK_MINUTES = 15
MAX_LOCK = timedelta(hours=24)
TOTP_ISSUER = "dsar"

# Verifying a made-up hash for unknown e-mails costs the same time as a real check.
_DUMMY_HASH = hash_password("an unused password for constant-time refusals")


class LoginStep(enum.Enum):
    REFUSED = "refused"  # wrong e-mail, password or code: one message for all
    LOCKED = "locked"  # too many failures: retry_after seconds
    TOTP = "totp"  # password right; the second factor is next
    ENROL = "enrol"  # password right; this account must enrol a second factor first
    DONE = "done"  # signed in


@dataclass(frozen=True)
class LoginResult:
    step: LoginStep
    user: StaffUser | None = None
    retry_after: int = 0


def lock_duration(failures: int) -> timedelta:
    """The lock after `failures` failed attempts in a row: seconds, then 15 minutes doubling."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    if failures < LOCK_AFTER:
        return timedelta(seconds=2 ** (failures - FREE_FAILURES))
    doublings = (failures - LOCK_AFTER) // LOCK_AFTER
    return min(timedelta(minutes=LOCK_MINUTES) * 2**doublings, MAX_LOCK)


def seconds_locked(user: StaffUser, now: datetime) -> int:
    if user.locked_until is None or user.locked_until <= now:
        return 0
    return max(1, int((user.locked_until - now).total_seconds() + 0.999))


def _fail(user: StaffUser, now: datetime) -> LoginResult:
    user.failed_logins = (user.failed_logins or 0) + 1
    duration = lock_duration(user.failed_logins)
    user.locked_until = now + duration if duration else None
    return LoginResult(LoginStep.REFUSED)


def _succeed(user: StaffUser) -> LoginResult:
    user.failed_logins = 0
    user.locked_until = None
    return LoginResult(LoginStep.DONE, user)


def check_password(
    session: Session, email: str, password: str, *, now: datetime, production: bool
) -> LoginResult:
    """First step: the password; then TOTP, or enrolment where TOTP is required but missing."""
    user = find_staff(session, email)
    if user is None or not user.active:
        _hash_check_anyway(password)
        return LoginResult(LoginStep.REFUSED)
    if wait := seconds_locked(user, now):
        return LoginResult(LoginStep.LOCKED, user, wait)
    if not password_matches(user, password):
        return _fail(user, now)
    if user.totp_secret:
        return LoginResult(LoginStep.TOTP, user)
    if totp_required_for(user, production=production):
        return LoginResult(LoginStep.ENROL, user)
    return _succeed(user)


def _hash_check_anyway(password: str) -> None:
    from argon2 import PasswordHasher
    from argon2.exceptions import VerificationError

    with contextlib.suppress(VerificationError):
        PasswordHasher().verify(_DUMMY_HASH, password)


def check_totp(user: StaffUser, code: str, *, now: datetime) -> LoginResult:
    """Second step: the current TOTP code; a used or wrong code counts as a failure."""
    if wait := seconds_locked(user, now):
        return LoginResult(LoginStep.LOCKED, user, wait)
    step = totp_step(user.totp_secret or "", code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return _fail(user, now)
    user.totp_last_step = step
    return _succeed(user)


def totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step `code` belongs to (one step of clock drift either way), or None."""
    code = "".join(code.split())
    if not secret or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for drift in (0, -1, 1):
        if pyotp.utils.strings_equal(code, totp.generate_otp(current + drift)):
            return current + drift
    return None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: StaffUser, secret: str) -> str:
    """The otpauth:// URI that authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def enrol_totp(user: StaffUser, secret: str, code: str, *, now: datetime) -> bool:
    """Store `secret` once the user proves their app shows the right code."""
    step = totp_step(secret, code, now)
    if step is None:
        return False
    user.totp_secret = secret
    user.totp_last_step = step
    return True


def totp_required_for(user: StaffUser | None, *, production: bool) -> bool:
    """Admins must use TOTP in production; everyone else may."""
    return production and user is not None and user.role is Role.ADMIN
