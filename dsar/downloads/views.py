"""GET shows the download (or the password form); each download is an audit event."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from dsar.clock import now as clock_now
from dsar.downloads import bp
from dsar.extensions import db, limiter
from dsar.fulfilment.delivery import DownloadError, find_export, password_ok, record_download
from dsar.models import Request
from dsar.storage import FileStore, StorageError


class PasswordForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


@bp.route("/c/<slug>/download/<token>", methods=["GET", "POST"])
@limiter.limit("20/minute")
def download(slug: str, token: str):  # type: ignore[no-untyped-def]
    now = clock_now()
    try:
        export = find_export(db.session, token, now=now)
    except DownloadError as error:
        return render_template("downloads/unavailable.html", message=str(error)), 404
    subject_request = db.session.get(Request, export.request_id)
    if subject_request is None or subject_request.controller.slug != slug:
        abort(404)
    form = PasswordForm()
    if export.password_hash is not None:
        if not form.validate_on_submit():
            return render_template("downloads/password.html", form=form, export=export)
        if not password_ok(export, form.password.data or ""):
            form.password.errors = ["The password is not correct."]
            return render_template("downloads/password.html", form=form, export=export), 403
    elif request.method == "POST":
        abort(405)
    try:
        data = FileStore.from_settings(current_app.config["DSAR_SETTINGS"]).read(export.file)
    except StorageError:
        return render_template(
            "downloads/unavailable.html", message="This download is no longer available."
        ), 410
    record_download(db.session, subject_request, export, now=now)
    db.session.commit()
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{export.file.filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )
