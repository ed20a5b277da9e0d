"""The queue page: visibility, filters, sorting, days left, counts, menus, bulk assign."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import event

from dsar.extensions import db
from dsar.requests.workflow import Channel, RequestType, Status
from tests.factories import make_request


def _references(html: bytes) -> list[str]:
    """The references of the listed rows: the links their checkboxes are named by."""
    return references_of(html.decode())


def references_of(text: str) -> list[str]:
    ids = re.findall(r'name="ids" value="(\d+)" aria-labelledby="select ref-\1"', text)
    return [re.findall(rf'id="ref-{i}">([^<]+)</a>', text)[0] for i in ids]


def test_sorted_by_effective_due_date_with_days_left(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    late = make_request(session, controller, now - timedelta(days=40), subject_name="Late")
    soon = make_request(session, controller, now - timedelta(days=20), subject_name="Soon")
    fresh = make_request(session, controller, now, subject_name="Fresh")
    fresh.extended_due_date = fresh.due_date + timedelta(days=61)  # type: ignore[operator]
    page = as_user(dpo).get("/staff/queue")
    assert page.status_code == 200
    assert _references(page.data) == [late.reference, soon.reference, fresh.reference]
    html = page.data.decode()
    # Received Wed 21 Jan -> 21 Feb is a Saturday -> due Mon 23 Feb: overdue by 7 on 2 March.
    assert '23 Feb 2026<br><span class="days-left overdue">overdue by 7 days</span>' in html
    # received Tue 10 Feb -> due Tue 10 Mar
    assert '10 Mar 2026<br><span class="days-left">8 days left</span>' in html
    assert '<span class="muted">(extended)</span><br><span class="days-left">92 days left' in html
    assert "OVERDUE" not in html and ">in_progress<" not in html


def test_filters_and_search(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    a = make_request(session, controller, now, subject_name="Anna Berg", subject_email="a@x.org")
    b = make_request(
        session, controller, now, type=RequestType.ERASURE, channel=Channel.EMAIL, language="de"
    )
    client = as_user(dpo)
    assert _references(client.get("/staff/queue?type=erasure").data) == [b.reference]
    assert _references(client.get("/staff/queue?channel=email").data) == [b.reference]
    assert _references(client.get("/staff/queue?language=de").data) == [b.reference]
    assert _references(client.get("/staff/queue?q=berg").data) == [a.reference]
    assert _references(client.get("/staff/queue?q=A@X.ORG").data) == [a.reference]
    assert _references(client.get(f"/staff/queue?q={b.reference.lower()}").data) == [b.reference]
    assert _references(client.get("/staff/queue?overdue=1").data) == []
    assert _references(client.get("/staff/queue?due_within=5").data) == []
    assert len(_references(client.get("/staff/queue?due_within=40").data)) == 2
    assert _references(client.get("/staff/queue?status=completed").data) == []
    assert _references(client.get("/staff/queue?status=nonsense").data) != []


def test_counts_per_status(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    from dsar.requests.operations import apply_action
    from dsar.requests.workflow import Action

    for _ in range(2):
        make_request(session, controller, now)
    done = make_request(session, controller, now)
    apply_action(session, done, Action.WITHDRAW, actor="t", now=now)
    html = as_user(dpo).get("/staff/queue").data.decode()
    assert '<strong data-status="new">2</strong>' in html
    assert 'data-status="withdrawn"' not in html  # closed statuses are not counted


def test_agents_do_not_see_colleagues_requests(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, other_agent, as_user
) -> None:
    mine = make_request(session, controller, now)
    free = make_request(session, controller, now)
    theirs = make_request(session, controller, now)
    mine.assignee, theirs.assignee = agent, other_agent
    refs = _references(as_user(agent).get("/staff/queue?status=all").data)
    assert sorted(refs) == sorted([mine.reference, free.reference])


def test_each_viewer_gets_their_own_rows_in_turn(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, agent, other_agent, as_user
) -> None:
    """The default page for a DPO and two agents, taken in turn: each sees what they may."""
    mine = make_request(session, controller, now)
    free = make_request(session, controller, now - timedelta(days=1))
    theirs = make_request(session, controller, now - timedelta(days=2))
    mine.assignee, theirs.assignee = agent, other_agent
    every = [theirs.reference, free.reference, mine.reference]
    as_dpo, as_agent, as_other = as_user(dpo), as_user(agent), as_user(other_agent)
    for _ in range(2):
        assert _references(as_dpo.get("/staff/queue").data) == every
        assert _references(as_agent.get("/staff/queue").data) == [free.reference, mine.reference]
        assert _references(as_other.get("/staff/queue").data) == [
            theirs.reference,
            free.reference,
        ]


def test_staff_limited_to_a_controller_see_only_its_requests(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    from dsar.controllers.models import Controller

    other = Controller(
        slug="other",
        name="Other GmbH",
        country="DE",
        subdivision="BY",
        timezone="Europe/Berlin",
        loaded_at=now,
    )
    session.add(other)
    session.flush()
    ours = make_request(session, controller, now)
    make_request(session, other, now)
    dpo.controllers = [controller]
    assert _references(as_user(dpo).get("/staff/queue").data) == [ours.reference]


def test_bulk_and_single_assign(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user, no_csrf
) -> None:
    first, second, third = (make_request(session, controller, now) for _ in range(3))
    client = as_user(agent)
    response = client.post("/staff/queue/assign", data={"ids": [first.id, second.id]})
    assert response.status_code == 302
    response = client.post("/staff/queue/assign", data={"one": third.id})
    for request in (first, second, third):
        session.refresh(request)
        assert request.assignee_id == agent.id
    assert _references(client.get("/staff/queue?assignee=me").data) == [
        first.reference,
        second.reference,
        third.reference,
    ]


def _count_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    client.get(url)  # warm: the same objects loaded and expired before both counts
    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_query_count_does_not_grow_with_page_size(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, agent, as_user
) -> None:
    for i in range(10):
        make_request(session, controller, now - timedelta(hours=i)).assignee = agent
    client = as_user(dpo)
    session.commit()
    with_10 = _count_queries(client, "/staff/queue")
    for i in range(40):
        make_request(session, controller, now - timedelta(days=1, hours=i)).assignee = dpo
    session.commit()
    html = client.get("/staff/queue").data
    assert len(_references(html)) == 50
    with_50 = _count_queries(client, "/staff/queue")
    assert with_50 == with_10  # no query per row
    assert Status.NEW.value in html.decode()


def test_a_closed_status_pages_dated_rows_by_due_date_then_undated_ones(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, monkeypatch
) -> None:
    """Dated and undated rows come from two queries (dsar.requests.queue._undated_last); the
    pages together must hold each row once, in (due, id) order with the undated ones last."""
    import dsar.requests.queue

    monkeypatch.setattr(dsar.requests.queue, "PAGE_SIZE", 2)
    dated = [make_request(session, controller, now - timedelta(days=days)) for days in (5, 30, 12)]
    undated = [make_request(session, controller, now, received_at=None) for _ in range(2)]
    for request in [*dated, *undated]:
        request.status = Status.WITHDRAWN
    session.commit()
    dated.sort(key=lambda r: (r.due_date, r.id))
    expected = [r.reference for r in dated] + [r.reference for r in undated]
    client = as_user(dpo)
    pages = [
        _references(client.get(f"/staff/queue?status=withdrawn&page={n}").data) for n in (1, 2, 3)
    ]
    assert pages == [expected[0:2], expected[2:4], expected[4:5]]
    assert _references(client.get("/staff/queue?status=withdrawn&page=9").data) == expected[4:]


def test_menus_list_controllers_and_assignable_staff(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, agent, admin, as_user
) -> None:
    """A DPO's controller filter and assign menus, by name and by address; admins and inactive
    accounts cannot take requests; agents get no colleague menu."""
    from dsar.accounts.models import Role
    from dsar.controllers.models import Controller
    from tests.factories import make_staff

    session.add(
        Controller(slug="aaa", name="Aaa AG", country="AT", timezone="Europe/Vienna", loaded_at=now)
    )
    make_staff(session, now, email="gone@example.org", role=Role.AGENT).active = False
    session.flush()
    html = as_user(dpo).get("/staff/queue").data.decode()
    controller_menu = html.split('id="f-controller"')[1].split("</select>")[0]
    assert re.findall(r'<option value="\d+" >([^<]+)</option>', controller_menu) == [
        "Aaa AG",
        controller.name,
    ]
    bulk_menu = html.split('id="bulk-assignee"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d+)">([^<]+)</option>', bulk_menu) == [
        (str(agent.id), agent.email),
        (str(dpo.id), dpo.email),
    ]
    agent_html = as_user(agent).get("/staff/queue").data.decode()
    agent_menu = agent_html.split('id="bulk-assignee"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d+)">', agent_menu) == []
    assert admin.email not in html


def test_each_row_links_to_its_request_page(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    """The rows' links are relative to the queue's URL; followed from there, each opens its own
    request page (the one url_for per row was most of the page's rendering time)."""
    from urllib.parse import urljoin

    first = make_request(session, controller, now, subject_name="First")
    second = make_request(session, controller, now, subject_name="Second")
    client = as_user(dpo)
    html = client.get("/staff/queue?status=open").data.decode()
    links = dict(
        (reference, href)
        for href, reference in re.findall(r'<td><a href="([^"]+)" id="ref-\d+">([^<]+)</a>', html)
    )
    for request in (first, second):
        target = urljoin("http://localhost/staff/queue?status=open", links[request.reference])
        page = client.get(target)
        assert page.status_code == 200, target
        assert request.reference in page.data.decode()
        assert target.endswith(f"/staff/requests/{request.id}")


def test_ids_beyond_64_bits_and_other_controllers_requests_are_just_unknown(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, as_user, no_csrf
) -> None:
    """Issue 22: huge ids raised OverflowError (500); another controller's request answered 403
    where a missing one answered 404 (an existence oracle). Now a huge id is no id (404 in a
    URL, ignored in the form) and a hidden request answers exactly like a missing one."""
    from dsar.controllers.models import Controller

    huge = "9" * 20
    client = as_user(agent)
    assert client.get(f"/staff/requests/{huge}").status_code == 404
    for field in ("ids", "one"):  # no id a database can hold: "tick at least one request"
        response = client.post("/staff/queue/assign", data={field: [huge]})
        assert response.status_code == 302
    other = Controller(slug="aaa", name="Aaa AG", country="AT", timezone="Europe/Vienna")
    other.loaded_at = now
    session.add(other)
    session.flush()
    agent.controllers = [controller]
    theirs = make_request(session, other, now)
    session.commit()
    hidden = client.post("/staff/queue/assign", data={"ids": [theirs.id]})
    missing = client.post("/staff/queue/assign", data={"ids": [theirs.id + 1000]})
    assert (hidden.status_code, missing.status_code) == (404, 404)
    message = "One of the requests does not exist. Nothing was assigned."
    assert message in hidden.get_data(as_text=True) and message in missing.get_data(as_text=True)
