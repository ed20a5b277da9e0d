"""The request queue: filters, counts per status, days left, assign to me and bulk assign."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from dsar.clock import now as clock_now
from dsar.extensions import db
from dsar.legal_calendar import local_date
from dsar.models import REQUEST_WORKERS, Request, Role, StaffUser
from dsar.read_only import read_only_page
from dsar.services.decisions import NotPermitted, assign
from dsar.services.queue import QueueFilters, queue_page
from dsar.staff import bp
from dsar.staff.auth import roles_required, signed_in, staff_user
from dsar.staff.common import workable_controllers
from dsar.workflow import Channel, RequestType, Status

# The filter menus, labelled once: (value, label) pairs for the template.
STATUS_OPTIONS = tuple((s.value, s.value.replace("_", " ")) for s in Status)
TYPE_OPTIONS = tuple(t.value for t in RequestType)
CHANNEL_OPTIONS = tuple(c.value for c in Channel)


@bp.get("/queue")
@read_only_page
@roles_required(*REQUEST_WORKERS)
def queue():  # type: ignore[no-untyped-def]
    user = signed_in()
    now = clock_now()
    controllers = workable_controllers(user)  # loaded with the signed-in member
    # "Due within" and "overdue" count in the first controller's local date (one zone per install
    # in practice); each row's days left use its own controller's date.
    today_by_controller = {c.id: local_date(now, c.jurisdiction) for c in controllers}
    today = today_by_controller[controllers[0].id] if controllers else now.date()
    filters = QueueFilters.from_args(request.args)
    dpo = user.role is Role.DPO  # filters by and assigns to colleagues
    page = queue_page(db.session, user, filters, today, today_by_controller, with_staff=dpo)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "staff/queue.html",
        page=page,
        filters=filters,
        args=args,
        # One url_for for all rows: the detail links differ only in the id at the end; the
        # count and page links only in their query string.
        detail_url=url_for("staff.detail", request_id=0)[:-1],
        queue_url=url_for("staff.queue"),
        controller_names={c.id: c.name for c in controllers},
        controllers=controllers,
        staff=page.staff,
        statuses=STATUS_OPTIONS,
        types=TYPE_OPTIONS,
        channels=CHANNEL_OPTIONS,
    )


@bp.post("/queue/assign")
@roles_required(*REQUEST_WORKERS)
def assign_bulk():  # type: ignore[no-untyped-def]
    """Assign the ticked requests (or the row's button) to me or, for DPOs, to a colleague."""
    user = staff_user()
    one = request.form.get("one", type=int)
    ids = [one] if one else [int(i) for i in request.form.getlist("ids") if i.isdigit()][:200]
    target = request.form.get("assignee", "me") if one is None else "me"
    if target == "me":
        assignee: StaffUser | None = user
    elif target.isdigit():
        assignee = db.session.get(StaffUser, int(target))
        if assignee is None:
            abort(400, "No such staff member.")
    else:
        abort(400, "Choose whom to assign the requests to.")
    if not ids:
        flash("Tick at least one request.", "error")
        return redirect(url_for("staff.queue", **_back_args()))
    # In (status, type) order: concurrent bulk assignments then take the tally's rows
    # (dsar/models/tally.py) in the same order and wait for each other instead of deadlocking.
    rows = (
        db.session.execute(
            select(Request)
            .where(Request.id.in_(ids))
            .order_by(Request.status, Request.type, Request.id)
        )
        .scalars()
        .all()
    )
    now, changed = clock_now(), 0
    try:
        for row in rows:
            changed += assign(db.session, row, assignee, user=user, now=now)
    except NotPermitted as error:
        db.session.rollback()
        abort(403, str(error).capitalize() + ". Nothing was assigned.")
    except ValueError as error:
        db.session.rollback()
        flash(f"Nothing was assigned: {error}.", "error")
        return redirect(url_for("staff.queue", **_back_args()))
    if len(rows) != len(set(ids)):
        db.session.rollback()
        abort(404, "One of the requests does not exist. Nothing was assigned.")
    flash(f"Assigned {changed} request(s) to {assignee.email if assignee else 'nobody'}.", "ok")
    return redirect(url_for("staff.queue", **_back_args()))


def _back_args() -> dict[str, str]:
    raw = request.form.get("back", "")
    from urllib.parse import parse_qsl

    return {k: v for k, v in parse_qsl(raw) if k in _FILTER_KEYS}


_FILTER_KEYS = {
    "status",
    "type",
    "assignee",
    "channel",
    "language",
    "controller",
    "due_within",
    "overdue",
    "extended",
    "q",
    "page",
}
