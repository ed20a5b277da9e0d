"""Nothing of the subject's data leaves while a representative's identity or authority is not
verified: no search, no export, no answer letter approved or sent, no download (B4)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dsar.files.storage import FileStore
from dsar.fulfilment.delivery import DownloadError, find_export
from dsar.fulfilment.export import build_export
from dsar.fulfilment.models import Export, ExportKind
from dsar.fulfilment.search import FulfilmentError
from dsar.letters.models import LetterStatus
from dsar.letters.operations import approve_letter, draft_letter, send_letter
from dsar.representatives.models import Check
from dsar.requests.closing import NotReady, completion_blockers
from dsar.requests.workflow import Status, Verification
from tests.fulfilment.conftest import make_export
from tests.representatives.factories import make_represented


def _answering(app, session, controller, now, *, identity=Check.VERIFIED):  # type: ignore[no-untyped-def]
    """A request past its identity decision by the back door: only the representation holds."""
    request = make_represented(app, session, controller, now)
    assert request.representation is not None
    request.representation.identity = identity
    request.status, request.verification = Status.ANSWERING, Verification.VERIFIED
    session.flush()
    return request


def test_the_export_is_not_built(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request = _answering(app, session, controller, now)
    assert completion_blockers(session, request) == [
        "verify the representative's authority to act (B4)"
    ]
    with pytest.raises(FulfilmentError, match="authority"):
        build_export(
            session, request, app.extensions["dsar.registers"][0],
            FileStore.from_settings(app.config["DSAR_SETTINGS"]), kind=ExportKind.ACCESS,
            actor="dana@example.org", now=now, download_days=14, templates="templates",
        )  # fmt: skip
    found = select(Export).where(Export.request_id == request.id)
    assert session.execute(found).first() is None


@pytest.mark.parametrize("identity", [Check.PENDING, Check.VERIFIED])
def test_the_answer_letter_is_neither_approved_nor_sent(
    app, session, controller, now, identity
) -> None:  # type: ignore[no-untyped-def]
    request = _answering(app, session, controller, now, identity=identity)
    letter = draft_letter(session, request, actor="test", now=now, letter_type="access")
    with pytest.raises(NotReady, match="speaks of the subject's data"):
        approve_letter(
            session, letter, register=app.extensions["dsar.registers"][0],
            store=FileStore.from_settings(app.config["DSAR_SETTINGS"]), actor="dpo", now=now,
        )  # fmt: skip
    assert letter.status is LetterStatus.DRAFT and letter.sha256 is None
    letter.status = LetterStatus.APPROVED  # as if approved before: sending checks again
    with pytest.raises(NotReady):
        send_letter(session, letter, actor="dpo", now=now)
    assert letter.status is LetterStatus.APPROVED and letter.sent_at is None


def test_a_letter_without_the_subjects_data_may_go(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    from dsar.representatives.gate import refuse_undisclosed

    request = _answering(app, session, controller, now, identity=Check.PENDING)
    refuse_undisclosed(request, "acknowledgement", 1)  # no NotReady
    refuse_undisclosed(request, "identity_failed", 1)
    with pytest.raises(NotReady):
        refuse_undisclosed(request, "access", 1)


def test_a_download_link_is_not_honoured(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request = _answering(app, session, controller, now)
    _export, token = make_export(app, session, request, now)
    with pytest.raises(DownloadError):
        find_export(session, token, controller_id=controller.id, now=now)
    assert request.representation is not None
    request.representation.authority = Check.VERIFIED
    assert find_export(session, token, controller_id=controller.id, now=now) is not None
