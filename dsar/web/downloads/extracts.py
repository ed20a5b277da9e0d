"""The system owner's upload page: a manual source's data for one request, through a secret link.

The page shows the request's reference, the system's name and the search instructions, never
the subject's data; a single submission uses the link up (dsar/fulfilment/manual_links.py).
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, make_response, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from dsar.controllers.models import Controller
from dsar.core.clock import now as clock_now
from dsar.extensions import db, limiter
from dsar.files.storage import FileStore
from dsar.fulfilment.manual_findings import (
    ManualFindingError,
    check_extract,
    parse_rows,
    store_extract,
)
from dsar.fulfilment.manual_links import (
    OwnerEntry,
    UploadLinkError,
    find_upload_link,
    submit_owner_findings,
)
from dsar.fulfilment.search import register_for
from dsar.intake.uploads import MAX_FILES, Upload, UploadRejected
from dsar.register import Register
from dsar.register.datasources import ManualSource
from dsar.web.downloads import bp
from dsar.web.forms import WebForm
from dsar.web.intake.controllers import controller_or_404
from dsar.web.page_words import _l

PROBLEMS = {
    "invalid": (_l("This upload link is not valid."), 404),
    "expired": (_l("This upload link has expired. Please ask us for a new one."), 404),
    "used": (_l("This upload link has been used already. Thank you."), 410),
}


class OwnerForm(WebForm):
    result = RadioField(
        _l("What did you find?"),
        choices=[
            SelectChoice("found", _l("Data about this person")),
            SelectChoice("nothing_found", _l("Nothing")),
        ],
        validators=[DataRequired()],
    )
    category = SelectField(_l("Kind of data"), validators=[Optional()])
    description = StringField(_l("Short description"), validators=[Optional(), Length(max=500)])
    rows = TextAreaField(_l("The data as text"), validators=[Optional(), Length(max=100_000)])
    files = MultipleFileField(_l("Extracts"))
    note = TextAreaField(
        _l("Note for our staff (optional)"), validators=[Optional(), Length(max=4000)]
    )


@bp.route("/c/<slug>/extract/<token>", methods=["GET", "POST"])
@limiter.limit("20/minute")
def owner_upload(slug: str, token: str) -> ResponseReturnValue:
    controller = controller_or_404(slug)
    now = clock_now()
    try:
        link, task, request = find_upload_link(
            db.session(), token, controller_id=controller.id, now=now
        )
    except UploadLinkError as error:
        return _problem(controller, error.problem)
    register = register_for(current_app.extensions["dsar.registers"], request)
    form = OwnerForm()
    categories = _categories(register, task.source_id)
    form.category.choices = [SelectChoice(value, label) for value, label in categories]
    context: dict[str, Any] = {"controller": controller, "task": task, "link": link}
    context["reference"] = request.reference or str(request.id)
    if not form.validate_on_submit():
        return _private(
            make_response(render_template("downloads/extract.html", form=form, **context))
        )
    try:
        entries = _entries(form, request)
        submit_owner_findings(
            db.session(),
            link,
            task,
            request,
            categories=[value for value, _label in categories],
            entries=entries,
            nothing_found=form.result.data == "nothing_found",
            note=form.note.data or "",
            now=now,
        )
    except UploadLinkError as error:
        db.session.rollback()
        return _problem(controller, error.problem)
    except (ManualFindingError, UploadRejected) as error:
        db.session.rollback()
        form.files.errors = [_reason(error)]
        page = render_template("downloads/extract.html", form=form, **context)
        return _private(make_response(page, 422))
    page = render_template("downloads/extract_done.html", **context)
    return _private(make_response(page))


def _categories(register: Register, source_id: str) -> list[tuple[str, str]]:
    source = register.source(source_id)
    language = str(get_locale() or "en")
    choices = []
    for category_id in source.categories if isinstance(source, ManualSource) else []:
        category = register.category(category_id)
        label = category.label.get(language, category.label.languages[0]) if category else None
        choices.append((category_id, label or category_id))
    return choices


def _entries(form: OwnerForm, request: Any) -> list[OwnerEntry]:
    """Check every file first (nothing is stored if one is refused), then store them."""
    if form.result.data == "nothing_found":
        return []
    limit = current_app.config["DSAR_SETTINGS"].upload_max_bytes
    files = [f for f in (form.files.data or []) if f and f.filename]
    if len(files) > MAX_FILES:
        raise ManualFindingError(_("Please upload at most %(n)d files.", n=MAX_FILES))
    checked: list[Upload] = [
        check_extract(f.filename, f.read(limit + 1), max_bytes=limit) for f in files
    ]
    try:
        rows = parse_rows(form.rows.data or "")
    except ManualFindingError:
        raise ManualFindingError(
            _(
                'Write the data as "name: value" lines, or as a table with the column '
                "names on the first line."
            )
        ) from None
    if not (form.description.data or "").strip() or not (rows or checked):
        raise ManualFindingError(_("Describe the data and add it as text or as files."))
    store = FileStore.from_settings(current_app.config["DSAR_SETTINGS"])
    file_ids = [store_extract(db.session(), store, request, u, now=clock_now()) for u in checked]
    category, description = form.category.data or "", form.description.data or ""
    entries = [
        OwnerEntry(category, description, rows if i == 0 else [], f) for i, f in enumerate(file_ids)
    ]
    return entries or [OwnerEntry(category, description, rows, None)]


def _reason(error: Exception) -> str:
    if isinstance(error, UploadRejected):
        limit = current_app.config["DSAR_SETTINGS"].upload_max_bytes
        return {
            "empty": _("A file is empty."),
            "too_large": _("A file is larger than %(mb).1f MB.", mb=limit / 1024 / 1024),
            "type": _("A file is not a PDF, PNG, JPEG, CSV or saved e-mail (.eml)."),
        }[str(error)]
    return str(error)


def _problem(controller: Controller, problem: str) -> ResponseReturnValue:
    message, status = PROBLEMS[problem]
    page = render_template(
        "downloads/extract_unavailable.html", controller=controller, message=message
    )
    return _private(make_response(page, status))


def _private(response: Response) -> Response:
    # The URL is the secret: keep it out of caches and out of Referer headers.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
