"""Parallel loads of one status page with our message unread, on a real database with real
commits (both backends): every load is shown, and the message is marked shown exactly once."""

from __future__ import annotations

from sqlalchemy import select

from dsar.audit.request_trail import verify_chain
from dsar.controllers.models import Controller
from dsar.core.clock import FixedClock
from dsar.extensions import db, limiter
from dsar.files.storage import FileStore
from dsar.requests.models import RequestEvent
from tests.conftest import NOW
from tests.intake.test_messages import _staff_says, _with_token
from tests.threads import at_once, summary

LOADS = 8


def test_parallel_loads_mark_our_message_once(committed_db_app, monkeypatch):  # type: ignore[no-untyped-def]
    app = committed_db_app
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(NOW))
    monkeypatch.setattr(limiter, "enabled", False)
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
