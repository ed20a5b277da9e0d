"""The staff landing page and the outbox (where failed e-mails are shown to staff)."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.extensions import db
from dsar.outbox.models import OutboxMessage
from dsar.requests.permissions import ANY_STAFF, mail_visible_to
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required


@bp.get("/")
@roles_required(*ANY_STAFF)
def home() -> ResponseReturnValue:
    """Agents and DPOs land on their queue; admins on the user page."""
    if current_user.role is Role.ADMIN:
        return redirect(url_for("staff.users"))
    from dsar.web.staff.queue import queue

    return queue()


@bp.get("/mail")
@roles_required(*ANY_STAFF)
def mail() -> ResponseReturnValue:
    """The outbox as staff see it: what was sent, what waits, what failed; only the mail of
    requests the member may open, and mail to themselves."""
    page = max(request.args.get("page", 1, type=int), 1)
    rows = (
        db.session.execute(
            select(OutboxMessage)
            .where(mail_visible_to(current_user))
            .order_by(OutboxMessage.id.desc())
            .limit(50)
            .offset((page - 1) * 50)
        )
        .scalars()
        .all()
    )
    sink = current_app.config["DSAR_SETTINGS"].instance_path / "mail"
    return render_template("staff/mail.html", messages=rows, page=page, sink=sink)
