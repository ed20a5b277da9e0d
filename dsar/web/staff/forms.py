"""WTForms for the staff workspace; every POST form carries the CSRF token."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from dsar.accounts.models import Role
from dsar.core.i18n import LANGUAGES, NAMES
from dsar.representatives.models import Relationship
from dsar.requests.workflow import Decision, RequestType
from dsar.web.forms import WebForm
from dsar.web.page_words import _l
from dsar.web.staff.labels import RIGHT_LABELS, ROLE_LABELS
from dsar.web.staff.representation import RELATIONS

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
    # Asked on the subject's behalf (docs/representatives.md): checked only when ticked.
    on_behalf = BooleanField(_l("Asked on the subject's behalf by a representative"))
    rep_name = StringField(_l("Representative's name"), validators=[Length(max=200)])
    rep_email = EmailField(
        _l("Representative's e-mail (letters go here)"),
        validators=[Optional(), Email(), Length(max=320)],
    )
    rep_address = TextAreaField(
        _l("Representative's postal address"), validators=[Optional(), Length(max=1000)]
    )
    relation = SelectField(
        _l("Relationship"),
        choices=[SelectChoice(r.value, RELATIONS[r.value]) for r in Relationship],
        validate_choice=False,  # checked only when the box is ticked
    )
    relation_note = StringField(_l("Relationship, described"), validators=[Length(max=500)])
    proof = FileField(_l("Proof of authority (if it came apart from the original)"))

    def validate_rep_name(self, field: Field) -> None:
        if self.on_behalf.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter the representative's name."))

    def validate_relation(self, field: Field) -> None:
        if self.on_behalf.data and field.data not in {r.value for r in Relationship}:
            raise ValidationError(_l("Choose the relationship."))


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
