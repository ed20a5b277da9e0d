"""PURE: how a lookup value becomes the salted hash the suppression list and tombstones keep.

The hash is HMAC-SHA256 keyed with the install's salt (DSAR_SUPPRESSION_SALT) over the
normalised value in UTF-8, in hex: an e-mail address stripped and in lower case, any other
key's value stripped. A tool that knows the salt checks a value the same way
(docs/suppression.md); without the salt the hashes cannot be tested against guesses.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from dsar.register.datasources import EMAIL_KEY


def normalise(key: str, value: str) -> str:
    """The form a value is hashed in: e-mail addresses stripped and lower case, others stripped."""
    text = value.strip()
    return text.lower() if key == EMAIL_KEY else text


def value_hmac(salt: str, key: str, value: str) -> str:
    """The hex HMAC-SHA256 of the normalised value under the salt."""
    message = normalise(key, value).encode("utf-8")
    return hmac.new(salt.encode("utf-8"), message, hashlib.sha256).hexdigest()


def key_hashes(salt: str, subject_keys: Mapping[str, str]) -> dict[str, str]:
    """Lookup key id -> hash of its value; keys without a value (empty, blank) are left out."""
    return {
        key: value_hmac(salt, key, value)
        for key, value in subject_keys.items()
        if normalise(key, value)
    }
