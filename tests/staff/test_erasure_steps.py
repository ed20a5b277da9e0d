"""The steps by hand an approved erasure of the demo shop leaves (a manual source, Art. 17(2)
for published data), closed on the Erasure page, and what the erasure letter then says
(dsar/changes/follow_up.py, dsar/changes/letter_facts.py)."""

from __future__ import annotations

import io

from sqlalchemy import select

from dsar.changes.follow_up import erasure_tasks
from dsar.changes.letter_facts import erasure_details, recorded_erasure
from dsar.changes.models import ErasureTaskKind
from dsar.letters.models import Letter
from dsar.requests.models import Request
from tests.fulfilment.conftest import GOLDEN_EMAIL, GOLDEN_NUMBER
from tests.fulfilment.test_manual_evidence import PNG
from tests.staff.test_recipient_notices import _change_demo, _demo, _erased


def _erasure_letter(session, request: Request, staff) -> str:  # type: ignore[no-untyped-def]
    """The erasure letter's preview text (drafted once, on the letters page)."""
    letter = session.execute(
        select(Letter).where(Letter.request_id == request.id, Letter.type == "erasure")
    ).scalar_one_or_none()
    if letter is None:
        staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "erasure"})
        letter = session.execute(
            select(Letter).where(Letter.request_id == request.id, Letter.type == "erasure")
        ).scalar_one()
        untold = {"untold": "Their notices are on their way (Art. 19)."}
        assert staff.post(f"/staff/letters/{letter.id}/edit", data=untold).status_code == 302
    page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "is incomplete" not in page
    return page


def test_closing_the_manual_step_lets_the_letter_say_all_was_erased(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, agent, as_user, no_csrf, private_shop
) -> None:
    request, staff = _erased(app, session, controller, now, dpo, as_user)
    erasure = recorded_erasure(session, request)
    assert erasure is not None
    [task] = erasure_tasks(session, erasure)
    assert (task.kind, task.ref) == (ErasureTaskKind.MANUAL, "accounting")
    assert GOLDEN_NUMBER in task.instruction and GOLDEN_EMAIL in task.instruction
    assert "Keep what" in task.instruction and "AO" in task.instruction  # the retention's norm
    assert erasure_details(session, erasure, request)["erasure_complete"] is False
    assert (
        "all data we found about you has been erased"
        not in _erasure_letter(session, request, staff).lower()
    )

    page = staff.get(f"/staff/requests/{request.id}/erasure").get_data(as_text=True)
    assert f'id="erasure-task-{task.id}" class="open"' in page
    url = f"/staff/requests/{request.id}/erasure/tasks/{task.id}"
    staff.post(url, data={"note": "  "})
    session.refresh(task)
    assert not task.done
    done = "The tax adviser deleted the customer master data; invoices restricted until 2036."
    svg = {"note": done, "evidence": (io.BytesIO(b"<svg onload=alert(1)>"), "e.png")}
    refused = staff.post(url, data=svg, content_type="multipart/form-data", follow_redirects=True)
    assert b"The evidence file was refused" in refused.data
    session.refresh(task)
    assert not task.done
    png = {"note": done, "evidence": (io.BytesIO(PNG), "letter.png")}
    as_user(agent).post(url, data=png, content_type="multipart/form-data")
    session.refresh(task)
    assert (task.done, task.note, task.done_by) == (True, done, "alex@example.org")
    page = staff.get(f"/staff/requests/{request.id}/erasure").get_data(as_text=True)
    assert f"/staff/requests/{request.id}/files/{task.evidence_file_id}" in page
    assert erasure_details(session, erasure, request)["erasure_complete"] is True
    assert (
        "all data we found about you has been erased"
        in _erasure_letter(session, request, staff).lower()
    )
    again = staff.post(url, data={"note": "twice"}, follow_redirects=True)
    assert b"closed already" in again.data


def test_published_data_gets_an_art_17_2_task_the_letter_states_once_closed(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, private_shop, monkeypatch
) -> None:
    published = {"de": "Kundenbewertungen im Shop", "en": "customer reviews in the shop"}
    activities = [
        a.model_copy(update={"published": published}) if a.id == "customer_account" else a
        for a in _demo(app).activities
    ]
    _change_demo(app, monkeypatch, activities=activities)
    request, staff = _erased(app, session, controller, now, dpo, as_user)
    erasure = recorded_erasure(session, request)
    assert erasure is not None
    tasks = {t.kind: t for t in erasure_tasks(session, erasure)}
    art17_2 = tasks[ErasureTaskKind.PUBLISHED]
    assert art17_2.ref == "customer_account"
    assert (
        "Art. 17(2)" in art17_2.instruction
        and "customer reviews in the shop" in art17_2.instruction
    )
    assert "available technology and the cost" in art17_2.instruction
    assert erasure_details(session, erasure, request)["published_informed"] == []
    assert "Art. 17(2)" not in _erasure_letter(session, request, staff)

    note = "Asked the review portal to remove the copy of the review; it confirmed."
    staff.post(f"/staff/requests/{request.id}/erasure/tasks/{art17_2.id}", data={"note": note})
    informed = erasure_details(session, erasure, request)["published_informed"]
    assert informed == [{"on": now.date().isoformat(), "note": note}]
    letter = _erasure_letter(session, request, staff)
    assert "Art. 17(2) GDPR" in letter and note in letter


def test_no_published_activity_no_art_17_2_task(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, private_shop
) -> None:
    request, _staff = _erased(app, session, controller, now, dpo, as_user)
    erasure = recorded_erasure(session, request)
    assert erasure is not None
    kinds = [t.kind for t in erasure_tasks(session, erasure)]
    assert kinds == [ErasureTaskKind.MANUAL]
