"""The public request forms: common fields, one subclass per right, lookup keys from the register.

Each form turns its own fields into `details()`, the stable JSON keys documented in
docs/intake.md ("request.details keys") that letters and fulfilment read.
"""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    EmailField,
    Field,
    FieldList,
    Form,
    FormField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from dsar.requests.workflow import RequestType
from dsar.web.forms import WebForm
from dsar.web.intake.behalf import OnBehalfFields
from dsar.web.intake.validators import email_syntax, https_url, single_line
from dsar.web.page_words import _l

NAME_MAX = 200
EMAIL_MAX = 320
LINE_MAX = 500
MESSAGE_MAX = 5000
LOOKUP_MAX = 100
RECTIFICATION_ROWS = 3
RECTIFICATION_MAX_ROWS = 10


def _required(message: Any) -> InputRequired:
    return InputRequired(message=message)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IntakeForm(OnBehalfFields, WebForm):
    """What every right's form asks.

    Fields checked against another field carry no Optional(): it would stop their chain
    before the form's validate_<field> method runs.
    """

    name = StringField(
        _l("Your name"),
        validators=[_required(_l("Please enter your name.")), Length(max=NAME_MAX), single_line],
    )
    # How the letters greet the subject: "Sehr geehrte Frau …" / "Dear Ms …"; none given, they
    # greet by name ("Guten Tag …").
    salutation = SelectField(
        _l("Salutation (optional)"),
        choices=[
            SelectChoice("", _l("None")),
            SelectChoice("ms", _l("Ms")),
            SelectChoice("mr", _l("Mr")),
        ],
        validators=[Optional()],
    )
    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            _required(_l("Please enter your e-mail address.")),
            Length(max=EMAIL_MAX),
            single_line,
            email_syntax,
        ],
    )
    language = SelectField(_l("Language for our answers"), choices=[])
    message = TextAreaField(
        _l("Anything else we should know (optional)"),
        validators=[Optional(), Length(max=MESSAGE_MAX)],
    )
    documents = MultipleFileField(_l("Supporting documents (optional)"))
    # Honeypot: hidden from people, filled in by bots; a filled one is accepted and dropped.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])

    lookup_fields: tuple[str, ...] = ()

    class Meta:
        # CSRFProtect checks every POST before a view runs (dsar/extensions.py); the form's own
        # field would sign one more token per request only to skip its check. The template
        # renders csrf_token() itself.
        csrf = False

    def lookup_values(self) -> dict[str, str]:
        values = {}
        for key_id in self.lookup_fields:
            value = (self[f"key_{key_id}"].data or "").strip()
            if value:
                values[key_id] = value
        return values

    def right_details(self) -> dict[str, Any]:
        return {}

    def details(self) -> dict[str, Any]:
        """request.details: the common keys and the right's own keys."""
        return {
            "form_version": 1,
            "lookup_keys": self.lookup_values(),
            "message": (self.message.data or "").strip() or None,
            **({"salutation": self.salutation.data} if self.salutation.data else {}),
            **self.right_details(),
        }


class AccessForm(IntakeForm):
    pass


class RectificationItem(Form):
    wrong = StringField(_l("What is wrong"), validators=[Length(max=LINE_MAX)])
    correct = StringField(_l("The correct value"), validators=[Length(max=LINE_MAX)])

    def validate_correct(self, field: Field) -> None:
        wrong, correct = (self.wrong.data or "").strip(), (field.data or "").strip()
        if wrong and not correct:
            raise ValidationError(_l("Please give the correct value."))
        if correct and not wrong:
            raise ValidationError(_l("Please say what is wrong."))


class RectificationForm(IntakeForm):
    items = FieldList(
        FormField(RectificationItem),
        min_entries=RECTIFICATION_ROWS,
        max_entries=RECTIFICATION_MAX_ROWS,
    )
    add_item = SubmitField(_l("Add another item"))

    def filled_items(self) -> list[dict[str, str]]:
        return [
            {"wrong": item.wrong.data.strip(), "correct": item.correct.data.strip()}
            for item in self.items
            if (item.wrong.data or "").strip() and (item.correct.data or "").strip()
        ]

    def validate_items(self, field: Field) -> None:
        if not self.filled_items():
            raise ValidationError(_l("Please describe at least one thing to correct."))

    def right_details(self) -> dict[str, Any]:
        return {"items": self.filled_items()}


class ErasureForm(IntakeForm):
    scope = RadioField(
        _l("What should be erased?"),
        choices=[
            SelectChoice("all", _l("Everything about me")),
            SelectChoice("categories", _l("Only what I choose")),
        ],
        default="all",
        validators=[_required(_l("Please choose what should be erased."))],
    )
    categories = MultiCheckboxField(_l("Which data"), choices=[], validate_choice=True)
    ground = SelectField(_l("Why (optional)"), choices=[], validators=[Optional()])

    def validate_categories(self, field: Field) -> None:
        if self.scope.data == "categories" and not field.data:
            raise ValidationError(_l("Please choose at least one kind of data."))

    def right_details(self) -> dict[str, Any]:
        chosen = self.scope.data == "categories"
        return {
            "scope": self.scope.data,
            "categories": list(self.categories.data or []) if chosen else [],
            "ground": self.ground.data or None,
        }


class RestrictionForm(IntakeForm):
    ground = RadioField(
        _l("Why should the use of your data be restricted?"),
        choices=[],
        validators=[_required(_l("Please choose a reason."))],
    )

    def right_details(self) -> dict[str, Any]:
        return {"ground": self.ground.data}


class PortabilityForm(IntakeForm):
    format = RadioField(
        _l("Format"),
        choices=[
            SelectChoice("json", "JSON"),
            SelectChoice("csv", "CSV"),
            SelectChoice("both", _l("Both (JSON and CSV)")),
        ],
        default="json",
        validators=[_required(_l("Please choose a format."))],
    )
    transmit = BooleanField(_l("Send my data directly to another organisation"))
    recipient_name = StringField(
        _l("Name of the other organisation"),
        validators=[Length(max=NAME_MAX), single_line],
    )
    recipient_address = TextAreaField(
        _l("Its postal or e-mail address"), validators=[Length(max=LINE_MAX)]
    )
    recipient_endpoint = StringField(
        _l("Or its web address for receiving data (https://...)"),
        validators=[Optional(), Length(max=LINE_MAX), single_line, https_url],
    )

    def validate_recipient_name(self, field: Field) -> None:
        if self.transmit.data and not (field.data or "").strip():
            raise ValidationError(_l("Please name the organisation."))

    def validate_recipient_address(self, field: Field) -> None:
        endpoint = (self.recipient_endpoint.data or "").strip()
        if self.transmit.data and not (field.data or "").strip() and not endpoint:
            raise ValidationError(_l("Please give its address or its web address."))

    def right_details(self) -> dict[str, Any]:
        transmit = None
        if self.transmit.data:
            transmit = {
                "name": self.recipient_name.data.strip(),
                "address": (self.recipient_address.data or "").strip() or None,
                "endpoint": (self.recipient_endpoint.data or "").strip() or None,
            }
        return {"format": self.format.data, "transmit_to": transmit}


class ObjectionForm(IntakeForm):
    kind = RadioField(
        _l("What do you object to?"),
        choices=[
            SelectChoice(
                "direct_marketing", _l("Use of my data for advertising (direct marketing)")
            ),
            SelectChoice(
                "legitimate_interest", _l("Use of my data based on the organisation's interests")
            ),
        ],
        validators=[_required(_l("Please choose what you object to."))],
    )
    grounds = TextAreaField(
        _l("Your reasons, relating to your particular situation"),
        validators=[Length(max=MESSAGE_MAX)],
    )

    def validate_grounds(self, field: Field) -> None:
        if self.kind.data == "legitimate_interest" and not (field.data or "").strip():
            raise ValidationError(_l("Please explain your reasons: the law asks for them here."))

    def right_details(self) -> dict[str, Any]:
        grounds = (self.grounds.data or "").strip() or None
        return {"objection": self.kind.data, "grounds": grounds}


class ConsentWithdrawalForm(IntakeForm):
    activities = MultiCheckboxField(_l("Which consent do you withdraw?"), choices=[])

    def validate_activities(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("Please choose at least one consent."))

    def right_details(self) -> dict[str, Any]:
        return {"activities": list(self.activities.data)}


FORMS: dict[RequestType, type[IntakeForm]] = {
    RequestType.ACCESS: AccessForm,
    RequestType.RECTIFICATION: RectificationForm,
    RequestType.ERASURE: ErasureForm,
    RequestType.RESTRICTION: RestrictionForm,
    RequestType.PORTABILITY: PortabilityForm,
    RequestType.OBJECTION: ObjectionForm,
    RequestType.CONSENT_WITHDRAWAL: ConsentWithdrawalForm,
}
