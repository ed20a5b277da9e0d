"""Erasing the demo shop's customer 42 on SQLite and PostgreSQL: delete, anonymise, keep."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dsar.changes.models import ErasureProgress, ProgressStatus
from dsar.changes.plan import plan_erasure
from dsar.changes.run import WriteRefused
from dsar.changes.sql_writer import SqlWriter
from dsar.jobs.models import PlannedDeletion
from dsar.sources import SqlConnector
from tests.changes.conftest import CUSTOMER_42


def _plan(register, source, scope=None):  # type: ignore[no-untyped-def]
    connector = SqlConnector(source)
    try:
        return plan_erasure(register, source, connector, CUSTOMER_42, scope)
    finally:
        connector.close()


def _apply(session, source, plan, context, **options):  # type: ignore[no-untyped-def]
    writer = SqlWriter(source, **options)
    try:
        return {r.part: r for r in writer.apply(session, plan, context, session.commit)}
    finally:
        writer.close()


SUBJECT_ROWS = {
    "customers": "SELECT count(*) FROM customers WHERE id = 42",
    "orders": "SELECT count(*) FROM orders WHERE customer_id = 42",
    "invoices": "SELECT count(*) FROM invoices JOIN orders ON orders.id = invoices.order_id"
    " WHERE orders.customer_id = 42",
    "support_tickets": "SELECT count(*) FROM support_tickets WHERE customer_id = 42",
    "web_logs": "SELECT count(*) FROM web_logs WHERE customer_id = 42",
    "newsletter_subscriptions": "SELECT count(*) FROM newsletter_subscriptions"
    " WHERE email = 'kunde042@example.org'",
    "contact_messages": "SELECT count(*) FROM contact_messages"
    " WHERE email = 'kunde042@example.org'",
}


def test_erasure_deletes_anonymises_and_keeps_by_the_register(
    session, register, shop_source, shop, context
) -> None:  # type: ignore[no-untyped-def]
    others_before = shop("SELECT count(*) FROM web_logs WHERE customer_id <> 42")
    reports = _apply(session, shop_source, _plan(register, shop_source), context)

    left = {part: shop(sql) for part, sql in SUBJECT_ROWS.items()}
    assert left == {
        "customers": 1,  # anonymised, the name and address kept for the invoices
        "orders": 4,
        "invoices": 4,
        "support_tickets": 0,
        "web_logs": 0,
        "newsletter_subscriptions": 0,
        "contact_messages": 0,
    }
    assert shop("SELECT email FROM customers WHERE id = 42") is None
    assert shop("SELECT phone FROM customers WHERE id = 42") is None
    assert shop("SELECT last_name FROM customers WHERE id = 42") is not None
    assert shop("SELECT count(*) FROM web_logs WHERE customer_id <> 42") == others_before
    assert shop("SELECT email FROM customers WHERE id = 43") == "kunde043@example.org"

    outcome = {
        p: (r.removed, r.anonymised, r.kept, r.failed, r.verified) for p, r in reports.items()
    }
    assert outcome == {
        "invoices": (0, 0, 4, False, True),
        "orders": (0, 0, 4, False, True),
        "support_tickets": (1, 0, 0, False, True),
        "web_logs": (2, 0, 0, False, True),
        "customers": (0, 1, 1, False, True),
        "newsletter_subscriptions": (1, 0, 0, False, True),
        "contact_messages": (1, 0, 0, False, True),
    }
    assert "Art. 17(3)(b) GDPR; HGB §257(1) Nr. 4" in " ".join(reports["invoices"].reasons)
    assert reports["invoices"].deletion_dates  # one planned deletion date or more


def test_children_are_erased_before_their_parents(
    session, register, shop_source, shop, context
) -> None:  # type: ignore[no-untyped-def]
    """Support tickets are found through customers.id, which the customer's e-mail finds:
    with only the e-mail known, they must go before the e-mail is emptied."""
    seen: list[str] = []
    plan = _plan(register, shop_source)
    plan.anchors = {}  # without the anchors only the order of the parts can find the children
    plan.subject = {"email": "kunde042@example.org"}
    _apply(
        session, shop_source, plan, context, between_batches=lambda part, step, n: seen.append(part)
    )

    assert seen.index("support_tickets") < seen.index("customers")
    assert seen.index("invoices") < seen.index("orders") < seen.index("customers")
    assert shop(SUBJECT_ROWS["support_tickets"]) == 0 and shop(SUBJECT_ROWS["web_logs"]) == 0


def test_a_source_without_write_url_is_refused(register, shop_source) -> None:  # type: ignore[no-untyped-def]
    source = shop_source.model_copy(update={"write_url": None})
    with pytest.raises(WriteRefused, match="no write_url.*never through the read_url"):
        SqlWriter(source)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda plan: setattr(plan.parts[0], "part", "payments"), "'payments' is not a table"),
        (
            lambda plan: plan.part("customers").steps[1].values.update(password=None),
            "column 'password' of 'customers' is not in the register",
        ),
        (lambda plan: plan.anchors.update({"orders.status": ["x"]}), "not a join"),
        (
            lambda plan: setattr(plan.part("orders").steps[0], "action", "delete"),
            "no longer says this for 'orders'",
        ),
    ],
)
def test_a_plan_beyond_the_register_is_refused_before_anything_runs(
    session, register, shop_source, shop, context, change, message
) -> None:  # type: ignore[no-untyped-def]
    from dsar.sources import RegisterMismatch

    plan = _plan(register, shop_source)
    change(plan)
    with pytest.raises(RegisterMismatch, match=message):
        _apply(session, shop_source, plan, context)
    assert shop(SUBJECT_ROWS["web_logs"]) == 2
    assert shop("SELECT email FROM customers WHERE id = 42") == "kunde042@example.org"
    assert session.execute(select(ErasureProgress)).first() is None


def test_a_table_without_a_primary_key_is_refused_by_name(
    session, register, shop_source, shop, shop_url, context
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text

    engine = create_engine(shop_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE web_logs_copy AS SELECT * FROM web_logs"))
        connection.execute(text("DROP TABLE web_logs"))
        connection.execute(text("ALTER TABLE web_logs_copy RENAME TO web_logs"))
    engine.dispose()
    plan = _plan(register, shop_source)
    with pytest.raises(WriteRefused, match="table 'web_logs' has no primary key"):
        _apply(session, shop_source, plan, context)
    assert shop(SUBJECT_ROWS["support_tickets"]) == 1  # nothing ran, not even the others
    assert session.execute(select(ErasureProgress)).first() is None


def test_keep_plans_deletions_per_expiry_date(session, register, shop_source, context) -> None:  # type: ignore[no-untyped-def]
    import json

    _apply(session, shop_source, _plan(register, shop_source), context)
    planned = (
        session.execute(
            select(PlannedDeletion).order_by(PlannedDeletion.target, PlannedDeletion.blocked_until)
        )
        .scalars()
        .all()
    )
    by_part: dict[str, list[PlannedDeletion]] = {}
    for row in planned:
        by_part.setdefault(row.target, []).append(row)
    assert set(by_part) == {"orders", "invoices", "customers"}
    keys = sorted(k for row in by_part["orders"] for k in json.loads(row.record_key)["keys"])
    assert keys == [116, 117, 118, 119]
    # end of the order's calendar year + 6 years, per order year
    years = {row.blocked_until.year for row in by_part["orders"]}
    assert all(row.blocked_until.month == 12 and row.blocked_until.day == 31 for row in planned)
    assert len(by_part["orders"]) == len(years)
    # the customer's kept name lasts as long as the latest invoice kept under invoicing
    assert by_part["customers"][0].blocked_until == max(
        r.blocked_until for r in by_part["invoices"]
    )
    assert all(row.retention_rule.startswith(("orders: HGB", "invoicing: HGB")) for row in planned)
    # an order goes no earlier than the invoice kept for it (8 years, not the order's 6)
    assert {r.blocked_until for r in by_part["orders"]} == {
        r.blocked_until for r in by_part["invoices"]
    }


def test_progress_is_recorded_per_step(session, register, shop_source, context) -> None:  # type: ignore[no-untyped-def]
    _apply(session, shop_source, _plan(register, shop_source), context)
    rows = session.execute(select(ErasureProgress)).scalars().all()
    found = {(r.part, r.action): (r.status, r.rows_done) for r in rows}
    assert found[("web_logs", "delete")] == (ProgressStatus.DONE, 2)
    assert found[("customers", "anonymise")] == (ProgressStatus.DONE, 1)
    assert found[("customers", "keep:invoicing")] == (ProgressStatus.DONE, 1)
    assert all(r.request_id == context.request_id for r in rows)


def test_a_failing_step_is_recorded_and_its_parents_are_left_alone(
    session, register, shop_source, shop, context
) -> None:  # type: ignore[no-untyped-def]
    """support_tickets.body is NOT NULL: emptying it fails, so the customer row (which finds
    the tickets) must not be anonymised in that run."""
    tickets = shop_source.table("support_tickets")
    null = {"action": "anonymise", "value": None}
    columns = [
        c.model_copy(update={"erasure": type(tickets.erasure).model_validate(null)})
        if c.categories
        else c
        for c in tickets.columns
    ]
    changed = tickets.model_copy(
        update={"erasure": type(tickets.erasure).model_validate("anonymise"), "columns": columns}
    )
    source = shop_source.model_copy(
        update={
            "tables": [changed if t.name == "support_tickets" else t for t in shop_source.tables]
        }
    )
    reports = _apply(session, source, _plan(register, source), context)

    assert reports["support_tickets"].failed
    assert any("failed" in r for r in reports["support_tickets"].reasons)
    assert reports["customers"].failed
    assert "not started: support_tickets failed" in " ".join(reports["customers"].reasons)
    assert shop("SELECT email FROM customers WHERE id = 42") == "kunde042@example.org"
    assert shop(SUBJECT_ROWS["web_logs"]) == 0  # the others went on
    progress = session.execute(
        select(ErasureProgress).where(ErasureProgress.part == "support_tickets")
    ).scalar_one()
    assert progress.status is ProgressStatus.FAILED
    assert "NOT NULL" in progress.error.upper().replace("-", " ")


def test_the_writer_never_uses_the_read_url(session, register, shop_source, shop, context) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(register, shop_source)
    elsewhere = shop_source.model_copy(
        update={"read_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    )
    reports = _apply(session, elsewhere, plan, context)
    assert reports["web_logs"].removed == 2 and shop(SUBJECT_ROWS["web_logs"]) == 0


def test_verification_reports_what_is_still_there(
    session, register, shop_source, context, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    original = SqlWriter._change

    def skip_web_logs(self, connection, table, *args):  # type: ignore[no-untyped-def]
        return 0 if table.name == "web_logs" else original(self, connection, table, *args)

    monkeypatch.setattr(SqlWriter, "_change", skip_web_logs)
    reports = _apply(session, shop_source, _plan(register, shop_source), context)
    assert reports["web_logs"].verified is False
    assert (
        "verify: 2 rows of web_logs still hold what web_logs: delete erases"
        in reports["web_logs"].reasons
    )
    assert reports["support_tickets"].verified is True
