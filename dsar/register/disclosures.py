"""Which register recipients received a subject's rows of a table or file (C-154/21)."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from dsar.register.primitives import Id, NonEmpty, StrictModel


class Disclosures(StrictModel):
    """Which recipients (register ids) received the subject's rows of a table or file.

    `to`: every row went to these recipients (a payment provider gets every payment).
    `column` + `values`: the column of the row that says where it went (a carrier per order),
    each value mapped to a recipient id. The search records the recipients it finds this way
    and the access letter names them (C-154/21).
    """

    to: list[Id] = []
    column: NonEmpty | None = None
    values: dict[str, Id] = {}

    @model_validator(mode="after")
    def _column_and_values(self) -> Disclosures:
        if (self.column is None) != (not self.values):
            raise PydanticCustomError(
                "disclosures", "column and values go together: which value means which recipient"
            )
        if not self.to and self.column is None:
            raise PydanticCustomError("disclosures", "give to (recipient ids) or column and values")
        return self

    def recipients(self, values: Iterable[object] = ()) -> tuple[list[str], list[str]]:
        """The recipients rows went to, given their `column` values: all of `to`, then those
        the values name (register order kept, each once); and the values no recipient maps."""
        seen = [str(v).strip() for v in values if v is not None and str(v).strip()]
        mapped = [self.values[v] for v in seen if v in self.values]
        unmapped = list(dict.fromkeys(v for v in seen if v not in self.values))
        return list(dict.fromkeys([*self.to, *mapped])), unmapped
