"""The dashboard (open work, what is due, how fast and how punctually we answer) and the
register of all requests as CSV for the supervisory authority."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask import render_template, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select

from dsar.controllers.models import Controller
from dsar.core.attachments import private_download
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.requests.dashboard import (
    ClosedRow,
    median_days_to_completion,
    register_csv,
    share_answered_in_time,
)
from dsar.requests.deadlines.legal_calendar import date_in
from dsar.requests.deadlines.today import LocalToday
from dsar.requests.models import Request
from dsar.requests.permissions import MANAGERS, of_their_controllers
from dsar.requests.queue import WORKING_STATUSES, effective_due, overdue
from dsar.requests.workflow import OPEN_STATUSES
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required


@bp.get("/dashboard")
@roles_required(*MANAGERS)
def dashboard() -> ResponseReturnValue:
    now = clock_now()
    scope = of_their_controllers(current_user)  # managers limited to some see only theirs
    first = db.session.execute(select(Controller).order_by(Controller.id).limit(1)).scalar()
    today = LocalToday(now).of(first)
    open_counts = db.session.execute(
        select(Request.status, Request.type, func.count())
        .where(scope, Request.status.in_(OPEN_STATUSES))
        .group_by(Request.status, Request.type)
        .order_by(Request.status, Request.type)
    ).all()
    due_this_week = db.session.execute(
        select(func.count()).where(
            scope,
            Request.status.in_(WORKING_STATUSES),
            effective_due() >= today,
            effective_due() <= today + timedelta(days=6),
        )
    ).scalar_one()
    overdue_count = db.session.execute(
        select(func.count()).where(scope, *overdue(today))
    ).scalar_one()
    answered = db.session.execute(
        select(
            Request.received_at,
            Request.answered_at,
            Request.due_date,
            Request.extended_due_date,
            Request.status,
            Controller.timezone,
        )
        .join(Controller, Request.controller_id == Controller.id)
        .where(
            scope,
            Request.answered_at >= now - timedelta(days=92),
            Request.received_at.is_not(None),
        )
    ).all()
    rows = [
        ClosedRow(
            received_on=date_in(r.received_at, r.timezone),
            answered_on=date_in(r.answered_at, r.timezone),
            due=r.extended_due_date or r.due_date,
            outcome=r.status.value,
        )
        for r in answered
        if (r.extended_due_date or r.due_date) is not None
    ]
    return render_template(
        "staff/dashboard.html",
        open_counts=open_counts,
        open_total=sum(n for _s, _t, n in open_counts),
        due_this_week=due_this_week,
        overdue=overdue_count,
        median_days=median_days_to_completion(rows, today),
        in_time=share_answered_in_time(rows, today),
        today=today,
    )


@bp.get("/register.csv")
@roles_required(*MANAGERS)
def register_export() -> ResponseReturnValue:
    """Every request: reference, type, channel, received, due, extended, closed, answered,
    outcome (a request is completed only once its answer was sent)."""
    scope = of_their_controllers(current_user)
    query = (
        select(
            Request.reference,
            Request.type,
            Request.channel,
            Request.received_at,
            Request.due_date,
            Request.extended_due_date,
            Request.closed_at,
            Request.answered_at,
            Request.status,
        )
        .where(scope)
        .order_by(Request.id)
        .execution_options(yield_per=2000)
    )

    def rows() -> Iterator[tuple[str, ...]]:
        for r in db.session.execute(query):
            yield (
                r.reference,
                r.type.value,
                r.channel.value,
                r.received_at.isoformat(timespec="seconds") if r.received_at else "",
                r.due_date.isoformat() if r.due_date else "",
                r.extended_due_date.isoformat() if r.extended_due_date else "",
                r.closed_at.isoformat(timespec="seconds") if r.closed_at else "",
                r.answered_at.isoformat(timespec="seconds") if r.answered_at else "",
                r.status.value if not r.status.is_open else "open",
            )

    filename = f"dsar-register-{clock_now():%Y-%m-%d}.csv"
    return private_download(
        stream_with_context(register_csv(rows())), filename=filename, mimetype="text/csv"
    )
