"""Ending download links before they expire (docs/download-links.md).

A rebuilt export supersedes the earlier ones; a request withdrawn, refused or whose subject
could not be identified ends every link it has; staff revoke one. Each end is one UPDATE and
one audit event in the caller's transaction, and the link then answers 410 with the reason.
"""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from dsar.audit.request_trail import lock_request, record_event
from dsar.fulfilment.models import Export, LinkEnd
from dsar.requests.models import Request
from dsar.requests.workflow import Status

# The request closed without the answer the links carry. Completing delivers the answer
# through them (they stay); an unconfirmed request that expired never had one.
ENDED_BY_STATUS: MappingProxyType[Status, LinkEnd] = MappingProxyType(
    {
        Status.WITHDRAWN: LinkEnd.WITHDRAWN,
        Status.REFUSED: LinkEnd.REFUSED,
        Status.IDENTITY_FAILED: LinkEnd.IDENTITY_FAILED,
        Status.MERGED: LinkEnd.MERGED,
    }
)


def end_links(
    session: Session,
    request: Request,
    reason: LinkEnd,
    *,
    actor: str,
    now: datetime,
    export_id: int | None = None,
    keep: int | None = None,
    payload: dict[str, Any] | None = None,
) -> list[int]:
    """End the request's live links (only `export_id`'s when given; never `keep`'s); audited.

    Live: neither ended nor expired. Returns the ids of the exports whose links ended; none
    ended, nothing is written.
    """
    lock_request(session, request.id)
    query = (
        update(Export)
        .where(
            Export.request_id == request.id,
            Export.live_at(now),
        )
        .values(revoked_at=now, revoked_reason=reason, revoked_by=actor)
        .returning(Export.id)
    )
    if export_id is not None:
        query = query.where(Export.id == export_id)
    if keep is not None:
        query = query.where(Export.id != keep)
    ended = sorted(
        session.execute(query, execution_options={"synchronize_session": "fetch"}).scalars()
    )
    if ended:
        record_event(
            session,
            request,
            "revoke_download_links",
            actor=actor,
            now=now,
            payload={"exports": ended, "reason": reason.value, **(payload or {})},
        )
    return ended


def end_links_on_close(session: Session, request: Request, *, actor: str, now: datetime) -> None:
    """After a decision: a request closed without its answer takes every link with it."""
    reason = ENDED_BY_STATUS.get(request.status)
    if reason is not None:
        end_links(session, request, reason, actor=actor, now=now)


def revoke_link(
    session: Session, request: Request, export: Export, *, actor: str, now: datetime
) -> bool:
    """Staff end one export's link; False when it had ended or expired already."""
    ended = end_links(session, request, LinkEnd.STAFF, actor=actor, now=now, export_id=export.id)
    return bool(ended)
