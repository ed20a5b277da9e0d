"""Sign-in (password, then TOTP or a first enrolment), sign-out and TOTP enrolment."""

from __future__ import annotations

import io
from datetime import datetime

import segno
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup

from dsar.accounts.models import Role, StaffUser
from dsar.accounts.sign_in import (
    LoginResult,
    LoginStep,
    check_password,
    check_totp,
    complete_sign_in,
    enrol_totp,
    new_totp_secret,
    provisioning_uri,
    record_sign_out,
)
from dsar.core.clock import now as clock_now
from dsar.extensions import db, limiter
from dsar.requests.permissions import ANY_STAFF
from dsar.web.page_words import _l
from dsar.web.staff import bp, session_life
from dsar.web.staff.auth import roles_required
from dsar.web.staff.common import secret_key
from dsar.web.staff.forms import LoginForm, TotpForm
from dsar.web.staff.language import remember_at_sign_in

PENDING_SECONDS = 300  # the second step must follow the first within five minutes
REFUSED = _l("E-mail or password is wrong.")
WRONG_CODE = _l("The code is wrong or was already used.")


def _production() -> bool:
    return bool(current_app.config["DSAR_SETTINGS"].is_production)


def _client() -> str:
    """The client's address: the peer, or what the trusted proxies say (DSAR_TRUSTED_PROXIES)."""
    return request.remote_addr or ""


def _landing(user: StaffUser) -> str:
    return url_for("staff.users") if user.role is Role.ADMIN else url_for("staff.queue")


def _finish(user: StaffUser, now: datetime) -> ResponseReturnValue:
    complete_sign_in(db.session(), user, now=now, secret_key=secret_key(), client=_client())
    remember_at_sign_in(user, now)
    session.clear()  # a fresh session at sign-in: no fixation
    login_user(user)
    session_life.start(now)
    return redirect(_landing(user))


def _refuse(result: LoginResult, message: str = REFUSED) -> tuple[str, int]:
    """The same words and status for every address, with or without an account."""
    if result.step is LoginStep.LOCKED:
        seconds = result.retry_after
        return _(
            "Too many failed attempts. Try again in %(seconds)s seconds.", seconds=seconds
        ), 429
    return str(message), 200


def _pending_user(now: datetime) -> StaffUser:
    user_id, started = session.get("pending_login"), session.get("pending_since", 0)
    user = db.session.get(StaffUser, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or now.timestamp() - started > PENDING_SECONDS:
        session.clear()
        abort(400, _("The sign-in took too long or was not started. Sign in again."))
    return user


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(_landing(current_user))
    form, status = LoginForm(), 200
    if form.validate_on_submit():
        now = clock_now()
        result = check_password(
            db.session(),
            form.email.data or "",
            form.password.data or "",
            now=now,
            production=_production(),
            secret_key=secret_key(),
            client=_client(),
        )
        if result.step is LoginStep.DONE and result.user is not None:
            return _finish(result.user, now)
        if result.step in (LoginStep.TOTP, LoginStep.ENROL) and result.user is not None:
            session.clear()
            session["pending_login"] = result.user.id
            session["pending_since"] = now.timestamp()
            if result.step is LoginStep.ENROL:
                session["enrol_secret"] = new_totp_secret()
                return redirect(url_for("staff.login_enrol"))
            return redirect(url_for("staff.login_totp"))
        message, status = _refuse(result)
        flash(message, "error")
    return render_template("staff/login.html", form=form), status


@bp.route("/login/totp", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def login_totp() -> ResponseReturnValue:
    now = clock_now()
    user = _pending_user(now)
    form, status = TotpForm(), 200
    if form.validate_on_submit():
        result = check_totp(
            db.session(),
            user,
            form.code.data or "",
            now=now,
            secret_key=secret_key(),
            client=_client(),
        )
        if result.step is LoginStep.DONE:
            return _finish(user, now)
        message, status = _refuse(result, WRONG_CODE)
        flash(message, "error")
    return render_template("staff/login_totp.html", form=form), status


@bp.route("/login/enrol", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def login_enrol() -> ResponseReturnValue:
    """Admins in production enrol a second factor before their first sign-in completes."""
    now = clock_now()
    user = _pending_user(now)
    secret = session.get("enrol_secret") or ""
    form = TotpForm()
    if form.validate_on_submit():
        if enrol_totp(db.session(), user, secret, form.code.data or "", now=now):
            return _finish(user, now)
        flash(_("That code does not match. Check the time on your phone and try again."), "error")
    return _enrol_page(user, secret, form, url_for("staff.login_enrol"))


@bp.route("/account/totp", methods=["GET", "POST"])
@roles_required(*ANY_STAFF)
def account_totp() -> ResponseReturnValue:
    """Enrol TOTP voluntarily (agents and DPOs; admins too outside production)."""
    user = current_user._get_current_object()
    if user.totp_secret:
        return render_template("staff/account_totp.html", enrolled=True)
    secret = session.get("enrol_secret") or new_totp_secret()
    session["enrol_secret"] = secret
    form = TotpForm()
    if form.validate_on_submit():
        if enrol_totp(db.session(), user, secret, form.code.data or "", now=clock_now()):
            session.pop("enrol_secret", None)
            flash(
                _("Two-factor sign-in is on. You will be asked for a code at each sign-in."), "ok"
            )
            return redirect(url_for("staff.account_totp"))
        flash(_("That code does not match. Check the time on your phone and try again."), "error")
    return _enrol_page(user, secret, form, url_for("staff.account_totp"))


def _enrol_page(user: StaffUser, secret: str, form: TotpForm, action: str) -> ResponseReturnValue:
    uri = provisioning_uri(user, secret)
    svg = io.BytesIO()
    segno.make(uri, error="m").save(svg, kind="svg", scale=4, xmldecl=False, svgns=True)
    qr = Markup(svg.getvalue().decode())  # noqa: S704 - segno's own SVG, no user input in markup
    return render_template(
        "staff/account_totp.html",
        enrolled=False,
        form=form,
        secret=secret,
        uri=uri,
        qr=qr,
        action=action,
    )


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        record_sign_out(db.session(), current_user._get_current_object(), now=clock_now())
    logout_user()
    session.clear()
    return redirect(url_for("staff.login"))
