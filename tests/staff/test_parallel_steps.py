"""Staff steps on one request at the same moment, on a real database with real commits (both
backends): a step locks the request first (`visible_request`), so the steps queue and each is
saved, told "done" truthfully, and the request's trail stays one chain."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.audit.request_trail import verify_chain
from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.requests.models import RequestEvent
from tests.conftest import NOW
from tests.factories import make_request, make_staff
from tests.staff.conftest import signed_in_clients
from tests.threads import at_once, summary

NOTES = 8


def test_parallel_notes_queue_and_are_all_saved(  # type: ignore[no-untyped-def]
    racing_app: Flask,
) -> None:
    app = racing_app
    with app.app_context():
        controller = db.session.execute(select(Controller)).scalar_one()
        request = make_request(db.session, controller, NOW)
        dpo = make_staff(db.session, NOW, email="dana@example.org", role=Role.DPO)
        db.session.commit()
        request_id = request.id
        clients = signed_in_clients(app, dpo, NOTES)
        db.session.remove()

    def note(i: int) -> tuple[int, str]:
        client = clients[i]
        with app.app_context():
            url = f"/staff/requests/{request_id}"
            response = client.post(f"{url}/notes", data={"text": f"note {i}"})
        with app.app_context():
            after = client.get(f"{url}?lang=en").get_data(as_text=True)
        return response.status_code, "Note added." if "Note added." in after else ""

    outcomes = at_once(NOTES, note)

    assert outcomes == [(303, "Note added.")] * NOTES, summary(outcomes)
    with app.app_context():
        notes = db.session.execute(
            select(RequestEvent.payload).where(
                RequestEvent.request_id == request_id, RequestEvent.action == "note"
            )
        ).scalars()
        assert sorted(p["text"] for p in notes) == sorted(f"note {i}" for i in range(NOTES))
        assert verify_chain(db.session, request_id) is None
        db.session.remove()
