"""The dashboard's figures count what the queue lists, for every viewer: an agent (unassigned
requests and their own), a DPO limited to one controller, an unrestricted DPO."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from dsar.accounts.models import Role
from dsar.controllers.models import Controller
from dsar.requests.dashboard_figures import FIGURES, work_figures
from dsar.requests.permissions import counted_for
from dsar.requests.queue import QueueFilters, queue_page
from dsar.requests.workflow import Status
from tests.factories import make_request, make_staff

TODAY = date(2026, 3, 2)


@pytest.fixture
def viewers(session, controller, now: datetime):  # type: ignore[no-untyped-def]
    """Two controllers' requests in several states, some assigned to an agent or a colleague."""
    other = Controller(
        slug="other", name="Other GmbH", country="DE", timezone="Europe/Berlin", loaded_at=now
    )
    session.add(other)
    session.flush()
    agent = make_staff(session, now, email="agent@example.org", role=Role.AGENT)
    colleague = make_staff(session, now, email="colleague@example.org", role=Role.AGENT)
    limited = make_staff(session, now, email="limited@example.org", role=Role.DPO)
    limited.controllers = [other]
    dpo = make_staff(session, now, email="dpo@example.org", role=Role.DPO)
    states = [Status.NEW, Status.IN_PROGRESS, Status.AWAITING_INFORMATION, Status.ANSWERING]
    for i in range(24):
        owner = (controller, other)[i % 2]
        request = make_request(
            session, owner, now, received_at=None if i % 7 == 3 else now - timedelta(days=i)
        )
        if request.status is Status.NEW:
            request.status = states[i % 4]
            request.due_date = TODAY + timedelta(days=(i % 11) - 4)
        if i % 5 == 0 and request.due_date:
            request.extended_due_date = request.due_date + timedelta(days=60)
            request.details = {**(request.details or {}), "extension_notice_due": True}
        request.assignee = (None, agent, colleague)[i % 3]
    session.flush()
    return {"agent": agent, "limited": limited, "dpo": dpo}, {controller.id: TODAY, other.id: TODAY}


@pytest.mark.parametrize("who", ["agent", "limited", "dpo"])
def test_each_figure_is_the_number_of_rows_the_queue_lists(session, viewers, who) -> None:  # type: ignore[no-untyped-def]
    users, today_by_controller = viewers
    user = users[who]
    figures = work_figures(session, counted_for(user), today_by_controller, TODAY)
    seen = 0
    for spec in FIGURES:
        filters = QueueFilters.from_args(MultiDict(spec.args))
        page = queue_page(session, user, filters, TODAY, today_by_controller)
        assert figures[spec.key].total == page.total == len(page.rows), (who, spec.key)
        for controller_id, number in figures[spec.key].by_controller.items():
            assert number == sum(row.controller_id == controller_id for row in page.rows)
        seen += page.total
    assert seen > 0
    everyone = work_figures(session, counted_for(users["dpo"]), today_by_controller, TODAY)
    assert figures["open-total"].total <= everyone["open-total"].total
    if who != "dpo":  # the agent misses the colleague's requests, the limited DPO the other's
        assert figures["open-total"].total < everyone["open-total"].total
