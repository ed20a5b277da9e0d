"""The settings that are keys: the secret key, the suppression salt and the audit key.

Each is given in the environment or, where an install can live without setting it, derived
from the secret key (`dsar check-deploy` warns about a derived one in production).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

KEY_MIN = 16  # characters: shorter keys stop start-up


class ConfigError(Exception):
    """A setting is missing or has a value dsar cannot use; the message names the variable."""


def secret_key(env: str, raw: str, instance_path: Path) -> str:
    """DSAR_SECRET_KEY; outside production a generated one kept in the instance folder."""
    if raw:
        if len(raw) < KEY_MIN:
            raise ConfigError("DSAR_SECRET_KEY is too short: use at least 16 random characters")
        return raw
    if env == "production":
        raise ConfigError(
            "DSAR_SECRET_KEY is required in production: set it to a long random value "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    # Development and tests keep a generated key in the instance folder so sessions survive.
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def suppression_salt(raw: str, secret: str) -> str:
    """DSAR_SUPPRESSION_SALT, or one derived from the secret key (docs/suppression.md)."""
    if raw:
        if len(raw.strip()) < KEY_MIN:
            raise ConfigError(
                "DSAR_SUPPRESSION_SALT is too short: use at least 16 random characters"
            )
        return raw.strip()
    return derived_suppression_salt(secret)


def derived_suppression_salt(secret: str) -> str:
    """The salt used when DSAR_SUPPRESSION_SALT is not set: tied to the secret key."""
    return hmac.new(secret.encode(), b"dsar suppression salt", hashlib.sha256).hexdigest()


def audit_key(raw: str, secret: str) -> str:
    """DSAR_AUDIT_KEY, or one derived from the secret key (docs/audit.md)."""
    if raw:
        if len(raw.strip()) < KEY_MIN:
            raise ConfigError("DSAR_AUDIT_KEY is too short: use at least 16 random characters")
        return raw.strip()
    return derived_audit_key(secret)


def derived_audit_key(secret: str) -> str:
    """The audit key used when DSAR_AUDIT_KEY is not set: tied to the secret key."""
    return hmac.new(secret.encode(), b"dsar audit key", hashlib.sha256).hexdigest()
