"""Staff pages: sign-in, the request queue and, in development, the mail sink."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from dsar.extensions import db, limiter
from dsar.models import OutboxMessage, Request
from dsar.services.staff import find_staff, password_matches
from dsar.staff import bp
from dsar.staff.auth import ANY_STAFF, roles_required


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    if form.validate_on_submit():
        user = find_staff(db.session, form.email.data or "")
        if user is not None and user.active and password_matches(user, form.password.data or ""):
            session.clear()  # a fresh session at login: no fixation
            login_user(user)
            return redirect(url_for("staff.queue"))
        flash("E-mail or password is wrong.", "error")
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    session.clear()
    return redirect(url_for("staff.login"))


@bp.get("/")
@roles_required(*ANY_STAFF)
def queue():  # type: ignore[no-untyped-def]
    rows = (
        db.session.execute(
            select(Request)
            .where(Request.reference.is_not(None))
            .order_by(Request.due_date.is_(None), Request.due_date, Request.id)
            .limit(50)
        )
        .scalars()
        .all()
    )
    return render_template("staff/queue.html", requests=rows)


@bp.get("/mail")
@roles_required(*ANY_STAFF)
def mail():  # type: ignore[no-untyped-def]
    """The outbox as staff see it: what was sent, what waits, what failed."""
    page = max(request.args.get("page", 1, type=int), 1)
    rows = (
        db.session.execute(
            select(OutboxMessage)
            .order_by(OutboxMessage.id.desc())
            .limit(50)
            .offset((page - 1) * 50)
        )
        .scalars()
        .all()
    )
    sink = current_app.config["DSAR_SETTINGS"].instance_path / "mail"
    return render_template("staff/mail.html", messages=rows, page=page, sink=sink)
