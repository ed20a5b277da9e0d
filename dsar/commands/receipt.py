"""`dsar receipt`: check a signed answer offline; hand out a letter with its receipt.

`verify FILE` checks an export ZIP (manifest.json.sig over manifest.json, then every file's
SHA-256) or a letter PDF with its receipt (the PDF's SHA-256, the receipt's signature). Exit
0 when valid, 1 when a check fails, 2 when it cannot be checked (docs/receipts.md).
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext

from dsar.core.signing import APP_KEY, Signer
from dsar.receipts.receipt import receipt_name, receipt_text
from dsar.receipts.verify import Outcome, PublicKeyError, public_key, verify_export, verify_letter

KEY_HELP = (
    "The public key: base64, or a file holding it or the JSON of /.well-known/dsar-signing-key "
    "(default: this install's own key)."
)


@click.group("receipt")
def receipt_group() -> None:
    """Signed exports and letter receipts (docs/receipts.md)."""


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _key(given: str | None, ctx: click.Context) -> bytes:
    if given is None:  # the install's own key: only now is the app needed
        app = ctx.ensure_object(ScriptInfo).load_app()
        signer: Signer = app.extensions[APP_KEY]
        return signer.public_raw
    path = Path(given)
    try:
        return public_key(path.read_text() if path.is_file() else given)
    except PublicKeyError as error:
        _fail(str(error))


def receipt_path(pdf: Path) -> Path:
    """Where a letter's receipt sits beside its PDF: NAME.pdf -> NAME.receipt.json."""
    return pdf.with_name(receipt_name(pdf.name))


@receipt_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", "given_key", default=None, help=KEY_HELP)
@click.option(
    "--receipt",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A letter's receipt (default: beside the PDF, NAME.receipt.json).",
)
@click.pass_context
def verify_command(
    ctx: click.Context, file: Path, given_key: str | None, receipt: Path | None
) -> None:
    """Check an export ZIP, or a letter PDF with its receipt."""
    key = _key(given_key, ctx)
    if zipfile.is_zipfile(file):
        outcome = verify_export(file, key)
    else:
        receipt = receipt or receipt_path(file)
        if not receipt.is_file():
            _fail(f"{file} is no ZIP, and its receipt {receipt} is missing (--receipt)")
        try:
            found = json.loads(receipt.read_text())
        except ValueError:
            _fail(f"{receipt} is not JSON")
        if not isinstance(found, dict):
            _fail(f"{receipt} is not a receipt")
        outcome = verify_letter(file.read_bytes(), found, key)
    _report(outcome)


def _report(outcome: Outcome) -> None:
    if outcome.valid:
        click.echo(f"valid: {outcome.what}: signature and SHA-256 hashes match")
        return
    click.echo(f"INVALID: {outcome.what}", err=True)
    for problem in outcome.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@receipt_group.command("letter")
@click.argument("letter_id", type=int)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="The folder for the PDF and its receipt (default: here).",
)
@with_appcontext
def letter_command(letter_id: int, out: Path) -> None:
    """Write an approved letter's PDF and its receipt (NAME.receipt.json) into a folder."""
    from dsar.extensions import db
    from dsar.files.storage import FileStore
    from dsar.letters.models import Letter

    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.pdf_file is None or not letter.receipt:
        _fail(f"letter {letter_id} has no signed receipt: only letters approved with one have it")
    store = FileStore.from_settings(current_app.config["DSAR_SETTINGS"])
    out.mkdir(parents=True, exist_ok=True)
    pdf = out / Path(letter.pdf_file.filename or f"letter-{letter.id}.pdf").name
    pdf.write_bytes(store.read(letter.pdf_file))
    receipt_path(pdf).write_text(receipt_text(letter.receipt))
    click.echo(f"{pdf}\n{receipt_path(pdf)}")
