"""Where the data lives: SQL databases, CSV/JSON files, and manual systems staff search by hand."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from dsar.register.disclosures import Disclosures
from dsar.register.marking import RestrictionMark, StopRule
from dsar.register.primitives import Id, NonEmpty, SqlName, StrictModel, Text, _matching

EMAIL_KEY = "email"  # built in: the requester's e-mail address, which the form always asks for


class Erasure(StrictModel):
    """What erasure (Art. 17) does: `delete` rows, `anonymise` values, or `keep` and restrict.

    On a table or file: `delete` the subject's rows, `anonymise` them column by column (each
    column with personal data says how), or `keep` them under an activity's retention. On a
    column: `anonymise` with a `value` (null empties it) or `keep`.
    """

    action: Literal["delete", "anonymise", "keep"]
    value: Any = None  # anonymise: the replacement, null to empty the column
    retention: Id | None = None  # keep: the activity whose retention keeps the data
    date_column: NonEmpty | None = None  # keep: the column holding the retention trigger date

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        return {"action": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _parameters_fit_action(self) -> Erasure:
        # Whether anonymise needs a value depends on the level (column: yes, table: no);
        # dsar.register.consistency checks that.
        given = self.model_fields_set
        if self.action == "anonymise":
            if not isinstance(self.value, str | int | float | bool | type(None)):
                raise PydanticCustomError("erasure", "the anonymise value must be a single value")
        elif "value" in given:
            raise PydanticCustomError("erasure", "value is only for action anonymise")
        if self.action == "keep" and self.retention is None:
            raise PydanticCustomError(
                "erasure", "keep needs retention: the id of the activity whose retention applies"
            )
        if self.action != "keep" and (self.retention or self.date_column):
            raise PydanticCustomError(
                "erasure", "retention and date_column are only for action keep"
            )
        return self


ValueType = Literal["text", "integer", "number", "money", "date", "datetime", "boolean"]


class FieldSpec(StrictModel):
    """What one column or file field holds, for which activities, and what erasure does to it.

    `label` names it for people (the export's page and CSV headers; default: the name);
    `type` says how its values are written for people there (data.json keeps them raw); a
    `money` column names its `currency` and, for amounts in cents, `scale: 2`; `values`
    gives stored codes their words.
    """

    categories: list[Id] = []
    activities: list[Id] | None = None  # default: those of the table or file
    provided: bool = False  # provided by the data subject (Art. 20 scope, WP242)
    erasure: Erasure | None = None  # default: what the table or file does
    label: Text | None = None
    type: ValueType = "text"
    currency: Annotated[str, _matching(r"[A-Z]{3}", "an ISO 4217 code such as EUR")] | None = None
    scale: int = Field(0, ge=0, le=6)  # the stored value is amount * 10**scale (cents: 2)
    # What stored codes mean for people, per language ({delivered: {de: geliefert, ...}}):
    # the export's page shows these; data.json and the CSVs keep the stored values.
    values: dict[str, Text] = {}

    @model_validator(mode="after")
    def _money_has_currency(self) -> FieldSpec:
        if (self.type == "money") != (self.currency is not None):
            raise PydanticCustomError(
                "money", "a money column needs currency (e.g. EUR), and only a money column has one"
            )
        if self.scale and self.type != "money":
            raise PydanticCustomError("scale", "scale is only for money columns")
        return self


class Column(FieldSpec):
    name: SqlName


class FileField(FieldSpec):
    name: NonEmpty


class Match(StrictModel):
    """Rows whose `column` equals the value of lookup key `key` belong to the data subject.

    A key the requester typed is only a claim: `verifiable_by` names the column of the same
    table that holds the e-mail address on file for the row's owner, so dsar can check the
    claim against the confirmed address or send a one-time code there (docs/lookup-keys.md).
    """

    column: SqlName
    key: Id
    verifiable_by: SqlName | None = None

    @model_validator(mode="after")
    def _not_email(self) -> Match:
        if self.verifiable_by is not None and self.key == EMAIL_KEY:
            raise PydanticCustomError(
                "verifiable_by", "the e-mail address is verified by its link: only lookup keys"
            )
        return self


class Join(StrictModel):
    """Rows whose `column` equals `references` (table.column) of a found row in another table."""

    column: SqlName
    references: Annotated[
        str,
        _matching(r"[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*", "table.column"),
    ]

    @property
    def table(self) -> str:
        return self.references.split(".")[0]

    @property
    def parent_column(self) -> str:
        return self.references.split(".")[1]


class TableLookup(StrictModel):
    match: list[Match] = []
    join: Join | None = None

    @model_validator(mode="after")
    def _some_way(self) -> TableLookup:
        if not self.match and self.join is None:
            raise PydanticCustomError(
                "lookup", "give match (lookup key -> column) or join (column -> table.column)"
            )
        return self


def _key_is_listed(key: str | None, names: list[str], owner: str) -> None:
    if key is not None and key not in names:
        raise PydanticCustomError(
            "key", "key {key} is not one of the {owner}", {"key": repr(key), "owner": owner}
        )


class SqlTable(StrictModel):
    """One table; `key` is the column that tells its rows apart for people (an order number):
    every export of the table keeps it, and `label` names the table for people."""

    name: SqlName
    label: Text | None = None
    key: SqlName | None = None
    lookup: TableLookup
    activities: list[Id] = Field(min_length=1)
    columns: list[Column] = Field(min_length=1)
    erasure: Erasure
    disclosures: Disclosures | None = None
    restriction: RestrictionMark | None = None  # none: staff mark restricted rows by hand
    stop: dict[Id, StopRule] = {}  # activity id -> how it stops for the subject here

    @model_validator(mode="after")
    def _key_listed(self) -> SqlTable:
        _key_is_listed(self.key, [c.name for c in self.columns], "table's columns")
        return self

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _sqlalchemy_url(value: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(value)
    except ArgumentError:
        raise PydanticCustomError(
            "sql_url", "is not an SQLAlchemy URL such as postgresql+psycopg://user@host/db"
        ) from None
    return value


class SqlSource(StrictModel):
    type: Literal["sql"]
    id: Id
    name: NonEmpty
    label: Text | None = None  # the name for people, per language (the export's page)
    description: Text | None = None
    read_url: NonEmpty  # finds data; give it a read-only database user
    write_url: NonEmpty | None = None  # changes data (erasure, restriction, stopping)
    db_schema: SqlName | None = None
    tables: list[SqlTable] = Field(min_length=1)

    @field_validator("read_url", "write_url")
    @classmethod
    def _urls_parse(cls, value: str | None) -> str | None:
        return value if value is None else _sqlalchemy_url(value)

    def table(self, name: str) -> SqlTable | None:
        return next((t for t in self.tables if t.name == name), None)


class FieldMatch(StrictModel):
    field: NonEmpty
    key: Id


class FileSource(StrictModel):
    type: Literal["file"]
    id: Id
    name: NonEmpty
    description: Text | None = None
    path: NonEmpty  # relative paths are relative to the register file's folder
    format: Literal["csv", "json"]  # default: from the path's suffix
    label: Text | None = None  # the file's records for people (default: the name)
    key: NonEmpty | None = None  # the field that tells records apart (kept in every export)
    lookup: list[FieldMatch] = Field(min_length=1)
    activities: list[Id] = Field(min_length=1)
    fields: list[FileField] = Field(min_length=1)
    erasure: Erasure
    disclosures: Disclosures | None = None
    restriction: RestrictionMark | None = None
    stop: dict[Id, StopRule] = {}

    @model_validator(mode="after")
    def _key_listed(self) -> FileSource:
        _key_is_listed(self.key, [f.name for f in self.fields], "file's fields")
        return self

    @model_validator(mode="before")
    @classmethod
    def _format_from_suffix(cls, value: Any) -> Any:
        if isinstance(value, dict) and "format" not in value and isinstance(value.get("path"), str):
            suffix = PurePath(value["path"]).suffix.lower().lstrip(".")
            if suffix not in ("csv", "json"):
                raise PydanticCustomError(
                    "file_format",
                    "cannot tell the format from the path: set format: csv or format: json",
                )
            return {**value, "format": suffix}
        return value


class ManualSource(StrictModel):
    """A system without a connector: staff search it by hand following the instructions."""

    type: Literal["manual"]
    id: Id
    name: NonEmpty
    description: Text
    instructions: Text
    categories: list[Id] = Field(min_length=1)
    activities: list[Id] = Field(min_length=1)
    contact: NonEmpty | None = None  # who in the organisation looks after it
    # Lookup keys whose owner's e-mail address on file staff can read in this system: staff
    # may then send a one-time code there to verify a requester's claim (docs/lookup-keys.md).
    verifiable: list[Id] = []


Source = Annotated[SqlSource | FileSource | ManualSource, Field(discriminator="type")]
