"""Fit a right's form to one controller: its lookup keys, categories, consents and languages."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from dsar.core.i18n import NAMES
from dsar.intake.texts import ERASURE_GROUNDS, RESTRICTION_GROUNDS
from dsar.requests.workflow import RequestType
from dsar.web.intake.forms import (
    FORMS,
    LOOKUP_MAX,
    ConsentWithdrawalForm,
    ErasureForm,
    IntakeForm,
    RestrictionForm,
)
from dsar.web.intake.language import language
from dsar.web.intake.validators import single_line
from dsar.web.page_words import _l


def _pattern_check(pattern: str | None) -> Callable[[Any, Any], None]:
    def check(form: Any, field: Any) -> None:
        value = (field.data or "").strip()
        if value and pattern is not None and re.fullmatch(pattern, value) is None:
            raise ValidationError(_l("This does not have the expected form."))

    return check


@lru_cache(maxsize=256)
def _form_class(right: RequestType, keys: tuple[tuple[str, str | None], ...]) -> type[IntakeForm]:
    """One class per right and set of lookup keys (WTForms fields are declared on classes)."""
    base = FORMS[right]
    if not keys:
        return base
    fields: dict[str, Any] = {
        f"key_{key_id}": StringField(
            key_id,
            validators=[Optional(), Length(max=LOOKUP_MAX), single_line, _pattern_check(pattern)],
        )
        for key_id, pattern in keys
    }
    fields["lookup_fields"] = tuple(key_id for key_id, _pattern in keys)
    return type(f"{base.__name__}With{len(keys)}Keys", (base,), fields)


def build_form(right: RequestType, register: Any, **kwargs: Any) -> IntakeForm:
    """The form for `right`, with the controller's choices and labels in the page's language."""
    lang = language()
    keys = tuple((key.id, key.pattern) for key in register.lookup_keys)
    form = _form_class(right, keys)(**kwargs)
    for key in register.lookup_keys:
        field = form[f"key_{key.id}"]
        field.label.text = key.label.get(lang, "en") or key.id
        field.description = key.help.get(lang, "en") if key.help else ""
    languages = list(register.controller.languages)
    form.language.choices = [SelectChoice(code, NAMES.get(code, code)) for code in languages]
    if form.language.data is None:
        form.language.data = lang if lang in languages else languages[0]
    if isinstance(form, ErasureForm):
        form.categories.choices = [
            SelectChoice(c.id, c.label.get(lang, "en")) for c in register.categories
        ]
        form.ground.choices = [
            SelectChoice("", _l("No particular reason")),
            *(SelectChoice(k, v) for k, v in ERASURE_GROUNDS.items()),
        ]
    elif isinstance(form, RestrictionForm):
        form.ground.choices = [SelectChoice(k, v) for k, v in RESTRICTION_GROUNDS.items()]
    elif isinstance(form, ConsentWithdrawalForm):
        form.activities.choices = [
            SelectChoice(a.id, a.title.get(lang, "en")) for a in register.consent_activities
        ]
    return form
