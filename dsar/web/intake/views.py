"""The public pages: start page, one form per right, confirmation, new link, status page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import refresh
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.core import clock
from dsar.core.i18n import LANGUAGES, long_date
from dsar.extensions import db, limiter
from dsar.intake.operations import (
    Submission,
    submit_request,
)
from dsar.intake.texts import RIGHT_SUMMARIES, RIGHT_TITLES
from dsar.intake.uploads import MAX_FILES, UploadRejected, accept_upload
from dsar.requests.deadlines.legal_calendar import date_in
from dsar.requests.operations import new_reference
from dsar.requests.workflow import RequestType
from dsar.web.intake import bp
from dsar.web.intake.behalf import proof_upload
from dsar.web.intake.binding import build_form
from dsar.web.intake.controllers import controller_and_register, register_of
from dsar.web.intake.forms import RECTIFICATION_MAX_ROWS, IntakeForm, RectificationForm
from dsar.web.intake.language import language
from dsar.web.intake.validators import upload_refusal

SUBMITTED_KEY = "intake_submitted"


def _settings() -> Settings:
    return current_app.config["DSAR_SETTINGS"]


def _email_key() -> str:
    """Rate-limit key: the posted e-mail address, normalised, from this client address: posts
    with someone else's address from one place do not block it for its owner elsewhere."""
    return f"{_email()}|ip:{get_remote_address()}"


def _email_everywhere_key() -> str:
    """Rate-limit key of the ceiling per e-mail address from anywhere (mail to one address)."""
    return _email()


def _email() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return f"email:{email}" if email else f"ip:{get_remote_address()}"


def _right(value: str) -> RequestType:
    try:
        return RequestType(value)
    except ValueError:
        abort(404, _("There is no such form here."))


@bp.get("/")
def index() -> ResponseReturnValue:
    controllers = db.session.execute(select(Controller).order_by(Controller.name)).scalars().all()
    if len(controllers) == 1:
        return redirect(url_for("intake.start", slug=controllers[0].slug))
    return render_template("intake/index.html", controllers=controllers)


@bp.get("/c/<slug>/")
def start(slug: str) -> ResponseReturnValue:
    controller, register = controller_and_register(slug)
    rights = [(right, RIGHT_TITLES[right], RIGHT_SUMMARIES[right]) for right in RequestType]
    return render_template(
        "intake/start.html", controller=controller, register=register, rights=rights
    )


def _uploads(form: IntakeForm) -> tuple[Any, ...] | None:
    """Accepted uploads, or None after putting the reason next to the field."""
    # A urlencoded POST gives strings here, not files: they are not uploads.
    files = [
        (f.filename, f)
        for f in (form.documents.data or [])
        if isinstance(f, FileStorage) and f.filename
    ]
    if len(files) > MAX_FILES:
        form.documents.errors = [_("Please upload at most %(n)d files.", n=MAX_FILES)]
        return None
    limit = _settings().upload_max_bytes
    accepted = []
    for filename, storage in files:
        try:
            accepted.append(accept_upload(filename, storage.read(limit + 1), max_bytes=limit))
        except UploadRejected as rejected:
            form.documents.errors = [upload_refusal(rejected, filename, limit)]
            return None
    return tuple(accepted)


def _switching_language() -> bool:
    """A press of the language switch on a form: it sends what was typed, to get it back."""
    return request.method == "POST" and request.form.get("switch_lang") in LANGUAGES


def _files_posted() -> bool:
    files = request.files.getlist("documents") + request.files.getlist("proof")
    return any(f.filename for f in files)


def _form_page(
    slug: str, kind: RequestType, form: IntakeForm, *, status: int = 200, notice: str = ""
) -> ResponseReturnValue:
    """The form in the page's language with what was posted in it (files cannot be kept)."""
    controller, _register = controller_and_register(slug)
    files_dropped = request.method == "POST" and _files_posted()
    context = {"controller": controller, "form": form, "right": kind, "notice": notice}
    return render_template(
        "intake/form.html",
        title=RIGHT_TITLES[kind],
        switch_form="request-form",
        files_dropped=files_dropped,
        **context,
    ), status


def _limit_reached(limit: RequestLimit) -> Response:
    """Past the hourly limit: the form again with what was typed, nothing stored, and when it
    can be sent (the last of the breached limits to free up, in the controller's time)."""
    refresh()  # the page's language, chosen afresh: the limit is checked before the blueprint
    slug, kind = (request.view_args or {})["slug"], _right((request.view_args or {})["right"])
    controller, register = controller_and_register(slug)
    reset_at = max([lim.reset_at for lim in limiter.current_limits if lim.breached] or [0])
    again = datetime.fromtimestamp(max(reset_at, limit.reset_at), UTC)
    notice = _(
        "Too many requests were sent from here or for this e-mail address within an hour; "
        "nothing was sent. You can send it again from %(time)s (%(zone)s).",
        time=f"{again.astimezone(ZoneInfo(controller.timezone)):%H:%M}",
        zone=controller.timezone,
    )
    form = build_form(kind, register)
    return make_response(_form_page(slug, kind, form, status=429, notice=notice))


@bp.route("/c/<slug>/request/<right>", methods=["GET", "POST"])
@limiter.limit(
    "10/hour", methods=["POST"], exempt_when=_switching_language, on_breach=_limit_reached
)
@limiter.limit(
    "3/hour",
    key_func=_email_key,
    methods=["POST"],
    exempt_when=_switching_language,
    on_breach=_limit_reached,
)
@limiter.limit(  # far above what a subject sends: stops confirmation mail flooding one address
    "20/hour",
    key_func=_email_everywhere_key,
    methods=["POST"],
    exempt_when=_switching_language,
    on_breach=_limit_reached,
)
def request_form(slug: str, right: str) -> ResponseReturnValue:
    """The form for one right, built from the register (in memory). A valid POST records the
    request (`submit_request`), commits and redirects to the page that asks to confirm; the
    language switch gets the same form back in the other language, unchecked, nothing stored."""
    register = register_of(slug)
    kind = _right(right)
    form = build_form(kind, register)

    def page(template: str = "intake/form.html", status: int = 200) -> ResponseReturnValue:
        if template == "intake/form.html":
            return _form_page(slug, kind, form, status=status)
        controller, _register = controller_and_register(slug)
        context = {"controller": controller, "form": form, "right": kind}
        return render_template(template, title=RIGHT_TITLES[kind], **context), status

    if kind is RequestType.CONSENT_WITHDRAWAL and not register.consent_activities:
        return page("intake/no_consent.html")
    if _switching_language():
        return page()
    if isinstance(form, RectificationForm) and form.add_item.data:
        if len(form.items) < RECTIFICATION_MAX_ROWS:
            form.items.append_entry()
        return page()
    valid = form.validate_on_submit()
    behalf = form.is_submitted() and form.on_behalf.data  # its proof's error shows with the rest
    proof = proof_upload(form, _settings().upload_max_bytes) if behalf else None
    if not valid:
        return page(status=422 if request.method == "POST" else 200)
    uploads = _uploads(form)
    if uploads is None or (behalf and proof is None):
        return page(status=422)
    if form.website.data:
        # The honeypot was filled: a bot. Same answer as for a person, nothing stored.
        session[SUBMITTED_KEY] = new_reference(clock.now())
        return redirect(url_for("intake.submitted", slug=slug))
    submission = Submission(
        type=kind,
        language=form.language.data,
        name=(form.subject_name.data if form.on_behalf.data else form.name.data).strip(),
        email=form.email.data,
        details=form.details(),
        uploads=uploads,
        representation=form.representation(form.email.data),
        proof=proof,
    )
    controller, _register = controller_and_register(slug)
    reference = submit_request(
        db.session(), controller, submission, settings=_settings(), now=clock.now()
    )
    session[SUBMITTED_KEY] = reference
    return redirect(url_for("intake.submitted", slug=slug))


@bp.get("/c/<slug>/submitted")
def submitted(slug: str) -> ResponseReturnValue:
    controller, _register = controller_and_register(slug)
    reference = session.get(SUBMITTED_KEY)
    if reference is None:
        return redirect(url_for("intake.start", slug=slug))
    days = _settings().confirmation_link_days
    return render_template(
        "intake/submitted.html", controller=controller, reference=reference, days=days
    )


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    db.session.execute(select(1))
    return {"status": "ok"}


@bp.app_template_filter("intake_date")
def _long_date(value: date) -> str:
    return long_date(value, language())


@bp.app_template_filter("intake_local_date")
def _local_long_date(value: datetime, controller: Controller) -> str:
    """The controller's local date of an instant (docs/legal-rules.md D7)."""
    return long_date(date_in(value, controller.timezone), language())
