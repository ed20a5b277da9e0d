"""What the jobs that carry out a staff-approved record (erasure, rectification, restriction,
stop) share: the register of the record's request."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from dsar.register import Register, find_register
from dsar.requests.models import Request


def register_of_request(
    session: Session, registers: Sequence[Register], request_id: int
) -> Register | None:
    """The loaded register of the request's controller; None when it has none (left waiting)."""
    request = session.get(Request, request_id)
    return find_register(registers, request.controller.slug) if request else None
