"""Parallel loads of one status page with our message unread, on a real database with real
commits (both backends): every load is shown, and the message is marked shown exactly once."""

from __future__ import annotations

from sqlalchemy import select

from dsar.audit.request_trail import verify_chain
from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.files.storage import FileStore
from dsar.requests.models import RequestEvent
from tests.conftest import NOW
from tests.intake.test_messages import _staff_says, _with_token
from tests.threads import at_once, summary

LOADS = 8


def test_parallel_loads_mark_our_message_once(racing_app):  # type: ignore[no-untyped-def]
    app = racing_app
    with app.app_context():
        controller = db.session.execute(select(Controller)).scalar_one()
        request, token = _with_token(db.session, controller, NOW)
        store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
        message = _staff_says(app, db.session, request, NOW, store, "Bitte Ausweis senden.")
        request_id, message_id = request.id, message.id
        db.session.commit()
        db.session.remove()

    def load(_i: int) -> int:
        return app.test_client().get(f"/c/demo/status/{token}").status_code

    outcomes = at_once(LOADS, load)

    assert outcomes == [200] * LOADS, summary(outcomes)
    with app.app_context():
        shown = db.session.execute(
            select(RequestEvent.payload).where(
                RequestEvent.request_id == request_id, RequestEvent.action == "messages_read"
            )
        ).scalars()
        assert list(shown) == [{"reader": "subject", "messages": [message_id]}]
        assert verify_chain(db.session, request_id) is None
        db.session.remove()


def test_parallel_replies_and_answers_are_all_kept(racing_app):  # type: ignore[no-untyped-def]
    """The subject sends replies from two tabs while staff answer: every message is kept (none
    refused as "changed meanwhile"), each once in the trail, the chain whole."""
    from dsar.accounts.models import Role
    from dsar.messages.models import Message
    from tests.factories import make_staff
    from tests.staff.conftest import signed_in_clients

    app = racing_app
    with app.app_context():
        controller = db.session.execute(select(Controller)).scalar_one()
        request, token = _with_token(db.session, controller, NOW)
        dpo = make_staff(db.session, NOW, email="dana@example.org", role=Role.DPO)
        db.session.commit()
        request_id = request.id
        staff = signed_in_clients(app, dpo, LOADS // 2)
        db.session.remove()

    def post(i: int) -> int:
        if i % 2:
            url = f"/c/demo/status/{token}/messages"
            return app.test_client().post(url, data={"body": f"reply {i}"}).status_code
        with app.app_context():
            url = f"/staff/requests/{request_id}/messages"
            return staff[i // 2].post(url, data={"body": f"answer {i}"}).status_code

    outcomes = at_once(LOADS, post)

    assert outcomes == [303] * LOADS, summary(outcomes)
    with app.app_context():
        bodies = db.session.execute(
            select(Message.body).where(Message.request_id == request_id)
        ).scalars()
        expected = [f"answer {i}" if i % 2 == 0 else f"reply {i}" for i in range(LOADS)]
        assert sorted(bodies) == sorted(expected)
        posted = db.session.execute(
            select(RequestEvent.id).where(
                RequestEvent.request_id == request_id, RequestEvent.action == "message_posted"
            )
        ).all()
        assert len(posted) == LOADS
        assert verify_chain(db.session, request_id) is None
        db.session.remove()
