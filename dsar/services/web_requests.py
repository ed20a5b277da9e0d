"""Writing a new web request: its row, the first event of its chain and one outbox message.

The web form has every value ready before it writes (dsar/intake/service.py), so nothing is
read first and no unit of work runs:

- PostgreSQL: one statement. Data-modifying CTEs draw the id from the sequence, hash the
  first event around it (`audit.event_text_around_id`) and insert the three rows, so a
  submission costs one round trip between BEGIN and COMMIT (benchmarks/intake.py).
- SQLite has no data-modifying CTEs: four statements, compiled once, in the order that keeps
  the write lock shortest. SQLite answers in-process, so statements cost no round trip.

Either way the rows are exactly those `create_request` + `record_event` + `queue_message`
make, and `dsar audit verify` checks the chain the same way.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Text, bindparam, cast, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from dsar.audit import event_text_around_id, event_values, jsonable
from dsar.mail import insert_message
from dsar.models import Controller, OutboxMessage, Request, RequestEvent
from dsar.models.base import insert_for
from dsar.models.chain import GENESIS

ROW_FIELDS = (
    "reference",
    "type",
    "status",
    "channel",
    "language",
    "subject_name",
    "subject_email",
    "details",
    "verification",
    "status_token_hash",
    "created_at",
    "updated_at",
)
EVENT_FIELDS = ("action", "actor", "payload", "created_at")
MAIL_FIELDS = (
    "message_id",
    "recipient",
    "subject",
    "body_text",
    "body_html",
    "language",
    "headers",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
)


class UnknownController(LookupError):
    """No controller row has this slug: its register was never synced (`dsar controllers sync`)."""


@dataclass(frozen=True)
class FirstEvent:
    action: str
    actor: str
    payload: dict[str, Any]
    created_at: datetime


def insert_web_request(
    session: Session,
    controller_slug: str,
    row: dict[str, Any],
    event: FirstEvent,
    mail: dict[str, Any],
    mail_key_prefix: str,
) -> int | None:
    """Insert the request `row` (ROW_FIELDS) for the controller with this slug, its first
    event and the outbox message `mail` (`mail.message_values`) keyed `mail_key_prefix + id`.

    Returns the new id. None: the (random) reference is taken and nothing was written, so the
    caller draws another. UnknownController when no controller has the slug.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        request_id = _in_one_statement(
            connection, controller_slug, row, event, mail, mail_key_prefix
        )
    else:
        request_id = _in_four_statements(
            session, controller_slug, row, event, mail, mail_key_prefix
        )
    if request_id is None and not _controller_exists(connection, controller_slug):
        raise UnknownController(controller_slug)
    return request_id


def _in_one_statement(
    connection: Connection,
    controller_slug: str,
    row: dict[str, Any],
    event: FirstEvent,
    mail: dict[str, Any],
    mail_key_prefix: str,
) -> int | None:
    payload = jsonable(event.payload)
    before, after = event_text_around_id(
        seq=1,
        action=event.action,
        actor=event.actor,
        payload=payload,
        created_at=event.created_at,
        prev_hash=GENESIS,
    )
    event_columns = {
        "action": event.action,
        "actor": event.actor,
        "payload": payload,
        "created_at": event.created_at,
    }
    parameters = {
        **row,
        "slug": controller_slug,
        "hash_before": before,
        "hash_after": after,
        **{f"event_{name}": value for name, value in event_columns.items()},
        **{f"mail_{name}": mail[name] for name in MAIL_FIELDS},
        "mail_key_prefix": mail_key_prefix,
    }
    return connection.execute(_one_statement(), parameters).scalar()


def _in_four_statements(
    session: Session,
    controller_slug: str,
    row: dict[str, Any],
    event: FirstEvent,
    mail: dict[str, Any],
    mail_key_prefix: str,
) -> int | None:
    connection = session.connection()
    request_id = connection.execute(
        _insert_row(connection.dialect.name), {**row, "slug": controller_slug}
    ).scalar()
    if request_id is None:
        return None
    first = event_values(
        request_id,
        1,
        GENESIS,
        event.action,
        actor=event.actor,
        now=event.created_at,
        payload=event.payload,
    )
    connection.execute(insert(RequestEvent.__table__), first)
    connection.execute(_set_chain_head, {"rid": request_id, "head": first["hash"]})
    key = f"{mail_key_prefix}{request_id}"
    insert_message(session, key=key, request_id=request_id, values=mail)
    return request_id


def _row_parameters(table: Any) -> list[Any]:
    return [bindparam(name, type_=table.c[name].type) for name in ROW_FIELDS]


@functools.cache
def _insert_row(dialect: str):  # type: ignore[no-untyped-def]
    """INSERT INTO request (...) SELECT controller.id, :reference, ... FROM controller
    WHERE slug = :slug ON CONFLICT (reference) DO NOTHING RETURNING id."""
    request, controller = Request.__table__, Controller.__table__
    rows = select(controller.c.id, *_row_parameters(request)).where(
        controller.c.slug == bindparam("slug")
    )
    return (
        insert_for(dialect)(request)
        .from_select(["controller_id", *ROW_FIELDS], rows)
        .on_conflict_do_nothing(index_elements=[request.c.reference])
        .returning(request.c.id)
    )


_set_chain_head = (
    update(Request.__table__)
    .where(Request.__table__.c.id == bindparam("rid"))
    .values(event_seq=1, chain_head=bindparam("head"))
)


@functools.cache
def _one_statement():  # type: ignore[no-untyped-def]
    """PostgreSQL: WITH new_id AS (SELECT nextval(...) AS id, <hash around id> AS head),
    new_request AS (INSERT INTO request ... SELECT ... FROM new_id, controller WHERE slug
    ON CONFLICT (reference) DO NOTHING RETURNING id, chain_head), first_event AS (INSERT ...
    SELECT ... FROM new_request), mail AS (INSERT ... SELECT ... FROM new_request)
    SELECT id FROM new_request."""
    request, controller = Request.__table__, Controller.__table__
    events, outbox = RequestEvent.__table__, OutboxMessage.__table__
    drawn = select(
        cast(func.nextval(func.pg_get_serial_sequence("request", "id")), Integer).label("id")
    ).subquery("drawn")
    text_of_event = bindparam("hash_before", type_=Text) + cast(drawn.c.id, Text)
    text_of_event = text_of_event + bindparam("hash_after", type_=Text)
    head = func.encode(func.sha256(func.convert_to(text_of_event, "UTF8")), "hex")
    new_id = select(drawn.c.id, head.label("head")).cte("new_id")
    new_request = (
        postgresql_insert(request)
        .from_select(
            ["id", "controller_id", *ROW_FIELDS, "event_seq", "chain_head"],
            select(
                new_id.c.id,
                controller.c.id,
                *_row_parameters(request),
                literal(1),
                new_id.c.head,
            ).select_from(new_id.join(controller, controller.c.slug == bindparam("slug"))),
            include_defaults=False,  # Python-side defaults are not run inside a CTE
        )
        .on_conflict_do_nothing(index_elements=[request.c.reference])
        .returning(request.c.id, request.c.chain_head)
        .cte("new_request")
    )
    first_event = (
        insert(events)
        .from_select(
            ["request_id", "seq", *EVENT_FIELDS, "prev_hash", "hash"],
            select(
                new_request.c.id,
                literal(1),
                *(bindparam(f"event_{name}", type_=events.c[name].type) for name in EVENT_FIELDS),
                literal(GENESIS),
                new_request.c.chain_head,
            ),
        )
        .cte("first_event")
    )
    mail = (
        insert(outbox)
        .from_select(
            ["idempotency_key", "request_id", *MAIL_FIELDS],
            select(
                bindparam("mail_key_prefix", type_=Text) + cast(new_request.c.id, Text),
                new_request.c.id,
                *(bindparam(f"mail_{name}", type_=outbox.c[name].type) for name in MAIL_FIELDS),
            ),
        )
        .cte("mail")
    )
    return select(new_request.c.id).add_cte(first_event, mail)


def _controller_exists(connection: Connection, slug: str) -> bool:
    table = Controller.__table__
    return connection.execute(select(table.c.id).where(table.c.slug == slug)).first() is not None
