"""The request queue: filters, counts per status, days left, assign to me and bulk assign."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from dsar.accounts.menus import assignable_staff
from dsar.accounts.models import Role, StaffUser
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.mailbox.drafts import draft_count
from dsar.messages.thread import unread_by_staff
from dsar.requests.deadlines.today import LocalToday
from dsar.requests.decisions import NotPermitted, assign
from dsar.requests.models import Request
from dsar.requests.permissions import REQUEST_WORKERS, can_see
from dsar.requests.queue import FILTER_KEYS, QueueFilters, queue_page
from dsar.requests.saved_views import views_of
from dsar.requests.workflow import Channel, RequestType, Status
from dsar.web.converters import bounded_ids
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required
from dsar.web.staff.common import workable_controllers
from dsar.web.staff.labels import CHANNEL_LABELS, RIGHT_LABELS, STATUS_LABELS

# The filter menus, labelled once: (value, label) pairs for the template.
STATUS_OPTIONS = tuple((s.value, STATUS_LABELS[s]) for s in Status)
TYPE_OPTIONS = tuple((t.value, RIGHT_LABELS[t]) for t in RequestType)
CHANNEL_OPTIONS = tuple((c.value, CHANNEL_LABELS[c]) for c in Channel)
# Why an assignment was refused (dsar/requests/decisions.py says it in English), in the
# page's language.
REFUSALS = {
    "you may not work on this request": _l("You may not work on this request."),
    "agents assign requests only to themselves": _l("Agents assign requests only to themselves."),
}


@bp.get("/queue")
@roles_required(*REQUEST_WORKERS)
def queue() -> ResponseReturnValue:
    local = LocalToday(clock_now())
    controllers = workable_controllers(current_user)
    # "Due within", "due from" and "overdue" count in each request's controller's local date,
    # as each row's days left do; `today` (the first controller's) only for one not listed.
    today_by_controller = {c.id: local.of(c) for c in controllers}
    today = local.of(controllers[0] if controllers else None)
    filters = QueueFilters.from_args(request.args)
    page = queue_page(db.session(), current_user, filters, today, today_by_controller)
    # DPOs filter by and assign to colleagues; agents take requests for themselves.
    staff = assignable_staff(db.session()) if current_user.role is Role.DPO else []
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "staff/queue.html",
        page=page,
        filters=filters,
        args=args,
        controller_names={c.id: c.name for c in controllers},
        controllers=controllers,
        staff=staff,
        statuses=STATUS_OPTIONS,
        types=TYPE_OPTIONS,
        channels=CHANNEL_OPTIONS,
        views=views_of(db.session(), current_user),
        unread=unread_by_staff(db.session(), [row.id for row in page.rows]),
        inbox_drafts=draft_count(db.session(), current_user),
    )


@bp.post("/queue/assign")
@roles_required(*REQUEST_WORKERS)
def assign_bulk() -> ResponseReturnValue:
    """Assign the ticked requests (or the row's button) to me or, for DPOs, to a colleague.
    The row's "Assign to me" posts a form of its own (assignee "me"); whatever `assignee` a post
    names is what is done or refused, never silently replaced by the poster."""
    user = current_user._get_current_object()
    one = next(iter(bounded_ids(request.form.getlist("one"))), None)
    ids = [one] if one else bounded_ids(request.form.getlist("ids"))[:200]
    target = request.form.get("assignee", "me")
    if target == "me":
        assignee: StaffUser | None = user
    elif bounded_ids([target]):
        assignee = db.session.get(StaffUser, bounded_ids([target])[0])
        if assignee is None:
            abort(400, _("No such staff member."))
    else:
        abort(400, _("Choose whom to assign the requests to."))
    if not ids:
        flash(_("Tick at least one request."), "error")
        return redirect(url_for("staff.queue", **_back_args()))
    rows = [
        row
        for row in db.session.execute(
            select(Request).where(Request.id.in_(ids)).order_by(Request.id)
        ).scalars()
        if can_see(user, row)  # another controller's request is as unknown as a missing one
    ]
    if len(rows) != len(set(ids)):
        abort(404, _("One of the requests does not exist. Nothing was assigned."))
    now, changed = clock_now(), 0
    try:
        for row in rows:
            changed += assign(db.session(), row, assignee, user=user, now=now)
    except NotPermitted as error:
        reason = REFUSALS.get(str(error), str(error).capitalize() + ".")
        abort(403, _("%(reason)s Nothing was assigned.", reason=reason))
    except ValueError as error:
        db.session.rollback()
        flash(_("Nothing was assigned: %(reason)s.", reason=error), "error")
        return redirect(url_for("staff.queue", **_back_args()))
    whom = assignee.email if assignee else _("nobody")
    flash(_("Assigned %(count)d request(s) to %(whom)s.", count=changed, whom=whom), "ok")
    return redirect(url_for("staff.queue", **_back_args()))


def _back_args() -> dict[str, Any]:  # url_for(**values) takes Any
    raw = request.form.get("back", "")
    from urllib.parse import parse_qsl

    return {k: v for k, v in parse_qsl(raw) if k in _FILTER_KEYS}


_FILTER_KEYS = {*FILTER_KEYS, "page"}
