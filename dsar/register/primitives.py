"""Building blocks of the register schema: texts per language, identifiers, legal bases, periods."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    model_validator,
)
from pydantic_core import PydanticCustomError

ART6 = tuple(f"6.1.{letter}" for letter in "abcdef")
ART9 = tuple(f"9.2.{letter}" for letter in "abcdefghij")
CONSENT_BASES = frozenset({"6.1.a", "9.2.a"})

# The EU and EEA states: a transfer to one of them is no third-country transfer (Chapter V).
EEA = frozenset(
    ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE")
    + ("IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO")
)


class StrictModel(BaseModel):
    """Every register model: unknown keys are errors (typos), values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _matching(pattern: str, what: str) -> AfterValidator:
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.fullmatch(value):
            raise PydanticCustomError(
                "pattern", "{value} is not {what}", {"value": repr(value), "what": what}
            )
        return value

    return AfterValidator(check)


def _no_bare_numbers(value: Any) -> Any:
    # YAML reads 01067 as an octal number and 41539 as an int: insist on quotes.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError(
            "quote_number",
            "write {value} in quotes, e.g. '{value}': it is text, not a number",
            {"value": repr(value)},
        )
    return value


NonEmpty = Annotated[str, Field(min_length=1)]
Id = Annotated[
    str,
    _matching(r"[a-z][a-z0-9_]{0,63}", "an id: lower-case letters, digits and _, from a letter"),
]
Slug = Annotated[
    str, _matching(r"[a-z0-9]+(-[a-z0-9]+)*", "a slug: lower-case letters, digits and single -")
]
CountryCode = Annotated[
    str,
    BeforeValidator(lambda v: v.upper() if isinstance(v, str) else v),
    _matching(r"[A-Z]{2}", "a two-letter ISO 3166 country code"),
]
WebUrl = Annotated[str, _matching(r"https?://\S+", "a web address starting with https://")]
SqlName = Annotated[
    str, _matching(r"[A-Za-z_][A-Za-z0-9_]{0,62}", "an SQL name: letters, digits and _")
]
TextLike = Annotated[str, BeforeValidator(_no_bare_numbers), Field(min_length=1)]


def _legal_basis(value: str) -> str:
    if value not in ART6 and value not in ART9:
        raise PydanticCustomError(
            "legal_basis",
            "{value} is not one of 6.1.a … 6.1.f (Art. 6(1) GDPR) or 9.2.a … 9.2.j (Art. 9(2))",
            {"value": repr(value)},
        )
    return value


LegalBasis = Annotated[str, BeforeValidator(_no_bare_numbers), AfterValidator(_legal_basis)]


class Text(RootModel[dict[str, str]]):
    """A human-readable text per language, e.g. `{de: Vertragserfüllung, en: Performance}`."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _mapping_of_languages(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise PydanticCustomError(
                "text_mapping",
                "write the text per language, e.g. {de: ..., en: ...}, not as a plain string",
            )
        if isinstance(value, dict):
            for key, text in value.items():
                if not (isinstance(key, str) and re.fullmatch(r"[a-z]{2}", key)):
                    raise PydanticCustomError(
                        "text_language",
                        "{key} is not a two-letter language code (a text with a comma "
                        "inside {de: ..., en: ...} needs quotes)",
                        {"key": repr(key)},
                    )
                if isinstance(text, str) and not text.strip():
                    raise PydanticCustomError(
                        "text_empty", "the {key} text is empty", {"key": repr(key)}
                    )
        return value

    @property
    def languages(self) -> list[str]:
        return list(self.root)

    def __getitem__(self, language: str) -> str:
        return self.root[language]

    def get(self, language: str, fallback: str | None = None) -> str | None:
        """The text in `language`, else in `fallback`, else None."""
        if language in self.root:
            return self.root[language]
        return self.root.get(fallback) if fallback else None


class Duration(StrictModel):
    """A period such as `{years: 10}`, `{months: 26}` or `{days: 15}` (parts add up)."""

    years: int = Field(0, ge=0, le=100)
    months: int = Field(0, ge=0, le=1200)
    days: int = Field(0, ge=0, le=36500)

    @model_validator(mode="after")
    def _not_zero(self) -> Duration:
        if not (self.years or self.months or self.days):
            raise PydanticCustomError("duration", "give at least one of years, months or days")
        return self

    def add_to(self, start: date) -> date:
        """`start` plus this period; a day missing in the target month becomes its last day."""
        months = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, monthrange(year, month)[1])
        return date(year, month, day) + timedelta(days=self.days)
