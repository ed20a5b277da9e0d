"""Staff revoke a download link from the request's data page: a POST with CSRF, audited, for
those who may work on the request; the link then answers 410 and says so."""

from __future__ import annotations

import re

from sqlalchemy import select

from dsar.requests.models import RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action
from tests.factories import make_request
from tests.fulfilment.conftest import make_export

REVOKED = "This link was withdrawn by us."


def _case(app, session, controller, now, assignee=None):  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    request.assignee = assignee
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    export, token = make_export(app, session, request, now)
    session.commit()
    return request, export, token


def _revoke_url(request, export) -> str:  # type: ignore[no-untyped-def]
    return f"/staff/requests/{request.id}/data/exports/{export.id}/revoke"


def _csrf(client, request) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _revocations(session, request) -> list[RequestEvent]:  # type: ignore[no-untyped-def]
    return list(
        session.execute(
            select(RequestEvent).where(
                RequestEvent.request_id == request.id,
                RequestEvent.action == "revoke_download_links",
            )
        ).scalars()
    )


def test_revoking_a_link_ends_it_and_is_audited(app, session, controller, now, agent, as_user):  # type: ignore[no-untyped-def]
    request, export, token = _case(app, session, controller, now, assignee=agent)
    staff = as_user(agent)
    page = staff.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert f'action="{_revoke_url(request, export)}"' in page

    response = staff.post(_revoke_url(request, export), data={"csrf_token": _csrf(staff, request)})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/requests/{request.id}/data")
    session.refresh(export)
    assert (export.revoked_at, export.revoked_reason, export.revoked_by) == (
        now,
        "staff",
        "alex@example.org",
    )
    [event] = _revocations(session, request)
    assert (event.actor, event.payload) == (
        "alex@example.org",
        {"exports": [export.id], "reason": "staff"},
    )
    gone = app.test_client().get(f"/c/demo/download/{token}")
    assert gone.status_code == 410 and REVOKED in gone.get_data(as_text=True)
    page = staff.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert f'action="{_revoke_url(request, export)}"' not in page
    assert "revoked by alex@example.org" in page
    # A second click changes nothing and records nothing.
    again = staff.post(_revoke_url(request, export), data={"csrf_token": _csrf(staff, request)})
    assert again.status_code == 303 and len(_revocations(session, request)) == 1


def test_revoking_needs_the_csrf_token(app, session, controller, now, dpo, as_user):  # type: ignore[no-untyped-def]
    request, export, token = _case(app, session, controller, now)

    response = as_user(dpo).post(_revoke_url(request, export))

    assert response.status_code == 400
    session.refresh(export)
    assert export.revoked_at is None and _revocations(session, request) == []
    assert app.test_client().get(f"/c/demo/download/{token}").status_code == 200


def test_only_those_who_may_work_on_the_request_revoke(  # type: ignore[no-untyped-def]
    app, session, controller, now, agent, other_agent, admin, as_user, no_csrf
):
    request, export, token = _case(app, session, controller, now, assignee=agent)
    other_request, _other_export, _token = _case(app, session, controller, now)

    assert as_user(other_agent).post(_revoke_url(request, export)).status_code == 404
    assert as_user(admin).post(_revoke_url(request, export)).status_code == 403
    # An export of another request, through a request the user may open: no such export.
    assert as_user(agent).post(_revoke_url(other_request, export)).status_code == 404
    session.refresh(export)
    assert export.revoked_at is None and _revocations(session, request) == []
    assert app.test_client().get(f"/c/demo/download/{token}").status_code == 200
