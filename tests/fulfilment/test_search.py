"""Searching every source for a verified subject; unreachable sources and exclusions."""

from __future__ import annotations

from sqlalchemy import select

from dsar.fulfilment.exclusions import exclude
from dsar.fulfilment.manual_tasks import complete_manual_task
from dsar.fulfilment.models import ExclusionReason, FindingStatus, ManualOutcome, ManualTask
from dsar.fulfilment.search import (
    FulfilmentError,
    completion_blockers,
    register_for,
    run_search,
)
from dsar.register.datasources import Column
from dsar.requests.models import RequestEvent
from tests.factories import make_request


def _register(app, request):  # type: ignore[no-untyped-def]
    return register_for(app.extensions["dsar.registers"], request)


def _with_source(register, **changes):  # type: ignore[no-untyped-def]
    shop = register.source("shop_db").model_copy(update=changes)
    return register.model_copy(update={"sources": [shop, *register.sources[1:]]})


def test_search_counts_each_table_for_demo_customer_42(app, session, now, verified_request):
    request = verified_request()
    run = run_search(session, request, _register(app, request), actor="dana@example.org", now=now)

    counts = {f.part: f.row_count for f in run.findings if f.source_id == "shop_db"}
    assert counts == {
        "customers": 1,
        "orders": 4,
        "invoices": 4,
        "newsletter_subscriptions": 1,
        "contact_messages": 1,
        "support_tickets": 1,
        "web_logs": 2,
    }
    customers = next(f for f in run.findings if f.part == "customers")
    assert customers.sample[0]["customer_number"] == "K-100042"
    assert customers.categories == [
        "account",
        "contact",
        "identity",
        "postal_address",
        "birth_date",
        "marketing",
    ]
    assert len(next(f for f in run.findings if f.part == "orders").sample) == 3
    assert not run.blocked


def test_search_opens_a_manual_task_that_blocks_until_done(app, session, now, verified_request):
    request = verified_request()
    run_search(session, request, _register(app, request), actor="dana@example.org", now=now)

    assert completion_blockers(session, request) == [
        "Accounting (DATEV, kept by the tax adviser): manual search not done yet"
    ]
    task = session.execute(select(ManualTask)).scalar_one()
    assert task.instructions.startswith("Ask the tax adviser by e-mail")
    complete_manual_task(
        session,
        request,
        task,
        actor="dana@example.org",
        now=now,
        note="no entries",
        outcome=ManualOutcome.NOTHING_FOUND,
    )
    assert completion_blockers(session, request) == []


def test_a_typed_customer_number_alone_finds_nothing(app, session, now, verified_request):
    """The breach this guards against: an address of one's own plus another's number."""
    request = verified_request(subject_email="other-address@example.com")
    run = run_search(session, request, _register(app, request), actor="dana@example.org", now=now)

    counts = {f.part: f.row_count for f in run.findings if f.source_id == "shop_db"}
    assert set(counts.values()) == {0}
    assert all(f.sample == [] for f in run.findings)
    assert "customer_number K-100042: typed by the requester and not verified" in " ".join(
        completion_blockers(session, request)
    )


def test_unreachable_source_is_recorded_and_blocks(app, session, now, verified_request, tmp_path):
    request = verified_request()
    missing = tmp_path / "no-such-folder" / "shop.sqlite3"
    register = _with_source(_register(app, request), read_url=f"sqlite:///{missing}")

    run = run_search(session, request, register, actor="dana@example.org", now=now)

    finding = next(f for f in run.findings if f.source_id == "shop_db")
    assert finding.status is FindingStatus.UNREACHABLE
    assert str(missing) in finding.message
    assert run.blocked
    assert not missing.parent.exists()  # nothing was created
    blockers = completion_blockers(session, request)
    assert blockers[0].startswith("shop_db: unreachable — source shop_db: database file")


def test_postgres_on_a_closed_port_is_unreachable(app, session, now, verified_request):
    from tests.pg import free_port

    request = verified_request()
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/shop"
    run = run_search(
        session,
        request,
        _with_source(_register(app, request), read_url=url),
        actor="dana@example.org",
        now=now,
    )

    finding = next(f for f in run.findings if f.source_id == "shop_db")
    assert finding.status is FindingStatus.UNREACHABLE
    assert "cannot connect to postgresql+psycopg://nobody@127.0.0.1" in finding.message


def test_wrong_column_is_named_and_blocks(app, session, now, verified_request):
    request = verified_request()
    register = _register(app, request)
    customers = register.source("shop_db").table("customers")
    wrong = customers.model_copy(update={"columns": [*customers.columns, Column(name="emial")]})
    tables = [wrong, *register.source("shop_db").tables[1:]]

    run = run_search(
        session, request, _with_source(register, tables=tables), actor="dana@example.org", now=now
    )

    finding = next(f for f in run.findings if f.source_id == "shop_db")
    assert finding.status is FindingStatus.MISMATCH
    assert "column 'emial' does not exist in table 'customers'" in finding.message


def test_unverified_request_is_not_searched(app, session, now, controller, shop):
    request = make_request(session, controller, now)
    try:
        run_search(session, request, _register(app, request), actor="dana@example.org", now=now)
    except FulfilmentError as error:
        assert "verify the requester's identity" in str(error)
    else:
        raise AssertionError("an unverified request was searched")


def test_search_and_exclusion_are_audited(app, session, now, verified_request):
    request = verified_request()
    run_search(session, request, _register(app, request), actor="dana@example.org", now=now)
    exclude(
        session,
        request,
        source_id="shop_db",
        part="contact_messages",
        row_key="6",
        reason_code=ExclusionReason.THIRD_PARTY,
        reason="written by the neighbour",
        actor="dana@example.org",
        now=now,
    )

    events = (
        session.execute(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.seq)
        )
        .scalars()
        .all()
    )
    actions = [e.action for e in events]
    assert actions[-2:] == ["search_sources", "exclude_data"]
    assert events[-2].payload["rows"] == 14
    assert events[-1].payload == {
        "source": "shop_db",
        "part": "contact_messages",
        "row": "6",
        "field": None,
        "reason_code": "third_party",
        "reason": "written by the neighbour",
    }
