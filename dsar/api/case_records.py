"""What a controller's system adds to a request: a document, or a manual source's findings.

Both are the records staff make (the encrypted file store with the public upload rules; the
manual task's entries and its outcome, dsar/fulfilment/manual_findings.py and manual_tasks.py),
with the key as actor. Neither takes a decision: staff still verify, answer, approve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.fulfilment.manual_findings import add_finding
from dsar.fulfilment.manual_tasks import complete_manual_task
from dsar.fulfilment.models import ManualOutcome, ManualTask
from dsar.intake.uploads import Upload
from dsar.register import Register
from dsar.register.datasources import ManualSource
from dsar.requests.models import Request


class NoOpenTask(LookupError):
    """No manual task for this source on this request (staff have not started the search)."""


@dataclass(frozen=True)
class Entry:
    category: str
    description: str
    rows: list[dict[str, Any]]


def attach_document(
    session: Session,
    store: FileStore,
    request: Request,
    upload: Upload,
    *,
    description: str,
    actor: str,
    now: datetime,
    delete_after: datetime,
) -> StoredFile:
    """Store a checked upload encrypted with the request's files, and audit it.

    Kept until `delete_after`, as the public form's uploads; the identity decision shortens it.
    """
    stored = store.save(
        session,
        upload.data,
        filename=upload.filename,
        content_type=upload.content_type,
        purpose=FilePurpose.SUPPORTING_DOCUMENT,
        now=now,
        request_id=request.id,
        delete_after=delete_after,
    )
    record_event(
        session,
        request,
        "document_attached",
        actor=actor,
        now=now,
        payload={
            "file_id": stored.id,
            "filename": stored.filename,
            "sha256": stored.sha256,
            "description": description.strip()[:500],
        },
    )
    return stored


def report_findings(
    session: Session,
    request: Request,
    register: Register,
    source_id: str,
    *,
    outcome: ManualOutcome,
    entries: list[Entry],
    note: str,
    actor: str,
    now: datetime,
) -> ManualTask:
    """Record a manual source's entries and its outcome, as staff do on the data page.

    NoOpenTask if staff have not opened the source's task; ManualFindingError or
    ManualTaskError (nothing written stays: the caller rolls back) if it cannot be recorded.
    """
    task = session.scalar(
        select(ManualTask).where(
            ManualTask.request_id == request.id, ManualTask.source_id == source_id
        )
    )
    if task is None:
        raise NoOpenTask(f"no search of {source_id!r} was started for this request")
    source = register.source(task.source_id)
    categories = list(source.categories) if isinstance(source, ManualSource) else []
    for entry in entries:
        add_finding(
            session,
            request,
            task,
            categories=categories,
            category=entry.category,
            description=entry.description,
            rows=entry.rows,
            file_id=None,
            actor=actor,
            now=now,
        )
    return complete_manual_task(
        session, request, task, actor=actor, now=now, note=note, outcome=outcome
    )
