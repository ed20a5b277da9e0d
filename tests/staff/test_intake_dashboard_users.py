"""Manual intake, the dashboard and CSV register, and the admin's user page."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from dsar.accounts.models import Role, StaffUser
from dsar.files.models import FilePurpose, StoredFile
from dsar.requests.dashboard import ClosedRow, median_days_to_completion, share_answered_in_time
from dsar.requests.models import Request
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, Status
from tests.factories import make_request

TODAY = date(2026, 3, 2)


def test_median_and_share_in_time_over_90_days() -> None:
    rows = [
        ClosedRow(date(2026, 1, 1), date(2026, 1, 11), date(2026, 2, 2), "completed"),  # 10 d
        ClosedRow(date(2026, 1, 5), date(2026, 2, 25), date(2026, 2, 5), "refused"),  # 51 d, late
        ClosedRow(date(2026, 2, 1), date(2026, 2, 21), date(2026, 3, 2), "completed"),  # 20 d
        ClosedRow(date(2026, 2, 1), date(2026, 2, 2), date(2026, 3, 2), "withdrawn"),  # no answer
        ClosedRow(date(2025, 9, 1), date(2025, 10, 1), date(2025, 10, 1), "completed"),  # too old
    ]
    assert median_days_to_completion(rows, TODAY) == 20.0
    assert share_answered_in_time(rows, TODAY) == 2 / 3
    assert median_days_to_completion([], TODAY) is None


def test_manual_intake_counts_from_the_local_time_of_receipt(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user, no_csrf
) -> None:
    response = as_user(agent).post(
        "/staff/requests/new",
        data={
            "controller": controller.id,
            "type": "access",
            "channel": "post",
            "language": "de",
            "received_at": "2026-02-27T23:30",  # Fri 23:30 in Berlin = 22:30 UTC
            "salutation": "mr",
            "subject_name": '=HYPERLINK("x")',
            "subject_email": "brief@example.org",
            "description": "Letter asking for a copy",
            "original": (io.BytesIO(b"%PDF-1.4 scan"), "letter.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    request = session.execute(select(Request)).scalar_one()
    assert request.received_at == datetime(2026, 2, 27, 22, 30, tzinfo=UTC)
    assert request.due_date == date(2026, 3, 27)
    assert request.status is Status.NEW
    assert request.details["salutation"] == "mr"  # the letters greet "Sehr geehrter Herr …"
    stored = session.execute(select(StoredFile)).scalar_one()
    assert (stored.purpose, stored.filename, stored.request_id) == (
        FilePurpose.ORIGINAL_REQUEST,
        "letter.pdf",
        request.id,
    )
    download = as_user(agent).get(f"/staff/requests/{request.id}/files/{stored.id}")
    assert download.data == b"%PDF-1.4 scan"


def test_manual_intake_refuses_a_future_receipt(  # type: ignore[no-untyped-def]
    session, controller, agent, as_user, no_csrf
) -> None:
    response = as_user(agent).post(
        "/staff/requests/new",
        data={
            "controller": controller.id,
            "type": "access",
            "channel": "phone",
            "language": "en",
            "received_at": "2026-03-05T10:00",
            "subject_name": "Max",
            "description": "",
        },
    )
    assert response.status_code == 400
    assert b"the time of receipt is in the future" in response.data
    assert session.execute(select(Request)).first() is None


def test_dashboard_figures_and_register(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    overdue = make_request(session, controller, now - timedelta(days=40))
    make_request(session, controller, now - timedelta(days=27))  # open, not yet due
    done = make_request(session, controller, now - timedelta(days=10), subject_name="-cmd")
    apply_action(session, done, Action.VERIFY_IDENTITY, actor="t", now=now)
    apply_action(session, done, Action.PREPARE_ANSWER, actor="t", now=now)
    done.answered_at = now  # its final letter was delivered (dsar/letters/answer.py)
    apply_action(session, done, Action.COMPLETE, actor="t", now=now)
    client = as_user(dpo)
    html = client.get("/staff/dashboard").data.decode()
    assert '<strong id="open-total">2</strong>' in html
    assert '<strong id="overdue" class="overdue">1</strong>' in html
    assert '<strong id="median-days">10.0</strong>' in html
    assert '<strong id="in-time">100 %</strong>' in html
    response = client.get("/staff/register.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    lines = response.data.decode().splitlines()
    assert lines[0] == "reference,type,channel,received,due,extended,closed,answered,outcome"
    assert (
        lines[1] == f"{overdue.reference},access,web,2026-01-21T09:00:00+00:00,2026-02-23,,,,open"
    )
    assert lines[3].endswith(",2026-03-02T09:00:00+00:00,2026-03-02T09:00:00+00:00,completed")


def test_admin_manages_accounts(  # type: ignore[no-untyped-def]
    session, admin, agent, as_user, no_csrf
) -> None:
    client = as_user(admin)
    response = client.post("/staff/users", data={"email": "new@example.org", "role": "dpo"})
    assert response.status_code == 303
    created = session.execute(
        select(StaffUser).where(StaffUser.email == "new@example.org")
    ).scalar_one()
    assert created.role is Role.DPO
    agent.totp_secret = "JBSWY3DPEHPK3PXP"
    session.commit()
    prefix = f"u{agent.id}-"
    client.post(
        f"/staff/users/{agent.id}",
        data={prefix + "role": "dpo", prefix + "reset_totp": "y"},  # active unticked
    )
    session.refresh(agent)
    assert (agent.role, agent.active, agent.totp_secret) == (Role.DPO, False, None)
    # An admin cannot deactivate or demote themselves.
    own = f"u{admin.id}-"
    client.post(f"/staff/users/{admin.id}", data={own + "role": "agent", own + "active": "y"})
    session.refresh(admin)
    assert admin.role is Role.ADMIN
