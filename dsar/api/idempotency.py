"""Idempotency-Key: a retried POST with the same key and body gets the first answer again and
files nothing twice; the same key with another body is refused. Keys are per API key."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dsar.api.models import ApiKey, IdempotentResponse


class IdempotencyConflict(ValueError):
    """The Idempotency-Key was used before with another body."""


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def replay_or_none(
    session: Session, key: ApiKey, idempotency_key: str, body: bytes
) -> IdempotentResponse | None:
    """The stored first answer for this key and body, None if there is none yet."""
    stored = session.scalar(
        select(IdempotentResponse).where(
            IdempotentResponse.api_key_id == key.id, IdempotentResponse.key == idempotency_key
        )
    )
    if stored is None:
        return None
    if stored.body_sha256 != _digest(body):
        raise IdempotencyConflict(
            "this Idempotency-Key was used with another body: use a new key for a new request"
        )
    return stored


def store_response(
    session: Session,
    key: ApiKey,
    idempotency_key: str,
    body: bytes,
    status: int,
    answer: dict[str, Any],
    *,
    now: datetime,
) -> None:
    """Keep the answer for a retry; in the same transaction as what it answers.

    IdempotencyConflict if a call with the same key got there first (two at once on
    PostgreSQL): the caller rolls back, so what this call made is undone and nothing is
    filed twice.
    """
    stored = IdempotentResponse(
        api_key_id=key.id,
        key=idempotency_key,
        body_sha256=_digest(body),
        status=status,
        body=answer,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(stored)
    except IntegrityError as error:
        raise IdempotencyConflict(
            "a call with this Idempotency-Key is being answered: retry it in a moment"
        ) from error
