"""Field checks the public forms share: one line, an e-mail address's syntax, an https URL, and
why an upload was refused."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from wtforms import Field, Form
from wtforms.validators import ValidationError

from dsar.intake.uploads import UploadRejected
from dsar.web.page_words import _l


def single_line(form: Form, field: Field) -> None:
    """No control characters (newlines included) in one-line fields: they end up in headers."""
    if field.data and any(unicodedata.category(ch) == "Cc" for ch in field.data):
        raise ValidationError(_l("Please write this on one line, without special characters."))


def email_syntax(form: Form, field: Field) -> None:
    """Syntax only: a DNS look-up would leak the address and fail offline."""
    if not field.data:
        return
    try:
        field.data = validate_email(field.data, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationError(_l("This is not a valid e-mail address.")) from None


def https_url(form: Form, field: Field) -> None:
    value = (field.data or "").strip()
    if value and (not value.lower().startswith("https://") or len(value) < 12 or " " in value):
        raise ValidationError(_l("Please give an address starting with https://."))


def upload_refusal(rejected: UploadRejected, name: str, limit: int) -> str:
    """Why an upload was refused, next to its field: empty, too large, or not PDF/PNG/JPEG."""
    reason = str(rejected)
    if reason == "empty":
        return _("The file %(name)s is empty.", name=name)
    if reason == "too_large":
        mb = limit / 1024 / 1024
        return _("The file %(name)s is larger than %(mb).1f MB.", name=name, mb=mb)
    return _("The file %(name)s is not a PDF, PNG or JPEG file.", name=name)
