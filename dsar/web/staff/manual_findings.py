"""Staff record what a manual source holds: entries per category, and upload links for owners."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.storage import FileStore
from dsar.fulfilment.manual_findings import (
    ManualFindingError,
    add_finding,
    check_extract,
    findings_of,
    parse_rows,
    remove_finding,
    store_extract,
)
from dsar.fulfilment.manual_links import links_of, send_upload_link
from dsar.fulfilment.models import ManualFinding, ManualTask
from dsar.fulfilment.search import register_for
from dsar.intake.uploads import UploadRejected
from dsar.redaction.operations import jobs_of
from dsar.redaction.pdf import REDACTABLE
from dsar.register import Register
from dsar.register.datasources import ManualSource
from dsar.requests.models import Request
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.web.forms import WebForm
from dsar.web.intake.language import language
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import error_words

EXTRACT_REFUSED = _l(
    "The extract was refused: use a PDF, PNG, JPEG, CSV or saved e-mail (.eml) within the "
    "size limit."
)


class FindingForm(WebForm):
    category = StringField(_l("Data category"), validators=[DataRequired(), Length(max=64)])
    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=500)])
    rows = TextAreaField(_l("Rows"), validators=[Optional(), Length(max=100_000)])


class UploadLinkForm(WebForm):
    owner_email = EmailField(
        _l("System owner's e-mail address"), validators=[DataRequired(), Email(), Length(max=320)]
    )
    message = TextAreaField(_l("Message for the owner"), validators=[Optional(), Length(max=2000)])


def _register(found: Request) -> Register:
    return register_for(current_app.extensions["dsar.registers"], found)


def _categories(register: Register, task: ManualTask) -> list[tuple[str, str]]:
    """The source's register categories as (id, label) for the form's menu."""
    source = register.source(task.source_id)
    ids = source.categories if isinstance(source, ManualSource) else []
    labels = []
    for category_id in ids:
        category = register.category(category_id)
        label = category.label.get(language(), category.label.languages[0]) if category else None
        labels.append((category_id, label or category_id))
    return labels


def manual_context(found: Request, tasks: list[ManualTask]) -> dict[str, Any]:
    """What the data page shows of the manual tasks: entries, links, categories, forms."""
    register = _register(found)
    return {
        "manual_entries": findings_of(db.session(), found),
        "upload_links": links_of(db.session(), found),
        "redaction_jobs": jobs_of(db.session(), found),  # by original file id
        "redactable": REDACTABLE,
        "task_categories": {t.id: _categories(register, t) for t in tasks},
        "finding_form": FindingForm(),
        "upload_link_form": UploadLinkForm(),
        "owner_contacts": {
            t.id: getattr(register.source(t.source_id), "contact", None) or "" for t in tasks
        },
    }


def _task(request_id: int, task_id: int) -> tuple[Request, ManualTask]:
    found = visible_request(request_id)
    task = db.session.get(ManualTask, task_id)
    if task is None or task.request_id != found.id:
        abort(404)
    return found, task


def _back(found: Request) -> ResponseReturnValue:
    return redirect(url_for("staff.request_data", request_id=found.id) + "#manual")


@bp.post("/requests/<int:request_id>/data/tasks/<int:task_id>/findings")
@roles_required(*REQUEST_WORKERS)
def manual_finding_add(request_id: int, task_id: int) -> ResponseReturnValue:
    found, task = _task(request_id, task_id)
    form = FindingForm()
    if not form.validate_on_submit():
        flash(_("Choose a category and describe the entry."), "error")
        return _back(found)
    settings = current_app.config["DSAR_SETTINGS"]
    session, now = db.session(), clock_now()
    upload = request.files.get("extract")
    try:
        rows = parse_rows(form.rows.data or "")
        file_id = None
        if upload is not None and upload.filename:
            limit = settings.upload_max_bytes
            checked = check_extract(upload.filename, upload.read(limit + 1), max_bytes=limit)
            file_id = store_extract(
                session, FileStore.from_settings(settings), found, checked, now=now
            )
        add_finding(
            session,
            found,
            task,
            categories=[c for c, _label in _categories(_register(found), task)],
            category=form.category.data or "",
            description=form.description.data or "",
            rows=rows,
            file_id=file_id,
            actor=current_user.email,
            now=now,
        )
    except UploadRejected:
        flash(str(EXTRACT_REFUSED), "error")
        return _back(found)
    except ManualFindingError as error:
        session.rollback()  # an extract stored before the refusal goes with it
        flash(error_words(error), "error")
        return _back(found)
    flash(_("Entry added to %(source)s.", source=task.source_name), "info")
    return _back(found)


@bp.post("/requests/<int:request_id>/data/tasks/<int:task_id>/findings/<int:finding_id>/remove")
@roles_required(*REQUEST_WORKERS)
def manual_finding_remove(request_id: int, task_id: int, finding_id: int) -> ResponseReturnValue:
    found, task = _task(request_id, task_id)
    finding = db.session.get(ManualFinding, finding_id)
    if finding is None or finding.task_id != task.id or not WebForm().validate_on_submit():
        abort(404)
    try:
        remove_finding(
            db.session(), found, task, finding, actor=current_user.email, now=clock_now()
        )
    except ManualFindingError as error:
        flash(error_words(error), "error")
    return _back(found)


@bp.post("/requests/<int:request_id>/data/tasks/<int:task_id>/upload-link")
@roles_required(*REQUEST_WORKERS)
def manual_upload_link(request_id: int, task_id: int) -> ResponseReturnValue:
    found, task = _task(request_id, task_id)
    form = UploadLinkForm()
    if not form.validate_on_submit():
        flash(_("Give the system owner's e-mail address."), "error")
        return _back(found)
    settings = current_app.config["DSAR_SETTINGS"]
    try:
        link = send_upload_link(
            db.session(),
            found,
            task,
            owner_email=form.owner_email.data or "",
            actor=current_user.email,
            now=clock_now(),
            base_url=settings.base_url,
            language=_register(found).controller.languages[0],
            message=form.message.data or "",
        )
    except ManualFindingError as error:
        flash(error_words(error), "error")
        return _back(found)
    flash(
        _(
            "Upload link mailed to %(owner)s; it works once, until %(day)s.",
            owner=link.owner_email,
            day=link.expires_at.strftime("%Y-%m-%d"),
        ),
        "info",
    )
    return _back(found)
