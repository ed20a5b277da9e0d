"""The install's Ed25519 signing key: export manifests and letter receipts are signed with it.

The key is DSAR_SIGNING_KEY (base64 of the 32-byte private seed) or, when that is not set, one
generated once into the instance folder (`dsar check-deploy` warns about that in production).
Anyone checks a signature with the public key alone: `/.well-known/dsar-signing-key`, or
`dsar receipt verify` (docs/receipts.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from dsar.core.setting_keys import ConfigError, kept_secret

ALGORITHM = "Ed25519"
APP_KEY = "dsar.signer"
KEY_FILE = "signing_key"  # in the instance folder, when DSAR_SIGNING_KEY is not set


def signing_seed(raw: str, instance_path: Path) -> str:
    """DSAR_SIGNING_KEY, checked; else a seed generated once into the instance folder."""
    if raw.strip():
        seed = raw.strip()
        _seed_bytes(seed)
        return seed
    return kept_secret(instance_path, KEY_FILE, base64.b64encode(secrets.token_bytes(32)).decode())


def _seed_bytes(seed: str) -> bytes:
    try:
        raw = base64.b64decode(seed, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ConfigError(
            "DSAR_SIGNING_KEY must be the base64 of 32 random bytes "
            '(python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())")'
        )
    return raw


def fingerprint(public_raw: bytes) -> str:
    """SHA-256 of the raw public key, hex in groups of four: what a person compares."""
    digest = hashlib.sha256(public_raw).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


@dataclass(frozen=True)
class Signer:
    private: Ed25519PrivateKey

    @classmethod
    def from_seed(cls, seed: str) -> Signer:
        return cls(Ed25519PrivateKey.from_private_bytes(_seed_bytes(seed)))

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_raw)

    def sign(self, data: bytes) -> str:
        """The base64 Ed25519 signature over `data`."""
        return base64.b64encode(self.private.sign(data)).decode()

    def published(self) -> dict[str, str]:
        """What /.well-known/dsar-signing-key shows."""
        return {
            "algorithm": ALGORITHM,
            "public_key": self.public_b64,
            "fingerprint": self.fingerprint,
        }


def signature_valid(public_raw: bytes, signature_b64: str, data: bytes) -> bool:
    """Whether `signature_b64` is the key's Ed25519 signature over `data`."""
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, data)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def install_signer() -> Signer:
    """The running app's signer (`create_app()` puts it in its extensions, as the audit key)."""
    from flask import current_app

    signer: Signer = current_app.extensions[APP_KEY]
    return signer
