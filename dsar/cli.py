"""The `dsar` command: Flask's CLI bound to the app factory, so no FLASK_APP is needed."""

from __future__ import annotations

import secrets
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from dsar import create_app
from dsar.accounts.models import Role
from dsar.config import ConfigError
from dsar.core.clock import now as clock_now
from dsar.extensions import db


def _create_app_or_exit() -> Flask:
    try:
        return create_app()
    except ConfigError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app_or_exit, add_version_option=False)
def cli() -> None:
    """dsar: GDPR data-subject-rights requests, end to end."""


@cli.command("create-staff")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.AGENT.value)
@click.option("--name", default="", help="Display name (default: the e-mail's local part).")
@click.option(
    "--password",
    envvar="DSAR_NEW_STAFF_PASSWORD",
    default=None,
    help="Default: a generated password, printed once.",
)
@with_appcontext
def create_staff_command(email: str, role: str, name: str, password: str | None) -> None:
    """Create a staff account."""
    from dsar.accounts.operations import StaffError, create_staff

    generated = password is None
    password = password or secrets.token_urlsafe(15)
    try:
        user = create_staff(
            db.session(),
            email=email,
            name=name,
            role=Role(role),
            password=password,
            now=clock_now(),
            actor="cli",
        )
    except StaffError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(f"created {user.role.value} {user.email}")
    if generated:
        click.echo(f"password: {password}")


@cli.group("controllers")
def controllers_group() -> None:
    """Controllers loaded from the processing registers."""


@controllers_group.command("sync")
@with_appcontext
def controllers_sync_command() -> None:
    """Create or update a controller row for every configured register."""
    from dsar.controllers.operations import sync_controllers

    controllers = sync_controllers(
        db.session(), current_app.extensions["dsar.registers"], clock_now()
    )
    db.session.commit()
    for controller in controllers:
        click.echo(f"{controller.slug}\t{controller.name}\t{controller.register_path}")


@cli.group("demo")
def demo_group() -> None:
    """Demo data for trying dsar out."""


@demo_group.command("load")
@click.option(
    "--if-empty", is_flag=True, help="Do nothing when the database has requests or staff."
)
@with_appcontext
def demo_load_command(if_empty: bool) -> None:
    """Load demo staff and requests (development only)."""
    from dsar.commands.devserver import prepare_demo

    if current_app.config["DSAR_SETTINGS"].is_production:
        click.echo("error: demo data is not loaded in production", err=True)
        sys.exit(2)
    prepare_demo(current_app, only_if_empty=if_empty, echo=click.echo)


@cli.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--mail-port", default=8025, show_default=True)
@with_appcontext
def dev_command(host: str, port: int, mail_port: int) -> None:
    """Migrate, load the demo when empty, and run web app, scheduler and a local mail sink."""
    from dsar.commands.devserver import run_development

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    run_development(app, host=host, port=port, mail_port=mail_port)


@cli.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the background jobs (one leading instance at a time)."""
    import logging

    from dsar.jobs.scheduler import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per run is noise
    run_scheduler(current_app._get_current_object())  # type: ignore[attr-defined]


@cli.command("mail-sink")
@click.option("--port", default=8025, show_default=True)
@with_appcontext
def mail_sink_command(port: int) -> None:
    """Run a local SMTP server that stores every message as an .eml file (development)."""
    import time

    from dsar.outbox.devmail import start_mail_sink

    sink = start_mail_sink(current_app.config["DSAR_SETTINGS"].instance_path / "mail", port)
    click.echo(f"mail sink on 127.0.0.1:{port}, writing to {sink.folder}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sink.stop()


@cli.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command() -> None:
    """Check every hash chain, and each against the newest signed checkpoint; name each break."""
    from dsar.audit.verify import audit_breaks

    breaks = audit_breaks(db.session())
    for broken in breaks:
        click.echo(f"broken: {broken}", err=True)
    if breaks:
        sys.exit(1)
    click.echo("audit trail intact")


@audit_group.command("checkpoint")
@with_appcontext
def audit_checkpoint_command() -> None:
    """Sign every chain's head now (the daily job does too); refused while the trail is broken."""
    from dsar.core.clock import now
    from dsar.jobs.audit_checkpoint import checkpoint_chains

    session = db.session()
    result = checkpoint_chains(session, current_app.config["DSAR_SETTINGS"], now())
    session.commit()
    if result.broken:
        click.echo(f"no checkpoint: {result.broken} break(s); see dsar audit verify", err=True)
        sys.exit(1)
    click.echo(f"checkpoint written: {result.requests} request chain(s) and the staff chain")


@cli.command("check-deploy")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@with_appcontext
def check_deploy_command(strict: bool) -> None:
    """List what this install lacks for production (settings); exit 1 on an error."""
    from dsar.core.deploy_check import deploy_findings

    findings = deploy_findings(current_app.config["DSAR_SETTINGS"])
    for finding in findings:
        click.echo(finding.line())
    errors = sum(1 for f in findings if f.severity == "error")
    click.echo(f"{errors} error(s), {len(findings) - errors} warning(s)" if findings else "OK")
    if errors or (strict and findings):
        sys.exit(1)


def _register_feature_commands() -> None:
    from dsar.commands.api_key import api_key_group
    from dsar.commands.backup import backup_group
    from dsar.commands.deadline import deadline_command
    from dsar.commands.erasure import erasure_group
    from dsar.commands.evidence import evidence_command
    from dsar.commands.jobs import jobs_group
    from dsar.commands.letters import letters_group
    from dsar.commands.mailbox import mailbox_group
    from dsar.commands.receipt import receipt_group
    from dsar.commands.register import register_group
    from dsar.commands.shop import shop_command
    from dsar.commands.suppression import suppression_group
    from dsar.commands.webhook import webhook_group

    cli.add_command(api_key_group)
    cli.add_command(deadline_command)
    cli.add_command(register_group)
    cli.add_command(jobs_group)
    cli.add_command(letters_group)
    cli.add_command(receipt_group)
    cli.add_command(evidence_command)
    cli.add_command(suppression_group)
    cli.add_command(erasure_group)
    cli.add_command(webhook_group)
    cli.add_command(backup_group)
    cli.add_command(mailbox_group)
    demo_group.add_command(shop_command)


_register_feature_commands()


def main() -> None:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        cli.main(prog_name="dsar")
    except (OperationalError, ProgrammingError) as error:
        if not _missing_table(error):
            raise
        click.echo(
            "error: the database has no dsar tables yet: run `dsar db upgrade` first", err=True
        )
        sys.exit(2)


def _missing_table(error: Exception) -> bool:
    text = str(error).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)
