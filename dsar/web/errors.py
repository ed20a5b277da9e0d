"""Error pages: a clear message in the page style and the page's language, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import refresh
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from limits import RateLimitItem
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from dsar.extensions import db
from dsar.requests.workflow import IllegalTransition
from dsar.web.api.problems import problem_response
from dsar.web.intake.language import language
from dsar.web.page_words import _l
from dsar.web.staff.labels import status_label

# Werkzeug's own descriptions are English; a page that gave none of its own says these.
MESSAGES = {
    400: _l("The request could not be understood. Go back and try again."),
    403: _l("You may not open this page."),
    404: _l("There is nothing at this address. Check the link or start again from the start page."),
    405: _l("This page cannot be opened this way. Go back and use the page's own buttons."),
    409: _l("This was changed meanwhile. Reload the page and try again."),
    413: _l("The upload is too large."),
    429: _l("Too many requests in a short time. Please wait and try again later."),
    500: _l("Something went wrong on our side. Please try again later."),
    503: _l("The service is not available at the moment. Please try again later."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        refresh()  # the language of this request, not one cached by an earlier one
        message = _(
            "The form expired or was not sent from this site. Reload the page and try again."
        )
        return _page(400, message)

    @app.errorhandler(IllegalTransition)
    def illegal_transition(error: IllegalTransition) -> ResponseReturnValue:
        refresh()
        message = _(
            "This step is not possible while the request is %(status)s.",
            status=status_label(error.status),
        )
        return _page(409, message)

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error: StaleDataError) -> ResponseReturnValue:
        # Someone else's change to the same request committed first (its version check):
        # this request's work is rolled back whole, so the honest answer is to try again.
        db.session.rollback()  # now, so the page can read (the signed-in member, say)
        session.pop("_flashes", None)  # a "done" said before the commit failed is untrue
        refresh()
        message = _("This was changed meanwhile; nothing of this step was saved. Reload the"
                    " page and try again.")  # fmt: skip
        return _page(409, message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if error.response is not None:  # a page of its own (the public form past its limit)
            return error.response
        refresh()  # an address no blueprint serves chose no language for this request yet
        return _page(error.code or 500, _message(error))


def _message(error: HTTPException) -> str:
    """The view's own words (translated where it aborted), else the code's in the page's
    language; past a rate limit, the limit itself ("10 per 1 hour")."""
    code = error.code or 500
    if isinstance(error, RateLimitExceeded):
        return _(
            "Too many requests in a short time (the limit is %(limit)s). Please wait and try"
            " again later.",
            limit=_limit_words(error.limit.limit),
        )
    own = error.description and error.description != type(error).description
    if own:
        return str(error.description)
    return str(MESSAGES.get(code, error.description or error.name))


def _limit_words(limit: RateLimitItem) -> str:
    """A limit such as "10 per 1 hour" in the page's language: "10 pro Stunde"."""
    if limit.multiples != 1:
        return str(limit)
    words = {
        "second": _l("%(amount)s per second"),
        "minute": _l("%(amount)s per minute"),
        "hour": _l("%(amount)s per hour"),
        "day": _l("%(amount)s per day"),
    }.get(limit.GRANULARITY.name)
    return str(words) % {"amount": limit.amount} if words is not None else str(limit)


def _page(code: int, message: str) -> ResponseReturnValue:
    if request.path.startswith("/api/"):
        return problem_response(code, message)
    if _wants_json():
        return jsonify(error=message, status=code), code
    page = render_template("errors/error.html", code=code, message=message, lang=language())
    return page, code
