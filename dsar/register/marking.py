"""How a table or file marks the subject's data as restricted (Art. 18), and how each activity
stops for the subject there (consent withdrawn, Art. 7(3); objection, Art. 21)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from dsar.register.primitives import NonEmpty, SqlName, StrictModel, _matching

Single = str | int | float | bool | None


def _single(value: Any, what: str) -> None:
    if not isinstance(value, Single):
        raise PydanticCustomError("marking", "{what} must be a single value", {"what": what})


class RestrictionMark(StrictModel):
    """A flag column: dsar sets it to `value` for the subject's rows when it restricts them,
    and back to `lifted` when the restriction is lifted (after the Art. 18(3) notice). Or,
    with `table`, a restriction table: dsar adds a row whose `column` holds the value of
    `references` (this table's key, `table.column`) for each of the subject's rows, and
    removes those rows when the restriction is lifted."""

    column: NonEmpty
    value: Any = True
    lifted: Any = False
    table: SqlName | None = None
    references: (
        Annotated[str, _matching(r"[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*", "table.column")]
        | None
    ) = None

    @model_validator(mode="after")
    def _single_values(self) -> RestrictionMark:
        if (self.table is None) != (self.references is None):
            raise PydanticCustomError(
                "marking", "a restriction table needs table, column and references together"
            )
        if self.table is not None and {"value", "lifted"} & self.model_fields_set:
            raise PydanticCustomError("marking", "value and lifted are only for a flag column")
        _single(self.value, "value")
        _single(self.lifted, "lifted")
        if self.value == self.lifted:
            raise PydanticCustomError("marking", "value and lifted must differ")
        return self

    @property
    def key(self) -> str:
        """The column of the marked table whose value a restriction table's row holds."""
        return (self.references or "").split(".")[-1]


class StopRule(StrictModel):
    """How one activity stops for the subject: `delete` the subject's rows, or set `column` to
    `value` (a marketing opt-in to false). Short forms: `delete`, `{column: C, value: V}`."""

    action: Literal["delete", "set"]
    column: NonEmpty | None = None
    value: Any = None

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"action": value}
        if isinstance(value, dict) and "action" not in value:
            return {"action": "set", **value}
        return value

    @model_validator(mode="after")
    def _column_for_set(self) -> StopRule:
        if (self.action == "set") != (self.column is not None):
            raise PydanticCustomError(
                "stop", "set needs a column (and value); delete takes neither"
            )
        if self.action == "delete" and "value" in self.model_fields_set:
            raise PydanticCustomError("stop", "value is only for setting a column")
        _single(self.value, "value")
        return self
