"""The dashboard: each figure's number, in total and per controller, and the queue page its link
opens, which lists exactly the requests it counts; dates in each controller's local day."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from dsar.controllers.models import Controller
from dsar.letters.models import Letter, LetterStatus
from dsar.requests.models import Request
from dsar.requests.workflow import Status
from tests.factories import make_request
from tests.staff.test_queue import references_of

# Mon 2 March 2026, 09:00 UTC: 10:00 in Berlin (the demo controller), but still Sunday 1 March,
# 23:00, in Honolulu: each controller's requests count from its own date.
BERLIN_DAY = date(2026, 3, 2)
HONOLULU_DAY = date(2026, 3, 1)


# name: (status, due in days from the controller's date, extended due, notice recorded as due,
# the extension letter's status); None for "not received" / "not extended".
CASES: dict[str, tuple[Status, int | None, int | None, bool, LetterStatus | None]] = {
    "due_today": (Status.NEW, 0, None, False, None),
    "due_in_6": (Status.IN_PROGRESS, 6, None, False, None),
    "due_in_7": (Status.NEW, 7, None, False, None),
    "late": (Status.IN_PROGRESS, -1, None, False, None),
    "answering_late": (Status.ANSWERING, -3, None, False, None),
    "asked": (Status.AWAITING_INFORMATION, 3, None, False, None),
    "unconfirmed": (Status.AWAITING_CONFIRMATION, None, None, False, None),
    "extended_untold": (Status.NEW, 2, 40, True, None),
    "extended_told": (Status.NEW, 2, 40, True, LetterStatus.SENT),
    "extended_approved": (Status.ANSWERING, 2, 5, True, LetterStatus.APPROVED),
    "done": (Status.COMPLETED, -5, None, False, None),
}
EXPECTED = {
    "open-total": set(CASES) - {"unconfirmed", "done"},
    "due-this-week": {"due_today", "due_in_6", "asked", "extended_approved"},
    "overdue": {"late", "answering_late"},
    "notice-due": {"extended_untold", "extended_approved"},
    "waiting": {"asked", "unconfirmed"},
}
PER_CONTROLLER = ("open-total", "due-this-week", "overdue")


@pytest.fixture
def honolulu(session, now: datetime) -> Controller:  # type: ignore[no-untyped-def]
    other = Controller(
        slug="aloha",
        name="Aloha Surf LLC",  # sorted first: the queue's fallback date would be its date
        country="US",
        subdivision="HI",
        timezone="Pacific/Honolulu",
        loaded_at=now,
    )
    session.add(other)
    session.flush()
    return other


@pytest.fixture
def made(session, controller, honolulu, now):  # type: ignore[no-untyped-def]
    """Every case once for each controller, dated from that controller's own local date."""
    made: dict[int, dict[str, Request]] = {}
    for owner, today in ((controller, BERLIN_DAY), (honolulu, HONOLULU_DAY)):
        made[owner.id] = {}
        for name, (status, due, extended, notice_due, letter) in CASES.items():
            received = None if due is None else now - timedelta(days=10)
            request = make_request(session, owner, now, received_at=received)
            request.status = status
            if due is not None:
                request.due_date = today + timedelta(days=due)
            if extended is not None:
                request.extended_due_date = today + timedelta(days=extended)
            if notice_due:
                request.details = {**(request.details or {}), "extension_notice_due": True}
            if letter is not None:
                session.add(_extension_letter(request, letter, now))
            made[owner.id][name] = request
    session.flush()
    return made


def _extension_letter(request: Request, status: LetterStatus, now: datetime) -> Letter:
    return Letter(
        request_id=request.id,
        type="extension",
        language="en",
        status=status,
        texts={"reasons": "Many systems to search."},
        created_by="dana@example.org",
        created_at=now,
        updated_at=now,
        sent_at=now if status is LetterStatus.SENT else None,
    )


def _figure(page: str, key: str) -> tuple[int, str | None]:
    """The figure's number and, when it is a link, the link's address."""
    linked = re.search(rf'<a href="([^"]+)"><strong id="{key}"[^>]*>(\d+)</strong></a>', page)
    if linked:
        return int(linked.group(2)), html_lib.unescape(linked.group(1))
    plain = re.search(rf'<strong id="{key}"[^>]*>(\d+)</strong>', page)
    assert plain, key
    return int(plain.group(1)), None


def _controller_cells(page: str, controller_id: int) -> dict[str, tuple[int, str]]:
    row = re.search(rf'<tr data-controller="{controller_id}">(.*?)</tr>', page)
    assert row, controller_id
    cells = re.findall(
        r'<td data-figure="([^"]+)"><a href="([^"]+)"><strong[^>]*>(\d+)</strong></a></td>',
        row.group(1),
    )
    return {key: (int(number), html_lib.unescape(href)) for key, href, number in cells}


def _listed(client: Any, href: str) -> set[str]:
    """The references of the rows the queue page at `href` lists (one page: fewer than 50)."""
    page = client.get(href)
    assert page.status_code == 200
    return set(references_of(page.text))


def _references(made: dict[int, dict[str, Request]], ids: list[int], names: set[str]) -> set[str]:
    return {made[i][name].reference for i in ids for name in names}


def test_every_figure_leads_to_the_rows_it_counts(  # type: ignore[no-untyped-def]
    made, controller, honolulu, dpo, as_user
) -> None:
    client = as_user(dpo)
    page = client.get("/staff/dashboard").text
    both = [controller.id, honolulu.id]
    for key, names in EXPECTED.items():
        expected = _references(made, both, names)
        number, href = _figure(page, key)
        assert href is not None and href.startswith("/staff/queue"), key
        assert number == len(expected), key
        assert _listed(client, href) == expected, key
    for owner in both:
        cells = _controller_cells(page, owner)
        assert set(cells) == set(PER_CONTROLLER)
        for key, (number, href) in cells.items():
            expected = _references(made, [owner], EXPECTED[key])
            assert number == len(expected), (owner, key)
            assert _listed(client, href) == expected, (owner, key)


def test_each_controller_counts_from_its_own_date(  # type: ignore[no-untyped-def]
    made, controller, honolulu, dpo, as_user
) -> None:
    page = as_user(dpo).get("/staff/dashboard").text
    # Berlin's "late" was due on 1 March: overdue there, while on Honolulu's 1 March its
    # "due_today" is due today; Honolulu's "due_in_7" (8 March) is not due this week.
    assert made[controller.id]["late"].due_date == made[honolulu.id]["due_today"].due_date
    row = re.search(
        rf'<tr data-controller="{honolulu.id}"><th scope="row">([^<]+)</th><td>([^<]+)</td>', page
    )
    assert row and row.groups() == ("Aloha Surf LLC", "1 March 2026")
    assert "2 March 2026" in page


def test_limited_dpo_sees_and_follows_only_their_controller(  # type: ignore[no-untyped-def]
    made, controller, honolulu, dpo, as_user
) -> None:
    dpo.controllers = [honolulu]
    client = as_user(dpo)
    page = client.get("/staff/dashboard").text
    for key, names in EXPECTED.items():
        expected = _references(made, [honolulu.id], names)
        number, href = _figure(page, key)
        assert href is not None
        assert number == len(expected), key
        assert _listed(client, href) == expected, key
    assert f'data-controller="{controller.id}"' not in page
    assert "Demo Shop GmbH" not in page
    assert "As of 1 March 2026, Aloha Surf LLC's local date." in page


def test_admin_sees_the_numbers_without_links_to_a_queue_they_cannot_open(  # type: ignore[no-untyped-def]
    made, controller, honolulu, admin, as_user
) -> None:
    client = as_user(admin)
    page = client.get("/staff/dashboard").text
    for key, names in EXPECTED.items():
        number, href = _figure(page, key)
        assert (number, href) == (len(_references(made, [controller.id, honolulu.id], names)), None)
    assert "/staff/queue" not in page
    assert client.get("/staff/queue").status_code == 403


def test_open_requests_by_status_and_right_in_words_with_links(  # type: ignore[no-untyped-def]
    made, controller, honolulu, dpo, as_user
) -> None:
    client = as_user(dpo)
    page = client.get("/staff/dashboard").text
    table = re.search(r'<table id="by-status">(.*?)</table>', page, re.S)
    assert table
    rows = re.findall(
        r'<tr><td>([^<]+)</td><td>([^<]+)</td><td><a href="([^"]+)">(\d+)</a></td></tr>',
        table.group(1),
    )
    labels = {(status, right): int(n) for status, right, _href, n in rows}
    assert [status for status, *_ in rows] == [  # the life cycle's order
        "Waiting for the e-mail confirmation",
        "New",
        "Waiting for information from the subject",
        "In progress",
        "Answer drafted, not yet sent",
    ]
    assert labels[("In progress", "access (Art. 15)")] == 4  # due_in_6 and late, twice
    assert labels[("Waiting for the e-mail confirmation", "access (Art. 15)")] == 2
    for _status, _right, href, number in rows:
        assert len(_listed(client, html_lib.unescape(href))) == int(number)
    text = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text)  # no in_progress, awaiting_information
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # dates as a person writes them


def test_the_queue_keeps_a_figure_filter_in_its_form(  # type: ignore[no-untyped-def]
    made, dpo, as_user
) -> None:
    client = as_user(dpo)
    page = client.get("/staff/dashboard").text
    for key, field in (
        ("waiting", 'name="waiting" value="subject" checked'),
        ("notice-due", 'name="notice_due" value="1" checked'),
        ("due-this-week", 'name="due_from" type="number" min="0" value="0"'),
    ):
        _number, href = _figure(page, key)
        assert href is not None
        assert field in client.get(href).text, key
    assert 'name="waiting" value="subject" checked' not in client.get("/staff/queue").text
