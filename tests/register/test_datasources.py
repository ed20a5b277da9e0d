"""Labels, value types and key columns of tables, files and columns: optional, checked."""

from __future__ import annotations

from typing import Any

import pytest

from dsar.register.loading import validate
from tests.register.test_schema import LABEL, minimal_register, problems_of, sql_source, text

MONEY = {"name": "total_cents", "type": "money", "currency": "EUR", "scale": 2}


def _with_table(**table: Any) -> dict[str, Any]:
    data = minimal_register()
    data["sources"].append(sql_source(**table))
    return data


def test_labels_types_and_key_are_optional_and_read() -> None:
    assert validate(_with_table(), LABEL).sources[1].tables[0].key is None  # type: ignore[union-attr]
    columns = [{"name": "id", "label": text("Nummer", "Number")}, MONEY]
    register = validate(
        _with_table(label=text("Bestellungen", "Orders"), key="id", columns=columns), LABEL
    )
    table = register.sources[1].tables[0]  # type: ignore[union-attr]
    assert (table.key, table.label.get("de"), table.columns[0].label.get("en")) == (
        "id",
        "Bestellungen",
        "Number",
    )
    assert (table.columns[1].type, table.columns[1].currency, table.columns[1].scale) == (
        "money",
        "EUR",
        2,
    )


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"key": "order_no"}, "tables[0]: key 'order_no' is not one of the table's columns"),
        ({"columns": [{"name": "total", "type": "money"}]}, "a money column needs currency"),
        ({"columns": [{"name": "n", "currency": "EUR"}]}, "a money column needs currency"),
        ({"columns": [{"name": "n", "type": "number", "scale": 2}]}, "scale is only for money"),
        ({"columns": [{"name": "n", "type": "euros"}]}, "columns[0].type"),
        ({"label": {"de": "Bestellungen"}}, "tables[0].label: missing the 'en' text"),
        (
            {"columns": [{"name": "status", "values": {"sent": {"de": "versandt"}}}]},
            "columns[0].values['sent']: missing the 'en' text",
        ),
    ],
)
def test_wrong_labels_types_and_keys_are_named(table: dict[str, Any], expected: str) -> None:
    problems = problems_of(_with_table(**table))

    assert any(expected in p for p in problems), problems


def _with_recipient(**table: Any) -> dict[str, Any]:
    data = _with_table(**table)
    data["recipients"] = [
        {
            "id": "bank",
            "named": True,
            "name": "Bank AG",
            "category": text("Bank", "Bank"),
            "role": "controller",
        }
    ]
    data["activities"][0]["recipients"] = ["bank"]
    return data


def test_disclosures_name_recipients_and_a_declared_column() -> None:
    columns = [{"name": "id"}, {"name": "email", "categories": ["contact"]}, {"name": "via"}]
    disclosures = {"to": ["bank"], "column": "via", "values": {"Bank AG": "bank"}}
    register = validate(_with_recipient(columns=columns, disclosures=disclosures), LABEL)
    table = register.sources[1].tables[0]  # type: ignore[union-attr]
    assert table.disclosures is not None and table.disclosures.values == {"Bank AG": "bank"}


@pytest.mark.parametrize(
    ("disclosures", "expected"),
    [
        ({"column": "email"}, "column and values go together"),
        ({}, "give to (recipient ids) or column and values"),
        ({"to": ["carrier"]}, "disclosures.to[0]: 'carrier' is not a recipients id"),
        ({"column": "email", "values": {"x": "nobody"}}, "'nobody' is not a recipients id"),
        ({"column": "via", "values": {"x": "bank"}}, "'via' is not one of the declared columns"),
    ],
)
def test_wrong_disclosures_are_named(disclosures: dict[str, Any], expected: str) -> None:
    problems = problems_of(_with_recipient(disclosures=disclosures))

    assert any(expected in p for p in problems), problems
