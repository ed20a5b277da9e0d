"""The readable members of an evidence pack: the timeline, the verification, the README.

Pure over what dsar/receipts/evidence.py reads: events, broken links, the key's fingerprint.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from html import escape
from typing import Any

from dsar.audit.chain import BrokenLink, utc_text
from dsar.requests.models import RequestEvent


def event_record(event: RequestEvent) -> dict[str, Any]:
    """One event as timeline.json holds it: every field the chain hashes, its hash and scheme."""
    return {
        "seq": event.seq,
        "time": utc_text(event.created_at),
        "action": event.action,
        "actor": event.actor,
        "payload": event.payload,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "scheme": event.hash_scheme,
    }


def broken_record(broken: BrokenLink | None) -> dict[str, Any] | None:
    if broken is None:
        return None
    return {
        "seq": broken.seq,
        "event_id": broken.event_id,
        "fault": broken.fault.value,
        "reason": broken.reason,
    }


def verification(
    *,
    reference: str,
    events: int,
    chain: BrokenLink | None,
    checkpoint_at: datetime | None,
    against_checkpoint: BrokenLink | None,
    checked_at: datetime,
    key: dict[str, str],
) -> dict[str, Any]:
    """verification.json: the chain in itself, the chain against the newest signed checkpoint."""
    return {
        "format": "dsar-verification/1",
        "reference": reference,
        "checked_at": utc_text(checked_at),
        "events": events,
        "chain": {"intact": chain is None, "broken": broken_record(chain)},
        "checkpoint": {
            "newest_signed": utc_text(checkpoint_at) if checkpoint_at else None,
            "intact": against_checkpoint is None if checkpoint_at else None,
            "broken": broken_record(against_checkpoint),
        },
        "signing_key": key,
    }


_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:4px;vertical-align:top;text-align:left}"
    "code,pre{font-size:85%;overflow-wrap:anywhere;white-space:pre-wrap}"
)


def timeline_html(reference: str, records: Iterable[dict[str, Any]]) -> Iterable[str]:
    """timeline.html, in pieces: the same events as timeline.json, as a table."""
    title = escape(f"{reference}: timeline")
    yield (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_STYLE}</style></head><body>\n<h1>{title}</h1>\n<table>\n<tr><th>#</th>"
        "<th>Time (UTC)</th><th>Action</th><th>Actor</th><th>Payload</th>"
        "<th>Previous hash / hash (scheme)</th></tr>\n"
    )
    for r in records:
        payload = json.dumps(r["payload"], ensure_ascii=False, indent=1, sort_keys=True)
        yield (
            f"<tr><td>{r['seq']}</td><td>{escape(r['time'])}</td><td>{escape(r['action'])}</td>"
            f"<td>{escape(r['actor'])}</td><td><pre>{escape(payload)}</pre></td>"
            f"<td><code>{escape(r['prev_hash'])}</code><br><code>{escape(r['hash'])}</code> "
            f"({escape(r['scheme'])})</td></tr>\n"
        )
    yield "</table>\n</body></html>\n"


_README = {
    "en": (
        "Evidence pack of request {reference}\n\n"
        "timeline.json and timeline.html: every event recorded on the request, with its hash "
        "chain.\nverification.json: the result of checking that chain, in itself and against "
        "the newest signed checkpoint, when this pack was made; and the signing key's "
        "fingerprint.\nletters/: each letter sent or posted, its PDF as stored and its signed "
        "receipt.\nexports/: the manifest.json and manifest.json.sig of each export. The "
        "exports' data itself is NOT in this pack.\nmanifest.json lists every file here with "
        "its SHA-256; manifest.json.sig is the install's Ed25519 signature over it. Check it "
        "with `dsar receipt verify evidence-{reference}.zip --key KEY`.\n"
    ),
    "de": (
        "Nachweispaket der Anfrage {reference}\n\n"
        "timeline.json und timeline.html: jedes zur Anfrage aufgezeichnete Ereignis mit seiner "
        "Hash-Kette.\nverification.json: das Ergebnis der Prüfung dieser Kette, in sich und "
        "gegen den neuesten signierten Kontrollpunkt, zum Zeitpunkt der Erstellung dieses "
        "Pakets; und der Fingerabdruck des Signaturschlüssels.\nletters/: jedes versandte "
        "oder per Post verschickte Schreiben, sein PDF wie gespeichert und seine signierte "
        "Quittung.\nexports/: manifest.json und manifest.json.sig jedes Exports. Die Daten "
        "der Exporte selbst sind NICHT in diesem Paket.\nmanifest.json führt jede Datei hier "
        "mit ihrem SHA-256 auf; manifest.json.sig ist die Ed25519-Signatur der Installation "
        "darüber. Prüfen Sie sie mit `dsar receipt verify evidence-{reference}.zip --key "
        "SCHLÜSSEL`.\n"
    ),
}


def readme(reference: str, language: str) -> str:
    """README.txt in the request's language, or English."""
    return _README.get(language, _README["en"]).format(reference=reference)
