"""Merging duplicates on the case page: what templates/staff/_merge.html shows, and the merge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import abort, flash, make_response, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import AnyOf, DataRequired

from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.models import FilePurpose, StoredFile
from dsar.requests.decisions import NotPermitted, StaleForm
from dsar.requests.merging import MergeRefused, absorbed_by, merge, merge_problems, older_first
from dsar.requests.models import Request
from dsar.requests.permissions import REQUEST_WORKERS, may_merge
from dsar.requests.repeats import OtherRequest
from dsar.requests.workflow import IllegalTransition
from dsar.web.forms import WebForm
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import first_upper, said


class MergeForm(WebForm):
    """Merge this request and `other`; `keep` says which one survives."""

    other = IntegerField(validators=[DataRequired()])
    keep = StringField(validators=[DataRequired(), AnyOf(("this", "other"))])
    version = IntegerField(validators=[DataRequired()])
    other_version = IntegerField(validators=[DataRequired()])
    confirmed = BooleanField()  # "I have checked …": required, checked here (no JS confirm)


@dataclass(frozen=True)
class Candidate:
    """An open duplicate this request can be merged with: which one is kept by default (the
    older, whose deadline runs from the earlier receipt), and whether the other way is possible."""

    other: Request
    keep_other: bool
    older: Request
    other_way: bool


@dataclass(frozen=True)
class Absorbed:
    request: Request
    files: list[StoredFile]


@dataclass(frozen=True)
class MergePanel:
    merged_into: Request | None  # this request was merged into that one
    absorbed: list[Absorbed]  # the requests merged into this one
    candidates: list[Candidate]


@bp.app_template_global("merge_panel")
def merge_panel(req: Request, others: Sequence[OtherRequest]) -> MergePanel:
    """What the case page shows of merging: where this request went, what it also covers,
    and the open duplicates (among the subject's `others`, as the page read them) that the
    signed-in member may merge it with."""
    session = db.session()
    absorbed = [Absorbed(r, _files_of(r)) for r in absorbed_by(session, req)]
    candidates = []
    user = current_user._get_current_object()
    for o in others:
        other = o.request
        if not o.possible_duplicate or not may_merge(user, req, other):
            continue
        older, _newer = older_first(req, other)
        keep_other = older is other
        possible = [
            keep for keep in (keep_other, not keep_other)
            if not merge_problems(*((req, other) if keep else (other, req)))
        ]  # fmt: skip
        if possible:  # the older one first, if the older one can be kept
            candidates.append(Candidate(other, possible[0], older, len(possible) == 2))
    return MergePanel(req.merged_into, absorbed, candidates)


def _files_of(request: Request) -> list[StoredFile]:
    """What the subject (or staff for them) attached to a merged request; exports are ours."""
    return list(
        db.session.scalars(
            select(StoredFile)
            .where(StoredFile.request_id == request.id, StoredFile.purpose != FilePurpose.EXPORT)
            .order_by(StoredFile.id)
        )
    )


def _refuse(request_id: int, message: str, status: int) -> ResponseReturnValue:
    """The case page again with the reason; nothing was changed."""
    from dsar.web.staff.detail import detail

    db.session.rollback()
    flash(message, "error")
    response = make_response(detail(request_id))
    response.status_code = status
    return response


@bp.post("/requests/<int:request_id>/merge")
@roles_required(*REQUEST_WORKERS)
def merge_view(request_id: int) -> ResponseReturnValue:
    """Merge the request with one of its open duplicates; the kept one answers both."""
    req = visible_request(request_id)
    form = MergeForm()
    if not form.validate_on_submit():
        return _refuse(request_id, _("The form is incomplete; nothing was changed."), 400)
    other = visible_request(form.other.data or 0)  # a request they may not open: 404
    if not form.confirmed.data:
        message = _("Tick “I have checked …” to confirm the merge; nothing was changed.")
        return _refuse(request_id, message, 400)
    keep_other = form.keep.data == "other"
    duplicate, survivor = (req, other) if keep_other else (other, req)
    versions = (form.version.data or 0, form.other_version.data or 0)
    if not keep_other:
        versions = versions[::-1]
    try:
        merge(
            db.session(), duplicate, survivor,
            user=current_user._get_current_object(), now=clock_now(), versions=versions,
        )  # fmt: skip
        db.session.flush()  # a conflict shows here, not at the commit
    except NotPermitted as error:
        abort(403, _("%(why)s. Nothing was changed.", why=first_upper(said(error))))
    except (StaleForm, StaleDataError):
        message = _(
            "One of the requests changed meanwhile; nothing was changed. Reload and decide again."
        )
        return _refuse(request_id, message, 409)
    except (MergeRefused, IllegalTransition) as error:
        why = (
            "; ".join(said(p) for p in error.problems)
            if isinstance(error, MergeRefused)
            else said(error)
        )
        message = _("Not merged: %(why)s. Nothing was changed.", why=why)
        return _refuse(request_id, message, 409)
    flash(
        _(
            "Merged: %(duplicate)s into %(survivor)s; the answer to %(survivor)s answers both.",
            duplicate=duplicate.reference,
            survivor=survivor.reference,
        ),
        "ok",
    )
    return redirect(url_for("staff.detail", request_id=survivor.id), 303)
