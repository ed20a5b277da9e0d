"""Manual intake: a request that came by e-mail, letter or phone, with its time of receipt."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from dsar.controllers.models import Controller
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.storage import FileStore
from dsar.representatives.models import Relationship
from dsar.representatives.operations import NewRepresentation
from dsar.requests.manual_intake import ManualRequest, Original, record_manual_request
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.requests.workflow import Channel, RequestType
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required
from dsar.web.staff.case_words import error_words
from dsar.web.staff.common import workable_controllers
from dsar.web.staff.forms import ManualRequestForm
from dsar.web.staff.labels import written_date


@bp.route("/requests/new", methods=["GET", "POST"])
@roles_required(*REQUEST_WORKERS)
def new_request() -> ResponseReturnValue:
    user = current_user._get_current_object()
    form = ManualRequestForm()
    controllers = workable_controllers(user)
    form.controller.choices = [SelectChoice(c.id, c.name) for c in controllers]
    status = 200
    if form.validate_on_submit():
        controller = db.session.get(Controller, form.controller.data)
        original = _file(form.original.data)
        settings = current_app.config["DSAR_SETTINGS"]
        try:
            assert controller is not None  # the choices hold only existing controllers
            created = record_manual_request(
                db.session(),
                ManualRequest(
                    controller=controller,
                    type=RequestType(form.type.data),
                    channel=Channel(form.channel.data),
                    language=form.language.data or "en",
                    subject_name=form.subject_name.data or "",
                    subject_email=form.subject_email.data,
                    subject_address=form.subject_address.data,
                    subject_phone=form.subject_phone.data,
                    description=form.description.data or "",
                    received_local=form.received_at.data,
                    salutation=form.salutation.data or None,
                    representation=representation_of(form),
                    representative_address=form.rep_address.data,
                    proof=_file(form.proof.data),
                ),
                original,
                user=user,
                store=FileStore.from_settings(settings),
                now=clock_now(),
            )
        except ValueError as error:
            db.session.rollback()
            flash(_("Not recorded: %(reason)s.", reason=error_words(error)), "error")
            status = 400
        else:
            due = written_date(created.due_date) if created.due_date else "—"
            flash(_("Recorded %(reference)s; due %(date)s.", reference=created.reference, date=due),
                  "ok")  # fmt: skip
            return redirect(url_for("staff.detail", request_id=created.id), 303)
    elif form.is_submitted():
        status = 400
    return render_template("staff/new_request.html", form=form), status


def _file(upload: Any) -> Original | None:
    if upload is None or not getattr(upload, "filename", None):
        return None
    return Original(upload.filename, upload.mimetype or "", upload.read())


def representation_of(form: ManualRequestForm) -> NewRepresentation | None:
    """The representative the form names, if "on the subject's behalf" is ticked."""
    if not form.on_behalf.data:
        return None
    relation = Relationship(form.relation.data)
    note = (form.relation_note.data or "").strip()
    return NewRepresentation(
        name=(form.rep_name.data or "").strip(),
        email=(form.rep_email.data or "").strip() or None,
        relation=relation,
        relation_note=note or None,
    )
