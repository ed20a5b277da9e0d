"""The thread on the case page: staff write to the subject, ask a question, mark as read.

The subject's attachments are downloaded through `staff.download_file`, as every file of a
request staff may open.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from dsar.core.clock import now as clock_now
from dsar.core.i18n import supported
from dsar.extensions import db
from dsar.files.storage import FileStore
from dsar.fulfilment.models import Export
from dsar.messages.models import Author
from dsar.messages.operations import MessageRejected, mark_read, post_from_staff, thread_open
from dsar.messages.thread import letters_sent, messages_of
from dsar.requests.models import Request
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.web.message_form import MessageForm
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request

# Questions staff ask often, prefilled in the request's language and edited before sending.
QUESTIONS = {
    "identity": _l(
        "To protect your data, we first need to confirm that this request comes from you. "
        "Please send us, through this page, information that only you and we know, such as "
        "your customer number and the date of your last order. You do not need to send a copy "
        "of an identity document."
    ),
    "clarification": _l(
        "We want to answer your request completely. Please tell us which data or which "
        "processing you mean, for example a product, a period or a contract, so that we can "
        "search in the right places."
    ),
}
QUESTION_LABELS = {
    "identity": _l("Ask about identity"),
    "clarification": _l("Ask for clarification"),
}
REFUSALS = {
    "empty": _l("The message is empty; nothing was sent."),
    "empty_file": _l("A file is empty; nothing was sent."),
    "too_long": _l("The message is too long; attach longer texts as a file. Nothing was sent."),
    "too_many_files": _l("At most 3 files per message; nothing was sent."),
    "closed": _l("The request is closed: its thread is read-only. Nothing was sent."),
    "unconfirmed": _l("The e-mail address is not confirmed yet; nothing was sent."),
    "type": _l("A file is not a PDF, PNG or JPEG file by its content; nothing was sent."),
    "too_large": _l("A file is too large; nothing was sent."),
}


def message_context(req: Request) -> dict[str, Any]:
    """The case page's part: the thread, what is unread, the form and a question's text."""
    thread = messages_of(db.session(), req)
    items: list[tuple[datetime, str, object]] = [(m.created_at, "message", m) for m in thread]
    letters = letters_sent(db.session(), req)
    items += [(letter.sent_at or letter.created_at, "letter", letter) for letter in letters]
    live = select(Export).where(Export.request_id == req.id, Export.live_at(clock_now()))
    items += [(e.created_at, "export", e) for e in db.session.scalars(live)]
    asked = request.args.get("question")
    prefill = ""
    if asked in QUESTIONS:
        with force_locale(supported(req.language)):
            prefill = str(QUESTIONS[asked])
    return {
        "thread": thread,
        "thread_items": sorted(items, key=lambda item: item[0]),
        "thread_unread": [m for m in thread if m.author is Author.SUBJECT and m.read_at is None],
        "thread_open": thread_open(req),
        "question_labels": QUESTION_LABELS,
        "question_text": prefill,
    }


@bp.post("/requests/<int:request_id>/messages")
@roles_required(*REQUEST_WORKERS)
def post_message(request_id: int) -> ResponseReturnValue:
    req = visible_request(request_id)
    settings = current_app.config["DSAR_SETTINGS"]
    form = MessageForm()
    files = form.files(settings.upload_max_bytes)
    try:
        post_from_staff(
            db.session(),
            req,
            current_user._get_current_object(),
            form.text(),
            files,
            clock_now(),
            FileStore.from_settings(settings),
            settings=settings,
        )
    except MessageRejected as rejected:
        flash(str(REFUSALS[rejected.reason]), "error")
        return redirect(url_for("staff.detail", request_id=request_id) + "#messages", 303)
    if req.subject_email:
        flash(_("Message sent; the subject is told by e-mail that it waits."), "ok")
    else:
        flash(_("Message saved; there is no e-mail address to tell the subject."), "ok")
    return redirect(url_for("staff.detail", request_id=request_id) + "#messages", 303)


@bp.post("/requests/<int:request_id>/messages/read")
@roles_required(*REQUEST_WORKERS)
def read_messages(request_id: int) -> ResponseReturnValue:
    req = visible_request(request_id)
    mark_read(db.session(), req, Author.STAFF, clock_now(), actor=current_user.email)
    return redirect(url_for("staff.detail", request_id=request_id) + "#messages", 303)
