"""`dsar jobs`: run the background jobs once at a chosen instant, and show when they ran."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from dsar.core.clock import FixedClock
from dsar.extensions import db
from dsar.jobs.models import JobRun

EXAMPLE = "2026-03-01T08:00:00+01:00"


@click.group("jobs")
def jobs_group() -> None:
    """The background jobs (reminders, escalations, digests, mail, expiry, retention)."""


def _parse_now(text: str, timezone: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 timestamp such as {EXAMPLE}"
        ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=ZoneInfo(timezone))  # DSAR_TIMEZONE's wall clock
    return instant


@jobs_group.command("run-once")
@click.option("--now", "now_text", help=f"Run as if it were this instant, e.g. {EXAMPLE}.")
@click.option("--job", "names", multiple=True, help="Only this job (repeatable); default: all.")
@with_appcontext
def run_once_command(now_text: str | None, names: tuple[str, ...]) -> None:
    """Run each job once, in order, each in its own transaction; exit 1 if one failed."""
    from dsar.jobs.scheduler import JOBS, run_job

    unknown = [name for name in names if name not in JOBS]
    if unknown:
        click.echo(f"error: unknown job {unknown[0]!r}: use one of {', '.join(JOBS)}", err=True)
        sys.exit(2)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = app.config["DSAR_SETTINGS"]
    previous = app.extensions["dsar.core.clock"]
    if now_text:
        app.extensions["dsar.core.clock"] = FixedClock(_parse_now(now_text, settings.timezone))
    failed = False
    try:
        now = app.extensions["dsar.core.clock"].now()
        click.echo(f"running jobs at {now.isoformat()}")
        for name in names or tuple(JOBS):
            try:
                result = run_job(app, name, now)
            except Exception as error:  # noqa: BLE001 - report it, run the other jobs
                failed = True
                click.echo(f"{name}: error: {type(error).__name__}: {error}")
                continue
            click.echo(f"{name}: {_format_counts(result)}")
    finally:
        app.extensions["dsar.core.clock"] = previous
    if failed:
        sys.exit(1)


def _format_counts(result: object) -> str:
    from dsar.jobs.scheduler import counts_of

    counts = counts_of(result)
    return " ".join(f"{key}={value}" for key, value in counts.items()) or "done"


@jobs_group.command("status")
@with_appcontext
def status_command() -> None:
    """List the jobs with their interval, last run (outcome, counts) and next run (the
    interval counts from the start of the last run, as the scheduler's interval trigger does)."""
    from dsar.jobs.scheduler import JOBS

    click.echo(f"{'job':<20} {'every':>6}  {'last run (UTC)':<19}  {'outcome':<7}  next run (UTC)")
    for spec in JOBS.values():
        last = db.session.execute(
            select(JobRun)
            .where(JobRun.job == spec.name)
            .order_by(JobRun.started_at.desc(), JobRun.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if last is None:
            started, outcome, following = "never", "-", "when the scheduler starts"
        else:
            started = f"{last.started_at:%Y-%m-%d %H:%M:%S}"
            outcome = last.outcome
            following = f"{last.started_at + timedelta(seconds=spec.seconds):%Y-%m-%d %H:%M:%S}"
        click.echo(
            f"{spec.name:<20} {_every(spec.seconds):>6}  {started:<19}  {outcome:<7}  {following}"
        )
        if last is not None and last.outcome == "error" and last.error:
            click.echo(f"{'':<20}   error: {last.error.strip().splitlines()[-1]}")


def _every(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"
