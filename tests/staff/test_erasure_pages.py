"""The erasure pages: a DPO plans (nothing changes), the same DPO cannot approve, a second
one does; the plan shows every table with its rule and reason."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.changes.models import Erasure, ErasureStatus
from dsar.demo.shop import ensure_shop
from dsar.letters.models import Letter
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from tests.factories import make_request, make_staff
from tests.fulfilment.conftest import GOLDEN_EMAIL


def test_plan_then_approve_with_four_eyes(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, agent, as_user, no_csrf
) -> None:
    ensure_shop(Path(app.instance_path))
    request = make_request(
        session, controller, now, type=RequestType.ERASURE, subject_email=GOLDEN_EMAIL
    )
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    planner = as_user(dpo)
    case = planner.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert f'href="/staff/requests/{request.id}/erasure"' in case

    planned = planner.post(f"/staff/requests/{request.id}/erasure/plan", data={"scope": "all"})
    assert planned.status_code == 302
    erasure = session.execute(select(Erasure)).scalar_one()
    page = planner.get(f"/staff/requests/{request.id}/erasure").get_data(as_text=True)
    assert "Plan waiting for approval" in page and 'id="needs-second-dpo"' in page
    assert "shop_db: contact_messages" in page and "Art. 17(3)(b) GDPR" in page
    assert "Accounting (DATEV, kept by the tax adviser) (by hand)" in page

    refused = planner.post(
        f"/staff/requests/{request.id}/erasure/{erasure.id}/approve", follow_redirects=True
    )
    assert "Not approved: four eyes" in refused.get_data(as_text=True)
    assert (
        as_user(agent)
        .post(f"/staff/requests/{request.id}/erasure/{erasure.id}/approve")
        .status_code
        == 403
    )
    second = as_user(make_staff(session, now, email="eve@example.org", role=Role.DPO))
    assert 'id="approve-erasure"' in second.get(f"/staff/requests/{request.id}/erasure").get_data(
        as_text=True
    )
    second.post(f"/staff/requests/{request.id}/erasure/{erasure.id}/approve")
    session.refresh(erasure)
    assert (erasure.status, erasure.approved_by) == (ErasureStatus.APPROVED, "eve@example.org")


def test_the_erasure_letter_asks_no_day_dsar_records_itself(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf
) -> None:
    """The demo shop has a write_url: dsar erases and records the day, so the letter's page
    offers no "date the data was erased" to type by hand."""
    request = make_request(
        session, controller, now, type=RequestType.ERASURE, subject_email=GOLDEN_EMAIL
    )
    staff = as_user(dpo)
    staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "erasure"})
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()

    page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)

    assert "Date the data was erased" not in page
    assert "the erasure carried out by dsar" in page  # what the letter still needs
