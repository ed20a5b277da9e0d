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
@click.option("--dry-run", is_flag=True, help="Count the rows that came back; change nothing.")
@with_appcontext
def replay_command(since: datetime | None, slug: str | None, dry_run: bool) -> None:
    """After a backup is restored: find the subjects of erasures again in the sources, erase
    again what came back (as the register says today, within each erasure's scope) and
    report it per erasure; exit 1 when rows came back that were not erased."""
    from dsar.changes.replay import replay_eraser
    from dsar.core import clock
    from dsar.suppression.replay import count_found, replay

    controller = chosen_controller(slug) if slug is not None else None
    if dry_run:
        click.echo("dry run: rows found again are counted, not erased")
    day = since.date() if since else None
    erase = count_found if dry_run else replay_eraser(clock.now())
    report = replay(db.session(), register_of, day, erase, salt=salt(), controller=controller)
    if not dry_run:
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
