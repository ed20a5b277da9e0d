"""PURE: each letter type's mandatory elements (docs/legal-rules.md section 5), named if missing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from dsar.letters.recorded_checks import recorded_change_gaps
from dsar.register.placeholders import placeholders
from dsar.requests.workflow import RESTRICTION_GROUNDS

if TYPE_CHECKING:
    from dsar.letters.content import LetterContent
    from dsar.letters.content_parts import ActivityView
    from dsar.letters.facts import FoundData
    from dsar.register import Register

REQUIRED_TEXT: Mapping[str, tuple[str, ...]] = {
    "identity_request": ("doubt", "needed"),
    "clarification": ("question", "provided"),
    "extension": ("reasons",),
    "rectification": ("changes",),
    "restriction_lift": ("reason",),
    "refusal": ("facts", "reasons"),
    "identity_failed": ("unidentified",),
    "human_review": ("review",),
    "recipient_notice": ("identifier", "change"),
}
TEXT_NAMES = {
    "review": "what the human review considered and why it decided so (Art. 22(3))",
    "doubt": "the reasonable doubt about the identity (Art. 12(6))",
    "needed": "the minimum information needed to confirm the identity",
    "question": "which information or processing activities the request should cover (Recital 63)",
    "provided": "what is provided already, or why nothing can be provided before the answer",
    "reasons": "the case-specific reasons",
    "changes": "what was corrected or completed",
    "reason": "the reason for lifting the restriction (Art. 18(3))",
    "facts": "the facts that show the request is manifestly unfounded or excessive",
    "unidentified": "why the data subject could not be identified (Art. 11(2), 12(2))",
    "grounds": "the compelling legitimate grounds that override the objection (Art. 21(1))",
    "identifier": "the identifier by which the recipient finds the data subject",
    "change": "the corrected value or what was erased or restricted",
    "not_transmitted_reason": "why the direct transmission was not possible (Art. 20(2))",
    "ineligible_reason": "why the data is outside the right to portability",
    "unnamed": "why recipients are named only by their category (C-154/21)",
    "untold": "why recipients were not told (Art. 19: impossible or disproportionate effort)",
}
AUTHORITY_TYPES = frozenset({"access", "refusal", "identity_failed", "human_review"})
# The day a right was carried out: recorded, never assumed to be the letter's date.
DONE_ON = {
    "rectification": "the date the data was corrected",
    "erasure": "the date the data was erased",
    "restriction": "the date the processing was restricted",
}


def missing_elements(
    content: LetterContent, register: Register, found: FoundData | None
) -> list[str]:
    """Every mandatory element the letter lacks, in words a DPO understands."""
    kind, facts, details = content.letter_type, content.facts, content.facts.details
    missing = []
    if not content.controller.name or not content.controller.lines or not content.controller.email:
        missing.append("the controller's name, address and e-mail (controller in the register)")
    if not facts.reference:
        missing.append("the request's reference")
    if not facts.subject.name:
        missing.append("the data subject's name")
    # A recorded rectification says itself what was corrected: staff's text is then optional.
    recorded_changes = kind == "rectification" and bool(details.get("corrected"))
    missing += [
        TEXT_NAMES[name]
        for name in REQUIRED_TEXT.get(kind, ())
        if not content.texts.get(name) and not (name == "changes" and recorded_changes)
    ]
    needs_authority = kind in AUTHORITY_TYPES or bool(content.texts.get("withheld"))
    if kind == "acknowledgement" and not (facts.received_on and facts.due_date):
        missing.append("the date of receipt and the due date")
    if kind in ("identity_request", "clarification") and not facts.due_date:
        missing.append("the due date")
    if kind == "extension" and not facts.extended_due_date:
        missing.append("the new due date (extend the request first)")
    if kind in ("access", "erasure", "portability") and found is None:
        missing.append("what the search found (the found data)")
    copy_owed = kind == "portability" or (kind == "access" and bool(content.found))
    if copy_owed and facts.copy is None:
        missing.append("the copy: build the export and mail its link (Art. 15(3), 20(1))")
    if kind == "access":
        missing += _recipient_gaps(content, found)
        for activity in content.activities:
            if not activity.categories:
                missing.append(f"the data categories of {activity.title!r}")
            if not activity.retention:
                missing.append(f"the retention period of {activity.title!r}")
            missing += _automated_gaps(activity)
            missing += [
                f"a valid safeguard for the transfer to {recipient} in {activity.title!r}: the "
                "Privacy Shield is invalid since CJEU C-311/18 (transfers.safeguard in the "
                "register)"
                for recipient, _country, safeguard, _text in activity.transfers
                if safeguard == "privacy_shield"
            ]
    if kind == "erasure" and content.kept:
        needs_authority = True
        for kept in content.kept:
            if not kept.norm:
                missing.append(f"the retention norm of {kept.activity!r} (retention.norm)")
            if kept.deletion_on is None:
                missing.append(f"a retention period with a duration for {kept.activity!r}")
    status = details.get("erasure_status")
    if kind == "erasure" and status not in (None, "done"):
        missing.append(f"the erasure carried out: it is {status} (see the request's Erasure page)")
    if kind == "erasure" and status is None and register.erased_by_dsar:
        missing.append(
            "the erasure carried out by dsar: plan it on the request's Erasure page and have "
            "another DPO approve it"
        )
    if kind == "erasure" and found is not None:
        missing += _untold(content)
    missing += _rectification_gaps(kind, details, register)
    missing += recorded_change_gaps(kind, details, register)
    if kind in DONE_ON and not details.get("done_on"):
        missing.append(DONE_ON[kind])
    if kind in ("restriction", "restriction_lift") and details.get("ground") not in (
        RESTRICTION_GROUNDS
    ):
        missing.append("the ground of the restriction (Art. 18(1)(a) to (d))")
    if kind == "restriction_lift" and not details.get("lift_on"):
        missing.append("the date the restriction will be lifted")
    if kind == "objection":
        outcome = details.get("outcome")
        if outcome not in ("stopped", "continued"):
            missing.append("the outcome of the objection (processing stopped or continues)")
        if outcome == "stopped" and not details.get("done_on"):
            missing.append("the date the processing stopped")
        if outcome == "continued" and any(a.direct_marketing for a in content.activities):
            missing.append(
                "an objection to direct marketing cannot be refused (Art. 21(3)): record the "
                "processing as stopped"
            )
        if outcome == "continued":
            needs_authority = True
            if not content.texts.get("grounds"):
                missing.append(TEXT_NAMES["grounds"])
    if kind == "refusal" and details.get("ground") not in ("manifestly_unfounded", "excessive"):
        missing.append("the ground of the refusal: manifestly unfounded or excessive (Art. 12(5))")
    if kind == "human_review":
        missing += _review_gaps(content, details)
    if kind == "consent_withdrawal":
        if not details.get("effective_on"):
            missing.append("the date the withdrawal took effect")
        if not content.activities:
            missing.append("the consent-based processing concerned (the activities concerned)")
    if kind == "recipient_notice":
        # Without an e-mail address the approved notice is printed and posted: not missing.
        if content.recipient is None:
            missing.append("the recipient (one of the register's recipients)")
        if details.get("action") not in ("rectify", "erase", "restrict"):
            missing.append("what was done (rectified, erased or restricted)")
        if not details.get("action_on"):
            missing.append("the date it was done")
    if kind == "portability":
        if details.get("transmitted") and not details.get("transmitted_on"):
            missing.append("the date of the direct transmission")
        untransmitted = details.get("transmit_to") and not details.get("transmitted")
        if untransmitted and not content.texts.get("not_transmitted_reason"):
            missing.append(TEXT_NAMES["not_transmitted_reason"])
        if details.get("eligible") is False:
            needs_authority = True
            if not content.texts.get("ineligible_reason"):
                missing.append(TEXT_NAMES["ineligible_reason"])
    if needs_authority:
        missing += _authority_gaps(content)
    return missing


def _rectification_gaps(kind: str, details: Mapping[str, object], register: Register) -> list[str]:
    """A rectification letter follows the recorded rectification where dsar writes data."""
    status = details.get("rectification_status")
    if kind != "rectification":
        return []
    if status not in (None, "done"):
        return [f"the rectification carried out: it is {status} (see its Rectification page)"]
    if status is None and register.erased_by_dsar:
        return [
            "the rectification carried out by dsar: map the items on the request's "
            "Rectification page and approve it"
        ]
    return []


def placeholder_gaps(
    register: Register, activity_ids: Iterable[str], recipient_ids: Iterable[str]
) -> list[str]:
    """Each field the letter would print that holds a placeholder (the register check's rule):
    the controller, DPO and authority, and the letter's own activities and recipients."""
    skipped = [
        f"activities[{i}]" for i, a in enumerate(register.activities) if a.id not in activity_ids
    ] + [f"recipients[{i}]" for i, r in enumerate(register.recipients) if r.id not in recipient_ids]
    return [
        f"{path} {why}"
        for path, why in placeholders(register)
        if not any(path.startswith(f"{part}.") for part in skipped)
    ]


def _automated_gaps(activity: ActivityView) -> list[str]:
    """Art. 15(1)(h): the logic, significance and envisaged consequences of an Art. 22 decision."""
    decision = activity.automated
    if decision is None:
        return []
    return [
        f"the {what} of the automated decision in {activity.title!r} "
        f"(automated_decision.{name} in the register)"
        for name, what in (
            ("logic", "logic involved"),
            ("significance", "significance"),
            ("consequences", "envisaged consequences"),
        )
        if not getattr(decision, name)
    ]


def _untold(content: LetterContent) -> list[str]:
    """Art. 19: each recipient the search found got the data is told before the answer, or
    staff record why that was impossible or would take disproportionate effort."""
    if not content.untold or content.texts.get("untold"):
        return []
    return [
        f"the Art. 19 notice to {'; '.join(content.untold)}, which received the data (send a "
        "recipient notice from the Letters page), or why it was not told"
    ]


def _recipient_gaps(content: LetterContent, found: FoundData | None) -> list[str]:
    """An access letter names each recipient, or says why it gives only the category."""
    missing = [
        f"which register recipient {value!r} stands for (disclosures.values in the register)"
        for value in (found.unmapped_recipients if found else [])
    ]
    recipients = [r for a in content.activities for r in a.recipients] + list(content.disclosed)
    unnamed = [r.label for r in recipients if not r.named and not r.unnamed_reason]
    if unnamed:
        missing.append(
            f"{TEXT_NAMES['unnamed']}: {', '.join(dict.fromkeys(unnamed))} "
            "(name them in the register, record unnamed_reason there, or write it here)"
        )
    return missing


def _authority_gaps(content: LetterContent) -> list[str]:
    authority = content.authority
    if authority is None:
        return ["the supervisory authority (supervisory_authority in the register)"]
    gaps = []
    if not authority.name:
        gaps.append("the supervisory authority's name (supervisory_authority.name in the register)")
    if not authority.lines:
        gaps.append(
            "the supervisory authority's address (supervisory_authority.address in the register)"
        )
    return gaps


def _review_gaps(content: LetterContent, details: Mapping[str, Any]) -> list[str]:
    """Art. 22(3): which automated decision a person reviewed, when, and what came of it."""
    missing = []
    if len(content.activities) != 1 or not content.activities[0].automated:
        missing.append("the automated decision reviewed (one activity with automated_decision)")
    if details.get("outcome") not in ("confirmed", "changed"):
        missing.append("the outcome of the review (decision confirmed or changed)")
    if not details.get("reviewed_on"):
        missing.append("the date a person reviewed the decision")
    return missing
