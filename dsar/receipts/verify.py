"""PURE: check an export ZIP or a letter PDF with its receipt against a public key.

Each check returns what failed, one line a problem; an empty list means valid. Nothing here
needs the app, the database or the network: `dsar receipt verify` works offline.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from dsar.core.signing import fingerprint, signature_valid
from dsar.fulfilment.writer import SIGNATURE
from dsar.receipts.receipt import signed_bytes

MANIFEST = "manifest.json"


class PublicKeyError(ValueError):
    """The public key given cannot be read."""


@dataclass
class Outcome:
    what: str  # "export DSAR-… (12 files)" or "letter DSAR-…"
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


def public_key(text: str) -> bytes:
    """A raw Ed25519 public key from base64, or from the JSON of /.well-known/dsar-signing-key."""
    text = text.strip()
    if text.startswith("{"):
        try:
            text = str(json.loads(text)["public_key"])
        except (ValueError, KeyError, TypeError) as error:
            raise PublicKeyError("the key file is JSON without a public_key") from error
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise PublicKeyError("the public key is not base64") from error
    if len(raw) != 32:
        raise PublicKeyError("the public key is not 32 bytes (Ed25519)")
    return raw


def verify_export(source: str | Path | IO[bytes], key: bytes) -> Outcome:
    """The manifest's signature, then every member's SHA-256 and size against the manifest."""
    outcome = Outcome("export")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        outcome.problems.append(f"not a readable ZIP: {error}")
        return outcome
    with archive:
        names = set(archive.namelist())
        for needed in (MANIFEST, SIGNATURE):
            if needed not in names:
                outcome.problems.append(f"{needed} is missing")
        if outcome.problems:
            return outcome
        try:
            text = archive.read(MANIFEST)
            signature = archive.read(SIGNATURE).decode("ascii", "replace")
        except (zipfile.BadZipFile, OSError) as error:  # a damaged member fails its CRC
            outcome.problems.append(f"{MANIFEST} cannot be read: {error}")
            return outcome
        if not signature_valid(key, signature, text):
            outcome.problems.append(f"{SIGNATURE}: the signature does not match {MANIFEST}")
        manifest = _json(text, outcome)
        if manifest is None:
            return outcome
        files = manifest.get("files") or []
        outcome.what = f"export {manifest.get('reference')} ({len(files)} files)"
        listed = {str(f.get("name")) for f in files}
        for entry in files:
            _check_member(archive, entry, outcome)
        for extra in sorted(names - listed - {MANIFEST, SIGNATURE}):
            if not extra.endswith("/"):
                outcome.problems.append(f"{extra}: in the ZIP but not in {MANIFEST}")
    return outcome


def _json(text: bytes, outcome: Outcome) -> dict[str, Any] | None:
    try:
        found = json.loads(text)
    except ValueError:
        outcome.problems.append(f"{MANIFEST} is not JSON")
        return None
    if not isinstance(found, dict):
        outcome.problems.append(f"{MANIFEST} is not a JSON object")
        return None
    return found


def _check_member(archive: zipfile.ZipFile, entry: dict[str, Any], outcome: Outcome) -> None:
    name = str(entry.get("name"))
    try:
        data = archive.read(name)
    except KeyError:
        outcome.problems.append(f"{name}: listed in {MANIFEST} but missing")
        return
    except (zipfile.BadZipFile, OSError) as error:
        outcome.problems.append(f"{name}: cannot be read ({error})")
        return
    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        outcome.problems.append(f"{name}: SHA-256 differs from {MANIFEST}")
    elif len(data) != entry.get("size"):
        outcome.problems.append(f"{name}: size differs from {MANIFEST}")


def verify_letter(pdf: bytes, receipt: dict[str, Any], key: bytes) -> Outcome:
    """The PDF's SHA-256 against the receipt, and the receipt's signature."""
    outcome = Outcome(f"letter {receipt.get('reference')}")
    if hashlib.sha256(pdf).hexdigest() != receipt.get("pdf_sha256"):
        outcome.problems.append("the PDF's SHA-256 differs from the receipt's pdf_sha256")
    if not signature_valid(key, str(receipt.get("signature", "")), signed_bytes(receipt)):
        outcome.problems.append("the receipt's signature does not match its content")
    if receipt.get("fingerprint") not in (None, fingerprint(key)):
        outcome.problems.append("the receipt names another key's fingerprint")
    return outcome
