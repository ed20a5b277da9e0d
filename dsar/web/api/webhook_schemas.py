"""The bodies of the webhook operations (scope `webhooks:manage`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from dsar.web.api.schemas import Strict
from dsar.webhooks.endpoints import EVENTS

Event = Literal[EVENTS]  # type: ignore[valid-type]


class NewEndpointBody(Strict):
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="https only; a host with a loopback, private or link-local address is refused.",
        json_schema_extra={"format": "uri"},
    )
    events: list[Event] = Field(min_length=1, max_length=len(EVENTS))


class Endpoint(BaseModel):
    id: int
    url: str
    events: list[str]
    created_at: datetime


class EndpointCreated(Endpoint):
    secret: str = Field(
        description="The Standard Webhooks signing secret (whsec_...): shown in this answer only."
    )


class EndpointList(BaseModel):
    items: list[Endpoint]


class DeadLetter(BaseModel):
    id: int
    endpoint_id: int
    event_type: str
    webhook_id: str = Field(description="The `webhook-id` header; a replay sends the same.")
    attempts: int
    last_error: str | None
    created_at: datetime


class DeadLetterList(BaseModel):
    items: list[DeadLetter] = Field(description="Newest first; those not replayed yet.")


class Replayed(BaseModel):
    id: int = Field(description="The new delivery, queued now with its own attempts.")
    replay_of: int
    webhook_id: str
    status: str
