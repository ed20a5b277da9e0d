"""An admin's webhook endpoint: one https URL of one controller, the events it receives."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.controllers.models import Controller
from dsar.core.db import Base, UTCDateTime


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controller.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The Standard Webhooks signing secret ("whsec_<base64>"), shown once and kept to sign each
    # delivery: sealed with DSAR_FILE_KEY like the files (dsar/webhooks/endpoints.py), so a copy
    # of the database alone cannot sign.
    sealed_secret: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    controller: Mapped[Controller] = relationship()

    def receives(self, event_type: str) -> bool:
        return event_type in self.events
