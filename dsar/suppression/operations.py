"""Put lookup values on the suppression list, check and export it, and record erasure
tombstones. Every function takes a session, flushes and never commits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.controllers.models import Controller
from dsar.core.db import dialect_insert, table_of
from dsar.register.datasources import EMAIL_KEY
from dsar.requests.models import Request
from dsar.suppression.hashing import key_hashes, value_hmac
from dsar.suppression.models import ErasureTombstone, SuppressionEntry, SuppressionScope

PART_FIELDS = ("source", "part", "action", "rule")


class Listed(NamedTuple):
    key: str
    scope: SuppressionScope


def suppress(
    session: Session,
    controller: Controller,
    subject_keys: Mapping[str, str],
    scope: SuppressionScope | str,
    request: Request | None = None,
    *,
    salt: str,
    now: datetime,
    actor: str = "system",
) -> int:
    """Add the subject's lookup values to the list under `scope`; returns how many were new.

    Idempotent: a value already listed for the controller under the key and scope stays as it
    was (first request, first date). With a request, its trail records the keys (ids only).
    """
    scope = SuppressionScope(scope)
    entries = table_of(SuppressionEntry)
    added: list[str] = []
    for key, hashed in key_hashes(salt, subject_keys).items():
        inserted = session.execute(
            dialect_insert(session, SuppressionEntry)
            .values(
                controller_id=controller.id,
                scope=scope,
                lookup_key=key,
                hmac=hashed,
                request_id=request.id if request is not None else None,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["controller_id", "hmac", "lookup_key", "scope"])
            .returning(entries.c.id)
        ).scalar_one_or_none()
        if inserted is not None:
            added.append(key)
    if request is not None and added:
        payload = {"scope": scope.value, "keys": added}
        record_event(session, request, "suppressed", actor=actor, now=now, payload=payload)
    session.flush()
    return len(added)


def check(
    session: Session, controller: Controller, value: str, key: str | None = None, *, salt: str
) -> list[Listed]:
    """(key, scope) of each entry of the controller matching `value`; `key` None tries every key.

    An e-mail address is compared in lower case, any other key's value as given (stripped).
    """
    if not value.strip():
        return []
    as_email = SuppressionEntry.lookup_key == EMAIL_KEY
    matches: ColumnElement[bool]
    if key is not None:
        matches = (SuppressionEntry.lookup_key == key) & (
            SuppressionEntry.hmac == value_hmac(salt, key, value)
        )
    else:
        matches = or_(
            as_email & (SuppressionEntry.hmac == value_hmac(salt, EMAIL_KEY, value)),
            ~as_email & (SuppressionEntry.hmac == value_hmac(salt, "", value)),
        )
    rows = session.execute(
        select(SuppressionEntry.lookup_key, SuppressionEntry.scope)
        .where(SuppressionEntry.controller_id == controller.id, matches)
        .order_by(SuppressionEntry.lookup_key, SuppressionEntry.scope)
    )
    return [Listed(lookup_key, scope) for lookup_key, scope in rows]


def listed_entries(
    session: Session, controller: Controller, scope: SuppressionScope | str | None = None
) -> Iterator[SuppressionEntry]:
    """The controller's entries (optionally of one scope) in the order they were added,
    streamed: what `dsar suppression export` writes."""
    query = select(SuppressionEntry).where(SuppressionEntry.controller_id == controller.id)
    if scope is not None:
        query = query.where(SuppressionEntry.scope == SuppressionScope(scope))
    query = query.order_by(SuppressionEntry.created_at, SuppressionEntry.id)
    yield from session.execute(query.execution_options(yield_per=1000)).scalars()


def record_tombstone(
    session: Session,
    controller: Controller,
    subject_keys: Mapping[str, str],
    parts: Sequence[Mapping[str, str]],
    executed_at: datetime,
    request: Request | None = None,
    *,
    salt: str,
    actor: str = "system",
    scope: Sequence[str] | None = None,
) -> ErasureTombstone:
    """Record what an erasure did: the subject's key hashes and each part's source, part,
    action and rule (nothing else is kept, so no personal data can slip in)."""
    hashes = key_hashes(salt, subject_keys)
    if not hashes:
        raise ValueError("a tombstone needs at least one lookup value to find the subject again")
    kept_parts = []
    for part in parts:
        missing = [name for name in PART_FIELDS if not str(part.get(name) or "").strip()]
        if missing:
            raise ValueError(f"tombstone part {dict(part)!r} lacks {', '.join(missing)}")
        kept_parts.append({name: str(part[name]) for name in PART_FIELDS})
    tombstone = ErasureTombstone(
        controller_id=controller.id,
        request_id=request.id if request is not None else None,
        executed_at=executed_at,
        key_hashes=[{"key": key, "hmac": hashed} for key, hashed in sorted(hashes.items())],
        parts=kept_parts,
        scope=sorted(scope) if scope is not None else None,
    )
    session.add(tombstone)
    session.flush()
    if request is not None:
        payload = {"tombstone": tombstone.id, "keys": sorted(hashes), "parts": len(kept_parts)}
        record_event(
            session, request, "erasure_tombstone", actor=actor, now=executed_at, payload=payload
        )
    return tombstone


__all__ = ["Listed", "check", "listed_entries", "record_tombstone", "suppress"]
