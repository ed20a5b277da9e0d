"""How a table or file marks the subject's data as restricted (Art. 18), and how each activity
stops for the subject there (consent withdrawn, Art. 7(3); objection, Art. 21)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from dsar.register.primitives import NonEmpty, StrictModel

Single = str | int | float | bool | None


def _single(value: Any, what: str) -> None:
    if not isinstance(value, Single):
        raise PydanticCustomError("marking", "{what} must be a single value", {"what": what})


class RestrictionMark(StrictModel):
    """A flag column: dsar sets it to `value` for the subject's rows when it restricts them,
    and back to `lifted` when the restriction is lifted (after the Art. 18(3) notice)."""

    column: NonEmpty
    value: Any = True
    lifted: Any = False

    @model_validator(mode="after")
    def _single_values(self) -> RestrictionMark:
        _single(self.value, "value")
        _single(self.lifted, "lifted")
        if self.value == self.lifted:
            raise PydanticCustomError("marking", "value and lifted must differ")
        return self


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
