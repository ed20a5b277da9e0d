"""`dsar letters sample`: output per format, and one-line errors with exit status 2."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from flask import Flask

from dsar.core.clock import FixedClock
from tests.conftest import NOW


@pytest.fixture
def examples_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    from tests.conftest import build_app
    from tests.letters.conftest import EXAMPLES

    app = build_app(
        f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "instance", register=str(EXAMPLES)
    )
    app.extensions["dsar.core.clock"] = FixedClock(NOW)
    return app


def invoke(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    from dsar.cli import cli

    return app.test_cli_runner().invoke(cli, ["letters", "sample", *args])


def test_text_sample_for_an_example_controller(examples_app: Flask) -> None:
    result = invoke(examples_app, "--controller", "ipro", "--type", "access", "--lang", "de")
    assert result.exit_code == 0
    assert result.stdout.startswith("IPRO GmbH\nSteinbeisstr. 6, 71229 Leonberg, Deutschland\n")
    assert "Datum: 2. März 2026" in result.stdout


def test_html_and_pdf_to_a_file(examples_app: Flask, tmp_path: Path) -> None:
    html = invoke(
        examples_app,
        "--controller",
        "cadooz",
        "--type",
        "refusal",
        "--lang",
        "en",
        "--format",
        "html",
    )
    assert "<h1>Refusal of your request (DSAR-2026-000042)</h1>" in html.stdout
    out = tmp_path / "letter.pdf"
    result = invoke(
        examples_app,
        "--controller",
        "ipro",  # not cp-pro: its register cites no norm for its 7 years (issue 20)
        "--type",
        "erasure",
        "--lang",
        "de",
        "--format",
        "pdf",
        "--out",
        str(out),
    )
    assert result.exit_code == 0
    text = subprocess.run(
        ["/usr/bin/pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "IPRO GmbH" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--controller", "nope", "--type", "access", "--lang", "de"],
            "error: unknown controller 'nope': the registers define cadooz, connectpro, cp-pro, "
            "cplus, ipro\n",
        ),
        (
            ["--controller", "ipro", "--type", "memo", "--lang", "de"],
            "error: unknown letter type 'memo': use one of acknowledgement, identity_request, "
            "clarification, extension, access, rectification, erasure, restriction, "
            "restriction_lift, objection, consent_withdrawal, refusal, identity_failed, "
            "recipient_notice, portability, human_review\n",
        ),
        (
            ["--controller", "cplus", "--type", "access", "--lang", "de"],
            "error: cplus writes letters in en, not 'de'\n",
        ),
        (
            ["--controller", "ipro", "--type", "access", "--lang", "fr"],
            "error: ipro writes letters in de or en, not 'fr'\n",
        ),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    examples_app: Flask, args: list[str], message: str
) -> None:
    result = invoke(examples_app, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
