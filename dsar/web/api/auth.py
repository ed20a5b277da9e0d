"""Who calls: the key in `Authorization: Bearer ...` (never a cookie), its scope, its log.

`api_operation(scope)` wraps every API view: 401 without a live key, 403 without the scope;
any ApiProblem the view raises rolls its work back and is answered as problem+json; each call
made with a live key is logged with the key's id and marks the key as used.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, g, make_response, request

from dsar.api.keys import key_for_secret, record_call
from dsar.api.models import ApiKey, Scope
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.web.api.problems import ApiProblem

View = Callable[..., Any]


def bearer_secret() -> str | None:
    """The key sent in the Authorization header, if any."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def current_key() -> ApiKey:
    """The key of the call being answered (set by `api_operation`)."""
    key: ApiKey = g.api_key
    return key


def rate_limit_key() -> str:
    """Flask-Limiter's key for the API: the key's prefix, else the client address."""
    secret = bearer_secret() or ""
    parts = secret.split("_")
    if len(parts) >= 3 and parts[0] == "dsar":
        return f"api-key:{parts[1][:16]}"
    return f"api-anon:{request.remote_addr}"


def _authenticated() -> ApiKey:
    secret = bearer_secret()
    if secret is None:
        raise ApiProblem(401, "send an API key: Authorization: Bearer dsar_...")
    key = key_for_secret(db.session(), secret)
    if key is None:
        raise ApiProblem(401, "the API key is unknown or revoked")
    return key


def api_operation(scope: Scope) -> Callable[[View], View]:
    """Authenticate, check `scope`, run the view, answer problems, log the call."""

    def wrap(view: View) -> View:
        @wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Response:
            try:
                key = _authenticated()
            except ApiProblem as problem:
                return problem.response()
            if not key.allows(scope):
                response = ApiProblem(403, f"this key lacks the scope {scope.value}").response()
            else:
                g.api_key = key
                try:
                    response = make_response(view(*args, **kwargs))
                except ApiProblem as problem:
                    db.session.rollback()  # nothing of a refused call stays but its log line
                    key = db.session.get(ApiKey, key.id) or key
                    response = problem.response()
            record_call(
                db.session(),
                key,
                method=request.method,
                path=request.path,
                status=response.status_code,
                now=clock_now(),
            )
            return response

        return inner

    return wrap
