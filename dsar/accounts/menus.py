"""What the staff pages' menus list: the staff a request can be given to."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.requests.permissions import REQUEST_WORKERS


def assignable_staff(session: Session) -> Sequence[Row[int, str]]:
    """Active request workers by address, as rows with `id` and `email`."""
    return session.execute(
        select(StaffUser.id, StaffUser.email)
        .where(StaffUser.active.is_(True), StaffUser.role.in_(REQUEST_WORKERS))
        .order_by(StaffUser.email)
    ).all()
