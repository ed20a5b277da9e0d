"""`dsar deadline`: the Art. 12(3) due date of a request received at a given moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from dsar.register import find_register
from dsar.requests.deadlines.legal_calendar import InvalidJurisdiction, Jurisdiction
from dsar.requests.deadlines.rules import explain_deadline, statutory_deadline
from dsar.requests.operations import register_jurisdiction

EXAMPLE = "2026-01-31T10:00:00+01:00"


class _BadInput(ValueError):
    """Input the command cannot use; the message names the valid form."""


@click.command("deadline")
@click.argument("received_at", metavar="RECEIVED_AT")
@click.option("--country", help="ISO 3166-1 alpha-2 code, e.g. DE (default: DSAR_COUNTRY).")
@click.option("--subdivision", help="Region as the holidays package names it, e.g. NW.")
@click.option("--timezone", help="IANA timezone, e.g. Europe/Berlin (default: DSAR_TIMEZONE).")
@click.option("--municipality", help="A municipal holiday rule: catholic or augsburg (DE-BY).")
@click.option(
    "--controller", metavar="SLUG", help="Count in this controller's register jurisdiction."
)
@click.option("--extended", is_flag=True, help="The extended due date: 3 months (Art. 12(3)).")
@click.option("--explain", is_flag=True, help="Print the steps of the computation after it.")
@with_appcontext
def deadline_command(
    received_at: str,
    country: str | None,
    subdivision: str | None,
    timezone: str | None,
    municipality: str | None,
    controller: str | None,
    extended: bool,
    explain: bool,
) -> None:
    """Print the due date of a request received at RECEIVED_AT (ISO 8601, local if no offset)."""
    settings = current_app.config["DSAR_SETTINGS"]
    try:
        if controller is None:
            jurisdiction = _jurisdiction(settings, country, subdivision, timezone, municipality)
        else:
            given = (country, subdivision, timezone, municipality)
            jurisdiction = _controller_jurisdiction(controller, given)
        instant = _parse_received_at(received_at, jurisdiction)
    except (InvalidJurisdiction, _BadInput) as error:
        click.echo(f"error: {error}", err=True)
        click.get_current_context().exit(2)
    click.echo(statutory_deadline(instant, jurisdiction, extended=extended).isoformat())
    if explain:
        for number, step in enumerate(explain_deadline(instant, jurisdiction, extended=extended)):
            click.echo(f"  {number + 1}. {step.text}")


def _controller_jurisdiction(slug: str, given: tuple[str | None, ...]) -> Jurisdiction:
    """The jurisdiction of a loaded register, with its municipality and added holidays."""
    if any(option is not None for option in given):
        raise _BadInput(
            "--controller takes the whole jurisdiction from the register: "
            "leave out --country, --subdivision, --timezone and --municipality"
        )
    register = find_register(current_app.extensions.get("dsar.registers", ()), slug)
    if register is None:
        raise _BadInput(f"no register for controller {slug!r} is loaded (DSAR_REGISTER)")
    return register_jurisdiction(register)


def _jurisdiction(
    settings: Any,
    country: str | None,
    subdivision: str | None,
    timezone: str | None,
    municipality: str | None = None,
) -> Jurisdiction:
    """Options over configuration; the configured region and zone apply to its country only."""
    configured = country is None or country.strip().upper() == settings.country.strip().upper()
    if subdivision is None:
        subdivision = settings.subdivision if configured else ""
    jurisdiction = Jurisdiction(
        settings.country if country is None else country,
        subdivision or None,
        settings.timezone if timezone is None else timezone,
        municipality=municipality or None,
    )
    if timezone is None and not configured:
        raise _BadInput(
            f"--timezone is needed with --country {jurisdiction.country}: the configured "
            f"{settings.timezone} is for {settings.country}; give an IANA name, e.g. Europe/London"
        )
    return jurisdiction


def _parse_received_at(text: str, jurisdiction: Jurisdiction) -> datetime:
    """An ISO 8601 timestamp; without an offset (or a date alone) it is the controller's time."""
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _BadInput(
            f"RECEIVED_AT {text!r} is not an ISO 8601 timestamp such as {EXAMPLE}"
        ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=jurisdiction.zone)
    return instant
