"""The confirmation link: confirm the e-mail address with a button, or ask for a new link."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from wtforms import EmailField, StringField
from wtforms.validators import InputRequired, Length

from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.core import clock
from dsar.extensions import db, limiter
from dsar.intake.links import LinkExpired, LinkInvalid, read_confirmation_token
from dsar.intake.operations import confirm_request, resend_confirmation
from dsar.web.forms import WebForm
from dsar.web.intake import bp
from dsar.web.intake.controllers import controller_and_register
from dsar.web.page_words import _l


def _settings() -> Settings:
    return current_app.config["DSAR_SETTINGS"]


class ConfirmForm(WebForm):
    """A button, not a bare link: mail scanners that open links must not confirm requests."""


@bp.route("/c/<slug>/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("30/hour", methods=["POST"])
def confirm(slug: str, token: str) -> ResponseReturnValue:
    controller, _register = controller_and_register(slug)
    settings = _settings()
    now = clock.now()
    max_age = timedelta(days=settings.confirmation_link_days)
    try:
        reference = read_confirmation_token(settings.secret_key, token, now, max_age)
    except LinkExpired:
        return _link_problem(controller, "expired")
    except LinkInvalid:
        return _link_problem(controller, "invalid")
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("intake/confirm.html", controller=controller, form=form)
    result = confirm_request(db.session(), controller, reference, settings=settings, now=now)
    if result.outcome in ("confirmed", "already_confirmed"):
        # A repeated click, or a double click, shows what the first one showed.
        return render_template(
            "intake/confirmed.html", controller=controller, request=result.request
        )
    return _link_problem(controller, "invalid")


def _link_problem(controller: Controller, problem: str) -> ResponseReturnValue:
    form = ResendForm(formdata=None)
    page = render_template(
        "intake/link_problem.html", controller=controller, problem=problem, form=form
    )
    return page, 410 if problem == "expired" else 404


class ResendForm(WebForm):
    reference = StringField(
        _l("Reference"),
        validators=[InputRequired(_l("Please enter the reference.")), Length(max=32)],
    )
    email = EmailField(
        _l("Your e-mail address"),
        validators=[InputRequired(_l("Please enter your e-mail address.")), Length(max=320)],
    )


@bp.route("/c/<slug>/confirm/again", methods=["GET", "POST"])
@limiter.limit("5/hour", methods=["POST"])
def confirm_again(slug: str) -> ResponseReturnValue:
    controller, _register = controller_and_register(slug)
    form = ResendForm()
    if form.validate_on_submit():
        resend_confirmation(
            db.session(),
            controller,
            form.reference.data,
            form.email.data,
            settings=_settings(),
            now=clock.now(),
        )
        # The same page whether or not anything matched: no way to probe for requests.
        return render_template("intake/resent.html", controller=controller)
    return render_template("intake/resend.html", controller=controller, form=form)
