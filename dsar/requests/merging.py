"""Merging a duplicate into another open request of the same subject and right (issue 21).

The duplicate is closed as merged (Status.MERGED, `merged_into_id`): its clock stops, it is
not answered, and it counts nowhere as open or overdue. The survivor's answer answers both;
its deadline is not moved. Each request's audit trail names the other. What the subject sent
with the duplicate stays on it, readable from the survivor's case page; lookup keys the
survivor lacks are carried over as unverified claims, so its search can use them once verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.audit.request_trail import record_event
from dsar.core.words import N_, Said
from dsar.fulfilment.links import end_links_on_close
from dsar.requests.decisions import NotPermitted, check_fresh
from dsar.requests.models import Request
from dsar.requests.operations import apply_action
from dsar.requests.permissions import may_merge
from dsar.requests.workflow import Action, Status, allowed_actions

# The survivor's answer must still be to come (the life cycle says the same of the duplicate).
SURVIVOR_STATUSES = frozenset({Status.NEW, Status.AWAITING_INFORMATION, Status.IN_PROGRESS})


class MergeRefused(ValueError):
    """The two requests cannot be merged; `problems` say why (the message joins them)."""

    def __init__(self, problems: list[Said]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Merged:
    duplicate: Request
    survivor: Request
    keys_carried: tuple[str, ...]  # lookup keys the survivor now has from the duplicate


def received(request: Request) -> datetime:
    """When the request came in (merged requests are received; the page may show others)."""
    return request.received_at or request.created_at


def older_first(a: Request, b: Request) -> tuple[Request, Request]:
    """(older, newer): the older one survives by default, its deadline runs from the earlier
    receipt."""
    return (a, b) if (received(a), a.id) <= (received(b), b.id) else (b, a)


def merge_problems(duplicate: Request, survivor: Request) -> list[Said]:
    """Why `duplicate` cannot go into `survivor` (empty: it can); reads no database."""
    problems: list[Said] = []
    if duplicate.id == survivor.id:
        problems.append(N_("a request cannot be merged into itself"))
    if duplicate.controller_id != survivor.controller_id:
        problems.append(N_("the requests are for different controllers"))
    if duplicate.type is not survivor.type:
        problems.append(N_("the requests are for different rights"))
    same_subject = (duplicate.subject_email or "").lower() == (survivor.subject_email or "").lower()
    if not duplicate.subject_email or not same_subject:
        problems.append(N_("the requests are not from the same e-mail address"))
    if duplicate.status is Status.MERGED:
        problems.append(N_("the request was merged already"))
    elif Action.MERGE not in allowed_actions(duplicate.status):
        problems.append(
            N_("the request to merge is unconfirmed, closed, or being answered or refused")
        )
    if survivor.status not in SURVIVOR_STATUSES:
        problems.append(
            N_("the request to keep is not open for work (closed, unconfirmed, or being answered)")
        )
    return problems


def absorbed_by(session: Session, request: Request) -> list[Request]:
    """The requests merged into `request`, oldest first."""
    return list(
        session.scalars(
            select(Request)
            .where(Request.merged_into_id == request.id)
            .order_by(func.coalesce(Request.received_at, Request.created_at), Request.id)
        )
    )


def merge(
    session: Session,
    duplicate: Request,
    survivor: Request,
    *,
    user: StaffUser,
    now: datetime,
    versions: tuple[int, int],
) -> Merged:
    """Close `duplicate` as merged into `survivor`; NotPermitted, StaleForm or MergeRefused
    refuse it before anything changes. `versions`: both requests' versions as the form saw them.
    """
    if not may_merge(user, duplicate, survivor):
        raise NotPermitted(N_("you may not decide on both requests"))
    check_fresh(duplicate, versions[0])
    check_fresh(survivor, versions[1])
    problems = merge_problems(duplicate, survivor)
    if absorbed_by(session, duplicate):  # its own merged requests would lose their answer
        problems.append(N_("other requests were merged into the request to merge: keep that one"))
    if problems:
        raise MergeRefused(problems)
    carried = _carry_lookup_keys(duplicate, survivor)
    apply_action(
        session, duplicate, Action.MERGE, actor=user.email, now=now,
        payload={"into": survivor.reference},
    )  # fmt: skip
    duplicate.merged_into = survivor
    end_links_on_close(
        session, duplicate, actor=user.email, now=now
    )  # the answer comes with the other
    record_event(
        session,
        survivor,
        "absorbed",
        actor=user.email,
        now=now,
        payload={
            "merged_request": duplicate.reference,
            "received_at": received(duplicate).isoformat(),
            "keys_carried": list(carried),
        },
    )
    survivor.updated_at = now
    session.flush()
    return Merged(duplicate, survivor, carried)


def _carry_lookup_keys(duplicate: Request, survivor: Request) -> tuple[str, ...]:
    """Give the survivor the lookup keys only the duplicate has (unverified, as typed); a key
    both have keeps the survivor's value (the duplicate's stays readable on its own page)."""
    theirs = dict((duplicate.details or {}).get("lookup_keys") or {})
    details = dict(survivor.details or {})
    ours = dict(details.get("lookup_keys") or {})
    new = {k: v for k, v in theirs.items() if v not in (None, "") and ours.get(k) in (None, "")}
    if new:
        details["lookup_keys"] = {**ours, **new}
        survivor.details = details  # a new dict: the JSON column sees the change
    return tuple(sorted(new))
