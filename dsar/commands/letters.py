"""`dsar letters sample`: any letter type for any controller, for review before going live."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext

from dsar.core.clock import now as clock_now
from dsar.core.signing import install_signer
from dsar.letters.content import LETTER_TYPES, IncompleteLetter
from dsar.letters.rendering import render, render_pdf
from dsar.letters.samples import sample_letter
from dsar.register import find_register
from dsar.requests.deadlines.legal_calendar import date_in


@click.group("letters")
def letters_group() -> None:
    """Response letters."""


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@letters_group.command("sample")
@click.option("--controller", "slug", required=True, help="The controller's slug in the register.")
@click.option("--type", "letter_type", required=True, help=f"One of: {', '.join(LETTER_TYPES)}.")
@click.option("--lang", "language", required=True, help="de or en.")
@click.option("--format", "fmt", default="text", show_default=True, help="text, html or pdf.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@with_appcontext
def sample_command(slug: str, letter_type: str, language: str, fmt: str, out: Path | None) -> None:
    """Render a letter for a fictional subject with plausible found data."""
    registers = current_app.extensions["dsar.registers"]
    register = find_register(registers, slug)
    if register is None:
        known = ", ".join(r.controller.slug for r in registers)
        _fail(f"unknown controller {slug!r}: the registers define {known}")
    if letter_type not in LETTER_TYPES:
        _fail(f"unknown letter type {letter_type!r}: use one of {', '.join(LETTER_TYPES)}")
    if language not in register.controller.languages:
        languages = " or ".join(register.controller.languages)
        _fail(f"{slug} writes letters in {languages}, not {language!r}")
    if fmt not in ("text", "html", "pdf"):
        _fail(f"unknown format {fmt!r}: use text, html or pdf")
    try:
        today = date_in(clock_now(), register.jurisdiction.timezone)
        content = sample_letter(register, letter_type, language, today)
    except IncompleteLetter as error:
        _fail(str(error))
    # The footer names this install's signing key, as its real letters will.
    rendered = render(replace(content, fingerprint=install_signer().fingerprint))
    if fmt == "pdf":
        data = render_pdf(rendered.html)
    else:
        data = (rendered.html if fmt == "html" else rendered.text).encode()
    if out is not None:
        out.write_bytes(data)
        click.echo(f"wrote {out}", err=True)
    elif fmt == "pdf":
        _fail("a PDF goes to a file: add --out FILE")
    else:
        click.echo(data.decode(), nl=False)
