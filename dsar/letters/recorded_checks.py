"""PURE: what a restriction, objection or consent-withdrawal letter needs from the change dsar
recorded (dsar/changes/letter_facts.py puts it in the letter's details), named if missing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dsar.register import Register

PLACED = ("active", "lifting", "lifted")


def recorded_change_gaps(kind: str, details: Mapping[str, Any], register: Register) -> list[str]:
    """The letter's missing recorded facts: a restriction that is not active yet, one dsar must
    place that was never placed, by-hand steps staff have not recorded."""
    missing: list[str] = []
    if kind == "restriction":
        status = details.get("restriction_status")
        if status is None and register.restricted_by_dsar:
            missing.append(
                "the restriction placed by dsar: place it on the request's Restriction page"
            )
        elif status is not None and status not in PLACED:
            missing.append(
                f"the restriction carried out: it is {status} (see the request's Restriction page)"
            )
        open_steps = details.get("restriction_by_hand_open") or []
        if open_steps:
            missing.append(
                "the by-hand restriction steps recorded on the Restriction page: "
                + "; ".join(open_steps)
            )
    if kind in ("consent_withdrawal", "objection"):
        missing += _stop_gaps(kind, details, register)
    return missing


def _stop_gaps(kind: str, details: Mapping[str, Any], register: Register) -> list[str]:
    what = "withdrawal" if kind == "consent_withdrawal" else "objection"
    status = details.get("stop_status")
    if status is None and register.stopped_by_dsar:
        return [f"the {what} carried out by dsar: confirm it on the request's Processing page"]
    if status in ("approved", "partial"):
        return [f"the {what} carried out: it is {status} (see the request's Processing page)"]
    open_steps = details.get("stop_by_hand_open") or []
    if open_steps:
        return ["the by-hand stops recorded on the Processing page: " + "; ".join(open_steps)]
    return []
