"""The request page's lists from one statement: each list whole, in its order, with its types."""

from __future__ import annotations

from datetime import datetime, timedelta

from dsar.audit import record_event
from dsar.models import FilePurpose, Role, StoredFile
from dsar.services.menus import StaffChoice
from dsar.services.request_page import request_lists
from tests.factories import make_request, make_staff


def _file(request_id: int, name: str, purpose: FilePurpose, now: datetime, **fields) -> StoredFile:  # type: ignore[no-untyped-def]
    return StoredFile(
        request_id=request_id,
        purpose=purpose,
        filename=name,
        storage_path=f"x/{name}",
        sha256="0" * 64,
        content_type="application/pdf",
        size=len(name) * 100,
        created_at=now,
        **fields,
    )


def test_events_files_and_staff_come_whole_and_in_order(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    other = make_request(session, controller, now, subject_email="other@example.org")
    record_event(session, request, "note", actor="b@example.org", now=now, payload={"text": "hi"})
    record_event(session, other, "note", actor="x@example.org", now=now, payload={"text": "no"})
    later = now + timedelta(hours=1)
    record_event(session, request, "assigned", actor="a@example.org", now=later, payload={})
    session.add(_file(request.id, "second.pdf", FilePurpose.EVIDENCE, now, deleted_at=later))
    session.flush()
    session.add(_file(request.id, "third.pdf", FilePurpose.ORIGINAL_REQUEST, now))
    session.add(_file(other.id, "not-mine.pdf", FilePurpose.EVIDENCE, now))
    zed = make_staff(session, now, email="zed@example.org", role=Role.AGENT)
    amy = make_staff(session, now, email="amy@example.org", role=Role.DPO)
    make_staff(session, now, email="boss@example.org", role=Role.ADMIN)
    make_staff(session, now, email="gone@example.org", role=Role.AGENT).active = False
    session.flush()

    lists = request_lists(session, request.id, with_staff=True)

    assert [e.seq for e in lists.events] == list(range(1, len(lists.events) + 1))
    assert [(e.action, e.actor, e.payload) for e in lists.events[-2:]] == [
        ("note", "b@example.org", {"text": "hi"}),
        ("assigned", "a@example.org", {}),
    ]
    assert lists.events[-1].created_at == later
    assert lists.events[0].action == "created"  # the factory's own first event
    assert [(f.filename, f.purpose, f.deleted_at, f.size) for f in lists.files] == [
        ("second.pdf", FilePurpose.EVIDENCE, later, 1000),
        ("third.pdf", FilePurpose.ORIGINAL_REQUEST, None, 900),
    ]
    assert lists.staff == [StaffChoice(amy.id, amy.email), StaffChoice(zed.id, zed.email)]
    assert request_lists(session, request.id, with_staff=False).staff == []


def test_a_request_without_files_lists_only_its_events(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    session.flush()
    lists = request_lists(session, request.id, with_staff=False)
    assert lists.files == []
    assert [e.action for e in lists.events] == [e.action for e in request.events]
