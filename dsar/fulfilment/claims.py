"""Typed lookup keys are claims: only the confirmed e-mail and verified keys find data.

A requester who types a customer number has not shown that it is theirs. Until a claim is
verified (the record it finds carries the confirmed e-mail address, a one-time code sent to the
address on file came back, or the DPO compared a document) no search uses it, so none of its
rows can reach an export or a letter; an unresolved claim blocks the answer until it is
verified or set aside. docs/lookup-keys.md explains the methods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.words import N_, Said
from dsar.fulfilment.claim_models import ClaimMethod, ClaimState, LookupClaim
from dsar.register import Register
from dsar.register.datasources import FileSource, ManualSource, SqlSource
from dsar.requests.models import Request, RequestEvent
from dsar.sources import Connector, RegisterMismatch, SourceUnreachable, Subject, connector_for
from dsar.sources.base import ClaimCheck
from dsar.sources.sql import SqlConnector

ConnectorFactory = Callable[[SqlSource | FileSource | ManualSource], Connector | None]


class ClaimError(Exception):
    """The claim cannot be changed as asked; the message says why."""


def typed_keys(request: Request) -> dict[str, str]:
    """The lookup keys the requester gave (details["lookup_keys"]), trimmed, empty ones left out."""
    lookup = (request.details or {}).get("lookup_keys") or {}
    if not isinstance(lookup, dict):
        return {}
    return {str(k): str(v).strip() for k, v in lookup.items() if v not in (None, "")}


def claims_of(session: Session, request: Request, now: datetime) -> list[LookupClaim]:
    """The request's claims, one per typed key, created unverified the first time they are asked."""
    existing = {
        c.key: c
        for c in session.execute(
            select(LookupClaim).where(LookupClaim.request_id == request.id)
        ).scalars()
    }
    for key, value in typed_keys(request).items():
        if key not in existing:
            existing[key] = LookupClaim(
                request_id=request.id,
                key=key,
                value=value[:200],
                state=ClaimState.UNVERIFIED,
                code_attempts=0,
                codes_sent=0,
                conflict=False,
                created_at=now,
            )
            session.add(existing[key])
    session.flush()
    return sorted(existing.values(), key=lambda c: c.id)


def stored_claims(session: Session, request: Request) -> list[LookupClaim]:
    """The claims recorded so far (read-only pages: nothing is created)."""
    return list(
        session.execute(
            select(LookupClaim).where(LookupClaim.request_id == request.id).order_by(LookupClaim.id)
        ).scalars()
    )


CONFIRMED_BY_LINK = "confirm_email"  # the event of the confirmation link's button


def email_confirmed_by_link(session: Session, request: Request) -> bool:
    """The subject confirmed the address through our link: its `confirm_email` event says so."""
    return (
        session.scalar(
            select(
                exists().where(
                    RequestEvent.request_id == request.id,
                    RequestEvent.action == CONFIRMED_BY_LINK,
                )
            )
        )
        is True
    )


def confirmed_in(events: Iterable[RequestEvent]) -> bool:
    """The same answer from a request's events already read (the request page has them)."""
    return any(event.action == CONFIRMED_BY_LINK for event in events)


def identity_basis(session: Session, request: Request) -> dict[str, Any]:
    """What "identity verified" rests on, for the decision's audit event: the e-mail and how;
    typed keys are listed as claims, each verified on its own (docs/lookup-keys.md)."""
    confirmed = email_confirmed_by_link(session, request)
    verified: dict[str, Any] = {"email": "confirmed by link" if confirmed else "checked by staff"}
    identity = (request.details or {}).get("identity")
    if isinstance(identity, dict) and identity.get("verified_by") == "controller":
        # Filed through the API from the controller's signed-in account area (docs/api.md).
        verified["controller_account"] = str(identity.get("account_id", ""))
    return {"verified": verified, "claims": sorted(typed_keys(request))}


def verified_subject(session: Session, request: Request) -> Subject:
    """The subject as searched: the confirmed e-mail plus verified keys, never a bare claim."""
    verified = {
        c.key: c.value for c in stored_claims(session, request) if c.state is ClaimState.VERIFIED
    }
    return Subject.of(_subject_address(request), verified)


def _subject_address(request: Request) -> str | None:
    """The confirmed address, if it is the subject's: a representative's is their own (B5)."""
    return None if request.representation is not None else request.subject_email


def check_claims(
    session: Session,
    request: Request,
    register: Register,
    *,
    actor: str,
    now: datetime,
    connectors: ConnectorFactory = connector_for,
) -> list[LookupClaim]:
    """Check each open claim against the SQL sources; verify those whose record has our e-mail."""
    claims = claims_of(session, request, now)
    confirmed = (_subject_address(request) or "").strip().casefold()
    for claim in claims:
        if claim.resolved:
            continue
        try:
            check, where = check_sources(register, claim.key, claim.value, connectors)
        except (SourceUnreachable, RegisterMismatch) as error:
            claim.finding = f"could not be checked: {error}"
            continue
        if check.rows and check.checkable and _all_same(check.contacts, confirmed):
            detail = f"the record found under it in {', '.join(where)} has the confirmed e-mail"
            verify_claim(
                session,
                request,
                claim,
                method=ClaimMethod.ROW_CARRIES_EMAIL,
                detail=detail,
                actor=actor,
                now=now,
            )
            claim.finding, claim.conflict = None, False
        elif check.rows == 0 and _only_automated(register, claim.key):
            claim.state, claim.decided_by, claim.decided_at = ClaimState.NOT_FOUND, actor, now
            claim.finding = "no record under it in any source"
        else:
            claim.finding = _describe(check, confirmed)
            claim.conflict = check.rows > 0
    session.flush()
    return claims


def check_sources(
    register: Register, key: str, value: str, connectors: ConnectorFactory = connector_for
) -> tuple[ClaimCheck, list[str]]:
    """The SQL sources' rows under the key and their e-mails on file, summed; where they were
    found. SourceUnreachable or RegisterMismatch when a source cannot answer."""
    rows, contacts, checkable, where = 0, set[str](), True, []
    for source in register.sources:
        if isinstance(source, FileSource) and any(m.key == key for m in source.lookup):
            checkable = False  # file rows cannot be tied to an address yet
        if not isinstance(source, SqlSource):
            continue
        connector = connectors(source)
        if not isinstance(connector, SqlConnector):
            continue
        try:
            found = connector.claim_check(key, value)
        finally:
            connector.close()
        rows, contacts = rows + found.rows, contacts | found.contacts
        checkable = checkable and found.checkable
        if found.rows:
            where.append(source.name)
    return ClaimCheck(rows, frozenset(contacts), checkable), where


def _all_same(contacts: frozenset[str], confirmed: str) -> bool:
    return bool(contacts) and bool(confirmed) and {c.casefold() for c in contacts} == {confirmed}


def _only_automated(register: Register, key: str) -> bool:
    """No manual system or file could hold records under `key` that a search would miss."""
    return not any(
        isinstance(s, ManualSource)
        or (isinstance(s, FileSource) and any(m.key == key for m in s.lookup))
        for s in register.sources
    )


def _describe(check: ClaimCheck, confirmed: str) -> str:
    if check.rows == 0:
        return "no record under it in the automated sources; manual systems may hold some"
    if check.contacts and {c.casefold() for c in check.contacts} != {confirmed}:
        return (
            f"finds {check.rows} record(s) whose e-mail address on file differs from the "
            "confirmed one: held back"
        )
    return f"finds {check.rows} record(s) that cannot be tied to the confirmed e-mail: held back"


def verify_claim(
    session: Session,
    request: Request,
    claim: LookupClaim,
    *,
    method: ClaimMethod,
    detail: str,
    actor: str,
    now: datetime,
) -> LookupClaim:
    """Record how the claim was shown to be the subject's; from now on searches use it."""
    if claim.state is ClaimState.VERIFIED:
        raise ClaimError(Said(N_("this key is verified already")))
    if not detail.strip():
        raise ClaimError(Said(N_("say how the key was verified: what was compared, or where")))
    claim.state, claim.method, claim.detail = ClaimState.VERIFIED, method, detail.strip()[:2000]
    claim.decided_by, claim.decided_at = actor, now
    claim.code_hash = claim.code_expires_at = None
    record_event(
        session,
        request,
        "verify_lookup_key",
        actor=actor,
        now=now,
        payload={"key": claim.key, "method": method.value, "detail": claim.detail},
    )
    return claim


def set_aside_claim(
    session: Session,
    request: Request,
    claim: LookupClaim,
    *,
    reason: str,
    actor: str,
    now: datetime,
) -> LookupClaim:
    """Answer without this key (it stays unused), with the reason; audited."""
    if claim.state is not ClaimState.UNVERIFIED:
        raise ClaimError(Said(N_("only a key that is not verified can be set aside")))
    if not reason.strip():
        raise ClaimError(Said(N_("give the reason for answering without this key")))
    claim.state, claim.detail = ClaimState.SET_ASIDE, reason.strip()[:2000]
    claim.decided_by, claim.decided_at = actor, now
    claim.code_hash = claim.code_expires_at = None
    record_event(
        session,
        request,
        "set_aside_lookup_key",
        actor=actor,
        now=now,
        payload={"key": claim.key, "reason": claim.detail},
    )
    return claim


def claim_blockers(
    session: Session, request: Request, search_started: datetime | None
) -> list[str]:
    """Why the typed keys stop an answer: unverified claims, keys verified after the search."""
    claims = stored_claims(session, request)
    unchecked = N_("%(key)s %(value)s: typed by the requester and not checked yet — search again")
    problems: list[str] = [
        Said(unchecked, key=key, value=value)
        for key, value in typed_keys(request).items()
        if key not in {c.key for c in claims}
    ]
    unverified = N_(
        "%(key)s %(value)s: typed by the requester and not verified — verify it or answer "
        "without it"
    )
    for claim in claims:
        if claim.state is ClaimState.UNVERIFIED:
            problems.append(Said(unverified, key=claim.key, value=claim.value))
        elif (
            claim.state is ClaimState.VERIFIED
            and search_started is not None
            and claim.decided_at is not None
            and claim.decided_at > search_started
        ):
            late = N_("%(key)s was verified after the last search: search again")
            problems.append(Said(late, key=claim.key))
    return problems
