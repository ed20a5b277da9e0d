"""Staff accounts: creation and password checks (argon2id)."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.models import Role, StaffUser

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
