"""`dsar webhook`: register, list and remove a controller's webhook endpoints."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from dsar.commands.suppression import CONTROLLER_HELP, chosen_controller, fail
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.storage import file_key
from dsar.webhooks.endpoints import (
    EVENTS,
    WebhookError,
    add_endpoint,
    endpoints_of,
    remove_endpoint,
)
from dsar.webhooks.models import WebhookEndpoint


@click.group("webhook")
def webhook_group() -> None:
    """Signed webhooks: the endpoints that receive a controller's request events."""


@webhook_group.command("add")
@click.argument("url")
@click.option(
    "--event",
    "events",
    multiple=True,
    required=True,
    type=click.Choice(EVENTS),
    help="An event to send (repeat the option for several).",
)
@click.option("--controller", "slug", default=None, help=CONTROLLER_HELP)
@with_appcontext
def add_command(url: str, events: tuple[str, ...], slug: str | None) -> None:
    """Register an https endpoint; prints its signing secret once."""
    settings = current_app.config["DSAR_SETTINGS"]
    controller = chosen_controller(slug)
    try:
        endpoint, secret = add_endpoint(
            db.session(),
            controller,
            url=url,
            events=events,
            actor="cli",
            now=clock_now(),
            file_key=file_key(settings),
            allow_local_http=settings.transmit_allow_local_http,
            allow_private=settings.transmit_allow_private,
        )
    except WebhookError as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"endpoint {endpoint.id} for {controller.slug}: {endpoint.url}")
    click.echo(f"signing secret (shown once): {secret}")


@webhook_group.command("list")
@with_appcontext
def list_command() -> None:
    """List the endpoints: id, controller, URL and events (never the secret)."""
    for endpoint in endpoints_of(db.session()):
        events = ", ".join(endpoint.events)
        click.echo(f"{endpoint.id}\t{endpoint.controller.slug}\t{endpoint.url}\t{events}")


@webhook_group.command("remove")
@click.argument("endpoint_id", type=int)
@with_appcontext
def remove_command(endpoint_id: int) -> None:
    """Remove an endpoint and the deliveries queued for it."""
    endpoint = db.session.execute(
        select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
    ).scalar_one_or_none()
    if endpoint is None:
        fail(f"no webhook endpoint {endpoint_id}")
    remove_endpoint(db.session(), endpoint, actor="cli", now=clock_now())
    db.session.commit()
    click.echo(f"endpoint {endpoint_id} removed")
