"""Staff review every row before release: a demo customer with 400 log lines, page by page;
a row or one field left out with a reason is absent from the built ZIP and counted."""

from __future__ import annotations

import io
import json
import re
import zipfile

from sqlalchemy import select

from dsar.files.storage import FileStore
from dsar.fulfilment.models import Exclusion, ExclusionReason, Export
from dsar.requests.models import RequestEvent
from tests.fulfilment import conftest as fulfilment_fixtures
from tests.fulfilment.test_export import _prepared

shop = fulfilment_fixtures.shop  # the demo shop and verified requests of tests/fulfilment
verified_request = fulfilment_fixtures.verified_request
HEAVY = {"subject_email": "kunde060@example.org", "details": {}}  # 400 web-log lines
LOGS = "/staff/requests/{id}/data/review/shop_db/web_logs"


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def _row_keys(page: str) -> list[str]:
    return re.findall(r'name="row_key" value="([^"]+)"', page)


def test_every_row_can_be_reviewed_page_by_page(  # type: ignore[no-untyped-def]
    app, session, now, agent, as_user, verified_request
):
    request = verified_request(**HEAVY)
    request.assignee = agent
    _prepared(app, session, now, request)
    staff = as_user(agent)

    overview = staff.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert "review all 400 rows" in overview
    seen: list[str] = []
    for page_number in range(1, 9):
        page = staff.get(LOGS.format(id=request.id) + f"?page={page_number}")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and f"page {page_number} of 8" in text
        seen += _row_keys(text)
    assert len(seen) == len(set(seen)) == 400  # every row once, 50 to a page
    assert "400 rows found; rows 351–400 below." in text and 'rel="next"' not in text
    last = staff.get(LOGS.format(id=request.id) + "?page=99").get_data(as_text=True)
    assert "page 8 of 8" in last  # past the end: the last page
    unknown = f"/staff/requests/{request.id}/data/review/shop_db/sqlite_master"
    assert staff.get(unknown).status_code == 404  # only a table the search found


def test_a_row_and_a_field_left_out_are_absent_from_the_zip(  # type: ignore[no-untyped-def]
    app, session, now, agent, as_user, verified_request
):
    request = verified_request(**HEAVY)
    request.assignee = agent
    register = _prepared(app, session, now, request)
    staff = as_user(agent)
    page = staff.get(LOGS.format(id=request.id) + "?page=3").get_data(as_text=True)
    row_key, other_key = _row_keys(page)[:2]
    form = {"csrf_token": _csrf(page), "source_id": "shop_db", "part": "web_logs", "page": "3"}

    refused = staff.post(
        f"/staff/requests/{request.id}/data/exclude",
        data={**form, "row_key": row_key, "reason_code": "third_party", "reason": ""},
    )
    no_such_field = staff.post(
        f"/staff/requests/{request.id}/data/exclude",
        data={
            **form,
            "row_key": row_key,
            "field": "password",
            "reason_code": "other",
            "reason": "x",
        },
    )
    assert refused.status_code == no_such_field.status_code == 302
    assert session.execute(select(Exclusion)).first() is None
    for key, field in ((row_key, ""), (other_key, "ip_address")):
        answer = staff.post(
            f"/staff/requests/{request.id}/data/exclude",
            data={
                **form,
                "row_key": key,
                "field": field,
                "reason_code": "third_party",
                "reason": "a flatmate's laptop",
            },
        )
        assert answer.headers["Location"].endswith("/data/review/shop_db/web_logs?page=3")
    exclusions = session.execute(select(Exclusion).order_by(Exclusion.id)).scalars().all()
    assert [(e.row_key, e.field, e.reason_code) for e in exclusions] == [
        (row_key, "", ExclusionReason.THIRD_PARTY),
        (other_key, "ip_address", ExclusionReason.THIRD_PARTY),
    ]
    events = session.execute(
        select(RequestEvent).where(RequestEvent.action == "exclude_data")
    ).scalars()
    assert [e.payload["field"] for e in events] == [None, "ip_address"]
    reviewed = staff.get(LOGS.format(id=request.id) + "?page=3").get_data(as_text=True)
    assert "row left out: Personal data of another person" in reviewed
    assert "1 row and 1 field of this table left out" in reviewed
    overview = staff.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert overview.count("a flatmate&#39;s laptop") == 2 and "field ip_address" in overview

    built = staff.post(
        f"/staff/requests/{request.id}/data/export",
        data={"csrf_token": _csrf(overview), "kind": "access"},
    )
    assert built.status_code == 302
    export = session.execute(select(Export)).scalar_one()
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    archive = zipfile.ZipFile(io.BytesIO(store.read(export.file)))
    data = json.loads(archive.read("data.json"))
    logs = next(p for p in data["sources"][0]["parts"] if p["name"] == "web_logs")
    ids = [str(r["id"]) for r in logs["rows"]]
    assert row_key not in ids and len(ids) == 399 and logs["excluded_rows"] == 1
    other = next(r for r in logs["rows"] if str(r["id"]) == other_key)
    assert "ip_address" not in other
    csv_lines = archive.read("shop_db/web_logs.csv").decode().splitlines()
    assert not any(line.startswith(row_key + ",") for line in csv_lines)
    manifest = json.loads(archive.read("manifest.json"))
    assert {(e["field"], e["reason"], e["count"]) for e in manifest["exclusions"]} == {
        (None, "third_party", 1),
        ("ip_address", "third_party", 1),
    }
    assert register is not None


def test_a_left_out_row_can_be_put_back(  # type: ignore[no-untyped-def]
    app, session, now, agent, other_agent, as_user, verified_request
):
    """A mistaken exclusion is undone on the data page, audited; another request's id, or a
    POST without its token, changes nothing."""
    request = verified_request(**HEAVY)
    request.assignee = agent
    _prepared(app, session, now, request)
    staff = as_user(agent)
    page = staff.get(LOGS.format(id=request.id) + "?page=1").get_data(as_text=True)
    row = _row_keys(page)[0]
    staff.post(
        f"/staff/requests/{request.id}/data/exclude",
        data={
            "csrf_token": _csrf(page), "source_id": "shop_db", "part": "web_logs", "page": "1",
            "row_key": row, "reason_code": "other", "reason": "clicked the wrong row",
        },
    )  # fmt: skip
    exclusion = session.execute(select(Exclusion)).scalar_one()
    undo = f"/staff/requests/{request.id}/data/exclusions/{exclusion.id}/undo"
    overview = staff.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert undo in overview
    assert staff.post(undo).status_code == 400  # no CSRF token
    other = verified_request(**HEAVY)
    other.assignee = agent
    session.commit()
    wrong = f"/staff/requests/{other.id}/data/exclusions/{exclusion.id}/undo"
    assert staff.post(wrong, data={"csrf_token": _csrf(overview)}).status_code == 404
    assert session.execute(select(Exclusion)).scalar_one() is not None
    answer = staff.post(undo, data={"csrf_token": _csrf(overview)})
    assert answer.status_code == 302
    session.expire_all()
    assert session.execute(select(Exclusion)).first() is None
    event = session.execute(
        select(RequestEvent).where(RequestEvent.action == "include_data_again")
    ).scalar_one()
    assert event.payload["row"] == row and event.payload["excluded_by"] == agent.email
