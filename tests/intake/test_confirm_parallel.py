"""Parallel and repeated clicks on one confirmation link, on a real database with real commits
(both backends): every click sees the page the first one saw, and the request is confirmed once."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from dsar.audit.request_trail import verify_chain
from dsar.controllers.models import Controller
from dsar.core.clock import FixedClock
from dsar.extensions import db, limiter
from dsar.intake.links import make_confirmation_token
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request, RequestEvent
from dsar.requests.workflow import Status
from tests.conftest import NOW
from tests.factories import make_request
from tests.threads import at_once, summary

CLICKS = 10


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_parallel_confirmations_all_see_the_same_page_and_confirm_once(  # type: ignore[no-untyped-def]
    committed_db_app, monkeypatch
):
    app = committed_db_app
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(NOW))
    monkeypatch.setattr(limiter, "enabled", False)  # ten clicks from one address
    with app.app_context():
        controller = db.session.execute(select(Controller)).scalar_one()
        request = make_request(db.session, controller, NOW, received_at=None)
        request_id, reference = request.id, request.reference
        db.session.commit()
        db.session.remove()
    secret = app.config["DSAR_SETTINGS"].secret_key
    path = f"/c/demo/confirm/{make_confirmation_token(secret, reference, NOW)}"
    clients = [app.test_client() for _ in range(CLICKS)]
    tokens = [_csrf(c.get(path).get_data(as_text=True)) for c in clients]

    def click(i: int) -> tuple[int, str]:
        response = clients[i].post(path, data={"csrf_token": tokens[i]})
        return response.status_code, response.get_data(as_text=True)

    outcomes = at_once(CLICKS, click)
    again = click(0)  # a click after all of them: still the same page

    assert outcomes == [outcomes[0]] * CLICKS, summary(outcomes)
    status, page = outcomes[0]
    assert status == 200 and "Thank you: your request is confirmed" in page
    assert reference in page and "2 April 2026" in page
    assert again == outcomes[0]
    with app.app_context():
        assert db.session.get(Request, request_id).status is Status.NEW
        actions = db.session.execute(
            select(RequestEvent.action)
            .where(RequestEvent.request_id == request_id)
            .order_by(RequestEvent.seq)
        ).scalars()
        assert list(actions) == ["created", "confirm_email", "received"]
        acks = db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.idempotency_key == f"ack:{request_id}")
        )
        assert acks == 1
        assert verify_chain(db.session, request_id) is None
        db.session.remove()
