"""Which steps the register's rules give under a scope: column over table, scope over both."""

from __future__ import annotations

import pytest

from dsar.changes.rules import part_rules
from dsar.register.datasources import Column, Erasure


def _columns(**rules: object) -> list[Column]:
    specs = {"id": [], "email": ["contact"], "name": ["identity"], "bought": ["order"]}
    return [
        Column.model_validate(
            {
                "name": name,
                "categories": cats,
                **({"erasure": rules[name]} if name in rules else {}),
            }
        )
        for name, cats in specs.items()
    ]


def _summary(rules):  # type: ignore[no-untyped-def]
    return [(s.action, s.columns, s.values, s.retention) for s in rules.steps]


ANON_EMAIL = {"action": "anonymise", "value": None}
KEEP_NAME = {"action": "keep", "retention": "invoicing"}


@pytest.mark.parametrize(
    ("table", "columns", "scope", "steps", "left", "not_done"),
    [
        ("delete", {}, None, [("delete", [], {}, None)], [], 0),
        ("delete", {}, {"contact", "identity", "order"}, [("delete", [], {}, None)], [], 0),
        # part of the data out of scope: no row delete; a column rule still erases in scope
        (
            "delete",
            {"email": ANON_EMAIL},
            {"contact"},
            [("anonymise", ["email"], {"email": None}, None)],
            ["name", "bought"],
            0,
        ),
        ("delete", {}, {"contact"}, [], ["name", "bought"], 1),
        ("delete", {}, {"payment"}, [], ["email", "name", "bought"], 0),
        # the column's rule overrides the table's
        (
            "anonymise",
            {"email": ANON_EMAIL, "name": KEEP_NAME, "bought": ANON_EMAIL},
            None,
            [
                ("keep", ["name"], {}, "invoicing"),
                ("anonymise", ["email", "bought"], {"email": None, "bought": None}, None),
            ],
            [],
            0,
        ),
        (
            "anonymise",
            {"email": ANON_EMAIL},
            None,
            [("anonymise", ["email"], {"email": None}, None)],
            [],
            2,
        ),
        (
            {"action": "keep", "retention": "orders", "date_column": "bought"},
            {"email": ANON_EMAIL},
            None,
            [
                ("keep", ["name", "bought"], {}, "orders"),
                ("anonymise", ["email"], {"email": None}, None),
            ],
            [],
            0,
        ),
    ],
)
def test_steps_follow_column_rules_table_rules_and_scope(
    table, columns, scope, steps, left, not_done
) -> None:  # type: ignore[no-untyped-def]
    rules = part_rules("t", Erasure.model_validate(table), _columns(**columns), {}, scope)
    assert _summary(rules) == steps
    assert rules.left == left
    assert len(rules.not_done) == not_done


def test_a_partly_scoped_keep_empties_only_its_columns_when_it_ends() -> None:
    keep = Erasure.model_validate({"action": "keep", "retention": "orders"})
    whole = part_rules("t", keep, _columns(), {}, None)
    partly = part_rules("t", keep, _columns(), {}, {"order"})
    assert [s.whole_rows for s in whole.steps] == [True]
    assert [s.whole_rows for s in partly.steps] == [False]


def test_keep_names_the_legal_reason_and_the_retention_norm(register) -> None:  # type: ignore[no-untyped-def]
    activities = {a.id: a for a in register.activities}
    keep = Erasure.model_validate({"action": "keep", "retention": "invoicing"})
    [step] = part_rules("t", keep, _columns(), activities, None).steps
    assert step.reason.startswith("Art. 17(3)(b) GDPR; HGB §257(1) Nr. 4")
    claims = activities["invoicing"].retention.model_copy(update={"ground": "legal_claims"})
    activities["invoicing"] = activities["invoicing"].model_copy(update={"retention": claims})
    [step] = part_rules("t", keep, _columns(), activities, None).steps
    assert step.reason.startswith("Art. 17(3)(e) GDPR; HGB")  # kept for claims, not by duty


def test_a_retention_that_ends_with_an_event_is_said_to_need_a_hand_deletion(register) -> None:  # type: ignore[no-untyped-def]
    activities = {a.id: a for a in register.activities}
    keep = Erasure.model_validate({"action": "keep", "retention": "newsletter"})
    rules = part_rules("t", keep, _columns(), activities, None)
    assert [s.key for s in rules.steps] == ["keep:newsletter"]
    assert rules.not_done == [
        "t: kept under newsletter, whose retention ends with an event (until_consent_withdrawn):"
        " no deletion can be planned; delete by hand then"
    ]
