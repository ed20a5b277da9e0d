"""The audit key, as the trails and checkpoints use it.

The trails are called from ~100 places that hold a session, not the settings; the key comes
from the running app (`create_app()` puts the settings' audit key in its extensions), as
Flask-SQLAlchemy's session finds its engine from the running app.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.audit.chain import KEYED, StoredEvent

APP_KEY = "dsar.audit_key"


def signing_key() -> bytes:
    """The install's audit key (DSAR_AUDIT_KEY, or derived from the secret key)."""
    key: bytes = current_app.extensions[APP_KEY]
    return key


def key_for(event: StoredEvent) -> bytes | None:
    """The key an event's hash was made with: the audit key if KEYED, none if plain SHA-256."""
    return signing_key() if event.hash_scheme == KEYED else None


def first_keyed_id(session: Session, model: type) -> int | None:
    """The row id of the first keyed event of `model`'s table: every later one must be keyed."""
    column = model.id  # type: ignore[attr-defined]
    scheme = model.hash_scheme  # type: ignore[attr-defined]
    found: int | None = session.scalar(select(func.min(column)).where(scheme == KEYED))
    return found


def earliest(*ids: int | None) -> int | None:
    """The smallest of the ids given, None if none is."""
    known = [i for i in ids if i is not None]
    return min(known) if known else None
