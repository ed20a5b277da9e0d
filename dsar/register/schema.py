"""The processing register of one controller, as pydantic v2 models.

Structure is checked here; references between parts (category ids, activity ids, languages,
lookup joins) are checked by `dsar.register.consistency`, which the loader runs afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import EmailStr, Field, PrivateAttr, field_validator
from pydantic_core import PydanticCustomError

from dsar.core.i18n import Language
from dsar.register.activities import (
    Activity,
    DataCategory,
    Recipient,
    SubjectCategory,
)
from dsar.register.datasources import FileSource, Source, SqlSource
from dsar.register.jurisdiction import Jurisdiction
from dsar.register.primitives import (
    CountryCode,
    Id,
    NonEmpty,
    Slug,
    StrictModel,
    Text,
    TextLike,
    WebUrl,
)


class Address(StrictModel):
    street: NonEmpty
    postcode: TextLike
    city: NonEmpty
    country: CountryCode


class Contact(StrictModel):
    email: EmailStr
    phone: TextLike | None = None
    web: WebUrl | None = None


class Controller(StrictModel):
    slug: Slug  # the controller's part of URLs: /<slug>/request
    name: NonEmpty
    address: Address
    contact: Contact
    languages: list[Language] = Field(min_length=1)  # the first is the default
    # An invented controller (the demo shop): its addresses may use domains reserved for
    # examples (RFC 2606). A real register leaves it false, so such an address is reported.
    fictional: bool = False

    @field_validator("languages")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise PydanticCustomError("languages", "a language is listed twice")
        return value


class Dpo(StrictModel):
    """The data protection officer (Art. 37-39): the name is optional, an e-mail address is not."""

    name: NonEmpty | None = None
    # "ms": German letters say "unsere Datenschutzbeauftragte"; "mr" or none: the statute's
    # "Datenschutzbeauftragter" (the office, as § 38 BDSG names it).
    salutation: Literal["ms", "mr"] | None = None
    email: EmailStr
    phone: TextLike | None = None
    address: Address | None = None


class SupervisoryAuthority(StrictModel):
    """Where complaints go (Art. 77); named in refusals and every Art. 15 answer."""

    name: Text
    address: Address
    web: WebUrl
    email: EmailStr | None = None
    phone: TextLike | None = None


class LookupKey(StrictModel):
    """Something besides the e-mail address the public form asks for, to find the person."""

    id: Id
    label: Text
    pattern: NonEmpty | None = None  # a regular expression the whole value must match
    help: Text | None = None

    @field_validator("id")
    @classmethod
    def _not_email(cls, value: str) -> str:
        if value == "email":
            raise PydanticCustomError("lookup_key", "email is built in: do not declare it")
        return value

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise PydanticCustomError(
                    "pattern", "is not a regular expression: {error}", {"error": str(error)}
                ) from None
        return value

    def accepts(self, value: str) -> bool:
        return self.pattern is None or re.fullmatch(self.pattern, value) is not None


class Register(StrictModel):
    """One controller's processing register; the loader sets `source_path` and `sha256`."""

    version: Literal[1] = 1
    controller: Controller
    dpo: Dpo | None = None
    supervisory_authority: SupervisoryAuthority
    jurisdiction: Jurisdiction
    lookup_keys: list[LookupKey] = []
    categories: list[DataCategory] = Field(min_length=1)
    subject_categories: list[SubjectCategory] = Field(min_length=1)
    recipients: list[Recipient] = []
    activities: list[Activity] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)

    _source_path: Path | None = PrivateAttr(None)
    _sha256: str | None = PrivateAttr(None)

    @property
    def source_path(self) -> Path | None:
        """The file this register was loaded from."""
        return self._source_path

    @property
    def path(self) -> Path | None:
        """Same as `source_path`."""
        return self._source_path

    @property
    def sha256(self) -> str | None:
        """Hex SHA-256 of the file's bytes: which version of the register a request saw."""
        return self._sha256

    @property
    def consent_activities(self) -> list[Activity]:
        """The activities offered in the consent-withdrawal form."""
        return [a for a in self.activities if a.consent_based]

    @property
    def erased_by_dsar(self) -> bool:
        """Whether dsar writes data itself (a SQL source with a write_url, or a file source):
        then an erasure or rectification is planned, approved and recorded, never entered by
        hand."""
        return any(
            isinstance(s, FileSource) or (isinstance(s, SqlSource) and s.write_url)
            for s in self.sources
        )

    @property
    def restricted_by_dsar(self) -> bool:
        """Whether dsar sets a restriction mark itself (a table with `restriction` in a SQL
        source with a write_url, or a file with one): then the restriction is recorded."""
        return any(
            (isinstance(s, FileSource) and s.restriction is not None)
            or (isinstance(s, SqlSource) and s.write_url and any(t.restriction for t in s.tables))
            for s in self.sources
        )

    @property
    def stopped_by_dsar(self) -> bool:
        """Whether dsar stops an activity itself somewhere (a `stop` rule on a file, or on a
        table of a SQL source with a write_url): then a withdrawal or objection is recorded."""
        return any(
            (isinstance(s, FileSource) and bool(s.stop))
            or (isinstance(s, SqlSource) and s.write_url and any(t.stop for t in s.tables))
            for s in self.sources
        )

    def activity(self, activity_id: Id) -> Activity | None:
        return next((a for a in self.activities if a.id == activity_id), None)

    def category(self, category_id: Id) -> DataCategory | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def recipient(self, recipient_id: Id) -> Recipient | None:
        return next((r for r in self.recipients if r.id == recipient_id), None)

    def lookup_key(self, key_id: Id) -> LookupKey | None:
        return next((k for k in self.lookup_keys if k.id == key_id), None)

    def source(self, source_id: Id) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)
