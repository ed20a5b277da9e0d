"""The open-request tally always equals a count of the requests, whatever writes them and how."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import String, delete, func, insert, select, text, type_coerce, update
from sqlalchemy.orm import Session

from dsar.extensions import db
from dsar.models import Controller, OpenRequestTally, Request, RequestEvent, Role
from dsar.models.tally import TALLIED
from dsar.services.queue import QueueFilters, queue_page
from dsar.workflow import Channel, RequestType, Status
from tests.conftest import build_app, make_database_url
from tests.factories import make_request, make_staff

TALLY = OpenRequestTally.__table__


def counted(session: Session) -> dict[tuple[int, int, str, str], int]:
    """What the tally should hold: the requests counted by the tally's key."""
    r = Request.__table__
    key = (
        r.c.controller_id,
        func.coalesce(r.c.assignee_id, 0),
        type_coerce(r.c.status, String),
        type_coerce(r.c.type, String),
    )
    rows = session.execute(
        select(*key, func.count()).where(r.c.status.in_(TALLIED)).group_by(*key)
    ).all()
    return {(c, a, s, t): n for c, a, s, t, n in rows}


def tallied(session: Session) -> dict[tuple[int, int, str, str], int]:
    rows = session.execute(
        select(TALLY.c.controller_id, TALLY.c.assignee_key, TALLY.c.status, TALLY.c.type, TALLY.c.n)
    ).all()
    return {(c, a, s, t): n for c, a, s, t, n in rows if n}


def test_orm_core_and_raw_writes_keep_the_tally_exact(
    session: Session, controller: Controller, now: datetime
) -> None:
    rng = random.Random(7)
    other = Controller(
        slug="other-gmbh", name="Other GmbH", country="DE", timezone="Europe/Berlin", loaded_at=now
    )
    session.add(other)
    session.flush()
    staff = [make_staff(session, now, email=f"a{i}@example.org", role=Role.AGENT) for i in range(3)]
    requests = [
        make_request(
            session,
            rng.choice([controller, other]),
            now,
            type=rng.choice(list(RequestType)),
            received_at=None if i % 5 == 0 else now,  # some wait for their e-mail confirmation
        )
        for i in range(40)
    ]
    session.flush()
    assert tallied(session) == counted(session) != {}
    for step in range(300):
        row = rng.choice(requests)
        move = rng.randrange(5)
        if move == 0:  # the ORM: status, assignee, type
            row.status = rng.choice(list(Status))
            row.assignee = rng.choice([None, *staff])
            row.type = rng.choice(list(RequestType))
            session.flush()
        elif move == 1:  # Core, many rows at once
            session.execute(
                update(Request)
                .where(Request.id.in_([r.id for r in rng.sample(requests, 5)]))
                .values(status=rng.choice(list(Status)), assignee_id=None)
                .execution_options(synchronize_session=False)
            )
        elif move == 2:  # raw SQL, moving a request to the other controller
            session.execute(
                text("UPDATE request SET controller_id = :c WHERE id = :i"),
                {"c": rng.choice([controller.id, other.id]), "i": row.id},
            )
        elif move == 3:  # an update that touches the columns without changing them
            session.execute(
                text("UPDATE request SET status = status, assignee_id = assignee_id WHERE id = :i"),
                {"i": row.id},
            )
        else:  # a new request, straight in
            session.execute(
                insert(Request).values(
                    controller_id=other.id,
                    reference=f"T-{step}",
                    type=RequestType.ERASURE,
                    status=rng.choice(list(Status)),
                    channel=Channel.EMAIL,
                    language="de",
                    subject_name="Kim",
                    details={},
                    created_at=now,
                    updated_at=now,
                )
            )
        session.expire_all()
        if step % 25 == 0:
            assert tallied(session) == counted(session), step
    purged = [r.id for r in requests[:10]]  # as the retention job purges: trail, then request
    session.execute(delete(RequestEvent).where(RequestEvent.request_id.in_(purged)))
    session.execute(delete(Request).where(Request.id.in_(purged)))
    assert tallied(session) == counted(session)


def test_queue_counts_from_the_tally_equal_counts_from_the_rows(
    session: Session, controller: Controller, now: datetime
) -> None:
    """The default page counts from the tally, a channel-filtered one from the rows: the same
    requests must give the same counts, for an agent (own and unassigned) and a DPO."""
    dpo = make_staff(session, now, email="dpo@example.org", role=Role.DPO)
    agent = make_staff(session, now, email="agent@example.org", role=Role.AGENT)
    other = make_staff(session, now, email="other@example.org", role=Role.AGENT)
    for i in range(24):
        made = make_request(session, controller, now, received_at=None if i % 6 == 0 else now)
        made.assignee = (None, agent, other)[i % 3]
        if i % 4 == 0 and made.status is Status.NEW:
            made.status = Status.IN_PROGRESS
    session.flush()
    today = now.date()
    for user in (dpo, agent):
        for filters in ({}, {"assignee": "me"}, {"assignee": "none"}, {"type": "access"}):
            by_tally = queue_page(session, user, QueueFilters(**_filters(filters)), today)
            by_rows = queue_page(
                session, user, QueueFilters(**_filters(filters), channel=Channel.WEB), today
            )
            assert by_tally.counts == by_rows.counts, (user.email, filters)
            assert by_tally.counts or (user is dpo and filters == {"assignee": "me"})
            assert by_tally.total == by_rows.total
    assert (
        queue_page(session, agent, QueueFilters(), today).counts["new"]
        < (queue_page(session, dpo, QueueFilters(), today).counts["new"])
    )


def _filters(raw: dict[str, str]) -> dict[str, object]:
    return {k: RequestType(v) if k == "type" else v for k, v in raw.items()}


@pytest.fixture
def migrated_to_0004(backend: str, request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    app = build_app(make_database_url(request, backend, tmp_path), tmp_path)
    with app.app_context():
        upgrade(revision="0004")
        yield app
        db.session.remove()
        db.engine.dispose()


def test_the_migration_counts_existing_requests_and_installs_the_triggers(
    migrated_to_0004, now: datetime
) -> None:  # type: ignore[no-untyped-def]
    from dsar.services.controllers import sync_controllers

    sync_controllers(db.session, migrated_to_0004.extensions["dsar.registers"], now)
    controller = db.session.execute(select(Controller)).scalars().first()
    for i in range(6):
        make_request(db.session, controller, now - timedelta(days=i), received_at=now)
    make_request(db.session, controller, now, received_at=None)  # unconfirmed: not tallied
    db.session.commit()
    upgrade()  # to head: 0005 adds the tally and fills it from the requests
    assert tallied(db.session) == counted(db.session)
    assert sum(tallied(db.session).values()) == 6
    # The triggers are in place after the last revision: a new request moves the count.
    make_request(db.session, controller, now, received_at=now)
    db.session.commit()
    assert sum(tallied(db.session).values()) == 7 == sum(counted(db.session).values())


def test_counts_of_the_tally_sum_to_the_open_received_requests(
    session: Session, controller: Controller, now: datetime
) -> None:
    for _ in range(3):
        make_request(session, controller, now)
    session.flush()
    total = session.execute(select(func.sum(TALLY.c.n))).scalar_one()
    assert total == 3


def test_the_default_page_reads_its_counts_from_the_tally(
    session: Session, controller: Controller, now: datetime
) -> None:
    """Proof of the path: a tally moved by hand shows on the default page, not a filtered one."""
    dpo = make_staff(session, now, email="dpo@example.org", role=Role.DPO)
    make_request(session, controller, now)
    session.flush()
    session.execute(update(OpenRequestTally).values(n=OpenRequestTally.n + 100))
    today = now.date()
    assert queue_page(session, dpo, QueueFilters(), today).counts == {"new": 101}
    assert queue_page(session, dpo, QueueFilters(channel=Channel.WEB), today).counts == {"new": 1}
