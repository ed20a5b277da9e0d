"""Saving the queue's filters under a name, and deleting a saved view (the staff member's own)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.requests.saved_views import SavedViewError, delete_view, save_view
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required
from dsar.web.staff.case_words import error_words


@bp.post("/queue/views")
@roles_required(*REQUEST_WORKERS)
def queue_view_save() -> ResponseReturnValue:
    """Save the filters the queue shows now (posted as `back`) under the name given."""
    args: dict[str, Any] = dict(parse_qsl(request.form.get("back", "")))  # url_for takes Any
    try:
        view = save_view(db.session(), current_user, request.form.get("name", ""), args,
                         now=clock_now())  # fmt: skip
    except SavedViewError as error:
        flash(_("Not saved: %(reason)s.", reason=error_words(error)), "error")
        return redirect(url_for("staff.queue", **args), 303)
    flash(_("Saved the view \u201c%(name)s\u201d.", name=view.name), "ok")
    return redirect(url_for("staff.queue") + "?" + view.query, 303)


@bp.post("/queue/views/<int:view_id>/delete")
@roles_required(*REQUEST_WORKERS)
def queue_view_delete(view_id: int) -> ResponseReturnValue:
    if not delete_view(db.session(), current_user, view_id):
        abort(404)
    flash(_("Deleted the saved view."), "ok")
    return redirect(url_for("staff.queue"), 303)
