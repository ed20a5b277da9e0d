"""PURE: check an export ZIP or a letter PDF with its receipt against a public key.

Each check returns what failed, one line a problem; an empty list means valid. Nothing here
needs the app, the database or the network: `dsar receipt verify` works offline.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from dsar.core.signing import fingerprint, signature_valid
from dsar.core.words import N_, Said
from dsar.fulfilment.writer import SIGNATURE
from dsar.receipts.receipt import signed_bytes

MANIFEST = "manifest.json"


class PublicKeyError(ValueError):
    """The public key given cannot be read."""


@dataclass
class Outcome:
    what: Said  # "export DSAR-… (12 files)" or "letter DSAR-…"
    problems: list[Said] = field(default_factory=list)

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
    outcome = Outcome(N_("export"))
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        outcome.problems.append(N_("not a readable ZIP: %(error)s", error=str(error)))
        return outcome
    with archive:
        names = set(archive.namelist())
        for needed in (MANIFEST, SIGNATURE):
            if needed not in names:
                outcome.problems.append(N_("%(name)s is missing", name=needed))
        if outcome.problems:
            return outcome
        try:
            text = archive.read(MANIFEST)
            signature = archive.read(SIGNATURE).decode("ascii", "replace")
        except (zipfile.BadZipFile, OSError) as error:  # a damaged member fails its CRC
            outcome.problems.append(
                N_("%(name)s cannot be read: %(error)s", name=MANIFEST, error=str(error))
            )
            return outcome
        if not signature_valid(key, signature, text):
            outcome.problems.append(
                N_(
                    "%(signature)s: the signature does not match %(name)s",
                    signature=SIGNATURE,
                    name=MANIFEST,
                )
            )
        manifest = _json(text, outcome)
        if manifest is None:
            return outcome
        files = manifest.get("files") or []
        if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
            outcome.problems.append(N_("%(name)s lists its files wrongly", name=MANIFEST))
            return outcome
        outcome.what = N_(
            "export %(reference)s (%(count)d files)",
            reference=str(manifest.get("reference")),
            count=len(files),
        )
        listed = {str(f.get("name")) for f in files}
        for entry in files:
            _check_member(archive, entry, outcome)
        for extra in sorted(names - listed - {MANIFEST, SIGNATURE}):
            if not extra.endswith("/"):
                outcome.problems.append(
                    N_("%(member)s: in the ZIP but not in %(name)s", member=extra, name=MANIFEST)
                )
    return outcome


def _json(text: bytes, outcome: Outcome) -> dict[str, Any] | None:
    try:
        found = json.loads(text)
    except ValueError:
        outcome.problems.append(N_("%(name)s is not JSON", name=MANIFEST))
        return None
    if not isinstance(found, dict):
        outcome.problems.append(N_("%(name)s is not a JSON object", name=MANIFEST))
        return None
    return found


def _check_member(archive: zipfile.ZipFile, entry: dict[str, Any], outcome: Outcome) -> None:
    name = str(entry.get("name"))
    digest, size = hashlib.sha256(), 0
    try:  # read in chunks: a small upload may inflate to a member far larger than memory
        with archive.open(name) as member:
            for chunk in iter(lambda: member.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
    except KeyError:
        outcome.problems.append(
            N_("%(member)s: listed in %(name)s but missing", member=name, name=MANIFEST)
        )
        return
    except (zipfile.BadZipFile, OSError) as error:
        outcome.problems.append(
            N_("%(member)s: cannot be read (%(error)s)", member=name, error=str(error))
        )
        return
    if digest.hexdigest() != entry.get("sha256"):
        outcome.problems.append(
            N_("%(member)s: SHA-256 differs from %(name)s", member=name, name=MANIFEST)
        )
    elif size != entry.get("size"):
        outcome.problems.append(
            N_("%(member)s: size differs from %(name)s", member=name, name=MANIFEST)
        )


def verify_letter(pdf: bytes, receipt: dict[str, Any], key: bytes) -> Outcome:
    """The PDF's SHA-256 against the receipt, and the receipt's signature."""
    outcome = Outcome(N_("letter %(reference)s", reference=str(receipt.get("reference"))))
    if hashlib.sha256(pdf).hexdigest() != receipt.get("pdf_sha256"):
        outcome.problems.append(N_("the PDF's SHA-256 differs from the receipt's pdf_sha256"))
    if not signature_valid(key, str(receipt.get("signature", "")), signed_bytes(receipt)):
        outcome.problems.append(N_("the receipt's signature does not match its content"))
    if receipt.get("fingerprint") not in (None, fingerprint(key)):
        outcome.problems.append(N_("the receipt names another key's fingerprint"))
    return outcome


def verify_upload(document: bytes, receipt: bytes | None, key: bytes) -> Outcome:
    """What a visitor handed the public check: an export ZIP, or a letter PDF with its receipt."""
    if document.startswith(b"PK"):
        return verify_export(io.BytesIO(document), key)
    if not document.startswith(b"%PDF"):
        return Outcome(N_("file"), [N_("neither an export ZIP nor a letter PDF")])
    if receipt is None:
        return Outcome(N_("letter"), [N_("a letter is checked with its receipt (.receipt.json)")])
    try:
        found = json.loads(receipt)
    except ValueError:
        found = None
    if not isinstance(found, dict):
        return Outcome(N_("letter"), [N_("the receipt is not a receipt's JSON")])
    return verify_letter(document, found, key)
