"""PURE: a letter's receipt, the install's signature over the letter's recorded hashes.

A receipt is a small JSON document: the letter's reference, the SHA-256 recorded at approval
(over its HTML and text) and the PDF's SHA-256, signed with the install's Ed25519 key over
the canonical JSON of every other field (sorted keys, no spaces, UTF-8). Whoever holds the
PDF and the receipt checks both with the public key alone (docs/receipts.md).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from dsar.core.signing import Signer

FORMAT = "dsar-receipt/1"


def signed_bytes(receipt: dict[str, Any]) -> bytes:
    """The exact bytes the signature covers: every field but the signature, canonical JSON."""
    body = {k: v for k, v in receipt.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def letter_receipt(
    signer: Signer,
    *,
    reference: str,
    letter_id: int,
    letter_sha256: str,
    pdf_sha256: str,
    signed_at: datetime,
) -> dict[str, Any]:
    """The signed receipt of one approved letter."""
    receipt: dict[str, Any] = {
        "format": FORMAT,
        "reference": reference,
        "letter_id": letter_id,
        "letter_sha256": letter_sha256,
        "pdf_sha256": pdf_sha256,
        "signed_at": signed_at.isoformat(),
        "algorithm": "Ed25519",
        "fingerprint": signer.fingerprint,
    }
    receipt["signature"] = signer.sign(signed_bytes(receipt))
    return receipt


def receipt_name(pdf_filename: str) -> str:
    """A letter's receipt file, named to sit beside its PDF: NAME.pdf -> NAME.receipt.json."""
    stem = pdf_filename[:-4] if pdf_filename.lower().endswith(".pdf") else pdf_filename
    return f"{stem}.receipt.json"


def receipt_text(receipt: dict[str, Any]) -> str:
    """The receipt as the file handed out beside the PDF."""
    return json.dumps(receipt, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
