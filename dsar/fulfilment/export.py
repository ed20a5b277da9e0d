"""Build the access (Art. 15) or portability (Art. 20) export ZIP and store it encrypted.

The ZIP holds data.json (by source and part, then by category with its Art. 15(1) facts),
one CSV per table or file, index.html to read offline, and manifest.json with the SHA-256 of
every file. docs/fulfilment.md ("The export ZIP") documents the format.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.signing import install_signer
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.fulfilment import art15
from dsar.fulfilment.claims import verified_subject
from dsar.fulfilment.copy_delivery import COPY_KIND
from dsar.fulfilment.delivery import new_download
from dsar.fulfilment.exclusions import excluded_for
from dsar.fulfilment.links import end_links
from dsar.fulfilment.manual_export import manual_export
from dsar.fulfilment.manual_tasks import tasks_of
from dsar.fulfilment.models import Export, ExportKind, LinkEnd, ManualTask
from dsar.fulfilment.plan import ColumnFilter, export_contents, plan_parts
from dsar.fulfilment.search import (
    ConnectorFactory,
    FulfilmentError,
    completion_blockers,
    latest_run,
)
from dsar.fulfilment.writer import FORMAT, FORMATS, PartWritten, write_export
from dsar.letters.facts import ExportedPart
from dsar.register import Register
from dsar.register.datasources import ManualSource
from dsar.requests.models import Request
from dsar.sources import Connector, connector_for


@dataclass(frozen=True)
class BuiltExport:
    export: Export
    token: str  # the subject's download token; only its hash is stored
    password: str | None  # shown once to staff, to send the subject by another channel


def export_formats(request: Request, kind: ExportKind) -> tuple[str, ...]:
    """The files a ZIP holds: portability in the format the subject chose (both if they asked
    for both, "both" on the form, or said nothing); an access copy always both."""
    if kind is not ExportKind.PORTABILITY:
        return FORMATS
    chosen = (request.details or {}).get("format")
    wanted = {chosen} if isinstance(chosen, str) else set(chosen or ())
    return tuple(f for f in FORMATS if f in wanted) or FORMATS


def copy_facts(session: Session, request: Request) -> dict[str, Any]:
    """What the request's latest copy of its own kind (not revoked) holds, as FoundData's
    fields for letters: its parts and format; {} before such a copy was built."""
    kind = COPY_KIND.get(request.type, ExportKind.ACCESS)
    export = session.execute(
        select(Export)
        .where(Export.request_id == request.id, Export.kind == kind, Export.revoked_at.is_(None))
        .order_by(Export.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if export is None or export.contents is None:
        return {}
    parts = [
        ExportedPart(
            c["label"], tuple(c["files"]), c["rows"], tuple(c["categories"]), tuple(c["columns"])
        )
        for c in export.contents
    ]
    files = {f for p in parts for f in p.files}
    formats = [
        name
        for name, there in (
            ("JSON", "data.json" in files),
            ("CSV", any(f.endswith(".csv") for f in files)),
        )
        if there
    ]
    return {"exported": tuple(parts), "copy_format": ", ".join(formats) or "JSON, CSV"}


def export_head(
    register: Register, request: Request, kind: ExportKind, *, now: datetime, language: str
) -> dict[str, Any]:
    """The opening keys of data.json: what this file is, who answers, about whom."""
    return {
        "format": FORMAT,
        "kind": kind.value,
        "reference": request.reference,
        "created_at": now.isoformat(timespec="seconds"),
        "language": language,
        **art15.controller_info(register, language),
        "subject": {"name": request.subject_name, "email": request.subject_email},
    }


def export_tail(
    register: Register, manual: Iterable[ManualTask], language: str
) -> Callable[[list[PartWritten]], dict[str, Any]]:
    """The closing keys of data.json, from what was written: manual sources and categories."""

    def tail(parts: list[PartWritten]) -> dict[str, Any]:
        found: dict[str, list[dict[str, Any]]] = {}
        activities: dict[str, list[str]] = {}
        for written in parts:
            if not written.rows:
                continue
            for info in written.planned.column_info:
                for category in info["categories"]:
                    places = found.setdefault(category, [])
                    source, part = written.planned.source_id, written.planned.part
                    entry = next(
                        (p for p in places if (p["source"], p["part"]) == (source, part)), None
                    )
                    if entry is None:
                        entry = {"source": source, "part": part, "columns": []}
                        places.append(entry)
                    entry["columns"].append(info["name"])
                    activities.setdefault(category, []).extend(info["activities"])
        order = [c.id for c in register.categories]
        return {
            "manual_sources": [
                {"id": t.source_id, "name": t.source_name, "searched_at": _iso(t.done_at)}
                for t in manual
            ],
            "categories": [
                art15.category_info(register, c, found[c], activities[c], language)
                for c in sorted(found, key=lambda c: order.index(c) if c in order else len(order))
            ],
        }

    return tail


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")


def build_export(
    session: Session,
    request: Request,
    register: Register,
    store: FileStore,
    *,
    kind: ExportKind,
    actor: str,
    now: datetime,
    download_days: int,
    templates: str,
    with_password: bool = False,
    connectors: ConnectorFactory = connector_for,
) -> BuiltExport:
    """Check nothing blocks, write the ZIP in one streamed pass, store it encrypted; audited.

    The ZIP is written to a temporary file and encrypted from there in chunks, so memory does
    not grow with its size. The request's earlier links end (superseded) in the same unit.
    """
    blockers = completion_blockers(session, request)
    if blockers:
        raise FulfilmentError("the export is blocked: " + "; ".join(blockers))
    from dsar.fulfilment.portability import portable_column

    language = (
        request.language
        if request.language in register.controller.languages
        else register.controller.languages[0]
    )
    keep = portable_column if kind is ExportKind.PORTABILITY else None
    plan = plan_parts(register, keep, language=language)
    formats = export_formats(request, kind)
    manual = [] if kind is ExportKind.PORTABILITY else tasks_of(session, request, done=True)
    open_connectors: dict[str, Connector] = {}
    for source in register.sources:
        if not isinstance(source, ManualSource) and any(p.source_id == source.id for p in plan):
            connector = connectors(source)
            assert connector is not None  # only manual sources have none
            open_connectors[source.id] = connector
    expires = now + timedelta(days=download_days)
    try:
        with tempfile.TemporaryFile() as out:
            written = write_export(
                out,
                head=export_head(register, request, kind, now=now, language=language),
                plan=plan,
                connectors=open_connectors,
                subject=verified_subject(session, request),
                excluded=excluded_for(session, request),
                tail=export_tail(register, manual, language),
                created_at=now,
                templates=templates,
                formats=formats,
                manual=manual_export(session, request, register, store, manual, language=language),
                signer=install_signer(),
            )
            out.seek(0)
            stored = store.save_file(  # encrypted chunk by chunk: never held whole
                session,
                out,
                filename=f"{request.reference or request.id}-{kind.value}.zip",
                content_type="application/zip",
                purpose=FilePurpose.EXPORT,
                now=now,
                request_id=request.id,
                delete_after=expires,
            )
    finally:
        for connector in open_connectors.values():
            connector.close()
    token, token_hash, password, password_hash = new_download(with_password)
    run = latest_run(session, request)
    export = Export(
        request_id=request.id,
        search_run_id=run.id if run else None,
        kind=kind,
        file_id=stored.id,
        row_count=written.rows,
        created_by=actor,
        created_at=now,
        token_hash=token_hash,
        expires_at=expires,
        password_hash=password_hash,
        contents=export_contents(written.parts, formats),
    )
    session.add(export)
    session.flush()
    # The old links die before the new one is mailed: one may hold rows excluded since.
    end_links(
        session,
        request,
        LinkEnd.SUPERSEDED,
        actor=actor,
        now=now,
        keep=export.id,
        payload={"by_export": export.id},
    )
    record_event(
        session,
        request,
        f"build_{kind.value}_export",
        actor=actor,
        now=now,
        payload={
            "export": export.id,
            "file_sha256": stored.sha256,
            "rows": written.rows,
            "excluded_rows": sum(p.excluded for p in written.parts),
            "excluded_fields": sum(p.excluded_fields for p in written.parts),
            "formats": list(formats),
            "expires_at": expires.isoformat(),
            "password": password is not None,
        },
    )
    return BuiltExport(export, token, password)


__all__ = ["BuiltExport", "ColumnFilter", "build_export", "export_head", "plan_parts"]
