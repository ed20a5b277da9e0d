"""WTForms for the staff workspace; every POST form carries the CSRF token."""

from __future__ import annotations

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

CHANNELS = (("email", "E-mail"), ("post", "Letter"), ("phone", "Phone"))


class LoginForm(WebForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class TotpForm(WebForm):
    code = StringField(
        "Code from your authenticator app", validators=[DataRequired(), Length(max=10)]
    )


class NoteForm(WebForm):
    text = TextAreaField("Internal note", validators=[DataRequired(), Length(max=5000)])


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
    controller = SelectField("Controller", coerce=int)
    type = SelectField(
        "Right", choices=[SelectChoice(t.value, f"{t.value} ({t.article})") for t in RequestType]
    )
    channel = SelectField("Came in by", choices=[SelectChoice(v, label) for v, label in CHANNELS])
    language = SelectField(
        "Language", choices=[SelectChoice(code, NAMES[code]) for code in LANGUAGES]
    )
    received_at = DateTimeLocalField(
        "Received (local time of the controller)",
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired()],
    )
    salutation = SelectField(
        "Salutation in letters",
        choices=[SelectChoice("", "none: greet by name"), SelectChoice("ms", "Ms / Frau"),
                 SelectChoice("mr", "Mr / Herr")],
        validators=[Optional()],
    )  # fmt: skip
    subject_name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    subject_email = EmailField("E-mail", validators=[Optional(), Email(), Length(max=320)])
    subject_address = TextAreaField("Postal address", validators=[Optional(), Length(max=1000)])
    subject_phone = StringField("Phone", validators=[Optional(), Length(max=64)])
    description = TextAreaField("What they asked for", validators=[Length(max=10000)])
    original = FileField("Original e-mail or scanned letter")


class NewStaffForm(WebForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=320)])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=[SelectChoice(r.value) for r in Role])


class EditStaffForm(WebForm):
    role = SelectField("Role", choices=[SelectChoice(r.value) for r in Role])
    active = BooleanField("Active")
    controllers = SelectMultipleField("Limited to controllers (none = all)", coerce=int)
    reset_totp = BooleanField("Reset TOTP (the user enrols again)")
    reset_password = BooleanField("Set a new password (shown once)")
    unlock = BooleanField("Unlock after failed sign-ins")
