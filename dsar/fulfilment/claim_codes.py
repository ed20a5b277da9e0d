"""Verify a typed lookup key with a one-time code sent to the e-mail address on file for it.

The address comes from the controller's own records, never from the requester: the SQL column
the register names as `verifiable_by`, or (for a manual system the register marks
`verifiable`) what staff read there. Whoever can read that mailbox owns the key. The answer
to "send a code" is the same whether or not an address was found, so the form tells nobody
which customer numbers exist.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.config import Settings
from dsar.core.words import N_, Said
from dsar.fulfilment.claim_models import ClaimMethod, ClaimState, LookupClaim
from dsar.fulfilment.claims import ClaimError, ConnectorFactory, check_sources, verify_claim
from dsar.register import Register
from dsar.register.datasources import ManualSource, SqlSource
from dsar.requests.models import Request
from dsar.sources import RegisterMismatch, SourceUnreachable, connector_for

CODE_MINUTES = 30
MAX_ATTEMPTS = 5  # wrong entries per code
MAX_CODES = 3  # codes per claim: at most 15 guesses at a 6-digit code, each batch mailed


@dataclass(frozen=True)
class CodeToSend:
    """A fresh code and where it goes; the caller mails it after recording the claim's state."""

    claim: LookupClaim
    code: str
    recipient: str
    where: str  # the system the address was read from, for the audit trail


def code_hash(secret: str, claim_id: int, code: str) -> str:
    return hmac.new(secret.encode(), f"{claim_id}:{code}".encode(), hashlib.sha256).hexdigest()


def sql_verifiable(register: Register, key: str) -> bool:
    """A SQL table holds the e-mail on file for `key`: the subject can ask for a code."""
    return any(
        m.key == key and m.verifiable_by
        for s in register.sources
        if isinstance(s, SqlSource)
        for t in s.tables
        for m in t.lookup.match
    )


def manual_verifiers(register: Register, key: str) -> list[ManualSource]:
    """Manual systems where staff can read the e-mail on file for `key`."""
    return [s for s in register.sources if isinstance(s, ManualSource) and key in s.verifiable]


def address_on_file(
    register: Register, claim: LookupClaim, connectors: ConnectorFactory = connector_for
) -> tuple[str, str] | None:
    """The one e-mail address the SQL sources hold for the claimed key, and where; else None
    (no address, several owners, or a source that cannot answer: staff decide)."""
    try:
        check, where = check_sources(register, claim.key, claim.value, connectors)
    except (SourceUnreachable, RegisterMismatch):
        return None
    found = {c.casefold() for c in check.contacts}
    if len(found) != 1:
        return None
    return found.pop(), ", ".join(where)


def new_code(
    session: Session,
    request: Request,
    claim: LookupClaim,
    *,
    recipient: str | None,
    where: str,
    secret: str,
    actor: str,
    now: datetime,
) -> CodeToSend | None:
    """Count a code request; with an address, store a fresh code's hash and return it. Audited.

    Without an address nothing is sent, but the request counts all the same: the limit and
    the page look alike whether or not the key is on file.
    """
    if claim.state is not ClaimState.UNVERIFIED:
        raise ClaimError(Said(N_("this key needs no code")))
    if claim.codes_sent >= MAX_CODES:
        raise ClaimError(Said(N_("too many codes for this key")))
    claim.codes_sent += 1
    claim.code_attempts = 0
    claim.code_hash = claim.code_sent_at = claim.code_expires_at = None
    code = f"{secrets.randbelow(10**6):06d}"
    if recipient:
        claim.code_hash = code_hash(secret, claim.id, code)
        claim.code_sent_at, claim.code_expires_at = now, now + timedelta(minutes=CODE_MINUTES)
    record_event(
        session,
        request,
        "send_lookup_key_code",
        actor=actor,
        now=now,
        payload={"key": claim.key, "where": where, "sent": bool(recipient), "n": claim.codes_sent},
    )
    return CodeToSend(claim, code, recipient, where) if recipient else None


def enter_code(
    session: Session,
    request: Request,
    claim: LookupClaim,
    code: str,
    *,
    secret: str,
    now: datetime,
) -> bool:
    """True (and the claim verified) when `code` is the one sent and still valid."""
    if claim.state is not ClaimState.UNVERIFIED or claim.code_hash is None:
        return False
    if claim.code_expires_at is None or now >= claim.code_expires_at:
        return False
    wanted = code_hash(secret, claim.id, code.strip())
    if not hmac.compare_digest(wanted, claim.code_hash):
        claim.code_attempts += 1
        if claim.code_attempts >= MAX_ATTEMPTS:
            claim.code_hash = None  # this code is spent: a new one must be sent
        return False
    verify_claim(
        session,
        request,
        claim,
        method=ClaimMethod.CODE_TO_CONTACT_ON_FILE,
        detail="a one-time code sent to the e-mail address on file for it was entered",
        actor="subject",
        now=now,
    )
    return True


def send_code(
    session: Session,
    request: Request,
    claim: LookupClaim,
    register: Register,
    *,
    on_file: tuple[str, str] | None,
    settings: Settings,
    actor: str,
    now: datetime,
) -> CodeToSend | None:
    """`new_code` for the address on file (address, where) and the mail with it; ClaimError."""
    from dsar.intake.emails import queue_key_code

    to_send = new_code(
        session,
        request,
        claim,
        recipient=on_file[0] if on_file else None,
        where=on_file[1] if on_file else "",
        secret=settings.secret_key,
        actor=actor,
        now=now,
    )
    if to_send is not None:
        queue_key_code(
            session,
            request,
            code=to_send.code,
            recipient=to_send.recipient,
            key_label=key_label(register, claim.key, request.language),
            dpo_email=register.dpo.email if register.dpo else None,
            minutes=CODE_MINUTES,
            settings=settings,
            now=now,
        )
    return to_send


def key_label(register: Register, key: str, language: str) -> str:
    """The register's label of a lookup key in `language` (its id if it has none)."""
    spec = register.lookup_key(key)
    if spec is None:
        return key
    return spec.label.get(language, fallback=spec.label.languages[0]) or key
