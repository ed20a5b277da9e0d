"""The admin's page: create staff accounts, change roles, deactivate, limit, reset TOTP.

Account changes are logged to the `dsar.staff` logger; the hash-chained trail is per request.
"""

from __future__ import annotations

import logging
import secrets

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from dsar.clock import now as clock_now
from dsar.extensions import db
from dsar.models import Controller, Role, StaffUser
from dsar.services.staff import StaffError, create_staff, list_staff, update_staff
from dsar.staff import bp
from dsar.staff.auth import roles_required, staff_user
from dsar.staff.forms import EditStaffForm, NewStaffForm

log = logging.getLogger("dsar.staff")


def _all_controllers() -> list[Controller]:
    return list(db.session.execute(select(Controller).order_by(Controller.name)).scalars())


@bp.get("/users")
@roles_required(Role.ADMIN)
def users():  # type: ignore[no-untyped-def]
    controllers = _all_controllers()
    edit_forms = {}
    for user in list_staff(db.session):
        form = EditStaffForm(prefix=f"u{user.id}")
        form.controllers.choices = [SelectChoice(c.id, c.name) for c in controllers]
        form.role.data = user.role.value
        form.active.data = user.active
        form.controllers.data = [c.id for c in user.controllers]
        edit_forms[user] = form
    return render_template("staff/users.html", edit_forms=edit_forms, new_form=NewStaffForm())


@bp.post("/users")
@roles_required(Role.ADMIN)
def create_user():  # type: ignore[no-untyped-def]
    form = NewStaffForm()
    if not form.validate_on_submit():
        flash("Give a valid e-mail address and a role.", "error")
        return redirect(url_for("staff.users"), 303)
    password = secrets.token_urlsafe(15)
    try:
        user = create_staff(
            db.session,
            email=form.email.data or "",
            name=form.name.data or "",
            role=Role(form.role.data),
            password=password,
            now=clock_now(),
        )
    except StaffError as error:
        db.session.rollback()
        flash(f"Not created: {error}.", "error")
        return redirect(url_for("staff.users"), 303)
    db.session.commit()
    log.info("%s created %s account %s", staff_user().email, user.role.value, user.email)
    flash(f"Created {user.email}. Initial password (shown once): {password}", "ok")
    return redirect(url_for("staff.users"), 303)


@bp.post("/users/<int:user_id>")
@roles_required(Role.ADMIN)
def update_user(user_id: int):  # type: ignore[no-untyped-def]
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404, "No such staff account.")
    controllers = _all_controllers()
    form = EditStaffForm(prefix=f"u{user.id}")
    form.controllers.choices = [SelectChoice(c.id, c.name) for c in controllers]
    if not form.validate_on_submit():
        flash("The form is incomplete; nothing was changed.", "error")
        return redirect(url_for("staff.users"), 303)
    chosen = [c for c in controllers if c.id in set(form.controllers.data or [])]
    try:
        changes = update_staff(
            db.session,
            user,
            acting=staff_user(),
            role=Role(form.role.data),
            active=bool(form.active.data),
            controllers=chosen,
            reset_totp=bool(form.reset_totp.data),
            unlock=bool(form.unlock.data),
        )
    except StaffError as error:
        db.session.rollback()
        flash(f"Not changed: {error}.", "error")
        return redirect(url_for("staff.users"), 303)
    db.session.commit()
    if changes:
        log.info("%s changed %s: %s", staff_user().email, user.email, "; ".join(changes))
    flash(f"{user.email}: {'; '.join(changes) or 'no change'}.", "ok")
    return redirect(url_for("staff.users"), 303)
