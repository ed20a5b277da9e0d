"""Staff revoke a subject's download link from the request's data page (POST, CSRF, audited)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.fulfilment.links import revoke_link
from dsar.fulfilment.models import Export
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.fulfilment import ActionForm


@bp.post("/requests/<int:request_id>/data/exports/<int:export_id>/revoke")
@roles_required(*REQUEST_WORKERS)
def revoke_export_link(request_id: int, export_id: int) -> ResponseReturnValue:
    """End one export's download link now; who may work on the request may."""
    found = visible_request(request_id)  # the queue's visibility rules: 404 for others'
    export = db.session.get(Export, export_id)
    if export is None or export.request_id != found.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if revoke_link(db.session(), found, export, actor=current_user.email, now=clock_now()):
        flash(_("The download link was revoked; it now tells the subject so."), "info")
    else:
        flash(_("That link had ended already; nothing was changed."), "info")
    return redirect(url_for("staff.request_data", request_id=found.id), 303)
