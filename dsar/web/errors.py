"""Error pages: a clear message in the page style, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from dsar.requests.workflow import IllegalTransition
from dsar.web.api.problems import problem_response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        message = "The form expired or was not sent from this site. Reload the page and try again."
        return _page(400, message)

    @app.errorhandler(IllegalTransition)
    def illegal_transition(error: IllegalTransition) -> ResponseReturnValue:
        return _page(409, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if error.response is not None:  # a page of its own (the public form past its limit)
            return error.response
        return _page(error.code or 500, error.description or error.name)


def _page(code: int, message: str) -> ResponseReturnValue:
    if request.path.startswith("/api/"):
        return problem_response(code, message)
    if _wants_json():
        return jsonify(error=message, status=code), code
    return render_template("errors/error.html", code=code, message=message), code
