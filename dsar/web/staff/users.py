"""The admin's page: create, change, unlock accounts; their history from the staff chain.

An admin limited to some controllers sees and changes only accounts limited to some of those,
and gives new accounts their controllers (dsar/requests/permissions.py: may_manage, may_grant).
Changes also go to the `dsar.web.staff` logger, for whoever collects logs.
"""

from __future__ import annotations

import logging
import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from dsar.accounts.models import Role, StaffUser
from dsar.accounts.operations import StaffError, create_staff, list_staff, update_staff
from dsar.accounts.throttle import throttles_for
from dsar.audit.staff_trail import account_history
from dsar.controllers.models import Controller
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.requests.permissions import may_grant, may_manage
from dsar.web.staff import bp
from dsar.web.staff.account_words import change_words, staff_error_words
from dsar.web.staff.auth import roles_required
from dsar.web.staff.common import secret_key
from dsar.web.staff.forms import EditStaffForm, NewStaffForm

log = logging.getLogger("dsar.web.staff")
HISTORY_ROWS = 100


def _grantable_controllers() -> list[Controller]:
    """The controllers the signed-in admin may give an account: theirs, or all."""
    query = select(Controller).order_by(Controller.name)
    if current_user.controller_ids:
        query = query.where(Controller.id.in_(sorted(current_user.controller_ids)))
    return list(db.session.execute(query).scalars())


def _managed_or_404(user_id: int) -> StaffUser:
    user = db.session.get(StaffUser, user_id)
    if user is None or not may_manage(current_user, user):
        abort(404, _("No such staff account."))
    return user


@bp.get("/users")
@roles_required(Role.ADMIN)
def users() -> ResponseReturnValue:
    controllers = _grantable_controllers()
    staff = [user for user in list_staff(db.session()) if may_manage(current_user, user)]
    edit_forms = {}
    for user in staff:
        form = EditStaffForm(prefix=f"u{user.id}")
        form.controllers.choices = [SelectChoice(c.id, c.name) for c in controllers]
        form.role.data = user.role.value
        form.active.data = user.active
        form.controllers.data = [c.id for c in user.controllers]
        edit_forms[user] = form
    account = request.args.get("account") or None
    if account is not None and account not in {user.email for user in staff}:
        account = None  # another admin's scope: no history either
    return render_template(
        "staff/users.html",
        edit_forms=edit_forms,
        new_form=NewStaffForm(),
        throttles=throttles_for(db.session(), secret_key(), (u.email for u in staff)),
        account=account,
        history=account_history(
            db.session(),
            account,
            HISTORY_ROWS,
            among={user.email for user in staff} if current_user.controller_ids else None,
        ),
        now=clock_now(),
    )


@bp.post("/users")
@roles_required(Role.ADMIN)
def create_user() -> ResponseReturnValue:
    form = NewStaffForm()
    if not form.validate_on_submit():
        flash(_("Give a valid e-mail address and a role."), "error")
        return redirect(url_for("staff.users"), 303)
    password = secrets.token_urlsafe(15)
    try:
        user = create_staff(
            db.session(),
            email=form.email.data or "",
            name=form.name.data or "",
            role=Role(form.role.data),
            password=password,
            now=clock_now(),
            actor=current_user.email,
            controllers=_grantable_controllers() if current_user.controller_ids else (),
        )
    except StaffError as error:
        db.session.rollback()
        flash(_("Not created: %(reason)s.", reason=staff_error_words(error)), "error")
        return redirect(url_for("staff.users"), 303)
    log.info("%s created %s account %s", current_user.email, user.role.value, user.email)
    flash(
        _("Created %(email)s. Initial password (shown once): %(password)s", email=user.email,
          password=password), "ok")  # fmt: skip
    return redirect(url_for("staff.users"), 303)


@bp.post("/users/<int:user_id>")
@roles_required(Role.ADMIN)
def update_user(user_id: int) -> ResponseReturnValue:
    user = _managed_or_404(user_id)
    controllers = _grantable_controllers()
    form = EditStaffForm(prefix=f"u{user.id}")
    form.controllers.choices = [SelectChoice(c.id, c.name) for c in controllers]
    if not form.validate_on_submit():
        flash(_("The form is incomplete; nothing was changed."), "error")
        return redirect(url_for("staff.users"), 303)
    chosen = [c for c in controllers if c.id in set(form.controllers.data or [])]
    if not may_grant(current_user, frozenset(c.id for c in chosen)):
        flash(_("Choose at least one of your controllers; nothing was changed."), "error")
        return redirect(url_for("staff.users"), 303)
    password = secrets.token_urlsafe(15) if form.reset_password.data else None
    try:
        changes = update_staff(
            db.session(),
            user,
            acting=current_user._get_current_object(),
            role=Role(form.role.data),
            active=bool(form.active.data),
            controllers=chosen,
            now=clock_now(),
            secret_key=secret_key(),
            reset_totp=bool(form.reset_totp.data),
            unlock=bool(form.unlock.data),
            new_password=password,
            sign_out=bool(form.sign_out.data),
        )
    except StaffError as error:
        db.session.rollback()
        flash(_("Not changed: %(reason)s.", reason=staff_error_words(error)), "error")
        return redirect(url_for("staff.users"), 303)
    if changes:
        log.info("%s changed %s: %s", current_user.email, user.email, "; ".join(changes))
    said = "; ".join(change_words(change) for change in changes) or _("no change")
    flash(_("%(email)s: %(changes)s.", email=user.email, changes=said), "ok")
    if password is not None:
        flash(_("New password for %(email)s (shown once): %(password)s", email=user.email,
                password=password), "ok")  # fmt: skip
    return redirect(url_for("staff.users"), 303)
