"""The case page's checklist matches the request's state at each step of an access request, from
receipt to the delivered answer, in English and in German (issue 21)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from dsar.demo.shop import ensure_shop
from dsar.letters.models import Letter
from dsar.requests.workflow import RequestType
from tests.factories import make_request
from tests.fulfilment.conftest import GOLDEN_EMAIL, GOLDEN_NUMBER
from tests.staff.test_answering import _decide, dispatch, search_and_export

# An access request's steps, in order, in each language.
STEPS = {
    "en": [
        "Identity settled",
        "Every source searched",
        "Copy of the data built",
        "Answer prepared",
        "Answer approved and sent",
        "Answer delivered or posted",
    ],
    "de": [
        "Identität geklärt",
        "Alle Quellen durchsucht",
        "Datenkopie erstellt",
        "Antwort vorbereitet",
        "Antwort freigegeben und gesendet",
        "Antwort zugestellt oder per Post versandt",
    ],
}
NEXT = {"en": "· next", "de": "· als Nächstes"}
ITEM = re.compile(r'<li class="(done|next|todo)">(.*?)</li>', re.S)


def _checklist(staff, request_id: int, lang: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The case page's checklist as (state, words) pairs, read in `lang`."""
    page = staff.get(f"/staff/requests/{request_id}", headers={"Accept-Language": lang})
    html = page.get_data(as_text=True).split('<ol id="checklist"', 1)[1].split("</ol>", 1)[0]
    return [
        (state, " ".join(re.sub(r"<[^>]+>", " ", text).split()))
        for state, text in ITEM.findall(html)
    ]


def _expect(lang: str, done: int) -> list[tuple[str, str]]:
    """The first `done` steps ticked, the next one marked, the rest to do."""
    expected = []
    for n, words in enumerate(STEPS[lang]):
        if n < done:
            expected.append(("done", f"✓ {words}"))
        elif n == done:
            expected.append(("next", f"○ {words} {NEXT[lang]}"))
        else:
            expected.append(("todo", f"○ {words}"))
    return expected


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_checklist_follows_an_access_request_to_its_delivered_answer(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, smtp_server, monkeypatch, private_shop,
    lang,
) -> None:  # fmt: skip
    ensure_shop(Path(app.instance_path))
    request = make_request(
        session,
        controller,
        now - timedelta(days=5),
        type=RequestType.ACCESS,
        subject_email=GOLDEN_EMAIL,
        details={"lookup_keys": {"customer_number": GOLDEN_NUMBER}},
    )
    staff = as_user(dpo)
    assert _checklist(staff, request.id, lang) == _expect(lang, 0)  # received

    assert _decide(staff, request, "verify_identity").status_code == 303
    assert _checklist(staff, request.id, lang) == _expect(lang, 1)

    search_and_export(staff, session, request, None)
    assert _checklist(staff, request.id, lang) == _expect(lang, 2)

    built = staff.post(f"/staff/requests/{request.id}/data/export", data={"kind": "access"})
    assert built.status_code == 302
    assert _checklist(staff, request.id, lang) == _expect(lang, 3)

    session.refresh(request)
    assert _decide(staff, request, "prepare_answer").status_code == 303
    assert _checklist(staff, request.id, lang) == _expect(lang, 4)

    answer = select(Letter).where(Letter.request_id == request.id, Letter.type == "access")
    letter = session.execute(answer).scalar_one()
    assert staff.post(f"/staff/letters/{letter.id}/send").status_code == 302
    assert _checklist(staff, request.id, lang) == _expect(lang, 5)  # queued, not delivered

    assert dispatch(app, smtp_server, monkeypatch, now + timedelta(minutes=3)).answered == 1
    assert _checklist(staff, request.id, lang) == _expect(lang, 6)  # all done, none next
