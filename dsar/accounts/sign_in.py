"""Staff sign-in: password, then TOTP; failed attempts lock the e-mail address for a growing time.

Failures are counted per e-mail address from each client address, with a far higher ceiling
per e-mail address from anywhere (dsar/accounts/throttle.py), for addresses
with and without an account alike: an unknown address, an inactive account and a wrong
password get the same refusal, the same lock after the same number of attempts, and the same
"try again in N seconds" while locked, so none of them reveals whether an account exists. An
unknown address still costs one argon2 check against a dummy hash, as a real one would. A
locked address is refused at once: no worker thread sleeps. Every step that concerns an
existing account goes into the staff chain (dsar/audit/staff_trail.py).
"""

from __future__ import annotations

import contextlib
import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy.orm import Session

from dsar.accounts.models import Role, SignInThrottle, StaffUser
from dsar.accounts.operations import find_staff, hash_password, password_matches
from dsar.accounts.throttle import (
    address_key,
    ceiling_lock_duration,
    claim_throttle,
    clear_failures,
    count_failure,
    normalise_email,
    seconds_locked,
)
from dsar.audit.staff_trail import record_staff_event

TOTP_ISSUER = "dsar"
ANONYMOUS = "anonymous"  # the actor of a failed sign-in: whoever typed the address
SYSTEM = "system"

# Verifying a made-up hash for unknown e-mails costs the same time as a real check.
_DUMMY_HASH = hash_password("an unused password for constant-time refusals")


class LoginStep(enum.Enum):
    REFUSED = "refused"  # wrong e-mail, password or code: one message for all
    LOCKED = "locked"  # too many failures for this address: retry_after seconds
    TOTP = "totp"  # password right; the second factor is next
    ENROL = "enrol"  # password right; this account must enrol a second factor first
    DONE = "done"  # credentials complete; complete_sign_in() next


@dataclass(frozen=True)
class LoginResult:
    step: LoginStep
    user: StaffUser | None = None
    retry_after: int = 0


def check_password(
    session: Session,
    email: str,
    password: str,
    *,
    now: datetime,
    production: bool,
    secret_key: str,
    client: str,
) -> LoginResult:
    """First step: the password; then TOTP, or enrolment where TOTP is required but missing.

    `client` is the client's address (IP): failures lock the e-mail address from there.
    """
    address = normalise_email(email)
    throttle = Throttles.claim(session, secret_key, address, client)
    if wait := throttle.seconds_locked(now):
        return LoginResult(LoginStep.LOCKED, retry_after=wait)
    user = find_staff(session, address)
    if user is None or not user.active:
        _hash_check_anyway(password)
        return _fail(session, throttle, user, "inactive account", now=now)
    if not password_matches(user, password):
        return _fail(session, throttle, user, "wrong password", now=now)
    if user.totp_secret:
        return LoginResult(LoginStep.TOTP, user)
    if totp_required_for(user, production=production):
        return LoginResult(LoginStep.ENROL, user)
    return LoginResult(LoginStep.DONE, user)


def _hash_check_anyway(password: str) -> None:
    from argon2 import PasswordHasher
    from argon2.exceptions import VerificationError

    with contextlib.suppress(VerificationError):
        PasswordHasher().verify(_DUMMY_HASH, password)


@dataclass(frozen=True)
class Throttles:
    """The two counts of an e-mail address: from this client address, and from anywhere."""

    here: SignInThrottle
    everywhere: SignInThrottle

    @classmethod
    def claim(cls, session: Session, secret_key: str, email: str, client: str) -> Throttles:
        account = address_key(secret_key, email)
        # Always in this order (everywhere, then here), so two sign-ins never wait for each other.
        everywhere = claim_throttle(session, account)
        here = claim_throttle(session, address_key(secret_key, email, client), account)
        return cls(here, everywhere)

    def seconds_locked(self, now: datetime) -> int:
        return max(seconds_locked(self.here, now), seconds_locked(self.everywhere, now))

    def count_failure(self, now: datetime) -> timedelta:
        here = count_failure(self.here, now)
        return max(here, count_failure(self.everywhere, now, ceiling_lock_duration))

    def clear(self) -> None:
        clear_failures(self.here)
        clear_failures(self.everywhere)


def _fail(
    session: Session,
    throttle: Throttles,
    user: StaffUser | None,
    reason: str,
    *,
    now: datetime,
) -> LoginResult:
    """Count the failure against the address; an existing account's trail records it."""
    lock = throttle.count_failure(now)
    if user is not None:
        payload = {"reason": reason, "failures": throttle.here.failures}
        record_staff_event(
            session, "sign_in_failed", actor=ANONYMOUS, subject=user.email, now=now, payload=payload
        )
        if lock:
            payload = {"failures": throttle.here.failures, "seconds": int(lock.total_seconds())}
            record_staff_event(
                session, "locked", actor=SYSTEM, subject=user.email, now=now, payload=payload
            )
    return LoginResult(LoginStep.REFUSED)


def check_totp(
    session: Session, user: StaffUser, code: str, *, now: datetime, secret_key: str, client: str
) -> LoginResult:
    """Second step: the current TOTP code; a used or wrong code counts as a failure."""
    throttle = Throttles.claim(session, secret_key, user.email, client)
    if wait := throttle.seconds_locked(now):
        return LoginResult(LoginStep.LOCKED, user, wait)
    step = totp_step(user.totp_secret or "", code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return _fail(session, throttle, user, "wrong code", now=now)
    user.totp_last_step = step
    return LoginResult(LoginStep.DONE, user)


def complete_sign_in(
    session: Session, user: StaffUser, *, now: datetime, secret_key: str, client: str
) -> None:
    """The user is in: forget the address's failures (here and everywhere), record the sign-in."""
    Throttles.claim(session, secret_key, user.email, client).clear()
    payload = {"second_factor": user.totp_secret is not None}
    record_staff_event(
        session, "signed_in", actor=user.email, subject=user.email, now=now, payload=payload
    )


def record_sign_out(session: Session, user: StaffUser, *, now: datetime) -> None:
    """Sign out: every session of the member ends (a copy of the cookie included)."""
    user.end_sessions()
    record_staff_event(session, "signed_out", actor=user.email, subject=user.email, now=now)


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


def enrol_totp(session: Session, user: StaffUser, secret: str, code: str, *, now: datetime) -> bool:
    """Store `secret` once the user proves their app shows the right code; the trail notes it."""
    step = totp_step(secret, code, now)
    if step is None:
        return False
    user.totp_secret = secret
    user.totp_last_step = step
    record_staff_event(session, "totp_enrolled", actor=user.email, subject=user.email, now=now)
    return True


def totp_required_for(user: StaffUser | None, *, production: bool) -> bool:
    """Admins must use TOTP in production; everyone else may."""
    return production and user is not None and user.role is Role.ADMIN
