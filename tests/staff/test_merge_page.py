"""The merge decision on the case page, the pages of both requests afterwards, the queue, and
the subject's status page of a merged request in German and English."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

import pytest

from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.requests.models import Request
from dsar.requests.operations import hash_token
from dsar.requests.workflow import RequestType, Status
from tests.factories import make_request


def _post(client, request: Request, other: Request, keep: str = "other", **fields: str):  # type: ignore[no-untyped-def]
    data = {
        "other": str(other.id),
        "keep": keep,
        "version": str(request.version),
        "other_version": str(other.version),
        "confirmed": "y",
        **fields,
    }
    return client.post(f"/staff/requests/{request.id}/merge", data=data)


def _pair(session, controller, now: datetime) -> tuple[Request, Request]:  # type: ignore[no-untyped-def]
    older = make_request(session, controller, now - timedelta(days=3))
    newer = make_request(session, controller, now, subject_email="Zoe@Example.org")
    session.flush()
    return older, newer


def test_merge_from_the_newer_case_page_keeps_the_older_request(  # type: ignore[no-untyped-def]
    app, session, controller, now: datetime, agent, as_user, no_csrf
) -> None:
    older, newer = _pair(session, controller, now)
    scan = FileStore.from_settings(app.config["DSAR_SETTINGS"]).save(
        session, b"%PDF-1.4", filename="ausweis.pdf", content_type="application/pdf",
        purpose=FilePurpose.IDENTITY_DOCUMENT, now=now, request_id=newer.id,
    )  # fmt: skip
    client = as_user(agent)
    html = client.get(f"/staff/requests/{newer.id}").get_data(as_text=True)
    form = html.split(f'id="decide-merge-{older.id}"')[1].split("</details>")[0]
    assert f"Merge into {older.reference}" in form
    checked = re.search(r'<input type="radio" name="keep" value="(\w+)" checked', form)
    assert checked and checked.group(1) == "other"  # the older one is kept by default
    assert "deadline runs from the earlier receipt" in form
    due = older.due_date

    response = _post(client, newer, older)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/requests/{older.id}")
    session.refresh(newer)
    session.refresh(older)
    assert (newer.status, newer.merged_into_id, older.status) == (
        Status.MERGED, older.id, Status.NEW,
    )  # fmt: skip
    assert older.due_date == due

    kept = client.get(f"/staff/requests/{older.id}").get_data(as_text=True)
    covers = kept.split('id="also-covers"')[1].split("</div>")[0]
    assert f'<a href="/staff/requests/{newer.id}">{newer.reference}</a>' in covers
    assert "received 2 March 2026" in covers
    # What the subject sent with the merged request is a click away.
    assert f'href="/staff/requests/{newer.id}/files/{scan.id}">ausweis.pdf</a>' in covers
    assert "Another request of the same subject and right was merged into this one" in kept
    assert 'id="possible-duplicate"' not in kept

    gone = client.get(f"/staff/requests/{newer.id}").get_data(as_text=True)
    banner = gone.split('id="merged-into"')[1].split("</p>")[0]
    assert f'Merged into <a href="/staff/requests/{older.id}">{older.reference}</a> on ' in banner
    assert "Merged into another request of the same subject and right" in gone  # the timeline
    assert "decide-merge" not in gone and 'data-decision="withdraw"' not in gone
    assert 'id="checklist"' not in gone


def test_the_queue_hides_a_merged_request_unless_asked(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf
) -> None:
    older, newer = _pair(session, controller, now)
    client = as_user(dpo)
    assert _post(client, newer, older).status_code == 303
    listed = client.get("/staff/queue").get_data(as_text=True)
    assert f'href="requests/{older.id}"' in listed and f'href="requests/{newer.id}"' not in listed
    merged = client.get("/staff/queue?status=merged").get_data(as_text=True)
    assert f'href="requests/{newer.id}"' in merged and f'href="requests/{older.id}"' not in merged


def test_the_newer_one_may_be_kept_instead(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf
) -> None:
    older, newer = _pair(session, controller, now)
    assert _post(as_user(dpo), newer, older, keep="this").status_code == 303
    session.refresh(older)
    assert (older.status, older.merged_into_id) == (Status.MERGED, newer.id)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"confirmed": ""}, 400),  # the "I have checked …" box
        ({"keep": "both"}, 400),
        ({"other_version": "99"}, 409),  # the other request changed meanwhile
    ],
)
def test_a_refused_post_changes_nothing(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf, change, status
) -> None:
    older, newer = _pair(session, controller, now)
    fields = {"confirmed": "y", **change}
    data = {
        "other": str(older.id), "keep": "other", "version": str(newer.version),
        "other_version": str(older.version), **fields,
    }  # fmt: skip
    if not data["confirmed"]:
        del data["confirmed"]
    response = as_user(dpo).post(f"/staff/requests/{newer.id}/merge", data=data)
    assert response.status_code == status
    assert "nothing was changed" in response.get_data(as_text=True).lower()
    session.refresh(newer)
    assert (newer.status, newer.merged_into_id) == (Status.NEW, None)


def test_a_different_right_is_neither_offered_nor_merged(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf
) -> None:
    access = make_request(session, controller, now)
    erasure = make_request(session, controller, now, type=RequestType.ERASURE)
    client = as_user(dpo)
    assert "decide-merge" not in client.get(f"/staff/requests/{erasure.id}").get_data(as_text=True)
    response = _post(client, erasure, access)
    assert response.status_code == 409
    assert "the requests are for different rights" in response.get_data(as_text=True)
    session.refresh(erasure)
    assert erasure.status is Status.NEW


def test_an_agent_who_cannot_open_the_other_gets_404(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, agent, other_agent, as_user, no_csrf
) -> None:
    mine, theirs = _pair(session, controller, now)
    mine.assignee, theirs.assignee = agent, other_agent
    session.flush()
    client = as_user(agent)
    assert "decide-merge" not in client.get(f"/staff/requests/{mine.id}").get_data(as_text=True)
    assert _post(client, mine, theirs).status_code == 404
    assert _post(client, mine, theirs, keep="this").status_code == 404
    session.refresh(theirs)
    session.refresh(mine)
    assert (mine.status, theirs.status) == (Status.NEW, Status.NEW)


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("en", "This request was merged into your request {ref} for the same right"),
        ("de", "Diese Anfrage wurde mit Ihrer Anfrage {ref} zum selben Recht zusammengeführt"),
    ],
)
def test_the_status_page_of_a_merged_request_names_the_other(  # type: ignore[no-untyped-def]
    app, session, controller, now: datetime, dpo, as_user, no_csrf, lang: str, says: str
) -> None:
    older, newer = _pair(session, controller, now)
    token = secrets.token_urlsafe(32)
    newer.status_token_hash = hash_token(token)
    session.flush()
    assert _post(as_user(dpo), newer, older).status_code == 303
    page = app.test_client().get(f"/c/demo/status/{token}?lang={lang}").get_data(as_text=True)
    status_text = page.split('id="status-text">')[1].split("</p>")[0]
    assert says.format(ref=older.reference) in status_text
    assert ("Answer due by" if lang == "en" else "Antwort fällig") not in page  # no deadline


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("en", "We merged your other request {ref} into this one"),
        ("de", "Wir haben Ihre andere Anfrage {ref} mit dieser zusammengeführt"),
    ],
)
def test_the_status_page_of_the_kept_request_names_the_merged_one(  # type: ignore[no-untyped-def]
    app, session, controller, now: datetime, dpo, as_user, no_csrf, lang: str, says: str
) -> None:
    older, newer = _pair(session, controller, now)
    token = secrets.token_urlsafe(32)
    older.status_token_hash = hash_token(token)
    session.flush()
    before = app.test_client().get(f"/c/demo/status/{token}?lang={lang}").get_data(as_text=True)
    assert 'id="also-answers"' not in before
    assert _post(as_user(dpo), newer, older).status_code == 303
    page = app.test_client().get(f"/c/demo/status/{token}?lang={lang}").get_data(as_text=True)
    assert says.format(ref=newer.reference) in page.split('id="also-answers">')[1]
