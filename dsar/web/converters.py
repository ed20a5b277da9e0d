"""URL converters: an `<int:...>` segment never exceeds what the databases can compare.

A number beyond 64 bits in a URL (`/staff/requests/99999999999999999999`) made SQLite raise
OverflowError, a 500; bounded, it is simply a URL that matches no route: 404.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

BIGGEST_ID = 2**63 - 1  # BIGINT / SQLite INTEGER


class BoundedIntegerConverter(IntegerConverter):
    """Flask's `int` converter, with the largest id either database stores as its maximum."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", BIGGEST_ID)
        super().__init__(map, *args, **kwargs)


def bounded_ids(values: list[str]) -> list[int]:
    """The values of a form's id list that are ids a database can hold; the rest are dropped."""
    return [int(value) for value in values if value.isdigit() and int(value) <= BIGGEST_ID]
