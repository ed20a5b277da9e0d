"""The plan of erasing customer 42 from the demo shop: counts, order, anchors, JSON."""

from __future__ import annotations

import json

from dsar.changes.plan import ErasurePlan, plan_erasure
from dsar.sources import SqlConnector
from tests.changes.conftest import CUSTOMER_42


def test_the_plan_lists_each_table_children_first_with_counts_and_rules(
    register, shop_source
) -> None:  # type: ignore[no-untyped-def]
    connector = SqlConnector(shop_source)
    try:
        plan = plan_erasure(register, shop_source, connector, CUSTOMER_42)
    finally:
        connector.close()

    order = [p.part for p in plan.parts]
    assert order.index("invoices") < order.index("orders") < order.index("customers")
    assert order.index("web_logs") < order.index("customers")
    summary = {p.part: (p.rows, [s.key for s in p.steps]) for p in plan.parts}
    assert summary == {
        "invoices": (4, ["keep:invoicing"]),
        "orders": (4, ["keep:orders"]),
        "support_tickets": (1, ["delete"]),
        "web_logs": (2, ["delete"]),
        "customers": (1, ["keep:invoicing", "anonymise"]),
        "newsletter_subscriptions": (1, ["delete"]),
        "contact_messages": (1, ["delete"]),
    }
    assert plan.anchors == {"customers.id": [42]}
    assert plan.part("customers").steps[1].values == {
        "email": None,
        "phone": None,
        "birth_date": None,
        "marketing_opt_in": False,
    }

    stored = json.loads(json.dumps(plan.to_json()))
    assert ErasurePlan.from_json(stored) == plan


def test_a_scope_leaves_other_categories_and_says_what_it_cannot_do(register, shop_source) -> None:  # type: ignore[no-untyped-def]
    connector = SqlConnector(shop_source)
    try:
        plan = plan_erasure(register, shop_source, connector, CUSTOMER_42, {"contact", "usage"})
    finally:
        connector.close()

    assert plan.scope == ["contact", "usage"]
    assert [s.key for s in plan.part("web_logs").steps] == ["delete"]
    assert plan.part("customers").steps[0].columns == ["email", "phone"]
    assert plan.part("orders").steps == []
    assert plan.part("newsletter_subscriptions").steps == []  # consent data is out of scope
    assert (
        "newsletter_subscriptions.email: not erased"
        in plan.part("newsletter_subscriptions").not_done[0]
    )
