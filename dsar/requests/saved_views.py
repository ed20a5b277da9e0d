"""Queue views a staff member saves ("mine, due this week"): a name and the queue's filters.

Only the queue's own filter parameters are kept (never the page), so opening a saved view is
the queue with those filters; each staff member sees and deletes only their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.core.words import N_
from dsar.requests.models import SAVED_VIEW_NAME_MAX as NAME_MAX
from dsar.requests.models import SavedView
from dsar.requests.queue import FILTER_KEYS

VIEWS_MAX = 20


class SavedViewError(ValueError):
    """The view cannot be saved as asked; the message says why."""


def views_of(session: Session, user: StaffUser) -> list[SavedView]:
    query = select(SavedView).where(SavedView.staff_id == user.id).order_by(SavedView.name)
    return list(session.execute(query).scalars())


def save_view(
    session: Session, user: StaffUser, name: str, args: Mapping[str, str], *, now: datetime
) -> SavedView:
    """Save the queue's current filters under `name`; the same name again replaces them."""
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise SavedViewError(
            N_("give the view a name of 1 to %(value)s characters", value=NAME_MAX)
        )
    filters = [(k, args[k].strip()) for k in FILTER_KEYS if (args.get(k) or "").strip()]
    if not filters:
        raise SavedViewError(N_("choose at least one filter to save"))
    mine = views_of(session, user)
    view = next((v for v in mine if v.name == name), None)
    if view is None:
        if len(mine) >= VIEWS_MAX:
            raise SavedViewError(
                N_("you have %(value)s saved views: delete one first", value=VIEWS_MAX)
            )
        view = SavedView(staff_id=user.id, name=name, created_at=now)
        session.add(view)
    view.query = urlencode(filters)[:1000]
    session.flush()
    return view


def delete_view(session: Session, user: StaffUser, view_id: int) -> bool:
    """Delete one of the user's own views; False when they have none with that id."""
    view = session.get(SavedView, view_id)
    if view is None or view.staff_id != user.id:
        return False
    session.delete(view)
    session.flush()
    return True
