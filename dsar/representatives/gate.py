"""The disclosure gate of a request made on someone else's behalf (docs/legal-rules.md B4).

While either decision (the representative's identity, the authority) is open or refused,
nothing of the subject's data is disclosed: the search, the export and its download link, the
answer letter. Every one of those asks `representation_blockers`, through `identity_settled`
(dsar/fulfilment/search.py) and `completion_blockers` (dsar/requests/closing.py).
"""

from __future__ import annotations

from dsar.core.words import N_, Said
from dsar.representatives.models import Check
from dsar.requests.models import Request


def representation_blockers(request: Request) -> list[str]:
    """What the representation still needs before any data of the subject goes out; []: none."""
    representation = request.representation
    if representation is None:
        return []
    blockers: list[str] = []
    if representation.identity is not Check.VERIFIED:
        blockers.append(Said(N_("verify the representative's identity (B4)")))
    if representation.authority is not Check.VERIFIED:
        blockers.append(Said(N_("verify the representative's authority to act (B4)")))
    return blockers


def disclosure_allowed(request: Request) -> bool:
    """No representation, or one whose identity and authority are both verified."""
    return not representation_blockers(request)


def refuse_undisclosed(request: Request, letter_type: str, letter_id: int) -> None:
    """NotReady if the letter is the answer, which speaks of the subject's data, while the
    representation is not verified: checked where a letter is approved and where it is sent."""
    from dsar.requests.closing import NotReady

    if letter_type != request.type.value:
        return  # acknowledgement, extension, identity letters: nothing of the subject's data
    blockers = representation_blockers(request)
    if blockers:
        not_yet = N_("letter %(id)s speaks of the subject's data: it cannot go out yet")
        raise NotReady(Said(not_yet, id=letter_id), blockers)
