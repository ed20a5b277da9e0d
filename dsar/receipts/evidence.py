"""The evidence pack of one request: what a DPO hands a supervisory authority (Art. 5(2)).

One ZIP, written in one streamed pass to a file (a temporary one for a download): the
request's timeline with its hash chain (timeline.json, timeline.html), the result of verifying
that chain in itself and against the newest signed checkpoint (verification.json), each sent
or posted letter's stored PDF and its receipt, each export's manifest.json and
manifest.json.sig (not its data), a README.txt, and a manifest.json of the pack signed like an
export's, so `dsar receipt verify evidence-REFERENCE.zip` checks the pack itself
(docs/receipts.md#evidence-pack). Reads only; never commits.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dsar.audit.chain import BrokenLink
from dsar.audit.checkpoint import checkpoint_breaks, standing
from dsar.audit.request_trail import chain_breaks
from dsar.core.signing import Signer
from dsar.files.storage import FileStore, StorageError
from dsar.fulfilment.models import Export
from dsar.fulfilment.writer import SIGNATURE, Member, write_manifest, zip_stamp
from dsar.letters.models import Letter, LetterStatus
from dsar.receipts.evidence_parts import event_record, readme, timeline_html, verification
from dsar.receipts.receipt import receipt_text
from dsar.requests.models import Request, RequestEvent

FORMAT = "dsar-manifest/1"
KIND = "evidence"
CHUNK = 1 << 16


def pack_name(request: Request) -> str:
    return f"evidence-{request.reference}.zip"


class _Pack:
    """The archive and the members written so far, each hashed as it is written."""

    def __init__(self, out: IO[bytes], now: datetime) -> None:
        self.archive = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self.stamp = zip_stamp(now)
        self.members: list[Member] = []

    def write(self, name: str, chunks: Iterable[bytes]) -> None:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        digest, size = hashlib.sha256(), 0
        with self.archive.open(info, "w") as target:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        self.members.append(Member(name, digest.hexdigest(), size))

    def text(self, name: str, pieces: Iterable[str]) -> None:
        self.write(name, (piece.encode("utf-8") for piece in pieces))


def write_evidence(
    session: Session,
    request: Request,
    out: IO[bytes],
    *,
    store: FileStore,
    signer: Signer,
    now: datetime,
) -> list[Member]:
    """Write the request's evidence pack into `out`; the members listed in its manifest."""
    pack = _Pack(out, now)
    with pack.archive:
        pack.text("timeline.json", _timeline_json(session, request))
        html = timeline_html(str(request.reference), _records(session, request))
        pack.text("timeline.html", html)
        pack.text("verification.json", [_verification(session, request, signer, now)])
        _letters(session, request, store, pack)
        _exports(session, request, store, pack)
        pack.text("README.txt", [readme(str(request.reference), request.language)])
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "reference": request.reference,
            "kind": KIND,
            "created_at": now.isoformat(),
            "files": [{"name": m.name, "sha256": m.sha256, "size": m.size} for m in pack.members],
        }
        write_manifest(pack.archive, manifest, signer, pack.stamp)
    return pack.members


def evidence_file(
    session: Session, request: Request, *, store: FileStore, signer: Signer, now: datetime
) -> IO[bytes]:
    """The pack in a temporary file, rewound: the caller streams it out and closes it."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - the caller's download closes it
    try:
        write_evidence(session, request, spool, store=store, signer=signer, now=now)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def chunks_of(file: IO[bytes]) -> Iterator[bytes]:
    """A file's bytes in chunks; closes it when done (a download's body)."""
    with file:
        while chunk := file.read(CHUNK):
            yield chunk


def _records(session: Session, request: Request) -> Iterator[dict[str, Any]]:
    query = (
        select(RequestEvent)
        .where(RequestEvent.request_id == request.id)
        .order_by(RequestEvent.seq)
        .execution_options(yield_per=500)
    )
    with session.execute(query).scalars() as events:
        for event in events:
            yield event_record(event)


def _timeline_json(session: Session, request: Request) -> Iterator[str]:
    yield '{\n  "reference": ' + json.dumps(request.reference) + ',\n  "events": ['
    for index, record in enumerate(_records(session, request)):
        yield ("\n    " if index == 0 else ",\n    ") + json.dumps(record, ensure_ascii=False)
    yield "\n  ]\n}\n"


def _verification(session: Session, request: Request, signer: Signer, now: datetime) -> str:
    found = standing(session)
    breaks = chain_breaks(session, request.id, keyed_from=found.keyed_from("request_event"))
    name = f"request {request.id}"
    against: BrokenLink | None = next(
        (b for b in checkpoint_breaks(session, found) if b.chain == name), None
    )
    result = verification(
        reference=str(request.reference),
        events=request.event_seq or 0,
        chain=breaks[0] if breaks else None,
        checkpoint_at=found.checkpoint.created_at if found.checkpoint else None,
        against_checkpoint=against,
        checked_at=now,
        key=signer.published(),
    )
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def _letters(session: Session, request: Request, store: FileStore, pack: _Pack) -> None:
    letters = session.scalars(
        select(Letter)
        .where(
            Letter.request_id == request.id,
            or_(Letter.status == LetterStatus.SENT, Letter.posted_on.is_not(None)),
        )
        .order_by(Letter.id)
    )
    for letter in letters:
        if letter.pdf_file is None:
            continue
        stem = f"letters/{letter.id}-{letter.type}-{letter.language}"
        try:
            stream = store.stream(letter.pdf_file)
        except (StorageError, OSError):
            pack.text(f"{stem}.NOTE.txt", ["Not in this pack: the stored PDF could not be read.\n"])
        else:
            try:
                pack.write(f"{stem}.pdf", stream)
            finally:
                stream.close()
        if letter.receipt:
            pack.text(f"{stem}.receipt.json", [receipt_text(letter.receipt)])


def _exports(session: Session, request: Request, store: FileStore, pack: _Pack) -> None:
    exports = session.scalars(
        select(Export).where(Export.request_id == request.id).order_by(Export.id)
    )
    for export in exports:
        folder = f"exports/{export.id}-{export.kind.value}"
        missing = _export_manifests(export, store, pack, folder)
        if missing:  # said, not left out in silence: an unreadable, deleted or unsigned export
            pack.text(f"{folder}/NOTE.txt", [f"Not in this pack: {missing}.\n"])


def _export_manifests(export: Export, store: FileStore, pack: _Pack, folder: str) -> str:
    """Copy the export's manifest.json and its signature; what could not be copied, or ""."""
    with tempfile.TemporaryFile() as spool:  # a ZIP is read from its end: spool it first
        try:
            stream = store.stream(export.file)
            try:
                for chunk in stream:
                    spool.write(chunk)
            finally:
                stream.close()
        except (StorageError, OSError):
            return "the stored export could not be read (deleted after its retention?)"
        spool.seek(0)
        try:
            archive = zipfile.ZipFile(spool)
        except zipfile.BadZipFile:
            return "the stored export is not a readable ZIP"
        with archive:
            names = set(archive.namelist())
            for member in ("manifest.json", SIGNATURE):
                if member in names:
                    with archive.open(member) as source:
                        pack.write(f"{folder}/{member}", chunks_of(source))
            absent = [m for m in ("manifest.json", SIGNATURE) if m not in names]
    return " and ".join(f"{m} (the export has none)" for m in absent)
