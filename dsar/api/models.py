"""API keys (stored hashed), the log of every API call, and idempotent responses per key."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.controllers.models import Controller
from dsar.core.db import Base, UTCDateTime


class Scope(enum.StrEnum):
    REQUESTS_READ = "requests:read"
    REQUESTS_WRITE = "requests:write"
    WEBHOOKS_MANAGE = "webhooks:manage"


class ApiKey(Base):
    """One controller's key: the secret is shown once; only its SHA-256 is kept."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controller.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)  # shown in lists, not secret
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(320))

    controller: Mapped[Controller] = relationship()

    @property
    def actor(self) -> str:
        """How the audit trail names a change made through this key."""
        return f"api-key:{self.id}"

    def allows(self, scope: Scope) -> bool:
        return scope.value in (self.scopes or [])


class ApiCall(Base):
    """Every call made with a valid key: which key, what, the answer's status, when."""

    __tablename__ = "api_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_key.id"), index=True)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(500))
    status: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdempotentResponse(Base):
    """The first answer to a POST with an Idempotency-Key, replayed for a retry of it."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("api_key_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_key.id"))
    key: Mapped[str] = mapped_column(String(200))
    body_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
