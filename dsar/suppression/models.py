"""The suppression list and the erasure tombstones: hashes of lookup values, no personal data.

Both outlive the request that made them: the purge cuts `request_id` instead of deleting the
row (dsar/jobs/purge.py, DETACHED_TABLES).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dsar.core.db import Base, UTCDateTime, enum_column


class SuppressionScope(enum.StrEnum):
    MARKETING = "marketing"  # objected to direct marketing (Art. 21(3)): never contact again
    ERASED = "erased"  # erased (Art. 17): do not re-import or re-create


class SuppressionEntry(Base):
    """One lookup value (as its salted hash) a controller must not use again, and for what."""

    __tablename__ = "suppression_entry"
    # The unique constraint is also the index of `check`: (controller_id, hmac) leads it.
    __table_args__ = (UniqueConstraint("controller_id", "hmac", "lookup_key", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controller.id"))
    scope: Mapped[SuppressionScope] = mapped_column(enum_column(SuppressionScope, 16))
    lookup_key: Mapped[str] = mapped_column(String(64))  # "email", "customer_number"
    hmac: Mapped[str] = mapped_column(String(64))  # dsar.suppression.hashing.value_hmac
    # Nullable: the entry outlives the purged request that made it.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ErasureTombstone(Base):
    """What one erasure did, without the data: the subject's key hashes and the parts touched.

    `key_hashes` is a list of {"key", "hmac"}; `parts` a list of {"source", "part", "action",
    "rule"} (register ids and the erasure rule applied). After a backup is restored, the
    hashes find the subject again (dsar.suppression.recovery) and the erasure is replayed.
    """

    __tablename__ = "erasure_tombstone"
    __table_args__ = (
        Index("ix_erasure_tombstone_controller_id_executed_at", "controller_id", "executed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controller.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id"), index=True)
    executed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    key_hashes: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    parts: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    # The categories the erasure covered (register ids); None: every category. A replay
    # erases this scope again and nothing more.
    scope: Mapped[list[str] | None] = mapped_column(JSON)
