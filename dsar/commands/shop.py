"""`dsar demo shop`: (re)generate the demo shop database the demo register's SQL source reads."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from dsar.demo.shop import SHOP_FILENAME, generate_shop_file


@click.command("shop")
@click.option(
    "--path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the SQLite file (default: demo_shop.sqlite3 in the instance folder).",
)
@with_appcontext
def shop_command(path: Path | None) -> None:
    """Generate the deterministic demo shop database (replaces an existing one)."""
    target = path or current_app.config["DSAR_SETTINGS"].instance_path / SHOP_FILENAME
    summary = generate_shop_file(target)
    rows = ", ".join(f"{name} {count}" for name, count in summary.rows.items())
    click.echo(f"demo shop written to {target}: {rows}")
