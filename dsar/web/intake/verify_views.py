"""/verify: anyone checks an answer we signed: an export ZIP, or a letter PDF with its receipt.

The same checks as `dsar receipt verify` (dsar/receipts/verify.py) against this install's
public key. With scripts on, the page checks in the visitor's browser and nothing is uploaded
(static/verify.js); without, the form posts the files here, they are checked in memory and
nothing is kept (docs/receipts.md).
"""

from __future__ import annotations

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from dsar.core.signing import install_signer
from dsar.extensions import limiter
from dsar.receipts.verify import Outcome, verify_upload
from dsar.web.forms import WebForm
from dsar.web.intake import bp
from dsar.web.page_words import _l
from dsar.web.staff.case_words import said

# The sentences of dsar/receipts/verify.py that static/verify.js says, in the page's language.
BROWSER_WORDS = (
    "export",
    "letter",
    "file",
    "not a readable ZIP: %(error)s",
    "%(name)s is missing",
    "%(signature)s: the signature does not match %(name)s",
    "%(name)s is not JSON",
    "%(name)s lists its files wrongly",
    "export %(reference)s (%(count)d files)",
    "%(member)s: listed in %(name)s but missing",
    "%(member)s: SHA-256 differs from %(name)s",
    "%(member)s: size differs from %(name)s",
    "%(member)s: in the ZIP but not in %(name)s",
    "a letter is checked with its receipt (.receipt.json)",
    "the receipt is not a receipt's JSON",
    "letter %(reference)s",
    "the PDF's SHA-256 differs from the receipt's pdf_sha256",
    "the receipt's signature does not match its content",
    "the receipt names another key's fingerprint",
    "neither an export ZIP nor a letter PDF",
)


class VerifyForm(WebForm):
    document = FileField(_l("Export (ZIP) or letter (PDF)"), validators=[FileRequired()])
    receipt = FileField(_l("The letter's receipt (.receipt.json), for a letter"))
    submit = SubmitField(_l("Check"))


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit("30/hour", methods=["POST"])
def verify() -> ResponseReturnValue:
    signer = install_signer()
    form = VerifyForm()
    outcome: Outcome | None = None
    if form.validate_on_submit():
        receipt = form.receipt.data
        outcome = verify_upload(
            form.document.data.read(), receipt.read() if receipt else None, signer.public_raw
        )
    return render_template(
        "intake/verify.html",
        form=form,
        outcome=outcome,
        what=said(outcome.what) if outcome else None,
        problems=[said(p) for p in outcome.problems] if outcome else [],
        fingerprint=signer.fingerprint,
        browser_words={msgid: gettext(msgid) for msgid in BROWSER_WORDS},
        limit_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
    )
