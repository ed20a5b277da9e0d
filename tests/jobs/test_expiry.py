"""Unconfirmed web requests expire after DSAR_CONFIRMATION_EXPIRY_DAYS, with the reason recorded."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dsar.jobs.expiry import expire_unconfirmed
from dsar.models import RequestEvent
from dsar.workflow import Status
from tests.factories import make_request


def test_only_requests_unconfirmed_for_longer_than_the_setting_expire(
    session, controller, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    stale = make_request(session, controller, now - timedelta(days=7, minutes=1), received_at=None)
    fresh = make_request(session, controller, now - timedelta(days=6, hours=23), received_at=None)
    confirmed = make_request(session, controller, now - timedelta(days=30))
    result = expire_unconfirmed(session, job_settings(confirmation_expiry_days=7), now)
    assert result.expired == 1
    assert stale.status is Status.EXPIRED and stale.closed_at == now
    assert fresh.status is Status.AWAITING_CONFIRMATION
    assert confirmed.status is Status.NEW
    event = session.execute(
        select(RequestEvent).where(
            RequestEvent.request_id == stale.id, RequestEvent.action == "expire"
        )
    ).scalar_one()
    assert event.actor == "scheduler"
    assert event.payload["reason"] == "e-mail address not confirmed within 7 days"
    assert expire_unconfirmed(session, job_settings(confirmation_expiry_days=7), now).expired == 0
