"""WTForms for the staff workspace; every POST form carries the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from dsar.accounts.models import Role
from dsar.core.i18n import LANGUAGES, NAMES
from dsar.requests.workflow import Decision, RequestType
from dsar.web.forms import WebForm
from dsar.web.staff.labels import RIGHT_LABELS, ROLE_LABELS

CHANNELS = (("email", _l("E-mail")), ("post", _l("Letter")), ("phone", _l("Phone")))


class LoginForm(WebForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class TotpForm(WebForm):
    code = StringField(
        _l("Code from your authenticator app"), validators=[DataRequired(), Length(max=10)]
    )


class NoteForm(WebForm):
    text = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=5000)])


# Destructive or final decisions: their form carries a required "I have checked …" box and
# the decision view refuses a post without it (the CSP forbids a JavaScript confirm()).
NEEDS_CONFIRMATION = frozenset(
    {
        Decision.FAIL_IDENTITY,
        Decision.PROPOSE_REFUSAL,
        Decision.APPROVE_REFUSAL,
        Decision.WITHDRAW,
    }
)


class DecisionForm(WebForm):
    """One form for every decision: the button's `decision` value says which."""

    decision = HiddenField(validators=[DataRequired()])
    version = IntegerField(validators=[DataRequired()])
    reason = TextAreaField(validators=[Optional(), Length(max=5000)])
    what = TextAreaField(validators=[Optional(), Length(max=2000)])
    why = TextAreaField(validators=[Optional(), Length(max=2000)])
    ground = StringField(validators=[Optional(), Length(max=32)])
    purpose = StringField(validators=[Optional(), Length(max=32)])
    confirmed = BooleanField()  # required for NEEDS_CONFIRMATION, checked in the view


class AssignForm(WebForm):
    assignee = StringField(validators=[Optional(), Length(max=12)])  # a staff id, "me" or ""


class ManualRequestForm(WebForm):
    controller = SelectField(_l("Controller"), coerce=int)
    type = SelectField(
        _l("Right"), choices=[SelectChoice(t.value, RIGHT_LABELS[t]) for t in RequestType]
    )
    channel = SelectField(
        _l("Came in by"), choices=[SelectChoice(v, label) for v, label in CHANNELS]
    )
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, NAMES[code]) for code in LANGUAGES]
    )
    received_at = DateTimeLocalField(
        _l("Received (local time of the controller)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired()],
    )
    salutation = SelectField(
        _l("Salutation in letters"),
        choices=[SelectChoice("", _l("none: greet by name")), SelectChoice("ms", "Ms / Frau"),
                 SelectChoice("mr", "Mr / Herr")],
        validators=[Optional()],
    )  # fmt: skip
    subject_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    subject_email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=320)])
    subject_address = TextAreaField(_l("Postal address"), validators=[Optional(), Length(max=1000)])
    subject_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=64)])
    description = TextAreaField(_l("What they asked for"), validators=[Length(max=10000)])
    original = FileField(_l("Original e-mail or scanned letter"))


class NewStaffForm(WebForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=320)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role])


class EditStaffForm(WebForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role])
    active = BooleanField(_l("Active"))
    controllers = SelectMultipleField(_l("Limited to controllers (none = all)"), coerce=int)
    reset_totp = BooleanField(_l("Reset TOTP (the user enrols again)"))
    reset_password = BooleanField(_l("Set a new password (shown once)"))
    unlock = BooleanField(_l("Unlock after failed sign-ins"))
    sign_out = BooleanField(_l("Sign out of every session now"))
