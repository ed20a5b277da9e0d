"""`dsar check-deploy`: what a production install lacks, from its settings."""

from __future__ import annotations

from pathlib import Path

from dsar.config import load_settings
from dsar.core.deploy_check import deploy_findings

SECRET = "k" * 48
GOOD = {
    "DSAR_ENV": "production",
    "DSAR_SECRET_KEY": SECRET,
    "DSAR_SUPPRESSION_SALT": "s" * 32,
    "DSAR_AUDIT_KEY": "a" * 32,
    "DSAR_SIGNING_KEY": "c2lnbmluZyBrZXkgc2VlZCwgMzIgYnl0ZXMgbG9uZyE=",
    "DSAR_FILE_KEY": "",
    "DSAR_BASE_URL": "https://dsar.shop.example",
    "DSAR_SMTP_HOST": "mail.shop.example",
    "DSAR_SMTP_STARTTLS": "true",
    "DSAR_MAIL_FROM": "datenschutz@shop.example",
    "DSAR_DPO_MAILBOX": "dpo@shop.example",
    "DSAR_DATABASE_URL": "postgresql+psycopg://dsar@db/dsar",
    "DSAR_RATE_LIMIT_STORAGE": "redis://cache:6379",
}


def _findings(tmp_path: Path, **changes: str) -> list[tuple[str, str]]:
    environ = {k: v for k, v in {**GOOD, **changes}.items() if v}
    settings = load_settings(environ, instance_path=tmp_path)
    return [(f.severity, f.setting) for f in deploy_findings(settings)]


def test_a_well_set_install_has_nothing_to_report(tmp_path: Path) -> None:
    assert _findings(tmp_path) == []


def test_each_gap_is_named_once(tmp_path: Path) -> None:
    assert _findings(tmp_path, DSAR_BASE_URL="http://dsar.shop.example") == [
        ("error", "DSAR_BASE_URL")
    ]
    assert _findings(tmp_path, DSAR_SMTP_STARTTLS="") == [
        ("warning", "DSAR_SMTP_STARTTLS / DSAR_SMTP_SSL")
    ]
    assert _findings(tmp_path, DSAR_SUPPRESSION_SALT="") == [("warning", "DSAR_SUPPRESSION_SALT")]
    assert _findings(tmp_path, DSAR_AUDIT_KEY="") == [("warning", "DSAR_AUDIT_KEY")]  # derived
    assert _findings(tmp_path, DSAR_AUDIT_KEY="a" * 20) == [("warning", "DSAR_AUDIT_KEY")]
    assert _findings(tmp_path, DSAR_DPO_MAILBOX="") == [("warning", "DSAR_DPO_MAILBOX")]
    assert _findings(tmp_path, DSAR_RATE_LIMIT_STORAGE="memory://") == [
        ("warning", "DSAR_RATE_LIMIT_STORAGE")
    ]
    sqlite = _findings(tmp_path, DSAR_DATABASE_URL=f"sqlite:///{tmp_path}/d.sqlite3")
    assert sqlite == [("warning", "DSAR_DATABASE_URL")]
    assert _findings(tmp_path, DSAR_TRANSMIT_ALLOW_PRIVATE="true")[0][0] == "error"


def test_the_development_default_is_an_error_first(tmp_path: Path) -> None:
    found = _findings(tmp_path, DSAR_ENV="development", DSAR_BASE_URL="http://127.0.0.1:5000")
    assert found[:2] == [("error", "DSAR_ENV"), ("error", "DSAR_BASE_URL")]


def test_the_command_exits_1_on_an_error(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner(["check-deploy"])  # the test app: testing, http
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "error: DSAR_ENV: is testing: set production (keys and SMTP then required)"
    )
    assert result.output.splitlines()[-1].endswith("warning(s)")


def test_a_signing_key_kept_only_in_the_instance_folder_is_a_warning(tmp_path: Path) -> None:
    assert _findings(tmp_path, DSAR_SIGNING_KEY="") == [("warning", "DSAR_SIGNING_KEY")]
