"""A request's rectification on the demo shop (SQLite and PostgreSQL): mapped and planned
(nothing changes), approved, applied by the job and read back; wrong values and columns outside
the register refused; other subjects' rows untouched; the audit keeps before and after."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from dsar.changes.models import Rectification, RectificationStatus
from dsar.changes.rectification_outcome import recipients_of
from dsar.changes.rectification_plan import ItemMapping, PlanRefused
from dsar.changes.rectifications import (
    RectificationError,
    approve_rectification,
    carry_out_rectification,
    plan_request_rectification,
    record_by_hand,
    retry_rectification,
)
from dsar.jobs.rectifications import apply_approved_rectifications
from dsar.letters.models import RecipientNotice
from dsar.requests.models import RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from tests.factories import make_request, make_staff

EMAIL = "kunde042@example.org"
ITEMS = [
    {"wrong": "my surname is misspelt", "correct": "Schmidt-Meyer"},
    {"wrong": "postcode", "correct": "50667"},
    {"wrong": "delivery address of one order", "correct": "Ringstraße 1, 50667 Köln"},
]
OTHERS = "SELECT group_concat(last_name || postcode, ',') FROM customers WHERE id <> 42"
OTHERS_PG = (
    "SELECT string_agg(last_name || postcode, ',' ORDER BY id) FROM customers WHERE id <> 42"
)


@pytest.fixture
def rect_request(session, controller, now):  # type: ignore[no-untyped-def]
    request = make_request(
        session, controller, now, type=RequestType.RECTIFICATION, subject_email=EMAIL,
        details={"items": ITEMS},
    )  # fmt: skip
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    return request


def _others(shop: Any, backend: str) -> Any:
    return shop(OTHERS_PG if backend == "postgresql" else OTHERS)


def _plan(session, request, register, now, *mappings: ItemMapping, audit="values"):  # type: ignore[no-untyped-def]
    return plan_request_rectification(
        session, request, register, list(mappings), actor="dana@example.org", now=now,
        audit=audit,
    )  # fmt: skip


def _events(session, action: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    query = select(RequestEvent).where(RequestEvent.action == action).order_by(RequestEvent.id)
    return [e.payload for e in session.execute(query).scalars()]


SAME_ADDRESS = (
    "SELECT count(*) FROM orders WHERE customer_id = 42 AND id <> :o"
    " AND shipping_address = 'Ringstraße 1, 50667 Köln'"
)
SURNAME = ItemMapping(0, "shop_db|customers|last_name", "", "Schmidt-Meyer")


def test_planning_shows_before_and_after_and_changes_nothing(
    session, rect_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    before = shop("SELECT last_name FROM customers WHERE id = 42")
    rectification = _plan(session, rect_request, shop_register, now, SURNAME)

    assert rectification.status is RectificationStatus.PLANNED
    [item] = rectification.items
    assert (item["before"], item["value"], item["rows"], item["how"]) == (
        [before],
        "Schmidt-Meyer",
        1,
        "sql",
    )
    assert shop("SELECT last_name FROM customers WHERE id = 42") == before  # nothing yet
    with pytest.raises(RectificationError, match="only an approved"):
        carry_out_rectification(session, rectification, shop_register, now=now)
    assert shop("SELECT last_name FROM customers WHERE id = 42") == before
    [planned] = _events(session, "rectification_planned")
    assert planned["items"][0]["before"] == [before]
    assert planned["items"][0]["after"] == "Schmidt-Meyer"


def test_approved_the_job_applies_reads_back_and_leaves_others(
    app, session, backend, rect_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    others = _others(shop, backend)
    before = shop("SELECT last_name FROM customers WHERE id = 42")
    order = shop("SELECT min(id) FROM orders WHERE customer_id = 42")
    other_orders = shop(SAME_ADDRESS, o=order)
    address = ItemMapping(2, "shop_db|orders|shipping_address", str(order), ITEMS[2]["correct"])
    postcode = ItemMapping(1, "shop_db|customers|postcode", "", "50667")
    rectification = _plan(session, rect_request, shop_register, now, SURNAME, postcode, address)
    approve_rectification(session, rectification, approver=make_staff(session, now), now=now)
    settings = app.config["DSAR_SETTINGS"]

    run = apply_approved_rectifications(
        session, settings, now, registers=[shop_register], after_each=session.flush
    )

    assert (run.done, run.unfinished) == (1, 0)
    assert rectification.status is RectificationStatus.DONE and rectification.finished_at == now
    assert shop("SELECT last_name FROM customers WHERE id = 42") == "Schmidt-Meyer"
    assert shop("SELECT postcode FROM customers WHERE id = 42") == "50667"
    assert shop("SELECT shipping_address FROM orders WHERE id = :o", o=order) == ITEMS[2]["correct"]
    assert shop(SAME_ADDRESS, o=order) == other_orders
    assert _others(shop, backend) == others  # nobody else's row changed
    reports = {r["index"]: r for r in rectification.reports}
    assert (reports[0]["changed"], reports[0]["verified"], reports[0]["after"]) == (
        1, True, ["Schmidt-Meyer"]
    )  # fmt: skip
    assert reports[2]["rows"] == 1
    [applied] = _events(session, "rectification_applied")
    surname = next(i for i in applied["items"] if i["column"] == "last_name")
    assert (surname["before"], surname["after"]) == ([before], ["Schmidt-Meyer"])
    # the order went to the payment provider and its carrier; the customer row to nobody
    assert recipients_of(rectification) == ["payments", "parcel"]
    # ... and each gets an Art. 19 notice drafted with the corrected value (not yet sent)
    notices = session.execute(select(RecipientNotice).order_by(RecipientNotice.id)).scalars()
    drafted = [(n.recipient_id, n.action, n.letter.texts["change"]) for n in notices]
    assert sorted(drafted) == [
        ("parcel", "rectify", "Delivery address: Ringstraße 1, 50667 Köln"),
        ("payments", "rectify", "Delivery address: Ringstraße 1, 50667 Köln"),
    ]
    again = apply_approved_rectifications(
        session, settings, now, registers=[shop_register], after_each=session.flush
    )
    assert again.done == 0


def test_a_value_of_the_wrong_type_is_refused_naming_the_column(
    session, rect_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    birthday = ItemMapping(0, "shop_db|customers|birth_date", "", "the 3rd of May")
    too_long = ItemMapping(1, "shop_db|customers|postcode", "", "123456789012")
    empty = ItemMapping(2, "shop_db|customers|city", "", "  ")
    with pytest.raises(PlanRefused) as refused:
        _plan(session, rect_request, shop_register, now, birthday, too_long, empty)

    assert "customers.birth_date takes a date" in refused.value.errors[0]
    assert "customers.postcode holds at most 10 characters" in refused.value.errors[1]
    assert "customers.city cannot be empty (NOT NULL)" in refused.value.errors[2]
    assert session.execute(select(Rectification)).first() is None


def test_a_column_outside_the_register_is_refused_before_anything_runs(
    session, rect_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    unknown = ItemMapping(0, "shop_db|customers|password_hash", "", "x")
    no_category = ItemMapping(1, "shop_db|customers|id", "", "7")
    no_table = ItemMapping(2, "shop_db|payments|iban", "", "x")
    with pytest.raises(PlanRefused) as refused:
        _plan(session, rect_request, shop_register, now, unknown, no_category, no_table)
    assert "customers.password_hash is not in the register" in refused.value.errors[0]
    assert "customers.id holds no personal-data category" in refused.value.errors[1]
    assert "no table 'payments'" in refused.value.errors[2]

    rectification = _plan(session, rect_request, shop_register, now, SURNAME)
    rectification.items = [{**rectification.items[0], "column": "password_hash"}]  # tampered
    approve_rectification(session, rectification, approver=make_staff(session, now), now=now)
    before = shop("SELECT last_name FROM customers WHERE id = 42")
    carry_out_rectification(session, rectification, shop_register, now=now)
    assert rectification.status is RectificationStatus.FAILED
    assert "not in the register" in rectification.reports[0]["error"]
    assert shop("SELECT last_name FROM customers WHERE id = 42") == before


def test_hashes_instead_of_values_in_the_audit_by_setting(
    session, rect_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    rectification = _plan(session, rect_request, shop_register, now, SURNAME, audit="hashes")
    approve_rectification(session, rectification, approver=make_staff(session, now), now=now)
    carry_out_rectification(session, rectification, shop_register, now=now, audit="hashes")

    for action in ("rectification_planned", "rectification_applied"):
        [event] = _events(session, action)
        item = event["items"][0]
        after = item["after"] if isinstance(item["after"], str) else item["after"][0]
        assert after.startswith("sha256:") and "Schmidt" not in str(event)
        assert all(b.startswith("sha256:") for b in item["before"])


def test_without_write_url_the_item_is_done_by_hand_and_recorded(
    session, rect_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    source = shop_register.source("shop_db").model_copy(update={"write_url": None})
    register = shop_register.model_copy(update={"sources": [source]})
    before = shop("SELECT last_name FROM customers WHERE id = 42")
    rectification = _plan(session, rect_request, register, now, SURNAME)
    assert rectification.items[0]["how"] == "by_hand"
    approve_rectification(session, rectification, approver=make_staff(session, now), now=now)

    carry_out_rectification(session, rectification, register, now=now)
    assert rectification.status is RectificationStatus.PARTIAL  # waits for staff's record
    assert shop("SELECT last_name FROM customers WHERE id = 42") == before  # dsar wrote nothing
    with pytest.raises(RectificationError, match="in the future"):
        later = now.date() + timedelta(days=2)
        record_by_hand(session, rectification, 0, what="corrected", done_on=later,
                       actor="dana@example.org", now=now)  # fmt: skip
    record_by_hand(session, rectification, 0, what="surname corrected in the shop admin",
                   done_on=now.date(), actor="dana@example.org", now=now)  # fmt: skip
    assert rectification.status is RectificationStatus.DONE
    assert rectification.reports[0]["by_hand"]["what"] == "surname corrected in the shop admin"


def test_a_failed_source_is_retried_and_finishes(
    session, rect_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    from dsar.changes.run import WriteRefused

    rectification = _plan(session, rect_request, shop_register, now, SURNAME)
    approve_rectification(session, rectification, approver=make_staff(session, now), now=now)

    def refused(source: Any) -> Any:
        raise WriteRefused(f"source {source.id} has no write_url")

    carry_out_rectification(session, rectification, shop_register, now=now, writers=refused)
    assert rectification.status is RectificationStatus.FAILED
    assert "has no write_url" in rectification.reports[0]["error"]
    retry_rectification(session, rectification, actor="dana@example.org", now=now)
    carry_out_rectification(session, rectification, shop_register, now=now)
    assert rectification.status is RectificationStatus.DONE and rectification.runs == 2
    assert shop("SELECT last_name FROM customers WHERE id = 42") == "Schmidt-Meyer"


def test_an_agent_not_assigned_cannot_approve(session, rect_request, shop_register, now) -> None:  # type: ignore[no-untyped-def]
    from dsar.accounts.models import Role

    rectification = _plan(session, rect_request, shop_register, now, SURNAME)
    agent = make_staff(session, now, email="al@example.org", role=Role.AGENT)
    with pytest.raises(RectificationError, match="assigned"):
        approve_rectification(session, rectification, approver=agent, now=now)
    assert rectification.status is RectificationStatus.PLANNED


def test_a_value_already_written_is_not_written_twice(
    session, rect_request, shop_register, shop_url, now, shop
) -> None:  # type: ignore[no-untyped-def]
    """As after a crash between the shop's commit and dsar's record: the re-run finds the
    value in place, changes no row and still reads it back."""
    from sqlalchemy import create_engine, text

    rectification = _plan(session, rect_request, shop_register, now, SURNAME)
    approve_rectification(session, rectification, approver=make_staff(session, now), now=now)
    engine = create_engine(shop_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE customers SET last_name = 'Schmidt-Meyer' WHERE id = 42"))
    engine.dispose()

    carry_out_rectification(session, rectification, shop_register, now=now)

    [report] = rectification.reports
    assert (report["rows"], report["changed"], report["verified"]) == (1, 0, True)
    assert rectification.status is RectificationStatus.DONE


def test_correcting_the_e_mail_address_still_finds_the_subject_s_other_rows(
    session, rect_request, shop_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    """The plan's anchors (customers.id) find the orders after the lookup column changed."""
    email = ItemMapping(0, "shop_db|customers|email", "", "kunde042@example.net")
    orders = ItemMapping(2, "shop_db|orders|shipping_address", "", "Ringstraße 1, 50667 Köln")
    rectification = _plan(session, rect_request, shop_register, now, email, orders)
    approve_rectification(session, rectification, approver=make_staff(session, now), now=now)

    carry_out_rectification(session, rectification, shop_register, now=now)

    assert rectification.status is RectificationStatus.DONE
    assert shop("SELECT email FROM customers WHERE id = 42") == "kunde042@example.net"
    assert shop("SELECT count(*) FROM orders WHERE customer_id = 42 AND shipping_address"
                " = 'Ringstraße 1, 50667 Köln'") == shop("SELECT count(*) FROM orders"
                                                        " WHERE customer_id = 42")  # fmt: skip
    assert shop("SELECT count(*) FROM orders WHERE shipping_address = 'Ringstraße 1, 50667 Köln'"
                " AND customer_id <> 42") == 0  # fmt: skip
