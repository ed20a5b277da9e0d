"""The form's "I am asking on behalf of someone else" part (docs/representatives.md).

The fields are always in the page (the pages run no script; CSS folds them away until the box
is ticked) and are checked only when the box is ticked: then the subject's name, the
relationship and a proof of authority are required. The proof is read and checked by the
view with the same rules as every upload (dsar/intake/uploads.py).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    FileField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from dsar.intake.uploads import Upload, UploadRejected, accept_upload
from dsar.representatives.models import Relationship
from dsar.representatives.operations import NewRepresentation
from dsar.web.intake.validators import email_syntax, single_line, upload_refusal
from dsar.web.page_words import _l

RELATIONS = [
    SelectChoice(Relationship.PARENT.value, _l("Parent or guardian of a child")),
    SelectChoice(Relationship.LAWYER.value, _l("Lawyer")),
    SelectChoice(Relationship.CARER.value, _l("Carer or other authorised person")),
    SelectChoice(Relationship.OTHER.value, _l("Other (please describe)")),
]


class OnBehalfFields:
    """Mixed into every right's form: WTForms collects these fields like its own."""

    on_behalf = BooleanField(_l("I am asking on behalf of someone else"))
    relation = RadioField(_l("How you may act for them"), choices=RELATIONS, validate_choice=False)
    relation_note = StringField(
        _l("Please describe (for “Other”)"), validators=[Length(max=500), single_line]
    )
    subject_name = StringField(_l("Their name"), validators=[Length(max=200), single_line])
    subject_email = EmailField(
        _l("Their own e-mail address, if you know it (optional)"),
        validators=[Length(max=320), single_line],
    )
    subject_address = TextAreaField(
        _l("Their postal address, if you know it (optional)"), validators=[Length(max=500)]
    )
    proof = FileField(_l("Proof that you may act for them"))

    def validate_relation(self, field: Field) -> None:
        if self.on_behalf.data and field.data not in {c.value for c in RELATIONS}:
            raise ValidationError(_l("Please choose how you may act for them."))

    def validate_relation_note(self, field: Field) -> None:
        other = self.relation.data == Relationship.OTHER.value
        if self.on_behalf.data and other and not (field.data or "").strip():
            raise ValidationError(_l("Please describe how you may act for them."))

    def validate_subject_name(self, field: Field) -> None:
        if self.on_behalf.data and not (field.data or "").strip():
            raise ValidationError(_l("Please enter the name of the person you ask for."))

    def validate_subject_email(self, field: Field) -> None:
        if self.on_behalf.data:
            email_syntax(self, field)

    def representation(self, email: str) -> NewRepresentation | None:
        """What the form says about the representative (its e-mail the contact), if ticked."""
        if not self.on_behalf.data:
            return None
        form: Any = self
        relation = Relationship(form.relation.data)
        note = (form.relation_note.data or "").strip() if relation is Relationship.OTHER else ""
        return NewRepresentation(
            name=form.name.data.strip(),
            email=email,
            relation=relation,
            relation_note=note or None,
            subject_email=(form.subject_email.data or "").strip() or None,
            subject_address=(form.subject_address.data or "").strip() or None,
        )


def proof_upload(form: Any, limit: int) -> Upload | None:
    """The proof of authority, checked as every upload; None after the reason is on the field."""
    storage = form.proof.data
    if not isinstance(storage, FileStorage) or not storage.filename:
        form.proof.errors = [_("Please attach a proof that you may act for them.")]
        return None
    try:
        return accept_upload(storage.filename, storage.read(limit + 1), max_bytes=limit)
    except UploadRejected as rejected:
        form.proof.errors = [upload_refusal(rejected, storage.filename, limit)]
        return None
