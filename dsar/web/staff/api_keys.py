"""The admin's page for API keys: create one for a controller (shown once), revoke one.

An admin limited to some controllers sees and manages only those controllers' keys, as with
staff accounts (dsar/web/staff/users.py).
"""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from dsar.accounts.models import Role
from dsar.api.keys import ApiKeyError, create_key, keys_of, revoke_key
from dsar.api.models import ApiKey, Scope
from dsar.controllers.models import Controller
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.web.forms import WebForm
from dsar.web.intake.forms import MultiCheckboxField
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required
from dsar.web.staff.case_words import error_words

log = logging.getLogger("dsar.web.staff")


class NewKeyForm(WebForm):
    controller = SelectField(_l("Controller"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Name of the system"), validators=[DataRequired(), Length(max=200)])
    scopes = MultiCheckboxField(
        _l("Scopes"),
        choices=[SelectChoice(s.value, s.value) for s in Scope],
        validators=[DataRequired()],
    )


def _controllers() -> list[Controller]:
    """The controllers whose keys the signed-in admin manages: theirs, or all."""
    query = select(Controller).order_by(Controller.name)
    if current_user.controller_ids:
        query = query.where(Controller.id.in_(sorted(current_user.controller_ids)))
    return list(db.session.execute(query).scalars())


def _form(controllers: list[Controller]) -> NewKeyForm:
    form = NewKeyForm()
    form.controller.choices = [SelectChoice(c.id, c.name) for c in controllers]
    return form


@bp.get("/api-keys")
@roles_required(Role.ADMIN)
def api_keys() -> ResponseReturnValue:
    controllers = _controllers()
    keys = keys_of(db.session(), [c.id for c in controllers])
    names = {c.id: c.name for c in controllers}
    return render_template(
        "staff/api_keys.html",
        keys=keys,
        names=names,
        form=_form(controllers),
        revoke_form=WebForm(),
    )


@bp.post("/api-keys")
@roles_required(Role.ADMIN)
def create_api_key() -> ResponseReturnValue:
    controllers = _controllers()
    form = _form(controllers)
    if not form.validate_on_submit():
        flash(_("Choose a controller, name the system and tick at least one scope."), "error")
        return redirect(url_for("staff.api_keys"), 303)
    controller = next(c for c in controllers if c.id == form.controller.data)
    try:
        made = create_key(
            db.session(),
            controller,
            name=form.name.data or "",
            scopes=form.scopes.data or [],
            actor=current_user.email,
            now=clock_now(),
        )
    except ApiKeyError as error:
        flash(_("Not created: %(reason)s.", reason=error_words(error)), "error")
        return redirect(url_for("staff.api_keys"), 303)
    log.info("%s created API key %s for %s", current_user.email, made.key.id, controller.slug)
    flash(_("Created the key (shown once, store it now): %(key)s", key=made.secret), "ok")
    return redirect(url_for("staff.api_keys"), 303)


@bp.post("/api-keys/<int:key_id>/revoke")
@roles_required(Role.ADMIN)
def revoke_api_key(key_id: int) -> ResponseReturnValue:
    key = db.session.get(ApiKey, key_id)
    if key is None or key.controller_id not in {c.id for c in _controllers()}:
        abort(404)
    if not WebForm().validate_on_submit():
        abort(400)
    revoke_key(db.session(), key, actor=current_user.email, now=clock_now())
    log.info("%s revoked API key %s", current_user.email, key.id)
    flash(_("Revoked the key %(prefix)s.", prefix=key.prefix), "ok")
    return redirect(url_for("staff.api_keys"), 303)
