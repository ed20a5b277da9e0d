"""Staff review every row before release: one part of a source, a page of rows at a time, and
leaving out a row or one of its fields with a reason (Art. 15(4))."""

from __future__ import annotations

from math import ceil

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.fulfilment.claims import verified_subject
from dsar.fulfilment.exclusions import exclude, exclusions_of, include_again
from dsar.fulfilment.models import Exclusion, ExclusionReason, FindingStatus, SearchFinding
from dsar.fulfilment.plan import plan_parts
from dsar.fulfilment.search import FulfilmentError, latest_run, register_for
from dsar.register.datasources import ManualSource
from dsar.requests.models import Request
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.sources import RegisterMismatch, SourceUnreachable, connector_for
from dsar.sources.base import row_key
from dsar.web.forms import WebForm
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import error_words
from dsar.web.staff.data_words import EXCLUSION_REASONS

PAGE_SIZE = 50


class UndoForm(WebForm):
    """Only the CSRF token: the exclusion to undo is in the URL."""


class ExcludeForm(WebForm):
    source_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    part = HiddenField(validators=[DataRequired(), Length(max=128)])
    row_key = HiddenField(validators=[DataRequired(), Length(max=200)])
    page = IntegerField(validators=[Optional()])
    field = SelectField(
        _l("Leave out"), choices=[SelectChoice("", _l("the whole row"))], validate_choice=False
    )
    reason_code = SelectField(
        _l("Because"),
        choices=[SelectChoice(r.value, label) for r, label in EXCLUSION_REASONS.items()],
    )
    reason = StringField(_l("In your words"), validators=[DataRequired(), Length(max=500)])


def _finding(found: Request, source_id: str, part: str) -> SearchFinding:
    run = latest_run(db.session(), found)
    finding = next(
        (
            f
            for f in (run.findings if run else [])
            if (f.source_id, f.part, f.status) == (source_id, part, FindingStatus.FOUND)
        ),
        None,
    )
    if finding is None:
        abort(404)
    return finding


@bp.get("/requests/<int:request_id>/data/review/<source_id>/<part>")
@roles_required(*REQUEST_WORKERS)
def request_data_review(request_id: int, source_id: str, part: str) -> ResponseReturnValue:
    found = visible_request(request_id)
    finding = _finding(found, source_id, part)
    register = register_for(current_app.extensions["dsar.registers"], found)
    planned = next(
        (
            p
            for p in plan_parts(register, language="en")
            if (p.source_id, p.part) == (source_id, part)
        ),
        None,
    )
    source = register.source(source_id)
    if planned is None or source is None or isinstance(source, ManualSource):
        abort(404)
    pages = max(1, ceil(finding.row_count / PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    connector = connector_for(source)
    assert connector is not None
    try:
        rows = connector.page(
            verified_subject(db.session(), found), part, (page - 1) * PAGE_SIZE, PAGE_SIZE
        )
        keys = connector.key_columns(part)
    except (SourceUnreachable, RegisterMismatch) as error:
        flash(error_words(error), "error")
        return redirect(url_for("staff.request_data", request_id=found.id))
    finally:
        connector.close()
    exclusions = [
        e for e in exclusions_of(db.session(), found) if (e.source_id, e.part) == (source_id, part)
    ]
    return render_template(
        "staff/review.html",
        req=found,
        finding=finding,
        planned=planned,
        rows=[(row_key(row, keys), row) for row in rows],
        page=page,
        pages=pages,
        first=(page - 1) * PAGE_SIZE + 1,
        exclusions=exclusions,
        rows_out={e.row_key: e for e in exclusions if not e.field},
        fields_out={(e.row_key, e.field): e for e in exclusions if e.field},
        reasons=EXCLUSION_REASONS,
        exclude_form=ExcludeForm(),
    )


@bp.post("/requests/<int:request_id>/data/exclusions/<int:exclusion_id>/undo")
@roles_required(*REQUEST_WORKERS)
def request_data_include_again(request_id: int, exclusion_id: int) -> ResponseReturnValue:
    """Put a left-out row or field back into the next export."""
    found = visible_request(request_id)
    if not UndoForm().validate_on_submit():
        abort(400)
    exclusion = db.session.get(Exclusion, exclusion_id)
    if exclusion is None or exclusion.request_id != found.id:
        abort(404, _("There is no such exclusion on this request."))
    include_again(db.session(), found, exclusion, actor=current_user.email, now=clock_now())
    flash(_("It goes into the next export again; build a new export to send it."), "info")
    return redirect(url_for("staff.request_data", request_id=found.id))


@bp.post("/requests/<int:request_id>/data/exclude")
@roles_required(*REQUEST_WORKERS)
def request_data_exclude(request_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    form = ExcludeForm()
    source_id, part = form.source_id.data or "", form.part.data or ""
    finding = _finding(found, source_id, part)
    if not form.validate_on_submit() or (
        form.field.data and form.field.data not in finding.columns
    ):
        flash(_("Choose what to leave out and give the reason in your words."), "error")
    else:
        try:
            exclude(
                db.session(),
                found,
                source_id=source_id,
                part=part,
                row_key=form.row_key.data or "",
                field=form.field.data or "",
                reason_code=ExclusionReason(form.reason_code.data),
                reason=form.reason.data or "",
                actor=current_user.email,
                now=clock_now(),
            )
        except FulfilmentError as error:
            flash(error_words(error), "error")
        else:
            if form.field.data:
                left = _("The field %(name)s is left out of the export.", name=form.field.data)
            else:
                left = _("The row is left out of the export.")
            flash(left, "info")
    return redirect(
        url_for(
            "staff.request_data_review",
            request_id=found.id,
            source_id=source_id,
            part=part,
            page=form.page.data or 1,
        )
    )
