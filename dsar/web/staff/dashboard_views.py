"""The dashboard (open work, what is due, how fast and how punctually we answer) and the
register of all requests as CSV for the supervisory authority."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask import render_template, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

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
from dsar.requests.dashboard_figures import PER_CONTROLLER, open_by_status_and_right, work_figures
from dsar.requests.deadlines.legal_calendar import date_in
from dsar.requests.deadlines.today import LocalToday
from dsar.requests.models import Request
from dsar.requests.permissions import (
    MANAGERS,
    counted_for,
    may_see_requests,
    of_their_controllers,
)
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required
from dsar.web.staff.common import workable_controllers


@bp.get("/dashboard")
@roles_required(*MANAGERS)
def dashboard() -> ResponseReturnValue:
    """The work figures, each a link to the queue's rows it counts, per controller and in
    total; how fast and how punctually requests were answered."""
    now = clock_now()
    local = LocalToday(now)
    controllers = workable_controllers(current_user)
    today_by_controller = {c.id: local.of(c) for c in controllers}
    # The queue's fallback for a controller not listed (none, in practice): the first one's date.
    today = local.of(controllers[0] if controllers else None)
    visible = counted_for(current_user)
    figures = work_figures(db.session(), visible, today_by_controller, today)
    scope = of_their_controllers(current_user)  # managers limited to some see only theirs
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
        figures=figures,
        per_controller=PER_CONTROLLER,
        controllers=controllers,
        today_by_controller=today_by_controller,
        open_counts=open_by_status_and_right(db.session(), visible),
        linked=may_see_requests(current_user),  # admins do not open the queue
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
