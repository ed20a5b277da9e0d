"""The settings that are keys: the secret key, the suppression salt and the audit key.

Each is given in the environment or, where an install can live without setting it, derived
from the secret key (`dsar check-deploy` warns about a derived one in production).
"""

from __future__ import annotations

import hashlib
import hmac
import os
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
    return kept_secret(instance_path, "secret_key", secrets.token_urlsafe(48))


def kept_secret(instance_path: Path, name: str, new: str) -> str:
    """The secret kept in the instance folder under `name`, written as `new` if there is none.

    Written once, whole: several processes (web workers, the scheduler, a command) may start at
    once; each writes its own draft, one hard link wins, and all read the winner's secret, never
    a half-written file or a second key that would make the first one's files unreadable.
    """
    path = instance_path / name
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        draft = instance_path / f".{name}.{secrets.token_hex(8)}"
        draft.write_text(new)
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


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
