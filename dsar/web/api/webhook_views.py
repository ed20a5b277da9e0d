"""The controller's webhook endpoints and dead letters (scope `webhooks:manage`).

The same operations as the admin's webhooks page (dsar/web/staff/webhooks.py), for the key's
controller only; the key is the actor in the staff trail (`api-key:<id>`). A new endpoint's
signing secret is in the 201 answer and nowhere else.
"""

from __future__ import annotations

from flask import current_app
from flask.typing import ResponseReturnValue
from spectree import Response as Responses

from dsar.api.models import Scope
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.storage import file_key
from dsar.outbox.models import WebhookDelivery
from dsar.outbox.webhook_queue import ReplayError
from dsar.web.api import bp
from dsar.web.api.auth import api_operation, current_key
from dsar.web.api.problems import ApiProblem, FieldError, Problem
from dsar.web.api.request_views import ERRORS
from dsar.web.api.spec import BEARER, spec, validated
from dsar.web.api.webhook_schemas import (
    DeadLetter,
    DeadLetterList,
    Endpoint,
    EndpointCreated,
    EndpointList,
    NewEndpointBody,
    Replayed,
)
from dsar.webhooks.endpoints import (
    WebhookError,
    add_endpoint,
    dead_letters,
    endpoints_of,
    remove_endpoint,
    replay_dead_letter,
)
from dsar.webhooks.models import WebhookEndpoint

TAGS = ("webhooks",)
REFUSED_FIELD = {"events": "events"}  # every other refusal is about the URL
NO_SUCH_DELIVERY = "no such delivery"  # replay_dead_letter's words for one it cannot see


def _ours() -> set[int]:
    return {current_key().controller_id}


def endpoint_body(endpoint: WebhookEndpoint) -> Endpoint:
    return Endpoint(
        id=endpoint.id, url=endpoint.url, events=endpoint.events, created_at=endpoint.created_at
    )


@bp.get("/webhooks")
@api_operation(Scope.WEBHOOKS_MANAGE)
@spec.validate(resp=Responses(HTTP_200=EndpointList, **ERRORS), tags=TAGS, security=BEARER)
def list_webhooks() -> ResponseReturnValue:
    """The controller's webhook endpoints, without their secrets."""
    endpoints = endpoints_of(db.session(), _ours())
    return EndpointList(items=[endpoint_body(e) for e in endpoints]).model_dump(mode="json")


@bp.post("/webhooks")
@api_operation(Scope.WEBHOOKS_MANAGE)
@spec.validate(
    json=NewEndpointBody,
    resp=Responses(HTTP_201=EndpointCreated, **ERRORS),
    tags=TAGS,
    security=BEARER,
)
def add_webhook() -> ResponseReturnValue:
    """Register an https endpoint for some events; the answer carries its signing secret once."""
    body: NewEndpointBody = validated().json
    config, key = current_app.config["DSAR_SETTINGS"], current_key()
    try:
        endpoint, secret = add_endpoint(
            db.session(),
            key.controller,
            url=body.url,
            events=body.events,
            actor=key.actor,
            now=clock_now(),
            file_key=file_key(config),
            allow_local_http=config.transmit_allow_local_http,
            allow_private=config.transmit_allow_private,
        )
    except WebhookError as error:
        field = REFUSED_FIELD.get(error.problem, "url")
        raise ApiProblem(422, str(error), [FieldError(field=field, message=str(error))]) from error
    created = EndpointCreated(**endpoint_body(endpoint).model_dump(), secret=secret)
    return created.model_dump(mode="json"), 201


@bp.delete("/webhooks/<int:endpoint_id>")
@api_operation(Scope.WEBHOOKS_MANAGE)
@spec.validate(resp=Responses("HTTP_204", **ERRORS), tags=TAGS, security=BEARER)
def remove_webhook(endpoint_id: int) -> ResponseReturnValue:
    """Remove an endpoint and every delivery queued for it."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.controller_id not in _ours():
        raise ApiProblem(404, f"no webhook endpoint {endpoint_id} for this controller")
    remove_endpoint(db.session(), endpoint, actor=current_key().actor, now=clock_now())
    return "", 204


def dead_letter_body(delivery: WebhookDelivery) -> DeadLetter:
    return DeadLetter(
        id=delivery.id,
        endpoint_id=delivery.endpoint_id,
        event_type=delivery.event_type,
        webhook_id=delivery.webhook_id,
        attempts=delivery.attempts,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
    )


@bp.get("/webhooks/dead-letters")
@api_operation(Scope.WEBHOOKS_MANAGE)
@spec.validate(resp=Responses(HTTP_200=DeadLetterList, **ERRORS), tags=TAGS, security=BEARER)
def list_dead_letters() -> ResponseReturnValue:
    """Deliveries dsar gave up on (after every retry) and nobody replayed yet."""
    dead = dead_letters(db.session(), _ours())
    return DeadLetterList(items=[dead_letter_body(d) for d in dead]).model_dump(mode="json")


@bp.post("/webhooks/dead-letters/<int:delivery_id>/replay")
@api_operation(Scope.WEBHOOKS_MANAGE)
@spec.validate(
    resp=Responses(HTTP_201=Replayed, HTTP_409=Problem, **ERRORS), tags=TAGS, security=BEARER
)
def replay_webhook(delivery_id: int) -> ResponseReturnValue:
    """Queue a dead letter again: the same body and `webhook-id`, new attempts."""
    try:
        again = replay_dead_letter(
            db.session(),
            delivery_id,
            actor=current_key().actor,
            now=clock_now(),
            controller_ids=_ours(),
        )
    except ReplayError as error:
        if str(error) == NO_SUCH_DELIVERY:  # missing, or another controller's: alike
            raise ApiProblem(404, f"no delivery {delivery_id} for this controller") from error
        raise ApiProblem(409, str(error)) from error  # not given up, or replayed already
    replayed = Replayed(
        id=again.id,
        replay_of=delivery_id,
        webhook_id=again.webhook_id,
        status=again.status.value,
    )
    return replayed.model_dump(mode="json"), 201
