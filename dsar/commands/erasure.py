"""`dsar erasure replay`: after a backup is restored, find erased subjects again."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask.cli import with_appcontext

from dsar.commands.suppression import chosen_controller, register_of, salt
from dsar.extensions import db
from dsar.suppression.replay import TombstoneReplay


@click.group("erasure")
def erasure_group() -> None:
    """Erasures that were carried out (their tombstones)."""


@erasure_group.command("replay")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only erasures carried out on or after this day (YYYY-MM-DD, the controller's time).",
)
@click.option("--controller", "slug", help="Only this controller's erasures (its slug).")
@with_appcontext
def replay_command(since: datetime | None, slug: str | None) -> None:
    """Find the subjects of erasures again in the sources (after a restore) and report what
    came back per erasure; exit 1 when rows came back that were not erased."""
    from dsar.suppression.replay import count_found, registered_eraser, replay

    controller = chosen_controller(slug) if slug is not None else None
    eraser = registered_eraser()
    if eraser is None:
        click.echo("no eraser is installed: rows found again are counted, not erased")
    day = since.date() if since else None
    erase = eraser or count_found
    report = replay(db.session(), register_of, day, erase, salt=salt(), controller=controller)
    if eraser is not None:
        db.session.commit()
    for replayed in report.tombstones:
        click.echo(_line(replayed))
        for problem in replayed.problems:
            click.echo(f"  problem: {problem}")
    pending = report.needing_action
    click.echo(
        f"{len(report.tombstones)} erasure(s) replayed, "
        f"{sum(1 for t in report.tombstones if t.found_again)} with rows found again, "
        f"{len(pending)} needing action"
    )
    if pending:
        sys.exit(1)


def _line(replayed: TombstoneReplay) -> str:
    head = (
        f"tombstone {replayed.tombstone_id} ({replayed.controller}, "
        f"erased {replayed.executed_at:%Y-%m-%d %H:%M} UTC): "
    )
    if not replayed.found_again:
        found = "subject found again, " if replayed.subjects else ""
        return head + found + "nothing came back"
    rows = ", ".join(
        f"{source}/{part} ({replayed.actions.get((source, part), '?')}) "
        f"{count} row{'s' if count != 1 else ''}"
        for (source, part), count in sorted(replayed.rows.items())
        if count
    )
    outcome = "erased again" if replayed.erased else "found but NOT erased"
    return head + f"{rows}: {outcome}"
