"""`dsar register check`: validate the processing register(s) and check their live sources."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from dsar.register import DEMO_REGISTER, RegisterError, load_registers
from dsar.register.checking import CheckResult, check_register


@click.group("register")
def register_group() -> None:
    """Work with the processing registers (DSAR_REGISTER)."""


@register_group.command("check")
@click.argument(
    "file", required=False, type=click.Path(exists=True, path_type=Path), metavar="[FILE]"
)
@click.option("--timeout", default=5, show_default=True, help="Seconds to wait for a database.")
@with_appcontext
def check_command(file: Path | None, timeout: int) -> None:
    """Validate the register(s) in FILE (default: DSAR_REGISTER) and check their sources."""
    settings = current_app.config.get("DSAR_SETTINGS")
    instance_path = Path(settings.instance_path) if settings is not None else None
    if file is None:
        configured = getattr(settings, "register", "") if settings is not None else ""
        file = Path(configured) if configured else DEMO_REGISTER
    try:
        registers = load_registers(file, instance_path=instance_path)
    except RegisterError as error:
        for line in error.problems:
            click.echo(line)
        click.echo(f"{file}: {_count(len(error.problems), 'problem')}: the register is invalid")
        raise SystemExit(1) from None
    failed = False
    for register in registers:
        result = check_register(register, connect_timeout=timeout)
        for line in result.problems:
            click.echo(f"{register.source_path}: {line}")
        click.echo(_summary(result))
        failed = failed or bool(result.problems)
    raise SystemExit(1 if failed else 0)


def _summary(result: CheckResult) -> str:
    register = result.register
    parts = [
        _count(len(register.activities), "activity", "activities"),
        _count(len(register.sources), "source"),
        f"{_count(result.tables_checked, 'table')} checked",
    ]
    if result.files_checked:
        parts.append(f"{_count(result.files_checked, 'file')} checked")
    if result.manual_sources:
        parts.append(f"{result.manual_sources} manual")
    outcome = _count(len(result.problems), "problem") if result.problems else "OK"
    head = f"{register.source_path}: {register.controller.slug} ({register.controller.name})"
    return f"{head}: {', '.join(parts)}: {outcome}"


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
