"""The trails' tests' stored rows: check how they link, and tamper with them as someone with
access to the database would (behind the session's back, then forgetting what it holds)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, inspect, update
from sqlalchemy.orm import Session

from dsar.audit.chain import GENESIS


def assert_linked(events: Sequence[Any]) -> None:
    """Numbered from 1, the first after GENESIS, each after its predecessor's hash."""
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.prev_hash for e in events] == [GENESIS, *(e.hash for e in events[:-1])]


def change(session: Session, event: Any, **values: Any) -> None:
    """Overwrite columns of the stored event."""
    model = type(event)
    session.execute(update(model).where(model.id == event.id).values(**values))
    session.expire_all()


def forge(session: Session, event: Any, rehash: Callable[[Any], str], **values: Any) -> None:
    """Overwrite columns and the event's own hash, recomputed by the trail's formula."""
    columns = {
        column.key: getattr(event, column.key) for column in inspect(event).mapper.column_attrs
    }
    change(session, event, **values, hash=rehash(SimpleNamespace(**{**columns, **values})))


def remove(session: Session, event: Any) -> None:
    """Delete the stored event."""
    model = type(event)
    session.execute(delete(model).where(model.id == event.id))
    session.expire_all()
