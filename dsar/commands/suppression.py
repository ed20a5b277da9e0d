"""`dsar suppression`: check a value against the suppression list, export the list as hashes."""

from __future__ import annotations

import csv
import io
import sys
from typing import NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.register.datasources import EMAIL_KEY
from dsar.register.schema import Register
from dsar.suppression.models import SuppressionScope

CONTROLLER_HELP = "The controller's slug (needed when the install serves several)."


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def chosen_controller(slug: str | None) -> Controller:
    """The controller named by --controller, or the only one there is."""
    controllers = list(db.session().execute(select(Controller).order_by(Controller.slug)).scalars())
    if slug is None and len(controllers) == 1:
        return controllers[0]
    if not controllers:
        fail("no controllers yet: run `dsar controllers sync` first")
    known = ", ".join(c.slug for c in controllers)
    if slug is None:
        fail(f"several controllers: choose one with --controller ({known})")
    found = next((c for c in controllers if c.slug == slug), None)
    if found is None:
        fail(f"unknown controller {slug!r}: known are {known}")
    return found


def register_of(controller: Controller) -> Register | None:
    """The loaded register of the controller (matched by slug)."""
    registers: list[Register] = current_app.extensions["dsar.registers"]
    return next((r for r in registers if r.controller.slug == controller.slug), None)


def salt() -> str:
    return str(current_app.config["DSAR_SETTINGS"].suppression_salt)


@click.group("suppression")
def suppression_group() -> None:
    """The suppression list: lookup values (as salted hashes) not to contact or re-import."""


@suppression_group.command("check")
@click.argument("value")
@click.option("--controller", "slug", help=CONTROLLER_HELP)
@click.option("--key", help="Only this lookup key (e.g. email, customer_number); default: any.")
@with_appcontext
def check_command(value: str, slug: str | None, key: str | None) -> None:
    """Say whether VALUE is listed and under which scopes; exit 0 listed, 1 not listed."""
    from dsar.suppression.operations import check

    controller = chosen_controller(slug)
    register = register_of(controller)
    keys = [EMAIL_KEY] + [k.id for k in register.lookup_keys] if register else [EMAIL_KEY]
    if key is not None and key not in keys:
        fail(f"unknown lookup key {key!r}: use one of {', '.join(keys)}")
    listed = check(db.session(), controller, value, key, salt=salt())
    if not listed:
        click.echo("not on the suppression list")
        sys.exit(1)
    for entry in listed:
        click.echo(f"listed: {entry.key} ({entry.scope.value})")


@suppression_group.command("export")
@click.option("--controller", "slug", help=CONTROLLER_HELP)
@click.option("--scope", type=click.Choice([s.value for s in SuppressionScope]))
@with_appcontext
def export_command(slug: str | None, scope: str | None) -> None:
    """Write the list as CSV to stdout: key, scope, hmac, created (no value in the clear)."""
    from dsar.suppression.operations import listed_entries

    controller = chosen_controller(slug)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["key", "scope", "hmac", "created"])
    for entry in listed_entries(db.session(), controller, scope):
        writer.writerow([entry.lookup_key, entry.scope.value, entry.hmac, entry.created_at.date()])
        if buffer.tell() > 64 * 1024:
            click.echo(buffer.getvalue(), nl=False)
            buffer.seek(0)
            buffer.truncate()
    click.echo(buffer.getvalue(), nl=False)


@suppression_group.command("salt")
@with_appcontext
def salt_command() -> None:
    """Print the salt a tool needs to check values against an export (keep it secret)."""
    click.echo(salt())
