"""A stored letter's inputs to the pure content: the request's facts, found data as JSON, today."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import object_session

from dsar.changes.letter_facts import (
    erased_recipients,
    erasure_details,
    recorded_erasure,
    recorded_restriction,
    restriction_details,
    with_erasure,
)
from dsar.changes.models import ErasureStatus
from dsar.changes.rectification_letter import recorded_rectification, rectification_details
from dsar.changes.stop_facts import recorded_stop, stop_details
from dsar.fulfilment.claim_models import ClaimState, LookupClaim
from dsar.fulfilment.claims import email_confirmed_by_link, stored_claims
from dsar.fulfilment.copy_delivery import copy_delivery, recorded_transmission
from dsar.letters.content import LetterContent, build_letter
from dsar.letters.facts import (
    CopyDelivery,
    ExportedPart,
    FoundData,
    FoundSource,
    KeptRecords,
    Representative,
    RequestFacts,
    Subject,
    salutation_of,
)
from dsar.letters.identity import Identity, KeyUsed
from dsar.letters.models import Letter
from dsar.letters.notices import recipients_told
from dsar.register import Register
from dsar.representatives.models import Check, Representation
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of
from dsar.suppression.marketing import suppressed_for_marketing


def local_today(request: Request, now: datetime) -> date:
    return local_date(now, jurisdiction_of(request.controller))


def facts_for(
    request: Request,
    clock_policy: str = "edpb",
    claims: Sequence[LookupClaim] = (),
    *,
    email_confirmed: bool = False,
    copy: CopyDelivery | None = None,
) -> RequestFacts:
    """The request's facts as the pure letter content needs them."""
    received = request.received_at
    representation = request.representation
    identity = Identity(
        # A representative's address is theirs: the subject was not searched under it (B5).
        request.subject_email if representation is None else None,
        email_confirmed,  # through our link: the request's confirm_email event
        tuple(
            KeyUsed(c.key, c.value, c.state.value, c.method.value if c.method else None)
            for c in claims
            if c.state in (ClaimState.VERIFIED, ClaimState.SET_ASIDE)
        ),
    )
    return RequestFacts(
        reference=request.reference or "",
        request_type=request.type.value,
        language=request.language,
        subject=Subject(
            request.subject_name,
            request.subject_email,
            request.subject_address,
            salutation_of(request.details) if representation is None else None,
        ),
        received_on=local_date(received, jurisdiction_of(request.controller)) if received else None,
        due_date=request.due_date,
        extended_due_date=request.extended_due_date,
        clock_policy=clock_policy,
        details=dict(request.details or {}),
        identity=identity,
        copy=copy,
        representative=Representative(
            representation.name, salutation_of(request.details), refused_of(representation)
        )
        if representation is not None
        else None,
    )


def found_to_json(found: FoundData) -> dict[str, Any]:
    return json_safe(asdict(found))


def json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def found_from_json(data: Mapping[str, Any] | None) -> FoundData | None:
    if data is None:
        return None
    sources = tuple(
        FoundSource(
            s["source"],
            dict(s["categories"]),
            tuple(s["activities"]),
            tuple(
                KeptRecords(
                    k["activity"],
                    tuple(k["categories"]),
                    k["count"],
                    date.fromisoformat(k["latest_on"]) if k.get("latest_on") else None,
                    date.fromisoformat(k["kept_until"]) if k.get("kept_until") else None,
                )
                for k in s.get("kept", ())
            ),
            tuple(s.get("recipients", ())),
            tuple(s.get("unmapped_recipients", ())),
        )
        for s in data["sources"]
    )
    exported = tuple(
        ExportedPart(
            e["label"], tuple(e["files"]), e["rows"], tuple(e["categories"]), tuple(e["columns"])
        )
        for e in data.get("exported", ())
    )
    erased = data.get("erased")
    return FoundData(
        sources,
        data.get("copy_format", "JSON, CSV"),
        exported,
        tuple(erased) if erased is not None else None,
    )


def letter_content(
    letter: Letter, register: Register, now: datetime, clock_policy: str
) -> LetterContent:
    """The content a stored letter says today: its request's facts, found data and free text."""
    session = object_session(letter.request)
    assert session is not None  # a stored letter's request was loaded through a session
    facts = facts_for(
        letter.request,
        clock_policy,
        stored_claims(session, letter.request),
        email_confirmed=email_confirmed_by_link(session, letter.request),
        copy=copy_delivery(session, letter.request, now),
    )
    # What staff recorded on the letter's page stands over what the request brought, and what
    # dsar itself recorded (a direct transmission it made) over both.
    recorded = (
        recorded_transmission(session, letter.request) if letter.type == "portability" else {}
    )
    found = found_from_json(letter.found)
    erasure = recorded_erasure(session, letter.request) if letter.type == "erasure" else None
    if erasure is not None:  # what dsar did stands over what staff typed
        recorded = erasure_details(session, erasure, letter.request)
        done = erasure.status is ErasureStatus.DONE
        told = erased_recipients(session, letter.request, erasure, register) if done else None
        found = with_erasure(found, erasure, register, told)
    rectified = (
        recorded_rectification(session, letter.request) if letter.type == "rectification" else None
    )
    if rectified is not None:  # what dsar wrote stands over what staff typed
        recorded = rectification_details(rectified, register, letter.request.language)
    restricted = (
        recorded_restriction(session, letter.request)
        if letter.type in ("restriction", "restriction_lift")
        else None
    )
    if restricted is not None:  # the recorded ground and day stand over what staff typed
        recorded = restriction_details(restricted, letter.request, register)
    texts = dict(letter.texts)
    stop = (
        recorded_stop(session, letter.request)
        if letter.type in ("consent_withdrawal", "objection")
        else None
    )
    if stop is not None:  # when it took effect, the outcome and its grounds: the record's
        recorded = stop_details(stop, letter.request, register)
        if stop.grounds:
            texts["grounds"] = stop.grounds
    facts = replace(
        facts,
        details={**facts.details, **(letter.details or {}), **recorded},
        told=recipients_told(session, letter.request),
        suppressed=suppressed_for_marketing(session, letter.request),
    )
    return build_letter(
        register,
        facts,
        letter_type=letter.type,
        today=local_today(letter.request, now),
        found=found,
        texts=texts,
    )


def refused_of(representation: Representation) -> str | None:
    """Which of the representative's two checks staff refused, in the letter's words."""
    identity = representation.identity is Check.REFUSED
    authority = representation.authority is Check.REFUSED
    if identity and authority:
        return "both"
    return "identity" if identity else "authority" if authority else None
