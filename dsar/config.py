"""Settings from DSAR_* environment variables; a bad value stops start-up naming the variable.

`config.example.env` is the contract: every setting read here is documented there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dsar.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from dsar.core.setting_keys import (  # noqa: F401 - ConfigError and the salt are read from here too
    ConfigError,
    audit_key,
    derived_suppression_salt,
    secret_key,
    suppression_salt,
)
from dsar.core.signing import signing_seed
from dsar.mailbox.address import MailboxAddress, mailboxes_from

ENVIRONMENTS = ("development", "production", "testing")
CLOCK_POLICIES = ("edpb", "ico", "strict")


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    instance_path: Path = Path("instance")
    database_url: str = ""
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:5000"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    mail_from: str = "dsar@localhost"
    dpo_mailbox: str = ""
    register: str = ""
    timezone: str = "Europe/Berlin"
    country: str = "DE"
    subdivision: str = ""
    clock_policy: str = "edpb"
    identity_request_working_days: int = 3
    file_key: str = ""
    suppression_salt: str = ""
    signing_key: str = ""  # base64 Ed25519 seed: manifests and receipts (docs/receipts.md)
    signing_key_generated: bool = False  # not from DSAR_SIGNING_KEY: kept in the instance folder
    audit_key: str = ""  # HMAC key of the audit chains and checkpoints (docs/audit.md)
    audit_rectification: str = "values"  # or "hashes": SHA-256 of the values before and after
    rate_limit_storage: str = "memory://"
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For is believed
    rate_limits_enabled: bool = True
    staff_idle_minutes: int = 60  # a staff session ends after this long without a request
    staff_session_hours: int = 12  # and this long after sign-in, whatever happens
    confirmation_link_days: int = 7
    upload_max_bytes: int = 5 * 1024 * 1024
    upload_retention_days: int = 90
    documents_after_decision_days: int = 7
    reminder_days: tuple[int, ...] = (14, 7, 3, 1)
    confirmation_expiry_days: int = 7
    unconfirmed_purge_days: int = 30
    retention_years: int = 3
    dpo_mailbox_language: str = "en"
    download_days: int = 14
    transmit_allow_local_http: bool = False
    transmit_allow_private: bool = False
    mailboxes: dict[str, MailboxAddress] = field(default_factory=dict)  # DSAR_MAILBOX_<SLUG>
    mailbox_max_bytes: int = 20 * 1024 * 1024  # a larger message is recorded, not stored
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"


AUDIT_MODES = ("values", "hashes")


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use true or false")


def _int(name: str, raw: str, low: int, high: int) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={value} is out of range: use {low} to {high}")
    return value


def _choice(name: str, raw: str, choices: tuple[str, ...]) -> str:
    value = raw.strip().lower()
    if value not in choices:
        raise ConfigError(f"{name}={raw!r} is not one of: {', '.join(choices)}")
    return value


def _days_list(name: str, raw: str) -> tuple[int, ...]:
    """Comma-separated whole days, e.g. "14,7,3,1"; kept sorted from the furthest to the nearest."""
    parts = [part for part in raw.replace(" ", "").split(",") if part]
    if not parts:
        raise ConfigError(f"{name}={raw!r} is empty: give days before due, e.g. 14,7,3,1")
    days = {_int(name, part, 0, 365) for part in parts}
    return tuple(sorted(days, reverse=True))


def _timezone(name: str, raw: str) -> str:
    try:
        ZoneInfo(raw.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}={raw!r} is not an IANA timezone such as Europe/Berlin") from None
    return raw.strip()


def _country(name: str, raw: str) -> str:
    import holidays

    code = raw.strip().upper()
    if code not in holidays.list_supported_countries():
        raise ConfigError(f"{name}={raw!r} is not a country code known to the holidays package")
    return code


def _database_url(name: str, raw: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(raw)
    except ArgumentError:
        raise ConfigError(f"{name}={raw!r} is not a SQLAlchemy database URL") from None
    return raw


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Read the settings from `environ` (default: os.environ plus .env), then apply `overrides`."""
    if environ is None:
        from dotenv import find_dotenv, load_dotenv

        load_dotenv(find_dotenv(usecwd=True), override=False)  # real environment variables win
    env_vars = dict(os.environ if environ is None else environ)
    get = env_vars.get

    env = _choice("DSAR_ENV", get("DSAR_ENV", "development"), ENVIRONMENTS)
    instance_path = Path(
        get("DSAR_INSTANCE_PATH") or str(overrides.pop("instance_path", "instance"))
    )
    instance_path = instance_path.resolve()
    values: dict[str, Any] = {"env": env, "instance_path": instance_path}  # Settings' fields

    default_db = f"sqlite:///{instance_path / 'dsar.sqlite3'}"
    values["database_url"] = _database_url(
        "DSAR_DATABASE_URL", get("DSAR_DATABASE_URL") or default_db
    )
    values["base_url"] = (get("DSAR_BASE_URL") or Settings.base_url).rstrip("/")
    values["smtp_host"] = get("DSAR_SMTP_HOST", "")
    values["smtp_port"] = _int("DSAR_SMTP_PORT", get("DSAR_SMTP_PORT", "25"), 1, 65535)
    values["smtp_username"] = get("DSAR_SMTP_USERNAME", "")
    values["smtp_password"] = get("DSAR_SMTP_PASSWORD", "")
    values["smtp_starttls"] = _bool("DSAR_SMTP_STARTTLS", get("DSAR_SMTP_STARTTLS", "false"))
    values["smtp_ssl"] = _bool("DSAR_SMTP_SSL", get("DSAR_SMTP_SSL", "false"))
    if values["smtp_starttls"] and values["smtp_ssl"]:
        raise ConfigError("DSAR_SMTP_STARTTLS and DSAR_SMTP_SSL are both true: choose one")
    values["mail_from"] = get("DSAR_MAIL_FROM") or Settings.mail_from
    values["dpo_mailbox"] = get("DSAR_DPO_MAILBOX", "")
    values["register"] = get("DSAR_REGISTER", "")
    values["timezone"] = _timezone("DSAR_TIMEZONE", get("DSAR_TIMEZONE") or Settings.timezone)
    values["country"] = _country("DSAR_COUNTRY", get("DSAR_COUNTRY") or Settings.country)
    values["subdivision"] = (get("DSAR_SUBDIVISION") or "").strip().upper()
    values["clock_policy"] = _choice(
        "DSAR_CLOCK_POLICY", get("DSAR_CLOCK_POLICY") or "edpb", CLOCK_POLICIES
    )
    values["identity_request_working_days"] = _int(
        "DSAR_IDENTITY_REQUEST_WORKING_DAYS", get("DSAR_IDENTITY_REQUEST_WORKING_DAYS", "3"), 0, 30
    )
    values["file_key"] = get("DSAR_FILE_KEY", "")
    values["audit_rectification"] = _choice(
        "DSAR_AUDIT_RECTIFICATION", get("DSAR_AUDIT_RECTIFICATION") or "values", AUDIT_MODES
    )
    values["rate_limit_storage"] = get("DSAR_RATE_LIMIT_STORAGE") or "memory://"
    values["trusted_proxies"] = _int("DSAR_TRUSTED_PROXIES", get("DSAR_TRUSTED_PROXIES", "0"), 0, 5)
    values["rate_limits_enabled"] = _bool(
        "DSAR_RATE_LIMITS_ENABLED", get("DSAR_RATE_LIMITS_ENABLED", "true")
    )
    values["confirmation_link_days"] = _int(
        "DSAR_CONFIRMATION_LINK_DAYS", get("DSAR_CONFIRMATION_LINK_DAYS", "7"), 1, 90
    )
    values["upload_max_bytes"] = _int(
        "DSAR_UPLOAD_MAX_BYTES", get("DSAR_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)), 1024, 10**7
    )
    values["upload_retention_days"] = _int(
        "DSAR_UPLOAD_RETENTION_DAYS", get("DSAR_UPLOAD_RETENTION_DAYS", "90"), 1, 3650
    )
    values["documents_after_decision_days"] = _int(
        "DSAR_DOCUMENTS_AFTER_DECISION_DAYS",
        get("DSAR_DOCUMENTS_AFTER_DECISION_DAYS", "7"),
        0,
        365,
    )
    values["reminder_days"] = _days_list(
        "DSAR_REMINDER_DAYS", get("DSAR_REMINDER_DAYS", "14,7,3,1")
    )
    values["confirmation_expiry_days"] = _int(
        "DSAR_CONFIRMATION_EXPIRY_DAYS", get("DSAR_CONFIRMATION_EXPIRY_DAYS", "7"), 1, 90
    )
    values["unconfirmed_purge_days"] = _int(
        "DSAR_UNCONFIRMED_PURGE_DAYS", get("DSAR_UNCONFIRMED_PURGE_DAYS", "30"), 0, 365
    )
    values["retention_years"] = _int(
        "DSAR_RETENTION_YEARS", get("DSAR_RETENTION_YEARS", "3"), 1, 30
    )
    values["dpo_mailbox_language"] = _choice(
        "DSAR_DPO_MAILBOX_LANGUAGE",
        get("DSAR_DPO_MAILBOX_LANGUAGE") or DEFAULT_LANGUAGE,
        LANGUAGES,
    )
    values["download_days"] = _int("DSAR_DOWNLOAD_DAYS", get("DSAR_DOWNLOAD_DAYS", "14"), 1, 90)
    values["staff_idle_minutes"] = _int(
        "DSAR_STAFF_IDLE_MINUTES", get("DSAR_STAFF_IDLE_MINUTES", "60"), 5, 24 * 60
    )
    values["staff_session_hours"] = _int(
        "DSAR_STAFF_SESSION_HOURS", get("DSAR_STAFF_SESSION_HOURS", "12"), 1, 7 * 24
    )
    values["transmit_allow_local_http"] = _bool(
        "DSAR_TRANSMIT_ALLOW_LOCAL_HTTP", get("DSAR_TRANSMIT_ALLOW_LOCAL_HTTP", "false")
    )
    values["transmit_allow_private"] = _bool(
        "DSAR_TRANSMIT_ALLOW_PRIVATE", get("DSAR_TRANSMIT_ALLOW_PRIVATE", "false")
    )
    values["mailboxes"] = mailboxes_from(env_vars)
    values["mailbox_max_bytes"] = _int(
        "DSAR_MAILBOX_MAX_BYTES", get("DSAR_MAILBOX_MAX_BYTES", str(20 * 1024 * 1024)), 10**5, 10**9
    )
    if env == "production" and not values["smtp_host"]:
        raise ConfigError("DSAR_SMTP_HOST is required in production: dsar sends mail over SMTP")
    values["secret_key"] = secret_key(env, get("DSAR_SECRET_KEY", ""), instance_path)
    values["suppression_salt"] = suppression_salt(
        get("DSAR_SUPPRESSION_SALT", ""), values["secret_key"]
    )
    values["audit_key"] = audit_key(get("DSAR_AUDIT_KEY", ""), values["secret_key"])
    values["signing_key"] = signing_seed(get("DSAR_SIGNING_KEY", ""), instance_path)
    values["signing_key_generated"] = not get("DSAR_SIGNING_KEY", "").strip()
    if values["subdivision"]:
        _check_subdivision(str(values["country"]), str(values["subdivision"]))

    known = {f.name for f in fields(Settings)}
    for key, value in overrides.items():
        if key not in known:
            raise ConfigError(f"unknown setting override {key!r}")
        values[key] = value
    return Settings(**values)


def _check_subdivision(country: str, subdivision: str) -> None:
    import holidays

    valid = holidays.list_supported_countries()[country]
    if subdivision not in valid:
        raise ConfigError(
            f"DSAR_SUBDIVISION={subdivision!r} is not a subdivision of {country}: "
            f"use one of {', '.join(valid)}"
        )
