"""The thread on the status page: the subject's reply, attachments, letters' PDFs and receipts.

Every route opens only what belongs to the request of the URL's token: another request's
token, message, file or letter is a 404, the same page whatever does not match.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from dsar.core import clock
from dsar.core.attachments import private_download
from dsar.extensions import db, limiter
from dsar.files.storage import FileStore, StorageError
from dsar.intake.operations import request_for_status_token
from dsar.intake.status_items import frozen_letter
from dsar.letters.models import Letter
from dsar.messages.models import Author
from dsar.messages.operations import MessageRejected, mark_read, receive_from_subject, thread_open
from dsar.messages.thread import attachment_of
from dsar.receipts.receipt import receipt_name, receipt_text
from dsar.requests.models import Request
from dsar.web.intake import bp
from dsar.web.intake.controllers import controller_and_register
from dsar.web.intake.thread_items import thread_items
from dsar.web.message_form import MessageForm

NOTICES = {"sent", "empty", "empty_file", "too_long", "too_many_files", "type", "too_large",
           "closed"}  # fmt: skip


def thread_context(session: Session, found: Request, slug: str, token: str) -> dict[str, Any]:
    """What the status page shows of the thread; staff's messages count as read from now."""
    now = clock.now()
    items = thread_items(session, found, slug, token, now)
    mark_read(session, found, Author.SUBJECT, now, actor="subject")
    notice = request.args.get("message")
    return {
        "thread": items,
        "can_write": thread_open(found),
        "message_notice": notice if notice in NOTICES else None,
    }


def _found(slug: str, token: str) -> Request:
    controller, _register = controller_and_register(slug)
    found = request_for_status_token(db.session(), controller, token)
    if found is None:
        abort(404, _("This status link is not valid. Please use the link from our e-mail."))
    return found


@bp.post("/c/<slug>/status/<token>/messages")
@limiter.limit("5/minute")
def status_reply(slug: str, token: str) -> ResponseReturnValue:
    found = _found(slug, token)
    form = MessageForm()
    files = form.files(_max_bytes())
    try:
        receive_from_subject(
            db.session(),
            found,
            body=form.text(),
            files=files,
            channel="web",
            now=clock.now(),
            store=_store(),
            max_bytes=_max_bytes(),
        )
    except MessageRejected as rejected:  # checked before anything was written
        return _back(slug, token, rejected.reason)
    return _back(slug, token, "sent")


@bp.get("/c/<slug>/status/<token>/messages/<int:message_id>/files/<int:file_id>")
@limiter.limit("30/minute")
def status_attachment(slug: str, token: str, message_id: int, file_id: int) -> ResponseReturnValue:
    """A file in the thread, always as a download (its type is not trusted in our origin)."""
    found = _found(slug, token)
    stored = attachment_of(db.session(), found, message_id, file_id)
    if stored is None:
        abort(404)
    try:
        data = _store().read(stored)
    except StorageError:
        abort(410)
    return private_download(data, filename=stored.filename, mimetype="application/octet-stream")


@bp.get("/c/<slug>/status/<token>/letters/<int:letter_id>/pdf")
@limiter.limit("30/minute")
def status_letter_pdf(slug: str, token: str, letter_id: int) -> ResponseReturnValue:
    """The sent letter's PDF as stored at approval."""
    letter = _letter(slug, token, letter_id)
    assert letter.pdf_file is not None
    try:
        data = _store().read(letter.pdf_file)
    except StorageError:
        abort(410)
    return private_download(data, filename=letter.pdf_file.filename, mimetype="application/pdf")


@bp.get("/c/<slug>/status/<token>/letters/<int:letter_id>/receipt.json")
@limiter.limit("30/minute")
def status_letter_receipt(slug: str, token: str, letter_id: int) -> ResponseReturnValue:
    """The signed receipt beside the PDF (docs/receipts.md: anyone can verify it)."""
    letter = _letter(slug, token, letter_id)
    if not letter.receipt:
        abort(404)
    assert letter.pdf_file is not None
    name = receipt_name(Path(letter.pdf_file.filename).name)
    return private_download(
        receipt_text(letter.receipt), filename=name, mimetype="application/json"
    )


def _letter(slug: str, token: str, letter_id: int) -> Letter:
    letter = frozen_letter(db.session(), _found(slug, token), letter_id)
    if letter is None or letter.pdf_file is None:
        abort(404)
    return letter


def _back(slug: str, token: str, notice: str) -> ResponseReturnValue:
    url = url_for("intake.status", slug=slug, token=token, message=notice)
    return redirect(url + "#thread", 303)


def _store() -> FileStore:
    return FileStore.from_settings(current_app.config["DSAR_SETTINGS"])


def _max_bytes() -> int:
    return int(current_app.config["DSAR_SETTINGS"].upload_max_bytes)
