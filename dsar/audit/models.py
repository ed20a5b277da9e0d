"""Signed checkpoints of every chain's head, kept apart from the chains (audit/checkpoint.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from dsar.core.db import Base, UTCDateTime


class AuditCheckpoint(Base):
    """A signed record: every chain's head at an instant ("checkpoint"), or a purged request's
    last head ("purged"). No foreign key: it outlives what it names, on purpose."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    mac: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 of kind, created_at and body
