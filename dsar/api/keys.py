"""API keys: made for one controller with scopes, shown once, stored as a SHA-256, revoked;
both in the staff accounts' audit chain (subject `api-key:<id>`).

A key is `dsar_<prefix>_<secret>`: 32 random bytes make the secret, so a plain SHA-256 of the
whole key is enough to store it (a password hash is for guessable secrets). The prefix is kept
in clear so admins can tell keys apart in a list and in the call log.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.api.models import ApiCall, ApiKey, Scope
from dsar.audit.staff_trail import record_staff_event
from dsar.controllers.models import Controller
from dsar.core.words import N_

KEY_PREFIX = "dsar_"


class ApiKeyError(ValueError):
    """The key cannot be made or changed as asked; the message says why."""


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    secret: str  # the whole key, shown once and never stored


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(given: Iterable[str]) -> list[str]:
    """The scopes named, checked and in a fixed order; ApiKeyError for an unknown one."""
    known = {scope.value for scope in Scope}
    names = {name.strip() for name in given if name.strip()}
    unknown = sorted(names - known)
    if unknown:
        raise ApiKeyError(
            f"unknown scope: {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    if not names:
        raise ApiKeyError(N_("give the key at least one scope"))
    return sorted(names)


def create_key(
    session: Session,
    controller: Controller,
    *,
    name: str,
    scopes: Iterable[str],
    actor: str,
    now: datetime,
) -> NewKey:
    """A new key for `controller`; flushes only. The secret is in the result, nowhere else."""
    name = name.strip()
    if not name:
        raise ApiKeyError(N_("name the key (the system that will use it)"))
    checked = parse_scopes(scopes)
    prefix = secrets.token_hex(4)
    while session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is not None:
        prefix = secrets.token_hex(4)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        controller=controller,
        name=name[:200],
        prefix=prefix,
        secret_hash=hash_key(secret),
        scopes=checked,
        created_by=actor,
        created_at=now,
    )
    session.add(key)
    session.flush()
    record_staff_event(
        session,
        "api_key_created",
        actor=actor,
        subject=key.actor,
        now=now,
        payload={
            "controller": controller.slug,
            "name": key.name,
            "scopes": checked,
            "prefix": prefix,
        },
    )
    return NewKey(key, secret)


def revoke_key(session: Session, key: ApiKey, *, actor: str, now: datetime) -> bool:
    """Revoke the key for good; False if it already was."""
    if key.revoked_at is not None:
        return False
    key.revoked_at, key.revoked_by = now, actor
    session.flush()
    record_staff_event(session, "api_key_revoked", actor=actor, subject=key.actor, now=now)
    return True


def key_for_secret(session: Session, secret: str) -> ApiKey | None:
    """The live key that `secret` is, or None (unknown, malformed or revoked)."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.secret_hash == hash_key(secret)))
    if key is None or key.revoked_at is not None:
        return None
    return key


def record_call(
    session: Session, key: ApiKey, *, method: str, path: str, status: int, now: datetime
) -> None:
    """Log one call made with `key` and mark the key as used now."""
    session.add(
        ApiCall(api_key_id=key.id, method=method[:8], path=path[:500], status=status, at=now)
    )
    key.last_used_at = now
    session.flush()


def keys_of(session: Session, controller_ids: Iterable[int] | None) -> list[ApiKey]:
    """The keys of these controllers (None: of every controller), newest first."""
    query = select(ApiKey).order_by(ApiKey.id.desc())
    if controller_ids is not None:
        query = query.where(ApiKey.controller_id.in_(sorted(controller_ids)))
    return list(session.execute(query).scalars())
