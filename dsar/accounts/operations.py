"""Staff accounts: creation, password checks (argon2id) and the admin's changes.

Every change appends an event to the staff chain (dsar/audit/staff_trail.py) in the same
transaction, with who made it; passwords and TOTP secrets never go into an event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from dsar.accounts.models import Role, SignInThrottle, StaffUser
from dsar.accounts.throttle import address_key, clear_failures
from dsar.audit.staff_trail import record_staff_event
from dsar.controllers.models import Controller

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD_LENGTH = 12


class StaffError(ValueError):
    """A staff account cannot be created or changed as asked."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: StaffUser, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_staff(session: Session, email: str) -> StaffUser | None:
    return session.execute(
        select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower())
    ).scalar_one_or_none()


def create_staff(
    session: Session,
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    now: datetime,
    actor: str,
    controllers: Sequence[Controller] = (),
) -> StaffUser:
    """Add a staff account (for `controllers`; none: every controller); refuses a duplicate
    e-mail or a short password."""
    email = email.strip().lower()
    if "@" not in email:
        raise StaffError(f"{email!r} is not an e-mail address")
    _check_password_length(password)
    if find_staff(session, email) is not None:
        raise StaffError(f"a staff account for {email} already exists")
    user = StaffUser(
        email=email,
        name=name or email.split("@")[0],
        role=role,
        password_hash=hash_password(password),
        active=True,
        created_at=now,
        controllers=list(controllers),
    )
    session.add(user)
    session.flush()
    payload: dict[str, object] = {"role": role.value, "name": user.name}
    if controllers:
        payload["controllers"] = sorted(c.slug for c in controllers)
    record_staff_event(
        session, "account_created", actor=actor, subject=email, now=now, payload=payload
    )
    return user


def _check_password_length(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def list_staff(session: Session) -> list[StaffUser]:
    return list(
        session.execute(
            select(StaffUser).options(selectinload(StaffUser.controllers)).order_by(StaffUser.email)
        ).scalars()
    )


def update_staff(
    session: Session,
    user: StaffUser,
    *,
    acting: StaffUser,
    role: Role,
    active: bool,
    controllers: list[Controller],
    now: datetime,
    secret_key: str,
    reset_totp: bool = False,
    unlock: bool = False,
    new_password: str | None = None,
    sign_out: bool = False,
) -> list[str]:
    """Change a staff account; returns what changed. An admin cannot lock themselves out.

    `secret_key` finds the account's failed sign-ins (stored under a keyed hash) to unlock.
    """
    if user.id == acting.id and (role is not Role.ADMIN or not active):
        raise StaffError("you cannot remove your own admin role or deactivate yourself")
    changes: list[str] = []
    events: list[tuple[str, dict[str, object]]] = []
    if user.role is not role:
        changes.append(f"role {user.role.value} -> {role.value}")
        events.append(("role_changed", {"from": user.role.value, "to": role.value}))
        user.role = role
    if user.active != active:
        changes.append("activated" if active else "deactivated")
        events.append((changes[-1], {}))
        user.active = active
        if not active:  # reactivating later revives no old session
            user.end_sessions()
    if {c.id for c in user.controllers} != {c.id for c in controllers}:
        before = sorted(c.slug for c in user.controllers)
        after = sorted(c.slug for c in controllers)
        changes.append(f"controllers -> {', '.join(after) or 'all'}")
        events.append(("controllers_changed", {"from": before, "to": after}))  # [] means all
        user.controllers = list(controllers)
    if reset_totp and user.totp_secret:
        changes.append("TOTP reset")
        events.append(("totp_reset", {}))
        user.totp_secret = None
        user.totp_last_step = None
        user.end_sessions()
    if new_password is not None:
        _check_password_length(new_password)
        changes.append("password reset")
        events.append(("password_reset", {}))
        user.password_hash = hash_password(new_password)
        user.end_sessions()
    if sign_out:  # "sign out everywhere": every copy of every session stops working
        changes.append("signed out everywhere")
        events.append(("signed_out_everywhere", {}))
        user.end_sessions()
    if unlock and (failures := _unlock(session, secret_key, user)):
        changes.append("unlocked")
        events.append(("unlocked", {"failures": failures}))
    # Events last: the sign-in row above is locked before the chain's head, as in a sign-in.
    for action, payload in events:
        record_staff_event(
            session, action, actor=acting.email, subject=user.email, now=now, payload=payload
        )
    session.flush()
    return changes


def _unlock(session: Session, secret_key: str, user: StaffUser) -> int:
    """Forget the account address's failed sign-ins, from everywhere and from each client
    address; returns how many there were from everywhere."""
    key = address_key(secret_key, user.email)
    rows = session.execute(
        select(SignInThrottle)
        .where(or_(SignInThrottle.address_key == key, SignInThrottle.account_key == key))
        .order_by(SignInThrottle.address_key != key)  # the row of everywhere first
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalars()
    failures = 0
    for throttle in rows:
        failures = max(failures, throttle.failures)  # everywhere counts every failure
        clear_failures(throttle)
    return failures
