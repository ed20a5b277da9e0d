"""The daily signed checkpoint of every audit chain's head (dsar/audit/checkpoint.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from dsar.audit.checkpoint import write_checkpoint
from dsar.audit.verify import audit_breaks
from dsar.config import Settings

log = logging.getLogger(__name__)


@dataclass
class CheckpointResult:
    requests: int = 0  # request chains signed
    broken: int = 0  # breaks found: then no checkpoint is written


def checkpoint_chains(session: Session, settings: Settings, now: datetime) -> CheckpointResult:
    """Sign every chain's head, unless the trail is broken: a checkpoint of a broken trail
    would make the break its new truth, so the last good checkpoint stays the newest."""
    breaks = audit_breaks(session)
    for broken in breaks:
        log.error("audit trail broken, no checkpoint written: %s", broken)
    if breaks:
        return CheckpointResult(broken=len(breaks))
    row = write_checkpoint(session, now)
    return CheckpointResult(requests=len(row.body["requests"]))
