"""`dsar api-key`: make and revoke the JSON API's keys (docs/api.md)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from dsar.api.keys import ApiKeyError, create_key, keys_of, revoke_key
from dsar.api.models import ApiKey, Scope
from dsar.commands.suppression import chosen_controller, fail
from dsar.controllers.models import Controller
from dsar.core.clock import now as clock_now
from dsar.extensions import db

ACTOR = "cli"


@click.group("api-key")
def api_key_group() -> None:
    """API keys for a controller's own systems (/api/v1)."""


@api_key_group.command("create")
@click.option("--controller", "slug", default=None, help="The controller's slug.")
@click.option("--name", required=True, help="Which system uses the key (shown in lists).")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice([s.value for s in Scope]),
    help="Repeat for several scopes.",
)
@with_appcontext
def create_command(slug: str | None, name: str, scopes: tuple[str, ...]) -> None:
    """Create a key and print it once: it is stored only as a hash."""
    controller = chosen_controller(slug)
    try:
        made = create_key(
            db.session(), controller, name=name, scopes=scopes, actor=ACTOR, now=clock_now()
        )
    except ApiKeyError as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"created key {made.key.id} ({made.key.prefix}) for {controller.slug}")
    click.echo(f"key: {made.secret}")
    click.echo("Store it now: it cannot be shown again.")


@api_key_group.command("revoke")
@click.argument("key_id", type=int)
@with_appcontext
def revoke_command(key_id: int) -> None:
    """Revoke a key for good: calls with it answer 401 from now on."""
    key = db.session.get(ApiKey, key_id)
    if key is None:
        fail(f"no API key {key_id}")
    changed = revoke_key(db.session(), key, actor=ACTOR, now=clock_now())
    db.session.commit()
    click.echo(f"revoked key {key.id} ({key.prefix})" if changed else "already revoked")


@api_key_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every key: id, prefix, controller, scopes, last use, revoked."""
    slugs = {c.id: c.slug for c in db.session.execute(select(Controller)).scalars()}
    for key in keys_of(db.session(), None):
        used = key.last_used_at.isoformat() if key.last_used_at else "never used"
        state = f"revoked {key.revoked_at.isoformat()}" if key.revoked_at else "live"
        click.echo(
            f"{key.id}\t{key.prefix}\t{slugs.get(key.controller_id)}\t{key.name}\t"
            f"{' '.join(key.scopes)}\t{used}\t{state}"
        )
