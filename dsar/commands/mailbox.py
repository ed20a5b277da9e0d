"""`dsar mailbox poll`: read the controllers' IMAP mailboxes now (the scheduler does it too)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from dsar.controllers.models import Controller
from dsar.core.clock import now as clock_now
from dsar.core.write_lock import writing
from dsar.extensions import db
from dsar.mailbox.address import env_key
from dsar.mailbox.poll import poll_mailboxes


@click.group("mailbox")
def mailbox_group() -> None:
    """Inbound e-mail: each controller's IMAP mailbox (DSAR_MAILBOX_<SLUG>, docs/mailbox.md)."""


@mailbox_group.command("poll")
@click.option("--controller", "slug", default=None, help="Only this controller's mailbox.")
@with_appcontext
def poll_command(slug: str | None) -> None:
    """Store new messages as drafts or joined replies, then flag them; exit 1 if one failed."""
    settings = current_app.config["DSAR_SETTINGS"]
    session = db.session()
    if slug is not None:
        if session.scalar(select(Controller.id).where(Controller.slug == slug)) is None:
            click.echo(f"error: no controller {slug!r}", err=True)
            sys.exit(2)
        if env_key(slug) not in settings.mailboxes:
            click.echo(f"error: DSAR_MAILBOX_{env_key(slug)} is not set", err=True)
            sys.exit(2)
    if not settings.mailboxes:
        click.echo("no mailbox configured: set DSAR_MAILBOX_<SLUG> (docs/mailbox.md)")
        return
    # Each message is its own transaction, begun as SQLite's writer like the jobs' ones, and
    # committed by `after_each` before it is flagged: no work is left for a last commit.
    with writing():
        result = poll_mailboxes(
            session, settings, clock_now(), after_each=session.commit, only=slug
        )
    click.echo(
        f"drafts={result.drafts} joined={result.joined} known={result.known} "
        f"too_large={result.too_large} failed={result.failed}"
    )
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    if result.failed:
        sys.exit(1)
