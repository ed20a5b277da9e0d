"""`dsar backup create DIR` / `dsar backup restore DIR`: the database and the file store.

Plain use of each database's own tool: SQLite's online backup (`sqlite3.Connection.backup`,
what `sqlite3 db ".backup file"` does), PostgreSQL's `pg_dump -Fc` and `pg_restore`. The
database is copied first and the files folder after it: a row is committed only after its
file was written, so every row in the copy finds its file (a file newer than the copy is an
orphan the daily sweep removes). The files stay encrypted; DSAR_FILE_KEY is not in the
backup and must be kept apart (docs/operations.md#backup-and-restore).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import URL, func, inspect, make_url, select

from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.requests.models import Request

MANIFEST, SQLITE_FILE, PG_DUMP, FILES = "manifest.json", "dsar.sqlite3", "dsar.dump", "files"


@click.group("backup")
def backup_group() -> None:
    """Back up the database and the encrypted files; restore them into a fresh install."""


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _url() -> URL:
    return make_url(current_app.config["DSAR_SETTINGS"].database_url)


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """pg_dump's connection arguments, the password in the environment (not on `ps`)."""
    plain = url.set(drivername="postgresql", password=None)
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    return ["--dbname", plain.render_as_string(hide_password=False)], env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        _fail(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _sqlite_copy(source: str | Path, target: str | Path) -> None:
    """SQLite's online backup: a consistent copy while the app and the scheduler write."""
    reader, writer = sqlite3.connect(source), sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        reader.close()
        writer.close()


def _files_folder() -> Path:
    return Path(current_app.config["DSAR_SETTINGS"].instance_path) / FILES


@backup_group.command("create")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def create_command(folder: Path) -> None:
    """Copy the database, then the encrypted files folder, into FOLDER (new or empty)."""
    if folder.exists() and any(folder.iterdir()):
        _fail(f"{folder} is not empty")
    folder.mkdir(parents=True, exist_ok=True)
    url = _url()
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(str(url.database), folder / SQLITE_FILE)
    else:
        args, env = _libpq(url)
        _run(["pg_dump", "--format=custom", "--file", str(folder / PG_DUMP), *args], env)
    files = _files_folder()
    if files.exists():
        shutil.copytree(files, folder / FILES)
    count = sum(1 for path in (folder / FILES).rglob("*") if path.is_file())
    manifest = {
        "database": url.get_backend_name(),
        "created_at": clock_now().isoformat(),
        "files": count,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    click.echo(f"backed up the {manifest['database']} database and {count} files to {folder}")
    click.echo("keep DSAR_FILE_KEY apart from it: without the key the files cannot be read")


@backup_group.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(folder: Path) -> None:
    """Restore FOLDER into this install's database (with no requests yet) and files folder."""
    manifest = json.loads((folder / MANIFEST).read_text())
    url = _url()
    if manifest["database"] != url.get_backend_name():
        _fail(f"the backup holds a {manifest['database']} database, this install uses another")
    if "request" in inspect(db.engine).get_table_names() and db.session.scalar(
        select(func.count()).select_from(Request)
    ):
        _fail("this install's database holds requests: restore into a new, empty one")
    db.session.remove()
    db.engine.dispose()  # no connection of ours stays open on the database being replaced
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(folder / SQLITE_FILE, str(url.database))
    else:
        args, env = _libpq(url)
        restore = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error"]
        _run([*restore, *args, str(folder / PG_DUMP)], env)
    if (folder / FILES).exists():
        shutil.copytree(folder / FILES, _files_folder(), dirs_exist_ok=True)
    click.echo(f"restored the database and {manifest['files']} files from {folder}")
    click.echo("next: `dsar db upgrade` if this dsar is newer, then `dsar audit verify`")
