"""Staff pages for answering with data: search results, manual tasks, exports (review.py: rows)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length

from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.fulfilment.delivery import mail_download_link
from dsar.fulfilment.exclusions import exclusions_of
from dsar.fulfilment.export import build_export
from dsar.fulfilment.manual_findings import findings_of
from dsar.fulfilment.manual_tasks import ManualTaskError, complete_manual_task, tasks_of
from dsar.fulfilment.models import Export, ExportKind, ManualOutcome, ManualTask
from dsar.fulfilment.portability import TransmissionError, queue_transmission, transmissions_of
from dsar.fulfilment.search import (
    FulfilmentError,
    completion_blockers,
    latest_run,
    register_for,
    run_search,
)
from dsar.intake.uploads import UploadRejected, accept_upload
from dsar.register import Register
from dsar.requests.models import Request
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.web.forms import WebForm
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import error_words
from dsar.web.staff.claims import claims_context
from dsar.web.staff.data_words import EXCLUSION_REASONS
from dsar.web.staff.manual_findings import manual_context
from dsar.web.staff.review import UndoForm

OUTCOMES = {ManualOutcome.FOUND: _l("found"), ManualOutcome.NOTHING_FOUND: _l("nothing found")}


class ActionForm(WebForm):
    """A button that only needs the CSRF token."""


class TaskForm(WebForm):
    note = TextAreaField(
        _l("What was searched and found"), validators=[DataRequired(), Length(max=4000)]
    )
    outcome = RadioField(  # no default: "nothing found" is an answer staff give, never assumed
        _l("Result"),
        choices=[SelectChoice(o.value, OUTCOMES[o]) for o in ManualOutcome],
        validators=[DataRequired()],
    )


class ExportForm(WebForm):
    kind = StringField(_l("Export"), validators=[AnyOf([k.value for k in ExportKind])])
    with_password = BooleanField(_l("Protect the download with a password (sent separately)"))


class TransmitForm(WebForm):
    url = StringField(
        _l("Receiving controller's HTTPS address"), validators=[DataRequired(), Length(max=500)]
    )


def _request_or_404(request_id: int) -> Request:
    return visible_request(request_id)  # the queue's visibility rules: 404 for others' requests


def _register(found: Request) -> Register:
    return register_for(current_app.extensions["dsar.registers"], found)


def _back(found: Request) -> ResponseReturnValue:
    return redirect(url_for("staff.request_data", request_id=found.id))


@bp.get("/requests/<int:request_id>/data")
@roles_required(*REQUEST_WORKERS)
def request_data(request_id: int) -> ResponseReturnValue:
    found = _request_or_404(request_id)
    run = latest_run(db.session(), found)
    exclusions = exclusions_of(db.session(), found)
    tasks = tasks_of(db.session(), found)
    exports = (
        db.session.execute(
            select(Export).where(Export.request_id == found.id).order_by(Export.id.desc())
        )
        .scalars()
        .all()
    )
    return render_template(
        "staff/fulfilment.html",
        req=found,
        run=run,
        blockers=completion_blockers(db.session(), found),
        exclusions=exclusions,
        undo_form=UndoForm(),
        reasons=EXCLUSION_REASONS,
        tasks=tasks,
        exports=exports,
        now=clock_now(),  # which links still live
        action_form=ActionForm(),
        task_form=TaskForm(),
        export_form=ExportForm(
            kind=found.type.value if found.type.value in ("access", "portability") else "access"
        ),
        transmit_form=TransmitForm(),
        transmissions=transmissions_of(db.session(), found),
        **claims_context(found, run),
        **manual_context(found, tasks),
    )


@bp.post("/requests/<int:request_id>/data/search")
@roles_required(*REQUEST_WORKERS)
def request_data_search(request_id: int) -> ResponseReturnValue:
    found = _request_or_404(request_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        run = run_search(
            db.session(), found, _register(found), actor=current_user.email, now=clock_now()
        )
    except FulfilmentError as error:
        flash(error_words(error), "error")
        return _back(found)
    flash(
        _("Blocked: a source could not be searched.")
        if run.blocked
        else _("All sources searched."),
        "error" if run.blocked else "info",
    )
    return _back(found)


@bp.post("/requests/<int:request_id>/data/tasks/<int:task_id>")
@roles_required(*REQUEST_WORKERS)
def request_data_task(request_id: int, task_id: int) -> ResponseReturnValue:
    found = _request_or_404(request_id)
    task = db.session.get(ManualTask, task_id)
    form = TaskForm()
    if task is None or task.request_id != found.id:
        abort(404)
    if not form.validate_on_submit():
        flash(_("Describe what was searched, and choose what it found."), "error")
        return _back(found)
    try:
        complete_manual_task(
            db.session(),
            found,
            task,
            actor=current_user.email,
            now=clock_now(),
            note=form.note.data or "",
            outcome=ManualOutcome(form.outcome.data),
            evidence_file_id=_save_evidence(found, request.files.get("evidence")),
        )
    except UploadRejected:
        flash(
            _("The evidence file was refused: use a PDF, PNG or JPEG within the size limit."),
            "error",
        )
        return _back(found)
    except ManualTaskError as error:
        db.session.rollback()  # an evidence file stored before the refusal goes with it
        flash(error_words(error), "error")
        return _back(found)
    return _back(found)


def _save_evidence(found: Request, upload: FileStorage | None) -> int | None:
    """The optional evidence file: type by content (PDF, PNG, JPEG), encrypted at rest."""
    if upload is None or not upload.filename:
        return None
    settings = current_app.config["DSAR_SETTINGS"]
    accepted = accept_upload(upload.filename, upload.read(), max_bytes=settings.upload_max_bytes)
    stored = FileStore.from_settings(settings).save(
        db.session(),
        accepted.data,
        filename=accepted.filename,
        content_type=accepted.content_type,
        purpose=FilePurpose.EVIDENCE,
        now=clock_now(),
        request_id=found.id,
    )
    return stored.id


@bp.post("/requests/<int:request_id>/data/export")
@roles_required(*REQUEST_WORKERS)
def request_data_export(request_id: int) -> ResponseReturnValue:
    found = _request_or_404(request_id)
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    settings = current_app.config["DSAR_SETTINGS"]
    now = clock_now()
    try:
        built = build_export(
            db.session(),
            found,
            _register(found),
            FileStore.from_settings(settings),
            kind=ExportKind(form.kind.data),
            actor=current_user.email,
            now=now,
            download_days=settings.download_days,
            templates=str(current_app.template_folder or "templates"),
            with_password=bool(form.with_password.data),
        )
    except FulfilmentError as error:
        flash(error_words(error), "error")
        return _back(found)
    link = f"{settings.base_url}/c/{found.controller.slug}/download/{built.token}"
    mail_download_link(db.session(), found, built.export, link=link, now=now)
    entries = sum(len(found_by_task) for found_by_task in findings_of(db.session(), found).values())
    rows = ngettext(
        "%(num)s row from connected sources", "%(num)s rows from connected sources",
        built.export.row_count,
    )  # fmt: skip
    by_hand = ngettext(
        "%(num)s entry from sources searched by hand",
        "%(num)s entries from sources searched by hand",
        entries,
    )
    flash(_("Export built (%(rows)s, %(by_hand)s); the download link was mailed.",
            rows=rows, by_hand=by_hand), "info")  # fmt: skip
    if built.password:
        message = _("Send this password by another channel (shown once): %(password)s",
                    password=built.password)  # fmt: skip
        flash(message, "info")
    # The copy is ready: the next step, preparing the answer, is on the request's page.
    return redirect(url_for("staff.detail", request_id=found.id))


@bp.post("/requests/<int:request_id>/data/exports/<int:export_id>/transmit")
@roles_required(*REQUEST_WORKERS)
def request_data_transmit(request_id: int, export_id: int) -> ResponseReturnValue:
    found = _request_or_404(request_id)
    export = db.session.get(Export, export_id)
    form = TransmitForm()
    if export is None or export.request_id != found.id or export.kind is not ExportKind.PORTABILITY:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    settings = current_app.config["DSAR_SETTINGS"]
    try:
        queue_transmission(
            db.session(),
            found,
            export,
            url=form.url.data or "",
            actor=current_user.email,
            now=clock_now(),
            allow_local_http=settings.transmit_allow_local_http,
            allow_private=settings.transmit_allow_private,
        )
    except TransmissionError as error:
        flash(error_words(error), "error")
        return _back(found)
    flash(_("Queued: dsar sends it within a minute; the receiver's answer shows here."), "info")
    return _back(found)
