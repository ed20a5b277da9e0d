"""The status page lists the letters sent (frozen, readable by the token only) and exports."""

from __future__ import annotations

import secrets

from dsar.files.storage import FileStore
from dsar.letters.operations import approve_letter, draft_letter, send_letter
from dsar.requests.operations import apply_action, hash_token
from dsar.requests.workflow import Action, RequestType
from tests.factories import by_hand, make_request


def _with_token(session, controller, now):  # type: ignore[no-untyped-def]
    request = make_request(
        session,
        controller,
        now,
        language="de",
        type=RequestType.OBJECTION,
        details={
            "objection": "direct_marketing",
            "outcome": "stopped",
            "done_on": now.date().isoformat(),
        },
    )
    token = secrets.token_urlsafe(32)
    request.status_token_hash = hash_token(token)
    return request, token


def test_sent_letter_is_listed_and_shown_frozen(app, client, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request, token = _with_token(session, controller, now)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="dana", now=now)
    apply_action(session, request, Action.PREPARE_ANSWER, actor="dana", now=now)
    letter = draft_letter(session, request, actor="dana", now=now, letter_type="objection")
    draft = draft_letter(session, request, actor="dana", now=now, letter_type="objection")
    approve_letter(
        session,
        letter,
        register=by_hand(app.extensions["dsar.registers"][0]),
        store=FileStore.from_settings(app.config["DSAR_SETTINGS"]),
        actor="dana",
        now=now,
    )
    send_letter(session, letter, actor="dana", now=now)
    session.commit()

    page = client.get(f"/c/demo/status/{token}").get_data(as_text=True)
    assert f"/c/demo/status/{token}/letters/{letter.id}" in page
    assert letter.subject_line in page

    shown = client.get(f"/c/demo/status/{token}/letters/{letter.id}")
    assert shown.status_code == 200
    assert shown.get_data(as_text=True) == letter.html
    # One main landmark (the letter from the addressee to the greeting), the letterhead outside.
    assert letter.html.count("<main>") == 1
    assert letter.html.index("</header>") < letter.html.index("<main>")
    assert "default-src 'none'" in shown.headers["Content-Security-Policy"]
    assert shown.headers["Cache-Control"] == "no-store"
    # A draft, a wrong token or another request's letter: nothing.
    assert client.get(f"/c/demo/status/{token}/letters/{draft.id}").status_code == 404
    assert client.get(f"/c/demo/status/wrong/letters/{letter.id}").status_code == 404
    other, other_token = _with_token(session, controller, now)
    session.commit()
    assert client.get(f"/c/demo/status/{other_token}/letters/{letter.id}").status_code == 404


def test_only_live_download_links_are_listed(app, client, session, controller, clock) -> None:  # type: ignore[no-untyped-def]
    from dsar.fulfilment.links import end_links
    from dsar.fulfilment.models import LinkEnd
    from tests.fulfilment.conftest import make_export

    now = clock.now()
    request, token = _with_token(session, controller, now)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="dana", now=now)
    _superseded, _token = make_export(app, session, request, now)
    live, _token = make_export(app, session, request, now)
    end_links(session, request, LinkEnd.SUPERSEDED, actor="dana", now=now, keep=live.id)
    session.commit()

    page = client.get(f"/c/demo/status/{token}?lang=en").get_data(as_text=True)
    assert page.count("Your data (ZIP), available until 2026-03-16") == 1


def test_the_status_page_offers_its_own_live_exports_to_download(  # type: ignore[no-untyped-def]
    app, client, session, controller, clock
) -> None:
    """The status token opens its request's live exports, counted like the e-mailed link; not an
    ended one, not another request's, not with a wrong token."""
    from dsar.fulfilment.links import end_links
    from dsar.fulfilment.models import LinkEnd
    from tests.fulfilment.conftest import make_export

    now = clock.now()
    request, token = _with_token(session, controller, now)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="dana", now=now)
    old, _token = make_export(app, session, request, now, data=b"PK old")
    live, _token = make_export(app, session, request, now, data=b"PK live")
    end_links(session, request, LinkEnd.SUPERSEDED, actor="dana", now=now, keep=live.id)
    other, other_token = _with_token(session, controller, now)
    theirs, _token = make_export(app, session, other, now, data=b"PK theirs")
    session.commit()

    page = client.get(f"/c/demo/status/{token}?lang=en").get_data(as_text=True)
    url = f"/c/demo/status/{token}/exports/{live.id}"
    assert f'href="{url}"' in page
    assert f"/exports/{old.id}" not in page
    got = client.get(url)
    assert got.status_code == 200
    assert got.data == b"PK live"
    assert got.headers["Cache-Control"] == "no-store"
    session.refresh(live)
    assert live.download_count == 1
    assert client.get(f"/c/demo/status/{token}/exports/{old.id}").status_code == 410
    assert client.get(f"/c/demo/status/{token}/exports/{theirs.id}").status_code == 404
    assert client.get(f"/c/demo/status/{other_token}/exports/{live.id}").status_code == 404
    assert client.get(f"/c/demo/status/wrong/exports/{live.id}").status_code == 404
