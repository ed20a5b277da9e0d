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
@click.option("--strict", is_flag=True, help="Fail on warnings too, not only on errors.")
@with_appcontext
def check_command(file: Path | None, timeout: int, strict: bool) -> None:
    """Validate the register(s) in FILE (default: DSAR_REGISTER), check their sources and
    review them as a DPO would.

    Schema, reference and source problems are errors. The review prints each finding as
    `FILE: FIELD: error: ...` or `FILE: FIELD: warning: ...`: errors (placeholders that would
    reach a letter, an authority of another member state or Land, a retention shorter than
    the statute it cites, Privacy Shield, an Art. 22 decision without its facts) fail the
    check; warnings (a retention text with neither period nor criteria, an authority for
    public bodies, Privacy Shield named in a description) fail it only with --strict.
    Exit status: 0 OK, 1 errors (or warnings with --strict), 2 usage error.
    """
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
        for line in result.problems + [f.line() for f in result.findings]:
            click.echo(f"{register.source_path}: {line}")
        click.echo(_summary(result))
        failed = failed or bool(result.errors) or (strict and bool(result.warnings))
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
    outcome = _count(result.errors, "problem") if result.errors else "OK"
    if result.warnings:
        outcome += f", {_count(result.warnings, 'warning')}"
    fictional = ", fictional" if register.controller.fictional else ""
    head = (
        f"{register.source_path}: {register.controller.slug} "
        f"({register.controller.name}{fictional})"
    )
    return f"{head}: {', '.join(parts)}: {outcome}"


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
