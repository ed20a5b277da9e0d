"""PURE: what a production install lacks, from its settings (`dsar check-deploy`).

Start-up already refuses what cannot work (no secret key or SMTP host in production, a bad
value); this lists what works but should not be left so: an error for what exposes data or
misleads subjects, a warning for what a DPO or operator should decide on.
"""

from __future__ import annotations

from typing import Literal, NamedTuple
from urllib.parse import urlsplit

from dsar.config import Settings, derived_suppression_salt
from dsar.core.setting_keys import derived_audit_key

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class DeployFinding(NamedTuple):
    severity: Literal["error", "warning"]
    setting: str
    message: str

    def line(self) -> str:
        return f"{self.severity}: {self.setting}: {self.message}"


def deploy_findings(settings: Settings) -> list[DeployFinding]:
    """Every finding about `settings` as a production install, errors first."""
    found: list[DeployFinding] = []

    def error(setting: str, message: str) -> None:
        found.append(DeployFinding("error", setting, message))

    def warning(setting: str, message: str) -> None:
        found.append(DeployFinding("warning", setting, message))

    if not settings.is_production:
        error("DSAR_ENV", f"is {settings.env}: set production (keys and SMTP then required)")
    if urlsplit(settings.base_url).scheme != "https":
        error("DSAR_BASE_URL", f"{settings.base_url} is not https: links in mails would be sent "
              "in the clear, and no HSTS is set")  # fmt: skip
    if settings.transmit_allow_local_http or settings.transmit_allow_private:
        error(
            "DSAR_TRANSMIT_ALLOW_LOCAL_HTTP / DSAR_TRANSMIT_ALLOW_PRIVATE",
            "allow transmissions and webhooks to local or private addresses: tests only",
        )
    smtp_local = settings.smtp_host in LOCAL_HOSTS
    if settings.smtp_host and not smtp_local and not (settings.smtp_starttls or settings.smtp_ssl):
        warning("DSAR_SMTP_STARTTLS / DSAR_SMTP_SSL",
                f"mail to {settings.smtp_host} goes without TLS")  # fmt: skip
    if settings.mail_from == Settings.mail_from:
        warning("DSAR_MAIL_FROM", f"is {Settings.mail_from}: subjects cannot answer it")
    if not settings.dpo_mailbox:
        warning("DSAR_DPO_MAILBOX", "is empty: the daily overdue escalation reaches nobody")
    if len(settings.secret_key) < 32:
        warning("DSAR_SECRET_KEY", "is shorter than 32 characters: use a long random value")
    if settings.suppression_salt == derived_suppression_salt(settings.secret_key):
        warning("DSAR_SUPPRESSION_SALT", "is derived from the secret key: a new secret key "
                "would make the suppression list and the tombstones unreadable; set it once "
                "(dsar suppression salt prints the current one)")  # fmt: skip
    if settings.audit_key == derived_audit_key(settings.secret_key):
        warning("DSAR_AUDIT_KEY", "is derived from the secret key: whoever reads the settings "
                "file can rebuild the audit chains; set a key of its own, kept apart from the "
                "database (docs/audit.md)")  # fmt: skip
    elif len(settings.audit_key) < 32:
        warning("DSAR_AUDIT_KEY", "is shorter than 32 characters: use a long random value")
    if settings.signing_key_generated:
        warning("DSAR_SIGNING_KEY", "is not set: manifests and letters are signed with a key "
                "generated into the instance folder; set DSAR_SIGNING_KEY to that key or a "
                "new one and publish its fingerprint (docs/receipts.md)")  # fmt: skip
    if settings.database_url.startswith("sqlite"):
        warning("DSAR_DATABASE_URL", "SQLite: one server only; back it up with SQLite's online "
                "backup, not by copying the file (docs/operations.md)")  # fmt: skip
    if settings.rate_limit_storage.startswith("memory"):
        warning("DSAR_RATE_LIMIT_STORAGE", "memory:// counts per process: with several workers "
                "each counts alone; give a shared storage (docs/operations.md)")  # fmt: skip
    return sorted(found, key=lambda f: f.severity != "error")
