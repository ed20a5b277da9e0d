"""Staff accounts: who may work on requests, in which role, for which controllers (what each
role may do is in dsar/requests/permissions.py).

Also the accounts' append-only event chain (one chain for all accounts, its head in
`audit_head`) and the failed sign-ins per e-mail address.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.audit.chain import GENESIS, PLAIN
from dsar.controllers.models import Controller
from dsar.core.db import Base, UTCDateTime, enum_column


class Role(enum.StrEnum):
    AGENT = "agent"  # works assigned and unassigned requests
    DPO = "dpo"  # all requests; approves refusals, extensions and erasure
    ADMIN = "admin"  # users and settings


staff_controller = Table(
    "staff_controller",
    Base.metadata,
    Column("staff_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("controller_id", ForeignKey("controller.id", ondelete="CASCADE"), primary_key=True),
)


class StaffUser(UserMixin, Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, 16))
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last accepted TOTP time step: a code is never accepted twice
    # (dsar/accounts/operations.py).
    totp_last_step: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The staff pages, reminders and digests speak this language ("en" or "de"); None until
    # the first sign-in stores the browser's (dsar/web/staff/language.py).
    language: Mapped[str | None] = mapped_column(String(8))
    # Part of every session's user id (`get_id`): raising it ends all the member's sessions,
    # on sign-out and when the password changes (a copied session cookie opens nothing after).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # Empty means every controller: a single-controller install never has to fill this in.
    controllers: Mapped[list[Controller]] = relationship(secondary=staff_controller)

    def get_id(self) -> str:
        """Flask-Login's session id: the member's id and session epoch ("7.3")."""
        return f"{self.id}.{self.session_epoch}"

    def end_sessions(self) -> None:
        """Every session signed in so far stops working at its next request."""
        self.session_epoch += 1

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def controller_ids(self) -> frozenset[int]:
        return frozenset(c.id for c in self.controllers)

    def may_work_for(self, controller_id: int) -> bool:
        return not self.controllers or any(c.id == controller_id for c in self.controllers)

    def __repr__(self) -> str:
        return f"<StaffUser {self.email} {self.role.value}>"


class StaffEvent(Base):
    """One action on a staff account; rows are only ever inserted, each hashes its predecessor."""

    __tablename__ = "staff_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)  # a second appender of the same seq fails
    action: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(320))  # a staff e-mail, "cli", "system", ...
    subject: Mapped[str] = mapped_column(String(320), index=True)  # the account's e-mail
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # KEYED (HMAC-SHA256) for every new event; PLAIN on those stored before keying began.
    hash_scheme: Mapped[str] = mapped_column(String(16), server_default=PLAIN)


class AuditHead(Base):
    """The last event of a chain kept outside the chain itself: a deleted tail shows here."""

    __tablename__ = "audit_head"

    chain: Mapped[str] = mapped_column(String(32), primary_key=True)  # "staff"
    seq: Mapped[int] = mapped_column(default=0)
    head: Mapped[str] = mapped_column(String(64), default=GENESIS)


class SignInThrottle(Base):
    """Failed sign-ins in a row for one e-mail address (from one client address, or from all),
    whether or not an account has it."""

    __tablename__ = "sign_in_throttle"

    # HMAC-SHA256 of the normalised address, so the table names no one (services/sign_in_throttle).
    address_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # On a row of one address from one client address: the address's own key (else NULL).
    account_key: Mapped[str | None] = mapped_column(String(64), index=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the last failure was counted: the daily job forgets rows quiet for long enough.
    # NULL on rows from before migration 0004 (treated as long quiet).
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
