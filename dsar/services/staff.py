"""Staff accounts: creation, password checks (argon2id) and the admin's changes."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from dsar.models import Controller, Role, StaffUser

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
    session: Session, *, email: str, name: str, role: Role, password: str, now: datetime
) -> StaffUser:
    """Add a staff account; refuses a duplicate e-mail or a short password."""
    email = email.strip().lower()
    if "@" not in email:
        raise StaffError(f"{email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if find_staff(session, email) is not None:
        raise StaffError(f"a staff account for {email} already exists")
    user = StaffUser(
        email=email,
        name=name or email.split("@")[0],
        role=role,
        password_hash=hash_password(password),
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


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
    reset_totp: bool = False,
    unlock: bool = False,
) -> list[str]:
    """Change a staff account; returns what changed. An admin cannot lock themselves out."""
    if user.id == acting.id and (role is not Role.ADMIN or not active):
        raise StaffError("you cannot remove your own admin role or deactivate yourself")
    changes = []
    if user.role is not role:
        changes.append(f"role {user.role.value} -> {role.value}")
        user.role = role
    if user.active != active:
        changes.append("activated" if active else "deactivated")
        user.active = active
    if {c.id for c in user.controllers} != {c.id for c in controllers}:
        names = ", ".join(sorted(c.slug for c in controllers)) or "all"
        changes.append(f"controllers -> {names}")
        user.controllers = list(controllers)
    if reset_totp and user.totp_secret:
        changes.append("TOTP reset")
        user.totp_secret = None
        user.totp_last_step = None
    if unlock and (user.failed_logins or user.locked_until is not None):
        changes.append("unlocked")
        user.failed_logins, user.locked_until = 0, None
    session.flush()
    return changes
