"""What the request page lists beside the request: its timeline, its files and, for DPOs, the
staff it can be assigned to, read in one statement as plain tuples.

Three lists are three round trips on PostgreSQL, at about 0.2 ms each through SQLAlchemy; as
one UNION ALL they are one (benchmarks/queue.py). Each branch puts its values into the same
seven columns (kind, number, word, name, at, payload, size), so that ordering by (kind, number,
word) gives events by sequence number, files by id and staff (no number) by address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    CompoundSelect,
    Integer,
    String,
    bindparam,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from dsar.models import FilePurpose, RequestEvent, StoredFile
from dsar.services.menus import ASSIGNABLE, StaffChoice


class TimelineEntry(NamedTuple):
    seq: int
    action: str
    actor: str
    created_at: datetime
    payload: dict[str, Any]


class FileEntry(NamedTuple):
    id: int
    purpose: FilePurpose
    filename: str
    deleted_at: datetime | None
    size: int


class RequestLists(NamedTuple):
    events: list[TimelineEntry]  # by sequence number
    files: list[FileEntry]  # in the order they were stored
    staff: list[StaffChoice]  # by address; empty unless asked for


_EVENT, _FILE = RequestEvent.__table__, StoredFile.__table__
_STAFF = ASSIGNABLE.selected_columns


def _statement(with_staff: bool) -> CompoundSelect:
    """Built once per kind of page, with the request's id as a parameter."""
    request_id = bindparam("request_id")
    # The first branch gives the columns their names and their result types (JSON, UTC time).
    branches = [
        select(
            literal_column("'e'").label("kind"),
            _EVENT.c.seq.label("number"),
            _EVENT.c.action.label("word"),
            _EVENT.c.actor.label("name"),
            _EVENT.c.created_at.label("at"),
            _EVENT.c.payload,
            type_coerce(null(), Integer).label("size"),
        ).where(_EVENT.c.request_id == request_id),
        select(
            literal_column("'f'"),
            _FILE.c.id,
            type_coerce(_FILE.c.purpose, String),
            _FILE.c.filename,
            _FILE.c.deleted_at,
            null(),
            _FILE.c.size,
        ).where(_FILE.c.request_id == request_id),
    ]
    if with_staff:
        branches.append(
            select(
                literal_column("'s'"), null(), _STAFF.email, null(), null(), null(), _STAFF.id
            ).where(ASSIGNABLE.whereclause)
        )
    return union_all(*branches).order_by("kind", "number", "word")


_WITHOUT_STAFF, _WITH_STAFF = _statement(with_staff=False), _statement(with_staff=True)


def request_lists(session: Session, request_id: int, with_staff: bool) -> RequestLists:
    """The request's events and files and, `with_staff`, the assignable staff."""
    statement = _WITH_STAFF if with_staff else _WITHOUT_STAFF
    lists = RequestLists([], [], [])
    rows = session.execute(statement, {"request_id": request_id})
    for kind, number, word, name, at, payload, size in rows:
        if kind == "e":
            lists.events.append(TimelineEntry(number, word, name, at, payload or {}))
        elif kind == "f":
            lists.files.append(FileEntry(number, FilePurpose(word), name, at, size))
        else:
            lists.staff.append(StaffChoice(size, word))
    return lists
