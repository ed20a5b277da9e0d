"""What Art. 15(1)-(2) says about each data category, from the register, in one language.

Pure: takes a Register and plain values, returns JSON-ready dicts for data.json and index.html.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dsar.register import Register
from dsar.register.activities import Activity
from dsar.register.primitives import Text


def text(value: Text | None, language: str) -> str | None:
    """`value` in `language`, else in its first language."""
    if value is None:
        return None
    return value.get(language, fallback=value.languages[0])


def controller_info(register: Register, language: str) -> dict[str, Any]:
    """Who answers (controller, DPO) and where to complain (Art. 15(1)(f))."""
    c, dpo, authority = register.controller, register.dpo, register.supervisory_authority
    return {
        "controller": {
            "name": c.name,
            "address": _address(c.address),
            "email": str(c.contact.email),
            "phone": c.contact.phone,
            "web": c.contact.web,
        },
        "data_protection_officer": None
        if dpo is None
        else {"name": dpo.name, "email": str(dpo.email), "phone": dpo.phone},
        "supervisory_authority": {
            "name": text(authority.name, language),
            "address": _address(authority.address),
            "web": authority.web,
            "email": None if authority.email is None else str(authority.email),
        },
    }


def _address(address: Any) -> str:
    return f"{address.street}, {address.postcode} {address.city}, {address.country}"


def activity_info(register: Register, activity: Activity, language: str) -> dict[str, Any]:
    """Purpose, legal basis, recipients, transfers, retention, origin of one activity."""
    recipients = [register.recipient(r) for r in activity.recipients]
    decision = activity.automated_decision
    return {
        "id": activity.id,
        "title": text(activity.title, language),
        "purpose": text(activity.purpose, language),
        "legal_basis": [_basis_label(b, language) for b in activity.legal_basis],
        "legitimate_interest": text(activity.legitimate_interest, language),
        "recipients": [
            {
                "name": r.name if r.named else None,
                "category": text(r.category, language),
                "unnamed_reason": text(r.unnamed_reason, language),
                "role": r.role,
                "country": r.country,
            }
            for r in recipients
            if r is not None
        ],
        "transfers": [
            {
                "recipient": (
                    named.name if (named := register.recipient(t.recipient)) else t.recipient
                ),
                "country": t.country,
                "safeguard": t.safeguard,
                "description": text(t.description, language),
            }
            for t in activity.transfers
        ],
        "retention": {
            "text": text(activity.retention.text, language),
            "norm": activity.retention.norm,
        },
        "origin": text(activity.origin, language) or _collected_from_subject(language),
        "automated_decision": None
        if decision is None or not decision.present
        else {
            "profiling": decision.profiling,
            "logic": text(decision.logic, language),
            "significance": text(decision.significance, language),
            "consequences": text(decision.consequences, language),
            "exception": decision.exception,  # Art. 22(2): contract, law or consent
            "safeguards": text(decision.safeguards, language),
        },
    }


def _collected_from_subject(language: str) -> str:
    return "Von Ihnen selbst" if language == "de" else "From you"


def _basis_label(basis: str, language: str) -> str:
    article, _, letter = basis.rpartition(".")
    number = article.split(".")[0]
    paragraph = article.split(".")[1]
    if language == "de":
        return f"Art. {number} Abs. {paragraph} lit. {letter} DSGVO"
    return f"Art. {number}({paragraph})({letter}) GDPR"


def category_info(
    register: Register,
    category_id: str,
    found_in: list[dict[str, Any]],
    activity_ids: Iterable[str],
    language: str,
) -> dict[str, Any]:
    """One category: its label, where it was found, and the Art. 15(1) facts of its activities."""
    category = register.category(category_id)
    known = [a for a in (register.activity(i) for i in dict.fromkeys(activity_ids)) if a]
    # An activity that lists the category explains it; if none does, all of the column's do.
    activities = [a for a in known if category_id in a.data_categories] or known
    return {
        "id": category_id,
        "label": text(category.label, language) if category else category_id,
        "special": bool(category and category.special),
        "found_in": found_in,
        "activities": [activity_info(register, a, language) for a in activities],
    }
