"""The audit trail proves itself: keyed hashes and signed checkpoints find each kind of tampering
(a deleted request, a deleted last or middle event, a changed event, reordered events, a chain
rebuilt without the key, a forged checkpoint) and name the request and event; an untouched
trail is never reported."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from dsar.audit.chain import GENESIS, KEYED, PLAIN, Fault, link_hash
from dsar.audit.checkpoint import write_checkpoint
from dsar.audit.models import AuditCheckpoint
from dsar.audit.verify import audit_breaks
from dsar.controllers.models import Controller
from dsar.requests.models import Request, RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action
from tests.audit.stored_rows import change, remove
from tests.factories import make_request, make_staff


def _events(session, request_id: int) -> list[RequestEvent]:  # type: ignore[no-untyped-def]
    query = select(RequestEvent).where(RequestEvent.request_id == request_id)
    return list(session.execute(query.order_by(RequestEvent.seq)).scalars())


@pytest.fixture
def trail(session, controller: Controller, now: datetime):  # type: ignore[no-untyped-def]
    """Two requests of four events each and a staff account, checkpointed, committed."""
    make_staff(session, now)
    requests = []
    for email in ("zoe@example.org", "max@example.org"):
        request = make_request(session, controller, now, subject_email=email)
        apply_action(session, request, Action.VERIFY_IDENTITY, actor="dana", now=now)
        apply_action(session, request, Action.PREPARE_ANSWER, actor="dana", now=now)
        requests.append(request)
    session.flush()
    write_checkpoint(session, now + timedelta(hours=1))
    session.commit()
    return requests


def _one(session):  # type: ignore[no-untyped-def]
    session.expire_all()
    breaks = audit_breaks(session)
    assert len(breaks) == 1, [str(b) for b in breaks]
    return breaks[0]


def test_an_untouched_trail_is_intact(session, trail, runner) -> None:  # type: ignore[no-untyped-def]
    assert audit_breaks(session) == []
    result = runner(["audit", "verify"])
    assert (result.exit_code, result.output) == (0, "audit trail intact\n")


def test_a_deleted_request_is_named_with_its_last_event(session, trail) -> None:  # type: ignore[no-untyped-def]
    gone = trail[0]
    last = _events(session, gone.id)[-1]
    session.execute(delete(RequestEvent).where(RequestEvent.request_id == gone.id))
    session.execute(delete(Request).where(Request.id == gone.id))
    broken = _one(session)
    assert (broken.chain, broken.seq, broken.event_id, broken.fault) == (
        f"request {gone.id}",
        4,
        last.id,
        Fault.CHECKPOINT,
    )
    assert "the request is gone" in broken.reason and "no purge recorded it" in broken.reason


def test_a_deleted_last_event_is_found_by_the_head(session, trail) -> None:  # type: ignore[no-untyped-def]
    events = _events(session, trail[1].id)
    remove(session, events[-1])
    broken = _one(session)
    assert (broken.chain, broken.event_id, broken.fault) == (
        f"request {trail[1].id}",
        events[-2].id,
        Fault.HEAD,
    )


def test_a_deleted_last_event_with_its_head_rewound_is_found_by_the_checkpoint(
    session, trail
) -> None:  # type: ignore[no-untyped-def]
    events = _events(session, trail[1].id)
    remove(session, events[-1])
    session.execute(
        update(Request)
        .where(Request.id == trail[1].id)
        .values(event_seq=3, chain_head=events[-2].hash)
    )
    broken = _one(session)
    assert (broken.chain, broken.seq, broken.event_id, broken.fault, broken.reason[:19]) == (
        f"request {trail[1].id}",
        4,
        events[-1].id,
        Fault.CHECKPOINT,
        "the event is gone: ",
    )


def test_a_deleted_middle_event_breaks_the_order(session, trail) -> None:  # type: ignore[no-untyped-def]
    events = _events(session, trail[0].id)
    remove(session, events[1])
    broken = _one(session)
    assert (broken.chain, broken.seq, broken.event_id, broken.fault) == (
        f"request {trail[0].id}",
        3,
        events[2].id,
        Fault.ORDER,
    )


def test_a_changed_event_does_not_match_its_hash(session, trail) -> None:  # type: ignore[no-untyped-def]
    events = _events(session, trail[0].id)
    change(session, events[2], actor="eve")
    broken = _one(session)
    assert (broken.seq, broken.event_id, broken.fault) == (3, events[2].id, Fault.CONTENT)


def test_reordered_events_break_the_order(session, trail) -> None:  # type: ignore[no-untyped-def]
    events = _events(session, trail[0].id)
    change(session, events[1], seq=99)
    change(session, events[2], seq=2)
    change(session, events[1], seq=3)
    broken = _one(session)
    assert (broken.chain, broken.seq, broken.event_id) == (
        f"request {trail[0].id}",
        2,
        events[2].id,
    )
    assert broken.fault in (Fault.LINK, Fault.ORDER)


def test_a_chain_rebuilt_without_the_key_is_refused(session, trail) -> None:  # type: ignore[no-untyped-def]
    """A forger with write access but not the key rewrites the last event with plain SHA-256
    (the scheme the old events use) and moves the head: the event is after keying began."""
    request = trail[0]
    last = _events(session, request.id)[-1]
    forged = link_hash(
        type(
            "Row",
            (),
            {
                **{
                    c: getattr(last, c)
                    for c in ("seq", "action", "payload", "created_at", "prev_hash")
                },
                "actor": "eve",
            },
        )(),  # fmt: skip
        request_id=request.id,
    )
    change(session, last, actor="eve", hash_scheme=PLAIN, hash=forged)
    session.execute(update(Request).where(Request.id == request.id).values(chain_head=forged))
    breaks = audit_breaks(session)
    assert [(b.chain, b.event_id, b.fault) for b in breaks] == [
        (f"request {request.id}", last.id, Fault.SCHEME)
    ]


def test_a_forged_checkpoint_is_named(session, trail) -> None:  # type: ignore[no-untyped-def]
    checkpoint = session.scalars(select(AuditCheckpoint)).one()
    body = {**checkpoint.body, "requests": checkpoint.body["requests"][1:]}
    session.execute(
        update(AuditCheckpoint).where(AuditCheckpoint.id == checkpoint.id).values(body=body)
    )
    broken = _one(session)
    assert (broken.chain, broken.event_id, broken.fault) == (
        f"checkpoint {checkpoint.id}",
        checkpoint.id,
        Fault.CHECKPOINT,
    )
    assert "signature does not match" in broken.reason


def test_each_break_is_named_on_its_own_line(session, trail, runner) -> None:  # type: ignore[no-untyped-def]
    first, second = (_events(session, request.id) for request in trail)
    change(session, first[0], actor="eve")
    remove(session, second[2])
    session.commit()
    result = runner(["audit", "verify"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines == [
        f"broken: request {trail[0].id}, event #1 (id {first[0].id}): content does not match hash",
        f"broken: request {trail[1].id}, event #4 (id {second[3].id}): expected #3",
    ]


def test_a_checkpoint_is_refused_while_the_trail_is_broken(session, trail, runner) -> None:  # type: ignore[no-untyped-def]
    change(session, _events(session, trail[0].id)[1], actor="eve")
    session.commit()
    result = runner(["audit", "checkpoint"])
    assert result.exit_code == 1 and "no checkpoint: 1 break(s)" in result.output
    assert session.scalar(select(func.count()).select_from(AuditCheckpoint)) == 1


def test_the_command_signs_every_head(session, trail, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner(["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    assert "checkpoint written: 2 request chain(s)" in result.output
    newest = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc())).first()
    heads = {rid: (seq, head) for rid, seq, head, _ in newest.body["requests"]}
    assert heads == {r.id: (r.event_seq, r.chain_head) for r in trail}
    assert newest.body["staff"][0] == 1


def test_a_purged_request_is_let_go(app, session, trail, now: datetime) -> None:  # type: ignore[no-untyped-def]
    from dsar.jobs.purge import purge_requests

    settings = app.config["DSAR_SETTINGS"]
    rid, head = trail[0].id, trail[0].chain_head
    assert purge_requests(session, settings, now, Request.id == trail[0].id).purged == 1
    session.commit()
    assert session.get(Request, rid) is None
    assert audit_breaks(session) == []
    purged = session.scalars(select(AuditCheckpoint).where(AuditCheckpoint.kind == "purged")).one()
    assert purged.body == {"request_id": rid, "seq": 4, "head": head}
    session.delete(purged)  # without the purge's signed word, the checkpoint misses it
    assert [b.chain for b in audit_breaks(session)] == [f"request {rid}"]


def test_a_job_run_at_an_offset_instant_leaves_the_trail_intact(
    session, controller, runner, now
) -> None:  # type: ignore[no-untyped-def]
    """An unconfirmed web request, then every job at an instant given with +01:00 (the expiry
    once reported a broken chain): intact, and the run wrote a checkpoint that still verifies."""
    request = make_request(session, controller, now, received_at=None)  # awaiting confirmation
    session.commit()
    result = runner(["jobs", "run-once", "--now", "2027-01-20T08:00:00+01:00"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert [e.action for e in _events(session, request.id)][-1] == "expire"
    assert session.scalar(select(func.count()).select_from(AuditCheckpoint)) == 1
    verify = runner(["audit", "verify"])
    assert (verify.exit_code, verify.output) == (0, "audit trail intact\n")


def test_an_old_plain_chain_verifies_and_goes_on_keyed(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    """Events stored before migration 0028 carry plain SHA-256 (its server default says so):
    they still verify, and the events appended after them are keyed."""
    request = make_request(session, controller, now)
    session.flush()
    head = GENESIS
    for event in _events(session, request.id):  # as an install before keying wrote them
        event.prev_hash, event.hash_scheme = head, PLAIN
        event.hash = head = link_hash(event, request_id=request.id)
    request.chain_head = head
    session.commit()
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="dana", now=now)
    session.commit()
    assert [e.hash_scheme for e in _events(session, request.id)] == [PLAIN, PLAIN, KEYED]
    assert audit_breaks(session) == []
