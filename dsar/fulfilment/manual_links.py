"""Upload links for system owners: a single-use, expiring link to supply a manual source's data.

Staff create one for an open manual task and it is mailed to the system's owner through the
outbox. Only the SHA-256 of the token is stored, like the download links
(docs/download-links.md). The owner's page shows the request's reference and the search
instructions, nothing of the subject's data; one submission uses the link up.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.words import N_
from dsar.fulfilment.delivery import token_hash
from dsar.fulfilment.manual_findings import ManualFindingError, add_finding
from dsar.fulfilment.models import ManualFinding, ManualTask, ManualUploadLink
from dsar.outbox.mail import enqueue
from dsar.requests.models import Request

DEFAULT_DAYS = 7


class UploadLinkError(Exception):
    """No usable link: unknown ("invalid"), expired ("expired"), used or task done ("used")."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class OwnerEntry:
    """What the owner typed or attached for one category (files already stored)."""

    category: str
    description: str
    rows: list[dict[str, Any]]
    file_id: int | None


def send_upload_link(
    session: Session,
    request: Request,
    task: ManualTask,
    *,
    owner_email: str,
    actor: str,
    now: datetime,
    base_url: str,
    language: str,
    message: str = "",
    days: int = DEFAULT_DAYS,
) -> ManualUploadLink:
    """Create a link for the task's source and queue its mail to the owner; audited.

    `message` (staff's words, e.g. what to search by) goes into the mail only.
    """
    if task.outcome is not None:
        raise ManualFindingError(f"the search of {task.source_name} is already complete")
    owner_email = owner_email.strip()
    if "@" not in owner_email or len(owner_email) > 320:
        raise ManualFindingError(N_("give the system owner's e-mail address"))
    token = secrets.token_urlsafe(32)
    link = ManualUploadLink(
        request_id=request.id,
        task_id=task.id,
        token_hash=token_hash(token),
        owner_email=owner_email,
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    enqueue(
        session,
        key=f"manual_upload:{link.id}",
        to=owner_email,
        template="manual_upload",
        language=language,
        context={
            "reference": request.reference or str(request.id),
            "source": task.source_name,
            "instructions": task.instructions,
            "controller": request.controller.name,
            "link": f"{base_url}/c/{request.controller.slug}/extract/{token}",
            "until": link.expires_at,
            "message": message.strip(),
        },
        now=now,
        request_id=request.id,
    )
    record_event(
        session,
        request,
        "manual_upload_link_sent",
        actor=actor,
        now=now,
        payload={
            "source": task.source_id,
            "link": link.id,
            "to": owner_email,
            "expires_at": link.expires_at.isoformat(),
        },
    )
    return link


def find_upload_link(
    session: Session, token: str, *, controller_id: int, now: datetime
) -> tuple[ManualUploadLink, ManualTask, Request]:
    """The controller's live link for `token`, its task and request; UploadLinkError if none."""
    found = session.execute(
        select(ManualUploadLink, ManualTask, Request)
        .join(ManualTask, ManualTask.id == ManualUploadLink.task_id)
        .join(Request, Request.id == ManualUploadLink.request_id)
        .where(
            ManualUploadLink.token_hash == token_hash(token),
            Request.controller_id == controller_id,
        )
    ).one_or_none()
    if found is None:
        raise UploadLinkError("invalid")
    link, task, request = found
    if link.used_at is not None or task.outcome is not None:
        raise UploadLinkError("used")
    if link.expires_at <= now:
        raise UploadLinkError("expired")
    return link, task, request


def submit_owner_findings(
    session: Session,
    link: ManualUploadLink,
    task: ManualTask,
    request: Request,
    *,
    categories: list[str],
    entries: list[OwnerEntry],
    nothing_found: bool,
    note: str,
    now: datetime,
) -> list[ManualFinding]:
    """Record the owner's entries (or that they found nothing) and use the link up; audited.

    The link is used up by one conditional UPDATE, so two submissions racing on the same
    link cannot both record.
    """
    if not entries and not nothing_found:
        raise ManualFindingError(N_("add the data found, or say that nothing was found"))
    if entries and nothing_found:
        raise ManualFindingError(N_("either add the data found or say that nothing was found"))
    used = session.execute(
        update(ManualUploadLink)
        .where(ManualUploadLink.id == link.id, ManualUploadLink.used_at.is_(None))
        .values(used_at=now, owner_found_nothing=nothing_found)
        .returning(ManualUploadLink.id),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    if used is None:
        raise UploadLinkError("used")
    link.used_at, link.owner_note = now, note.strip()[:4000] or None
    link.owner_found_nothing = nothing_found
    actor = f"system owner {link.owner_email}"
    added = [
        add_finding(
            session,
            request,
            task,
            categories=categories,
            category=entry.category,
            description=entry.description,
            rows=entry.rows,
            file_id=entry.file_id,
            actor=actor,
            now=now,
        )
        for entry in entries
    ]
    record_event(
        session,
        request,
        "manual_findings_supplied",
        actor=actor,
        now=now,
        payload={
            "source": task.source_id,
            "link": link.id,
            "entries": [f.id for f in added],
            "nothing_found": nothing_found,
        },
    )
    return added


def links_of(session: Session, request: Request) -> dict[int, list[ManualUploadLink]]:
    """The request's upload links by task id, newest first, for the data page."""
    by_task: dict[int, list[ManualUploadLink]] = {}
    query = (
        select(ManualUploadLink)
        .where(ManualUploadLink.request_id == request.id)
        .order_by(ManualUploadLink.id.desc())
    )
    for link in session.execute(query).scalars():
        by_task.setdefault(link.task_id, []).append(link)
    return by_task
