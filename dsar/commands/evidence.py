"""`dsar evidence REFERENCE --out DIR`: a request's evidence pack (docs/receipts.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select


@click.command("evidence")
@click.argument("reference")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="The folder for evidence-REFERENCE.zip (default: here).",
)
@with_appcontext
def evidence_command(reference: str, out: Path) -> None:
    """Write a request's evidence pack: timeline, verification, letters as sent, manifests."""
    from dsar.core.clock import now
    from dsar.core.signing import install_signer
    from dsar.extensions import db
    from dsar.files.storage import FileStore
    from dsar.receipts.evidence import pack_name, write_evidence
    from dsar.requests.models import Request

    request = db.session.scalar(select(Request).where(Request.reference == reference))
    if request is None:
        click.echo(f"error: no request {reference}", err=True)
        sys.exit(2)
    store = FileStore.from_settings(current_app.config["DSAR_SETTINGS"])
    out.mkdir(parents=True, exist_ok=True)
    path = out / pack_name(request)
    draft = path.with_name(path.name + ".part")
    try:
        with draft.open("wb") as file:
            write_evidence(
                db.session(), request, file, store=store, signer=install_signer(), now=now()
            )
        draft.replace(path)
    finally:
        draft.unlink(missing_ok=True)
    click.echo(str(path))
