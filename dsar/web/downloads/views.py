"""GET gives the file (or the password form), streamed; each download is counted and audited.

Two doors to the same export: the link in the download e-mail, and the subject's status page
(behind its own secret token), which lists the exports whose link still works. A link that
ended early answers 410 with why (docs/download-links.md); an unknown or expired one answers
404. The pages speak German or English like the other public pages.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Response, abort, current_app, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from dsar.controllers.models import Controller
from dsar.core.attachments import private_download_headers
from dsar.core.clock import now as clock_now
from dsar.core.write_lock import begin_as_writer
from dsar.extensions import db, limiter
from dsar.files.storage import FileStore, StorageError
from dsar.fulfilment.delivery import (
    DownloadError,
    LinkEnded,
    check_live,
    find_export,
    password_ok,
    record_download,
)
from dsar.fulfilment.models import Export, LinkEnd
from dsar.intake.operations import request_for_status_token
from dsar.web.downloads import bp
from dsar.web.forms import WebForm
from dsar.web.intake.controllers import controller_or_404
from dsar.web.page_words import _l

log = logging.getLogger(__name__)

PROBLEMS = {
    "invalid": (_l("This download link is not valid."), 404),
    "expired": (_l("This download link has expired. Please ask us for a new one."), 404),
    "gone": (_l("This download is no longer available."), 410),
}
ENDED = {
    LinkEnd.SUPERSEDED: _l(
        "This link was replaced by a newer export. Please use the link in our latest e-mail."
    ),
    LinkEnd.WITHDRAWN: _l("This link no longer works because the request was withdrawn."),
    LinkEnd.REFUSED: _l("This link no longer works because the request was refused."),
    LinkEnd.IDENTITY_FAILED: _l(
        "This link no longer works because your identity could not be confirmed."
    ),
    LinkEnd.MERGED: _l(
        "This link no longer works because the request was merged into another one: our "
        "answer to that one comes with its own link."
    ),
    LinkEnd.STAFF: _l(
        "This link was withdrawn by us. Please contact us if you still need your data."
    ),
}


class PasswordForm(WebForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


@bp.route("/c/<slug>/download/<token>", methods=["GET", "POST"])
@limiter.limit("20/minute")
def download(slug: str, token: str) -> ResponseReturnValue:
    # A GET that writes (the download count): SQLite's second click waits for the first one's
    # commit instead of failing on it (POSTs are writers at the boundary already).
    begin_as_writer(db.session())
    now = clock_now()
    controller = controller_or_404(slug)
    try:
        export = find_export(db.session(), token, controller_id=controller.id, now=now)
    except DownloadError as error:
        return _unavailable(controller, error)
    return _serve(controller, export, now)


@bp.route("/c/<slug>/status/<token>/exports/<int:export_id>", methods=["GET", "POST"])
@limiter.limit("20/minute")
def status_download(slug: str, token: str, export_id: int) -> ResponseReturnValue:
    """The same export from the subject's status page: its token opens only its own exports."""
    begin_as_writer(db.session())  # a GET that writes, as above
    now = clock_now()
    controller = controller_or_404(slug)
    found = request_for_status_token(db.session(), controller, token)
    export = db.session.get(Export, export_id) if found is not None else None
    if found is None or export is None or export.request_id != found.id:
        return _unavailable(controller, DownloadError("invalid"))
    try:
        check_live(export, now)
    except DownloadError as error:
        return _unavailable(controller, error)
    return _serve(controller, export, now)


def _serve(controller: Controller, export: Export, now: datetime) -> ResponseReturnValue:
    """The password form if the export has one, else the file, streamed and counted."""
    if export.password_hash is not None:
        form = PasswordForm()
        if not form.validate_on_submit():
            return _password_page(controller, form, export.expires_at)
        if not password_ok(export, form.password.data or ""):
            form.password.errors = [_("The password is not correct.")]
            return _password_page(controller, form, export.expires_at, 403)
    elif request.method == "POST":
        abort(405)
    filename, size = export.file.filename, export.file.size
    try:
        plaintext = FileStore.from_settings(current_app.config["DSAR_SETTINGS"]).stream(export.file)
    except StorageError:  # a missing blob or a wrong DSAR_FILE_KEY: the operator must know
        log.exception("export %s of request %s cannot be read", export.id, export.request_id)
        return _unavailable(controller, DownloadError("gone"))
    try:
        record_download(db.session(), export, now=now)
    except DownloadError as error:  # the link ended while this click waited for the lock
        plaintext.close()
        return _unavailable(controller, error)
    except BaseException:
        plaintext.close()
        raise
    response = Response(
        plaintext,  # chunk by chunk: memory stays flat whatever the size (dsar/files/storage.py)
        mimetype="application/zip",
        direct_passthrough=True,
        headers={"Content-Length": str(size), **private_download_headers(filename)},
    )
    return _secret(response)


def _unavailable(controller: Controller, error: DownloadError) -> ResponseReturnValue:
    """Why the link gives no file: the reason it was ended (410), or a general problem."""
    if isinstance(error, LinkEnded):
        message, status = ENDED[error.reason], 410
    else:
        message, status = PROBLEMS[error.problem]
    page = render_template("downloads/unavailable.html", controller=controller, message=message)
    return _secret(make_response(page, status))


def _password_page(
    controller: Controller, form: PasswordForm, until: datetime, status: int = 200
) -> ResponseReturnValue:
    page = render_template("downloads/password.html", controller=controller, form=form, until=until)
    return _secret(make_response(page, status))


def _secret(response: Response) -> Response:
    # The URL is the secret: keep it out of caches and out of Referer headers.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
