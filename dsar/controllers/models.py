"""A data controller served by this install; several share one install (an external DPO)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from dsar.core.db import Base, UTCDateTime
from dsar.core.i18n import LANGUAGES


class Controller(Base):
    __tablename__ = "controller"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(8))
    subdivision: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    # The register's municipal holiday rule and added days (docs/register.md, jurisdiction).
    municipality: Mapped[str | None] = mapped_column(String(32))
    extra_holidays: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(LANGUAGES))
    register_path: Mapped[str | None] = mapped_column(String(1000))
    register_sha256: Mapped[str | None] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Controller {self.slug}>"
