"""Letters through their life: draft where due, edit, preview, approve (freeze), send by e-mail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.signing import install_signer
from dsar.core.words import N_, Said
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.letters.content import FREE_TEXT, LETTER_TYPES
from dsar.letters.facts import FoundData
from dsar.letters.inputs import found_to_json, letter_content
from dsar.letters.models import Letter, LetterStatus
from dsar.letters.rendering import RenderedLetter, letter_hash, render, render_pdf
from dsar.outbox.mail import enqueue
from dsar.receipts.receipt import letter_receipt
from dsar.register import Register, find_register
from dsar.representatives.gate import refuse_undisclosed
from dsar.requests.deadlines.clock_policies import InformationPurpose
from dsar.requests.models import Request
from dsar.requests.workflow import Action, Status


class LetterError(ValueError):
    """The letter cannot be changed or moved as asked (frozen, wrong status, unknown type)."""


def register_for(registers: Sequence[Register], slug: str) -> Register:
    register = find_register(registers, slug)
    if register is None:
        raise LetterError(f"no processing register is loaded for controller {slug!r}")
    return register


def due_letter_type(request: Request) -> str | None:
    """The letter the request's current step calls for, if any."""
    if request.status is Status.AWAITING_INFORMATION:
        return "clarification" if _asked_to_clarify(request) else "identity_request"
    if request.status is Status.REFUSED:
        return "refusal"
    if request.status is Status.IDENTITY_FAILED:
        return "identity_failed"
    if request.status in (Status.ANSWERING, Status.COMPLETED):
        return request.type.value
    if request.status in (Status.NEW, Status.IN_PROGRESS):
        return "extension" if request.extended_due_date else "acknowledgement"
    return None


def _asked_to_clarify(request: Request) -> bool:
    """Whether the latest request for information asked what the request is about (Rec. 63)."""
    for event in reversed(request.events):
        if event.action == Action.REQUEST_INFORMATION.value:
            purpose = (event.payload.get("clock") or {}).get("purpose")
            return purpose == InformationPurpose.CLARIFICATION.value
    return False


def not_merged(request: Request) -> None:
    """A merged request is answered by the one it went into: none of its letters goes out."""
    if request.status is Status.MERGED:
        into = request.merged_into.reference if request.merged_into else "another request"
        raise LetterError(f"{request.reference} was merged into {into}: its letters go from there")


def draft_letter(
    session: Session,
    request: Request,
    *,
    actor: str,
    now: datetime,
    letter_type: str | None = None,
    texts: Mapping[str, str] | None = None,
    found: FoundData | None = None,
    details: Mapping[str, Any] | None = None,
) -> Letter:
    """A draft of the letter due at the request's step (or of `letter_type`); `texts` and
    `details` carry over what the decision that made it due recorded."""
    not_merged(request)
    letter_type = letter_type or due_letter_type(request)
    if letter_type not in LETTER_TYPES:
        raise LetterError(f"no letter is due for a request that is {request.status.value}")
    letter = Letter(
        request=request,
        type=letter_type,
        language=request.language,
        status=LetterStatus.DRAFT,
        texts=_free_text(letter_type, texts or {}),
        details=dict(details or {}),
        found=found_to_json(found) if found else None,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(letter)
    session.flush()
    record_event(
        session,
        request,
        "letter_drafted",
        actor=actor,
        now=now,
        payload={"letter_id": letter.id, "type": letter_type, "language": letter.language},
    )
    return letter


def _free_text(letter_type: str, texts: Mapping[str, str]) -> dict[str, str]:
    allowed = FREE_TEXT[letter_type]
    unknown = sorted(set(texts) - set(allowed))
    if unknown:
        raise LetterError(f"the {letter_type} letter has no part {', '.join(unknown)}")
    return {k: v.replace("\r\n", "\n").strip() for k, v in texts.items() if v and v.strip()}


def edit_letter(
    session: Session, letter: Letter, texts: Mapping[str, str], *, actor: str, now: datetime
) -> Letter:
    """Replace the draft's free-text parts; a frozen letter refuses."""
    if letter.frozen:
        frozen = N_("letter %(id)s is %(state)s: it can no longer be edited")
        raise LetterError(Said(frozen, id=letter.id, state=letter.status.value))
    letter.texts = _free_text(letter.type, texts)
    letter.updated_at = now
    record_event(
        session,
        letter.request,
        "letter_edited",
        actor=actor,
        now=now,
        payload={"letter_id": letter.id, "parts": sorted(letter.texts)},
    )
    return letter


# Details a decision records on its letter that no staff field edits: an information request
# asked for too late for the clock to stop (D12).
SYSTEM_DETAILS = frozenset({"late_request"})


def record_facts(
    session: Session, letter: Letter, facts: Mapping[str, Any], *, actor: str, now: datetime
) -> Letter:
    """Replace the draft's case facts recorded by staff (dsar/letters/fields.py); what the
    system recorded (SYSTEM_DETAILS) stays."""
    if letter.frozen:
        frozen = N_("letter %(id)s is %(state)s: its facts can no longer change")
        raise LetterError(Said(frozen, id=letter.id, state=letter.status.value))
    kept = {k: v for k, v in (letter.details or {}).items() if k in SYSTEM_DETAILS}
    letter.details = {**kept, **facts}
    letter.updated_at = now
    record_event(
        session,
        letter.request,
        "letter_facts",
        actor=actor,
        now=now,
        payload={"letter_id": letter.id, "facts": dict(facts)},
    )
    return letter


def preview_letter(
    letter: Letter, register: Register, *, now: datetime, clock_policy: str = "edpb"
) -> RenderedLetter:
    """What the letter looks like: the frozen version once approved, else a fresh rendering."""
    if letter.frozen:
        return RenderedLetter(letter.subject_line or "", letter.html or "", letter.text or "")
    content = letter_content(letter, register, now, clock_policy)
    return render(replace(content, fingerprint=install_signer().fingerprint))


def approve_letter(
    session: Session,
    letter: Letter,
    *,
    register: Register,
    store: FileStore,
    actor: str,
    now: datetime,
    clock_policy: str = "edpb",
) -> Letter:
    """Render once, hash, store the PDF, sign its receipt and freeze; IncompleteLetter if an
    element is missing. The footer names the signing key's fingerprint (docs/receipts.md)."""
    if letter.frozen:
        already = N_("letter %(id)s is already %(state)s")
        raise LetterError(Said(already, id=letter.id, state=letter.status.value))
    not_merged(letter.request)
    refuse_undisclosed(letter.request, letter.type, letter.id)
    signer = install_signer()
    content = letter_content(letter, register, now, clock_policy)
    rendered = render(replace(content, fingerprint=signer.fingerprint))
    pdf = store.save(
        session,
        render_pdf(rendered.html),
        filename=f"{letter.request.reference}-{letter.type}-{letter.language}.pdf",
        content_type="application/pdf",
        purpose=FilePurpose.LETTER,
        now=now,
        request_id=letter.request_id,
    )
    letter.subject_line = rendered.subject
    letter.html, letter.text, letter.sha256 = rendered.html, rendered.text, rendered.sha256
    letter.pdf_file = pdf
    letter.receipt = letter_receipt(
        signer,
        reference=letter.request.reference or str(letter.request_id),
        letter_id=letter.id,
        letter_sha256=rendered.sha256,
        pdf_sha256=pdf.sha256,
        signed_at=now,
    )
    letter.recipient = (
        content.recipient.email if content.recipient else letter.request.subject_email
    )
    letter.status = LetterStatus.APPROVED
    letter.approved_by, letter.approved_at, letter.updated_at = actor, now, now
    session.flush()
    record_event(
        session,
        letter.request,
        "letter_approved",
        actor=actor,
        now=now,
        payload={
            "letter_id": letter.id,
            "sha256": letter.sha256,
            "pdf_sha256": pdf.sha256,
            "receipt_signature": letter.receipt["signature"],
            "fingerprint": signer.fingerprint,
        },
    )
    return letter


def letter_intact(letter: Letter) -> bool:
    """The frozen renderings still match the hash recorded at approval."""
    return (
        letter.sha256 is not None
        and letter_hash(letter.html or "", letter.text or "") == letter.sha256
    )


def send_letter(session: Session, letter: Letter, *, actor: str, now: datetime) -> Letter:
    """Queue the frozen letter as e-mail (once, key `letter:<id>`) and mark it sent."""
    if letter.status is not LetterStatus.APPROVED:
        only = N_("letter %(id)s is %(state)s: only an approved letter is sent")
        raise LetterError(Said(only, id=letter.id, state=letter.status.value))
    not_merged(letter.request)
    refuse_undisclosed(letter.request, letter.type, letter.id)
    if not letter_intact(letter):
        changed = N_("letter %(id)s does not match its recorded SHA-256: not sent")
        raise LetterError(Said(changed, id=letter.id))
    if not letter.recipient:
        no_address = N_("letter %(id)s has no e-mail address to go to: print the PDF")
        raise LetterError(Said(no_address, id=letter.id))
    key = letter.outbox_key
    enqueue(
        session,
        key=key,
        to=letter.recipient,
        template="letter",
        language=letter.language,
        context={"subject": letter.subject_line, "text": letter.text, "html": letter.html},
        now=now,
        request_id=letter.request_id,
    )
    letter.status, letter.sent_at, letter.updated_at = LetterStatus.SENT, now, now
    session.flush()
    record_event(
        session,
        letter.request,
        "letter_sent",
        actor=actor,
        now=now,
        payload={
            "letter_id": letter.id,
            "sha256": letter.sha256,
            "outbox_key": key,
        },
    )
    return letter
