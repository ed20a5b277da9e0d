"""The subject's status page and the letters sent to them; the URL's token is the secret."""

from __future__ import annotations

from flask import Response, abort, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from dsar.core.write_lock import begin_as_writer
from dsar.extensions import db
from dsar.intake.operations import request_for_status_token
from dsar.intake.status_items import frozen_letter
from dsar.intake.texts import (
    MERGED_INTO,
    NOT_IDENTIFIED_ON_ITS_WAY,
    REFUSAL_ON_ITS_WAY,
    RIGHT_TITLES,
    STATUS_TEXTS,
)
from dsar.requests.merging import absorbed_by
from dsar.requests.models import Request
from dsar.requests.workflow import Status
from dsar.web.intake import bp
from dsar.web.intake.claim_views import NOTICES, claim_items
from dsar.web.intake.controllers import controller_and_register
from dsar.web.intake.language import language
from dsar.web.intake.message_views import thread_context


@bp.get("/c/<slug>/status/<token>")
def status(slug: str, token: str) -> ResponseReturnValue:
    begin_as_writer(db.session())  # a GET that writes: the thread is read (message_views.py)
    controller, _register = controller_and_register(slug)
    found = request_for_status_token(db.session(), controller, token)
    if found is None:
        abort(404, _("This status link is not valid. Please use the link from our e-mail."))
    page = render_template(
        "intake/status.html",
        controller=controller,
        request=found,
        status_text=_status_text(found),
        also_answers=[merged.reference for merged in absorbed_by(db.session(), found)],
        right_title=RIGHT_TITLES[found.type],
        claims=claim_items(db.session(), found, _register, language()),
        request_token=token,
        notice=request.args.get("notice") if request.args.get("notice") in NOTICES else None,
        **thread_context(db.session(), found, slug, token),
    )
    return _secret_page(make_response(page))


@bp.get("/c/<slug>/status/<token>/letters/<int:letter_id>")
def status_letter(slug: str, token: str, letter_id: int) -> ResponseReturnValue:
    """A sent letter exactly as it was frozen at approval (never re-rendered)."""
    controller, _register = controller_and_register(slug)
    found = request_for_status_token(db.session(), controller, token)
    letter = frozen_letter(db.session(), found, letter_id) if found else None
    if letter is None:
        abort(404, _("This status link is not valid. Please use the link from our e-mail."))
    response = _secret_page(make_response(letter.html))
    # Our own generated HTML, shown alone: no scripts, no outside resources.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _status_text(found: Request) -> str:
    """The status in words; a decision whose letter has not reached the subject yet says so."""
    if found.answered_at is None and found.status is Status.REFUSED:
        return str(REFUSAL_ON_ITS_WAY)
    if found.answered_at is None and found.status is Status.IDENTITY_FAILED:
        return str(NOT_IDENTIFIED_ON_ITS_WAY)
    if found.status is Status.MERGED and found.merged_into is not None:
        return str(MERGED_INTO) % {"reference": found.merged_into.reference}
    return str(STATUS_TEXTS[found.status])


def _secret_page(response: Response) -> Response:
    # The URL is the secret: keep it out of caches and out of Referer headers.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
