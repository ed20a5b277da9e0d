"""Add to a request: a note, a document, a manual source's findings."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from flask.typing import ResponseReturnValue
from spectree import Response as Responses
from werkzeug.datastructures import FileStorage

from dsar.api.case_records import Entry, NoOpenTask, attach_document, report_findings
from dsar.api.models import Scope
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.storage import FileStore
from dsar.fulfilment.manual_findings import ManualFindingError
from dsar.fulfilment.manual_tasks import ManualTaskError
from dsar.fulfilment.search import FulfilmentError, register_for
from dsar.intake.uploads import UploadRejected, accept_upload
from dsar.requests.decisions import record_note
from dsar.web.api import bp
from dsar.web.api.auth import api_operation, current_key
from dsar.web.api.problems import ApiProblem, FieldError, Problem
from dsar.web.api.request_views import ERRORS, found_or_404
from dsar.web.api.schemas import (
    DocumentForm,
    FindingsBody,
    FindingsRecorded,
    NoteBody,
    Recorded,
)
from dsar.web.api.spec import BEARER, spec, validated

TAGS = ("requests",)
DESCRIPTION_MAX = 500
UPLOAD_REFUSED = {
    "empty": "the file is empty",
    "too_large": "the file is larger than the upload limit",
    "type": "the file is not a PDF, PNG or JPEG file",
}


@bp.post("/requests/<reference>/notes")
@api_operation(Scope.REQUESTS_WRITE)
@spec.validate(
    json=NoteBody, resp=Responses(HTTP_201=Recorded, **ERRORS), tags=TAGS, security=BEARER
)
def add_request_note(reference: str) -> ResponseReturnValue:
    """Add an internal note to the request's trail (staff read it; it is never edited)."""
    body: NoteBody = validated().json
    found, now = found_or_404(reference), clock_now()
    try:
        record_note(db.session(), found, body.text, actor=current_key().actor, now=now)
    except ValueError as error:
        raise ApiProblem(422, str(error), [FieldError(field="text", message=str(error))]) from error
    recorded = Recorded(reference=found.reference or "", action="note", at=now)
    return recorded.model_dump(mode="json"), 201


@bp.post("/requests/<reference>/documents")
@api_operation(Scope.REQUESTS_WRITE)
@spec.validate(
    form=DocumentForm,
    resp=Responses(HTTP_201=Recorded, **ERRORS),
    tags=TAGS,
    security=BEARER,
    # Parsed here, not by spectree: its error answer for an odd multipart part name is a 500.
    skip_validation=True,
)
def add_request_document(reference: str) -> ResponseReturnValue:
    """Attach a document, checked and stored encrypted like every upload."""
    found, now = found_or_404(reference), clock_now()
    description = request.form.get("description", "")
    if len(description) > DESCRIPTION_MAX:
        message = f"at most {DESCRIPTION_MAX} characters"
        raise ApiProblem(422, message, [FieldError(field="description", message=message)])
    upload = request.files.get("file")
    if not isinstance(upload, FileStorage) or not upload.filename:
        raise ApiProblem(
            422,
            "send the document as the multipart part `file`",
            [FieldError(field="file", message="a file is needed")],
        )
    settings = current_app.config["DSAR_SETTINGS"]
    limit = settings.upload_max_bytes
    try:
        accepted = accept_upload(upload.filename, upload.read(limit + 1), max_bytes=limit)
    except UploadRejected as rejected:
        reason = UPLOAD_REFUSED.get(str(rejected), "the file was refused")
        raise ApiProblem(422, reason, [FieldError(field="file", message=reason)]) from rejected
    attach_document(
        db.session(),
        FileStore.from_settings(settings),
        found,
        accepted,
        description=description,
        actor=current_key().actor,
        now=now,
        delete_after=now + timedelta(days=settings.upload_retention_days),
    )
    recorded = Recorded(reference=found.reference or "", action="document_attached", at=now)
    return recorded.model_dump(mode="json"), 201


@bp.post("/requests/<reference>/sources/<source>/findings")
@api_operation(Scope.REQUESTS_WRITE)
@spec.validate(
    json=FindingsBody,
    resp=Responses(HTTP_201=FindingsRecorded, HTTP_409=Problem, **ERRORS),
    tags=TAGS,
    security=BEARER,
)
def report_source_findings(reference: str, source: str) -> ResponseReturnValue:
    """Report what a manual source holds, or that it holds nothing: the record staff make."""
    body: FindingsBody = validated().json
    found = found_or_404(reference)
    try:
        register = register_for(current_app.extensions["dsar.registers"], found)
        task = report_findings(
            db.session(),
            found,
            register,
            source,
            outcome=body.outcome,
            entries=[Entry(e.category, e.description, list(e.rows)) for e in body.entries],
            note=body.note,
            actor=current_key().actor,
            now=clock_now(),
        )
    except NoOpenTask as missing:
        raise ApiProblem(409, str(missing)) from missing
    except (ManualFindingError, ManualTaskError, FulfilmentError) as error:
        raise ApiProblem(409, str(error)) from error
    recorded = FindingsRecorded(
        reference=found.reference or "",
        source=task.source_id,
        outcome=body.outcome,
        entries=len(body.entries),
    )
    return recorded.model_dump(mode="json"), 201
