"""The tasks by hand an approved erasure opens (dsar/changes/follow_up.py): one per manual
source with the exact instruction, one per published activity (Art. 17(2)), closed by staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dsar.changes.erasures import approve_erasure, plan_request_erasure
from dsar.changes.follow_up import ErasureTaskError, close_erasure_task, erasure_tasks
from dsar.changes.models import ErasureTaskKind
from dsar.requests.models import RequestEvent
from tests.factories import make_staff


def _approved(session, request, register, now, scope=None):  # type: ignore[no-untyped-def]
    erasure = plan_request_erasure(
        session, request, register, scope=scope, actor="dana@example.org", now=now
    )
    eve = make_staff(session, now, email="eve@x.org")
    approve_erasure(session, erasure, register, approver=eve, now=now)
    return erasure


def test_each_manual_source_becomes_a_task_with_the_exact_instruction(
    session, erasure_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    erasure = _approved(session, erasure_request, shop_register, now)

    [task] = erasure_tasks(session, erasure)
    assert (task.kind, task.ref, task.done) == (ErasureTaskKind.MANUAL, "accounting", False)
    lines = task.instruction.splitlines()
    assert lines[0].startswith("Ask the tax adviser by e-mail")  # the register's instruction
    assert lines[1] == "Data subject: E-mail address: kunde042@example.org."
    assert lines[2].startswith("Keep what Invoices and accounting requires (HGB §257")
    assert "Erase only" not in task.instruction  # all data: no scope to name


def test_a_chosen_scope_names_the_categories_and_skips_sources_outside_it(
    session, erasure_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    outside = _approved(session, erasure_request, shop_register, now, scope=["message"])
    assert erasure_tasks(session, outside) == []  # accounting holds no messages


def test_a_chosen_scope_within_the_manual_source_is_named(
    session, erasure_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    erasure = _approved(session, erasure_request, shop_register, now, scope=["postal_address"])
    [task] = erasure_tasks(session, erasure)
    [erase_only] = [line for line in task.instruction.splitlines() if "Erase only" in line]
    assert erase_only == "Erase only: Postal address."


def test_closing_a_task_needs_what_was_done_and_happens_once(
    session, erasure_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    erasure = _approved(session, erasure_request, shop_register, now)
    [task] = erasure_tasks(session, erasure)

    with pytest.raises(ErasureTaskError, match="say what was done"):
        close_erasure_task(session, erasure_request, task, note="  ", actor="a@x.org", now=now)
    assert not task.done
    close_erasure_task(session, erasure_request, task, note=" Deleted. ", actor="a@x.org", now=now)
    assert (task.done, task.note, task.done_by, task.done_at) == (True, "Deleted.", "a@x.org", now)
    with pytest.raises(ErasureTaskError, match="closed already"):
        close_erasure_task(session, erasure_request, task, note="again", actor="b@x.org", now=now)
    assert task.note == "Deleted."
    events = session.execute(select(RequestEvent.action, RequestEvent.payload)).all()
    assert [p for a, p in events if a == "erasure_task_done"] == [
        {"task": task.id, "kind": "manual", "ref": "accounting", "evidence_file_id": None}
    ]
    approved = [p for a, p in events if a == "erasure_approved"]
    assert approved[0]["tasks"] == ["manual:accounting"]


def test_a_published_activity_gets_the_art_17_2_task(
    session, erasure_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    published = {"de": "Bewertungen im Shop", "en": "reviews in the shop"}
    activities = [
        a.model_copy(update={"published": published}) if a.id == "contact_requests" else a
        for a in shop_register.activities
    ]
    register = shop_register.model_copy(update={"activities": activities})
    erasure = _approved(session, erasure_request, register, now)

    tasks = {t.kind: t for t in erasure_tasks(session, erasure)}
    art17_2 = tasks[ErasureTaskKind.PUBLISHED]
    assert art17_2.ref == "contact_requests"
    assert art17_2.instruction.startswith(
        "Inform the controllers processing the data made public (reviews in the shop)"
    )
    assert "(Art. 17(2) GDPR), taking account of available technology and the cost" in (
        art17_2.instruction
    )
