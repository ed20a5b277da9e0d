"""Staff mark areas and search terms in an extract, then apply them: a redacted copy is stored
beside the original, and from then on the export takes the copy (docs/redaction.md).

Every decision goes into the request's audit trail: what (an area or a search term), where
(page and area, or how many places a term covered) and the reason; never the term itself,
which is the very text that is removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.words import N_, Said
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.fulfilment.models import ManualFinding
from dsar.redaction.models import Redaction, RedactionJob, RedactionReason
from dsar.redaction.pdf import PDF, REDACTABLE, Mark, count_matches, page_sizes, redact
from dsar.requests.models import Request

MAX_TERM = 200


class RedactionError(ValueError):
    """A redaction cannot be recorded or applied as asked; the message says why."""


def redactable_extract(session: Session, request: Request, file_id: int) -> StoredFile | None:
    """The request's extract with this id if it is a PDF, PNG or JPEG of a manual entry."""
    stored = session.get(StoredFile, file_id)
    if (
        stored is None
        or stored.request_id != request.id
        or stored.purpose is not FilePurpose.EXTRACT
        or stored.content_type not in REDACTABLE
        or stored.deleted_at is not None
    ):
        return None
    used = select(ManualFinding.id).where(
        ManualFinding.request_id == request.id, ManualFinding.file_id == stored.id
    )
    return stored if session.execute(used.limit(1)).first() else None


def job_of(session: Session, stored: StoredFile) -> RedactionJob | None:
    """The redaction job of a document, if staff started one."""
    query = select(RedactionJob).where(RedactionJob.original_file_id == stored.id)
    return session.execute(query).scalar_one_or_none()


def jobs_of(session: Session, request: Request) -> dict[int, RedactionJob]:
    """The request's redaction jobs by the id of the original document."""
    query = select(RedactionJob).where(RedactionJob.request_id == request.id)
    return {job.original_file_id: job for job in session.execute(query).scalars()}


def redaction_blockers(session: Session, request: Request, file_ids: Iterable[int]) -> list[str]:
    """Documents among `file_ids` with redactions not applied yet: they block the export."""
    jobs = jobs_of(session, request)
    return [
        Said(N_("%(name)s: redactions not applied yet"), name=jobs[i].original.filename)
        for i in sorted(set(file_ids))
        if i in jobs and jobs[i].pending
    ]


def _reason(reason: RedactionReason, text: str) -> str:
    text = text.strip()
    if reason is RedactionReason.OTHER and not text:
        raise RedactionError(Said(N_("describe the reason in your words")))
    if len(text) > 500:
        raise RedactionError(Said(N_("the reason is longer than 500 characters")))
    return text


def _job(
    session: Session, request: Request, stored: StoredFile, actor: str, now: datetime
) -> RedactionJob:
    job = job_of(session, stored)
    if job is None:
        job = RedactionJob(
            request_id=request.id, original_file_id=stored.id, created_by=actor, created_at=now
        )
        session.add(job)
    job.pending = True
    return job


def _record(
    session: Session, request: Request, action: str, redaction: Redaction, actor: str, now: datetime
) -> None:
    """The decision in the trail: what, where and why; a term only as 'a term'."""
    payload: dict[str, Any] = {
        "document": redaction.job.original_file_id,
        "redaction": redaction.id,
        "kind": "term" if redaction.term is not None else "area",
        "matches": redaction.matches,
        "reason": redaction.reason.value,
        "reason_text": redaction.reason_text,
    }
    if redaction.term is None:
        payload["page"] = (redaction.page or 0) + 1
        payload["area"] = [redaction.x0, redaction.y0, redaction.x1, redaction.y1]
    record_event(session, request, action, actor=actor, now=now, payload=payload)


def add_area(
    session: Session,
    request: Request,
    stored: StoredFile,
    data: bytes,
    *,
    page: int,
    rect: tuple[float, float, float, float],
    reason: RedactionReason,
    reason_text: str,
    actor: str,
    now: datetime,
) -> Redaction:
    """Mark an area of a page (0-based, PDF points) of the document whose bytes are `data`."""
    text = _reason(reason, reason_text)
    sizes = page_sizes(data, stored.content_type)
    if not 0 <= page < len(sizes):
        raise RedactionError(Said(N_("the document has no page %(page)s"), page=page + 1))
    x0, y0, x1, y1 = (round(v, 1) for v in rect)
    if x1 - x0 < 1 or y1 - y0 < 1:
        raise RedactionError(Said(N_("the area is empty: give its left, top, right and bottom")))
    mark = Mark(page=page, rect=(x0, y0, x1, y1))
    if not count_matches(data, stored.content_type, mark):
        raise RedactionError(Said(N_("the area lies outside page %(page)s"), page=page + 1))
    job = _job(session, request, stored, actor, now)
    redaction = Redaction(job=job, page=page, x0=x0, y0=y0, x1=x1, y1=y1, matches=1,
                          reason=reason, reason_text=text, added_by=actor,
                          added_at=now)  # fmt: skip
    session.add(redaction)
    session.flush()
    _record(session, request, "redaction_added", redaction, actor, now)
    return redaction


def add_term(
    session: Session,
    request: Request,
    stored: StoredFile,
    data: bytes,
    *,
    term: str,
    reason: RedactionReason,
    reason_text: str,
    actor: str,
    now: datetime,
) -> Redaction:
    """Mark every place a term is found; a term found nowhere is refused, never kept."""
    text = _reason(reason, reason_text)
    term = " ".join(term.split())
    if not term or len(term) > MAX_TERM:
        raise RedactionError(Said(N_("give a search term of 1 to %(n)s characters"), n=MAX_TERM))
    found = count_matches(data, stored.content_type, Mark(term=term))
    if not found:
        raise RedactionError(
            Said(N_("the term matches nothing in the document's text: nothing was marked"))
        )
    job = _job(session, request, stored, actor, now)
    redaction = Redaction(job=job, term=term, matches=found, reason=reason, reason_text=text,
                          added_by=actor, added_at=now)  # fmt: skip
    session.add(redaction)
    session.flush()
    _record(session, request, "redaction_added", redaction, actor, now)
    return redaction


def remove_redaction(
    session: Session, request: Request, redaction: Redaction, *, actor: str, now: datetime
) -> None:
    """Take a redaction back; the copy must be applied again before the next export."""
    job = redaction.job
    _record(session, request, "redaction_removed", redaction, actor, now)
    job.redactions.remove(redaction)
    job.pending = bool(job.redactions) or job.redacted_file_id is not None
    session.flush()


def marks_of(job: RedactionJob) -> list[Mark]:
    """The job's redactions as marks for the PDF work."""
    return [
        Mark(term=r.term)
        if r.term is not None
        else Mark(page=r.page, rect=(r.x0 or 0, r.y0 or 0, r.x1 or 0, r.y1 or 0))
        for r in job.redactions
    ]


def apply_redactions(
    session: Session,
    store: FileStore,
    request: Request,
    job: RedactionJob,
    data: bytes,
    *,
    actor: str,
    now: datetime,
) -> StoredFile:
    """Make the redacted copy of the job's original (`data`), store it encrypted; audited."""
    redacted, counts = redact(data, job.original.content_type, marks_of(job))
    for redaction, count in zip(job.redactions, counts, strict=True):
        redaction.matches = count
    stem = PurePosixPath(job.original.filename).stem or "document"
    stored = store.save(session, redacted, filename=f"{stem}-redacted.pdf", content_type=PDF,
                        purpose=FilePurpose.EXTRACT, now=now, request_id=request.id)  # fmt: skip
    replaced = job.redacted_file_id
    job.redacted_file_id, job.pending = stored.id, False
    job.applied_by, job.applied_at = actor, now
    session.flush()
    record_event(
        session,
        request,
        "redaction_applied",
        actor=actor,
        now=now,
        payload={
            "document": job.original_file_id,
            "redacted_file": stored.id,
            "redacted_sha256": stored.sha256,
            "replaces": replaced,
            "redactions": [
                {
                    "redaction": r.id,
                    "kind": "term" if r.term is not None else "area",
                    "page": None if r.page is None else r.page + 1,
                    "matches": r.matches,
                    "reason": r.reason.value,
                    "reason_text": r.reason_text,
                }
                for r in job.redactions
            ],  # fmt: skip
        },
    )
    return stored
