"""The restriction mark and the stop rules of a table: read, and checked against the table."""

from __future__ import annotations

from typing import Any

import pytest

from dsar.register.loading import validate
from tests.register.test_schema import LABEL, minimal_register, problems_of, sql_source

COLUMNS = [
    {"name": "id"},
    {"name": "email", "categories": ["contact"]},
    {"name": "restricted", "type": "boolean"},
    {"name": "opt_in", "type": "boolean"},
]


def _with_table(**table: Any) -> dict[str, Any]:
    data = minimal_register()
    data["sources"].append(sql_source(columns=COLUMNS, **table))
    return data


def test_restriction_and_stop_rules_are_read_with_their_short_forms() -> None:
    register = validate(
        _with_table(
            restriction={"column": "restricted"},
            stop={"orders": {"column": "opt_in", "value": False}},
        ),
        LABEL,
    )
    table = register.sources[1].tables[0]  # type: ignore[union-attr]

    assert (table.restriction.column, table.restriction.value, table.restriction.lifted) == (
        "restricted",
        True,
        False,
    )
    assert (table.stop["orders"].action, table.stop["orders"].column) == ("set", "opt_in")
    assert (
        validate(_with_table(stop={"orders": "delete"}), LABEL)
        .sources[1]
        .tables[0]
        .stop[  # type: ignore[union-attr]
            "orders"
        ]
        .action
        == "delete"
    )


def test_a_table_without_them_is_marked_by_hand() -> None:
    table = validate(_with_table(), LABEL).sources[1].tables[0]  # type: ignore[union-attr]

    assert (table.restriction, table.stop) == (None, {})


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"restriction": {"column": "flag"}}, "restriction.column: 'flag' is not one of the"),
        ({"restriction": {"column": "restricted", "value": 1, "lifted": 1}}, "must differ"),
        ({"stop": {"newsletter": "delete"}}, "stop['newsletter']: 'newsletter' is not an activity"),
        ({"stop": {"orders": {"column": "nope", "value": False}}}, "'nope' is not one of the"),
        ({"stop": {"orders": {"action": "set"}}}, "set needs a column"),
        ({"stop": {"orders": {"action": "delete", "value": 1}}}, "value is only for setting"),
    ],
)
def test_wrong_marks_and_stop_rules_are_named(table: dict[str, Any], expected: str) -> None:
    problems = problems_of(_with_table(**table))

    assert any(expected in p for p in problems), problems


def test_a_restriction_table_names_this_table_s_key_column() -> None:
    mark = {"table": "restricted", "column": "customer_id", "references": "customers.id"}
    table = validate(_with_table(restriction=mark), LABEL).sources[1].tables[0]  # type: ignore[union-attr]

    assert (table.restriction.table, table.restriction.key) == ("restricted", "id")
    wrong = {**mark, "references": "orders.id"}
    assert any(
        "restriction.references: must name" in p
        for p in problems_of(_with_table(restriction=wrong))
    )
    half = {"table": "restricted", "column": "customer_id"}
    assert any(
        "needs table, column and references" in p
        for p in problems_of(_with_table(restriction=half))
    )
