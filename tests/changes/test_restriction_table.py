"""A restriction table instead of a flag column: a row per restricted row of the subject,
added by the job and read back, removed again when the restriction is lifted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from dsar.changes.models import RestrictionStatus
from dsar.changes.restrictions import carry_out_restriction, lift_restriction
from dsar.register.marking import RestrictionMark
from tests.changes.test_restriction import _lift_letter, _placed

MARKED = "SELECT count(*) FROM restricted_tickets"
THEIRS = "SELECT count(*) FROM support_tickets WHERE customer_id = 42"


@pytest.fixture
def table_register(shop_register, shop_url):  # type: ignore[no-untyped-def]
    """The demo register whose support tickets are restricted through a table of their own."""
    engine = create_engine(shop_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE restricted_tickets (ticket_id INTEGER PRIMARY KEY)"))
    engine.dispose()
    mark = RestrictionMark(
        table="restricted_tickets", column="ticket_id", references="support_tickets.id"
    )
    source = shop_register.source("shop_db")
    tables = [
        t.model_copy(update={"restriction": mark}) if t.name == "support_tickets" else t
        for t in source.tables
    ]
    shop = source.model_copy(update={"tables": tables})
    sources = [shop if s.id == "shop_db" else s for s in shop_register.sources]
    return shop_register.model_copy(update={"sources": sources})


def test_the_subject_s_rows_get_a_row_in_the_table_then_lose_it_when_lifted(
    session, restriction_request, table_register, now, shop
) -> None:  # type: ignore[no-untyped-def]
    restriction = _placed(session, restriction_request, table_register, now, sources=["shop_db"])
    assert shop(MARKED) == 0 and shop(THEIRS) >= 1

    carry_out_restriction(session, restriction, table_register, now=now, checkpoint=session.flush)

    assert restriction.status is RestrictionStatus.ACTIVE
    assert shop(MARKED) == shop(THEIRS)  # the subject's tickets, nobody else's
    report = next(r for r in restriction.reports if r["part"] == "support_tickets")
    assert (report["marked"], report["verified"]) == (shop(THEIRS), True)
    assert "support_tickets" not in {m["part"] for m in restriction.manual}

    _lift_letter(session, restriction_request, now, posted=True)
    later = now + timedelta(days=1)
    lift_restriction(session, restriction, table_register, actor="dana@example.org", now=later)
    carry_out_restriction(session, restriction, table_register, now=later,
                          checkpoint=session.flush)  # fmt: skip

    assert restriction.status is RestrictionStatus.LIFTED
    assert shop(MARKED) == 0
