"""The rectification page: the subject's items mapped to the shop's columns (current values
shown), a wrong value refused naming the column with the form keeping its input, the
before/after preview (nothing changes), approval, the job's report, the shop's rows after."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy import create_engine, select, text

from dsar.accounts.models import Role
from dsar.changes.models import Rectification, RectificationStatus
from dsar.demo.shop import ensure_shop
from dsar.jobs.rectifications import apply_approved_rectifications
from dsar.letters.models import Letter
from dsar.requests.models import RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from tests.factories import make_request, make_staff

EMAIL = "kunde042@example.org"
ITEMS = [
    {"wrong": "surname misspelt", "correct": "Schmidt-Meyer"},
    {"wrong": "birthday", "correct": "3 May 1980"},
]


def _shop(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _request(session, controller, now):  # type: ignore[no-untyped-def]
    request = make_request(
        session, controller, now, type=RequestType.RECTIFICATION, subject_email=EMAIL,
        details={"items": ITEMS},
    )  # fmt: skip
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    return request


def test_map_preview_approve_and_apply(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, agent, as_user, no_csrf, private_shop
) -> None:
    request = _request(session, controller, now)
    surname = _shop(private_shop, "SELECT last_name FROM customers WHERE id = 42")
    staff = as_user(dpo)
    case = staff.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert f'href="/staff/requests/{request.id}/rectification"' in case
    page = staff.get(f"/staff/requests/{request.id}/rectification").get_data(as_text=True)
    assert 'value="shop_db|customers|last_name"' in page and f"Last name: {surname}" in page
    assert 'value="Schmidt-Meyer"' in page  # prefilled with the subject's "correct"
    assert 'value="shop_db|customers|id"' not in page  # no personal-data category
    assert "<li>Shop database · Customer account: K-100042</li>" in page  # one row by its key

    wrong = {
        "target_0": "shop_db|customers|last_name", "row_0": "", "value_0": "Schmidt-Meyer",
        "target_1": "shop_db|customers|birth_date", "row_1": "", "value_1": "3 May 1980",
    }  # fmt: skip
    refused = staff.post(f"/staff/requests/{request.id}/rectification/plan", data=wrong)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "column customers.birth_date takes a date (YYYY-MM-DD)" in body
    assert 'value="3 May 1980"' in body  # the form keeps what was typed
    assert session.execute(select(Rectification)).first() is None

    good = {**wrong, "value_1": "1980-05-03"}
    assert (
        staff.post(f"/staff/requests/{request.id}/rectification/plan", data=good).status_code == 302
    )
    rectification = session.execute(select(Rectification)).scalar_one()
    page = staff.get(f"/staff/requests/{request.id}/rectification").get_data(as_text=True)
    assert "Waiting for approval" in page and f"<del>{surname}</del>" in page
    assert "<ins>Schmidt-Meyer</ins>" in page and 'id="approve-rectification"' in page
    assert _shop(private_shop, "SELECT last_name FROM customers WHERE id = 42") == surname
    other = as_user(agent)  # not assigned: sees the page, may not approve
    assert 'id="needs-approver"' in other.get(
        f"/staff/requests/{request.id}/rectification"
    ).get_data(as_text=True)
    other.post(f"/staff/requests/{request.id}/rectification/{rectification.id}/approve")
    session.refresh(rectification)
    assert rectification.status is RectificationStatus.PLANNED

    staff.post(f"/staff/requests/{request.id}/rectification/{rectification.id}/approve")
    session.refresh(rectification)
    assert (rectification.status, rectification.approved_by) == (
        RectificationStatus.APPROVED,
        dpo.email,
    )
    apply_approved_rectifications(
        session, app.config["DSAR_SETTINGS"], now,
        registers=app.extensions["dsar.registers"], after_each=session.flush,
    )  # fmt: skip
    assert _shop(private_shop, "SELECT last_name FROM customers WHERE id = 42") == "Schmidt-Meyer"
    assert (
        str(_shop(private_shop, "SELECT birth_date FROM customers WHERE id = 42")) == "1980-05-03"
    )
    page = staff.get(f"/staff/requests/{request.id}/rectification").get_data(as_text=True)
    assert "Carried out" in page and "changed 1 of 1 rows · read back" in page

    staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "rectification"})
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "Date the data was corrected" not in page  # dsar recorded the day itself
    assert "is incomplete" not in page  # the record says what was corrected


def test_the_assigned_agent_approves_their_own_mapping(  # type: ignore[no-untyped-def]
    app, session, controller, now, as_user, no_csrf, private_shop, monkeypatch
) -> None:
    hashes = dataclasses.replace(app.config["DSAR_SETTINGS"], audit_rectification="hashes")
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", hashes)
    agent = make_staff(session, now, email="al@example.org", role=Role.AGENT)
    request = _request(session, controller, now)
    request.assignee_id = agent.id
    session.flush()
    staff = as_user(agent)
    data = {"target_0": "shop_db|customers|last_name", "row_0": "", "value_0": "Schmidt-Meyer"}
    staff.post(f"/staff/requests/{request.id}/rectification/plan", data=data)
    rectification = session.execute(select(Rectification)).scalar_one()
    staff.post(f"/staff/requests/{request.id}/rectification/{rectification.id}/approve")
    session.refresh(rectification)
    assert rectification.status is RectificationStatus.APPROVED
    planned = session.execute(
        select(RequestEvent).where(RequestEvent.action == "rectification_planned")
    ).scalar_one()
    assert planned.payload["items"][0]["after"].startswith("sha256:")  # DSAR_AUDIT_RECTIFICATION
    assert "Schmidt" not in str(planned.payload)


def test_without_a_write_credential_the_step_is_recorded_by_hand(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, erasure_by_hand
) -> None:
    ensure_shop(Path(app.instance_path))  # read only: dsar writes nothing here
    request = _request(session, controller, now)
    staff = as_user(dpo)
    data = {"target_0": "shop_db|customers|last_name", "row_0": "", "value_0": "Schmidt-Meyer"}
    staff.post(f"/staff/requests/{request.id}/rectification/plan", data=data)
    rectification = session.execute(select(Rectification)).scalar_one()
    page = staff.get(f"/staff/requests/{request.id}/rectification").get_data(as_text=True)
    assert "<strong>by hand</strong>" in page and 'id="by-hand-0"' not in page  # not approved
    staff.post(f"/staff/requests/{request.id}/rectification/{rectification.id}/approve")
    apply_approved_rectifications(
        session, app.config["DSAR_SETTINGS"], now,
        registers=app.extensions["dsar.registers"], after_each=session.flush,
    )  # fmt: skip
    session.refresh(rectification)
    assert rectification.status is RectificationStatus.PARTIAL
    page = staff.get(f"/staff/requests/{request.id}/rectification").get_data(as_text=True)
    assert 'id="by-hand-0"' in page and "Partly carried out" in page

    done = {"what": "Surname changed in the shop's admin", "done_on": now.date().isoformat()}
    url = f"/staff/requests/{request.id}/rectification/{rectification.id}/by-hand/0"
    staff.post(url, data=done)
    session.refresh(rectification)
    assert rectification.status is RectificationStatus.DONE
    page = staff.get(f"/staff/requests/{request.id}/rectification").get_data(as_text=True)
    assert "done by hand on" in page and "Surname changed in the shop&#39;s admin" in page


def test_staff_add_the_items_of_a_request_by_post(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, private_shop
) -> None:
    request = make_request(
        session, controller, now, type=RequestType.RECTIFICATION, subject_email=EMAIL
    )  # no items: the letter named them
    staff = as_user(dpo)
    page = staff.get(f"/staff/requests/{request.id}/rectification").get_data(as_text=True)
    assert 'id="identity-first"' in page and 'name="wrong_0"' not in page
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    page = staff.get(f"/staff/requests/{request.id}/rectification").get_data(as_text=True)
    assert 'name="wrong_0"' in page and 'name="wrong_1"' in page

    wrong = {"wrong_1": "the city", "correct_1": "Köln", "target_1": "shop_db|customers|city",
             "row_1": "", "value_1": "x" * 101}  # fmt: skip
    refused = staff.post(f"/staff/requests/{request.id}/rectification/plan", data=wrong)
    body = refused.get_data(as_text=True)
    assert 'id="error-1"' in body and "customers.city holds at most 100 characters" in body
    assert 'value="the city"' in body  # kept, in the row it was typed in

    staff.post(
        f"/staff/requests/{request.id}/rectification/plan", data={**wrong, "value_1": "Köln"}
    )
    rectification = session.execute(select(Rectification)).scalar_one()
    [item] = rectification.items
    assert (item["index"], item["added"], item["wrong"], item["value"]) == (
        0,
        True,
        "the city",
        "Köln",
    )
    page = staff.get(f"/staff/requests/{request.id}/rectification").get_data(as_text=True)
    assert "1 (added by staff)" in page and 'value="the city"' in page
