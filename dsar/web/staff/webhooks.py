"""The admin's webhooks page: endpoints of the admin's controllers, dead letters to replay.

An admin limited to some controllers sees and changes only those controllers' endpoints
(as on dsar/web/staff/users.py). A new endpoint's signing secret is shown once, in the
answer to the POST that created it, and never again.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.controllers.models import Controller
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.storage import file_key
from dsar.outbox.webhook_queue import ReplayError
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required
from dsar.webhooks.endpoints import (
    EVENTS,
    WebhookError,
    add_endpoint,
    dead_letters,
    endpoints_of,
    remove_endpoint,
    replay_dead_letter,
)
from dsar.webhooks.models import WebhookEndpoint

log = logging.getLogger("dsar.web.staff")


def _scope() -> frozenset[int] | None:
    """The signed-in admin's controllers; None for an admin of all."""
    return current_user.controller_ids or None


def _controllers() -> list[Controller]:
    query = select(Controller).order_by(Controller.name)
    scope = _scope()
    if scope is not None:
        query = query.where(Controller.id.in_(sorted(scope)))
    return list(db.session.execute(query).scalars())


def _page(status: int = 200, **shown: object) -> ResponseReturnValue:
    scope = _scope()
    endpoints = endpoints_of(db.session(), scope)
    page = render_template(
        "staff/webhooks.html",
        endpoints=endpoints,
        urls={endpoint.id: endpoint.url for endpoint in endpoints},
        dead=dead_letters(db.session(), scope),
        controllers=_controllers(),
        events=EVENTS,
        **shown,
    )
    return page, status


@bp.get("/webhooks")
@roles_required(Role.ADMIN)
def webhooks() -> ResponseReturnValue:
    return _page()


@bp.post("/webhooks")
@roles_required(Role.ADMIN)
def webhook_add() -> ResponseReturnValue:
    chosen = {c.id: c for c in _controllers()}
    controller = chosen.get(request.form.get("controller", type=int) or 0)
    if controller is None:
        return _page(400, error=_("Choose one of your controllers."))
    config = current_app.config["DSAR_SETTINGS"]
    try:
        endpoint, secret = add_endpoint(
            db.session(),
            controller,
            url=request.form.get("url", ""),
            events=request.form.getlist("events"),
            actor=current_user.email,
            now=clock_now(),
            file_key=file_key(config),
            allow_local_http=config.transmit_allow_local_http,
            allow_private=config.transmit_allow_private,
        )
    except WebhookError as error:
        return _page(400, error=_refusal(error))
    log.info("%s added webhook endpoint %s (%s)", current_user.email, endpoint.id, endpoint.url)
    return _page(201, created=endpoint, secret=secret)


def _refusal(error: WebhookError) -> str:
    """Why the endpoint was not added, in the page's language; the address check's own words
    (which host, which kind of address) in brackets."""
    if error.problem == "scheme":
        return _("The endpoint was not added: its URL must begin with https://.")
    if error.problem == "events":
        return _("The endpoint was not added: choose at least one event.")
    if error.problem == "length":
        return _("The endpoint was not added: the URL is longer than 2000 characters.")
    return _(
        "The endpoint was not added: its host is not a public address or cannot be found "
        "(%(detail)s).",
        detail=str(error),
    )


@bp.post("/webhooks/<int:endpoint_id>/remove")
@roles_required(Role.ADMIN)
def webhook_remove(endpoint_id: int) -> ResponseReturnValue:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    scope = _scope()
    if endpoint is None or (scope is not None and endpoint.controller_id not in scope):
        abort(404)
    remove_endpoint(db.session(), endpoint, actor=current_user.email, now=clock_now())
    log.info("%s removed webhook endpoint %s", current_user.email, endpoint_id)
    flash(_("The endpoint was removed."))
    return redirect(url_for("staff.webhooks"))


@bp.post("/webhooks/deliveries/<int:delivery_id>/replay")
@roles_required(Role.ADMIN)
def webhook_replay(delivery_id: int) -> ResponseReturnValue:
    try:
        replay_dead_letter(
            db.session(),
            delivery_id,
            actor=current_user.email,
            now=clock_now(),
            controller_ids=_scope(),
        )
    except ReplayError:
        abort(404)
    flash(_("The delivery was queued again."))
    return redirect(url_for("staff.webhooks"))
