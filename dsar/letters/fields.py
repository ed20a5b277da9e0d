"""PURE: what staff fill in on a letter's page, per letter type, with plain labels.

Two kinds: the free-text parts (stored in `letter.texts`) and the case facts (dates, choices;
stored in `letter.details`, which the letter reads over `request.details`). A fact that belongs
to carrying out a right which dsar does not carry out itself is labelled as a record of what
staff did by hand. Every fact a template prints is either recorded by the system or here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from dsar.core.words import N_
from dsar.letters.content import FREE_TEXT
from dsar.requests.workflow import RESTRICTION_GROUNDS

BY_HAND = N_("records what staff did by hand: dsar did not do it")

TEXT_LABELS: Mapping[str, str] = {
    "note": N_("A closing note to the subject (optional)"),
    "unnamed": N_("Why the recipients listed only by category cannot be named (C-154/21)"),
    "untold": N_(
        "Why the recipients listed as not told could not be told of the erasure "
        "(Art. 19: impossible or disproportionate effort)"
    ),
    "withheld": N_("Data withheld to protect the rights of others, and why (Art. 15(4); optional)"),
    "review": N_(
        "What the reviewer considered, including the subject's point of view, and why "
        "they decided so (Art. 22(3))"
    ),
    "doubt": N_("Why we doubt the subject's identity (Art. 12(6))"),
    "needed": N_("The least information we need to confirm the identity"),
    "question": N_("What the subject should clarify (Recital 63)"),
    "provided": N_("What we provide already, or why nothing can be provided before the answer"),
    "reasons": N_("The reasons for the extension"),
    "changes": N_("What was corrected or completed"),
    "reason": N_("Why the restriction is lifted (Art. 18(3))"),
    "facts": N_("The facts that show the request is manifestly unfounded or excessive"),
    "unidentified": N_("Why we could not identify the subject (Art. 11(2), 12(2))"),
    "grounds": N_("The compelling legitimate grounds that override the objection (Art. 21(1))"),
    "identifier": N_("How the recipient finds the subject (e.g. a customer number)"),
    "change": N_("The corrected value, or what was erased or restricted"),
    "not_transmitted_reason": N_("Why the direct transmission was not possible (Art. 20(2))"),
    "ineligible_reason": N_("Why the data is outside the right to portability"),
}


@dataclass(frozen=True)
class FactField:
    """One case fact: `kind` is date, choice, yes_no, text, amount (euro) or activities."""

    name: str
    label: str
    kind: str
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""


DONE_ON = {
    "corrected": N_("Date the data was corrected"),
    "erased": N_("Date the data was erased"),
    "restricted": N_("Date the data was restricted"),
}


def _done_on(what: str) -> FactField:
    return FactField("done_on", DONE_ON[what], "date", hint=BY_HAND)


_GROUND = FactField(
    "ground",
    N_("Ground of the restriction (Art. 18(1))"),
    "choice",
    tuple((g, f"Art. 18(1)({g[-1]})") for g in RESTRICTION_GROUNDS),
)
_YES_NO = (("yes", "yes"), ("no", "no"))


def fact_fields(
    letter_type: str,
    *,
    activities: Sequence[tuple[str, str]] = (),
    recipients: Sequence[tuple[str, str]] = (),
) -> tuple[FactField, ...]:
    """The facts staff record for a letter of `letter_type` (choices from the register)."""
    concerned = FactField(
        "activities", N_("The processing activities concerned"), "activities", tuple(activities)
    )
    fields: dict[str, tuple[FactField, ...]] = {
        "rectification": (_done_on("corrected"),),
        "erasure": (_done_on("erased"),),
        "restriction": (_GROUND, concerned, _done_on("restricted")),
        "restriction_lift": (
            _GROUND,
            concerned,
            FactField("lift_on", N_("Date the restriction will be lifted"), "date"),
        ),
        "objection": (
            FactField(
                "outcome",
                N_("Outcome of the objection"),
                "choice",
                (("stopped", N_("processing stopped")), ("continued", N_("processing continues"))),
            ),
            concerned,
            FactField(
                "done_on", N_("Date the processing stopped (when stopped)"), "date", hint=BY_HAND
            ),
        ),
        "consent_withdrawal": (
            FactField("effective_on", N_("Date the withdrawal took effect"), "date", hint=BY_HAND),
            concerned,
            FactField(
                "kept_basis",
                N_("Legal basis under which the data is still kept"),
                "choice",
                (
                    ("6.1.b", N_("contract")),
                    ("6.1.c", N_("legal obligation")),
                    ("6.1.f", N_("legitimate interests")),
                ),
                hint=N_(
                    "leave empty only if staff erased the data processed under this consent alone"
                ),
            ),
        ),
        "recipient_notice": (
            FactField(
                "recipient", N_("The recipient (from the register)"), "choice", tuple(recipients)
            ),
            FactField(
                "action",
                N_("What was done"),
                "choice",
                (
                    ("rectify", N_("rectified")),
                    ("erase", N_("erased")),
                    ("restrict", N_("restricted")),
                ),
            ),
            FactField("action_on", N_("Date it was done"), "date", hint=BY_HAND),
            FactField(
                "recipient_contact",
                N_("The recipient's e-mail address for this notice"),
                "text",
                hint=N_("only where the register gives none"),
            ),
        ),
        "portability": (
            FactField(
                "transmitted",
                N_("The data was transmitted directly to the new controller"),
                "yes_no",
                _YES_NO,
                hint=BY_HAND,
            ),
            FactField("transmitted_on", N_("Date of the transmission"), "date", hint=BY_HAND),
            FactField(
                "eligible",
                N_("The data is covered by the right to portability (Art. 20(1))"),
                "yes_no",
                _YES_NO,
            ),
        ),
        "identity_failed": (
            FactField(
                "basis",
                N_("Why the request cannot be answered"),
                "choice",
                (
                    (
                        "unconfirmed",
                        N_("the requester's identity could not be confirmed (Art. 12(2))"),
                    ),
                    (
                        "not_identifiable",
                        N_("our data does not let us identify anyone (Art. 11(2))"),
                    ),
                ),
                hint=N_("empty: the identity could not be confirmed"),
            ),
        ),
        "identity_request": (
            FactField(
                "id_document",
                N_("The letter asks for a copy of an identity document"),
                "yes_no",
                _YES_NO,
                hint=N_(
                    "only where nothing less removes the doubt (EDPB 01/2022 §§ 73-77); the "
                    "letter then says how to black it out"
                ),
            ),
        ),
        "human_review": (
            FactField(
                "activities", N_("The automated decision reviewed"), "activities", tuple(activities)
            ),
            FactField(
                "outcome",
                N_("Outcome of the human review"),
                "choice",
                (("confirmed", N_("decision confirmed")), ("changed", N_("decision changed"))),
            ),
            FactField("reviewed_on", N_("Date a person reviewed the decision"), "date"),
        ),
        "refusal": (
            FactField(
                "ground",
                N_("Ground of the refusal (Art. 12(5)), as the decision recorded it"),
                "choice",
                (
                    ("manifestly_unfounded", N_("manifestly unfounded")),
                    ("excessive", N_("excessive, in particular repetitive")),
                ),
            ),
            FactField("partial", N_("Only part of the request is refused"), "yes_no", _YES_NO),
            FactField(
                "fee",
                N_("Reasonable fee in EUR we would act for instead (Art. 12(5)(a); optional)"),
                "amount",
                hint=N_(
                    "the administrative costs of answering; the letter offers it as the "
                    "alternative to the refusal"
                ),
            ),
        ),
    }
    return fields.get(letter_type, ())


def text_labels(letter_type: str) -> list[tuple[str, str]]:
    """The free-text parts of `letter_type` with their labels."""
    return [(name, TEXT_LABELS[name]) for name in FREE_TEXT[letter_type]]


def parse_facts(fields: Sequence[FactField], form: Mapping[str, Any]) -> dict[str, Any]:
    """The facts as stored from the form's strings; ValueError names a wrong value."""
    facts: dict[str, Any] = {}
    for field in fields:
        raw = form.get(field.name)
        if field.kind == "activities":
            allowed = {value for value, _label in field.choices}
            chosen = [v for v in (raw or []) if v in allowed]
            if chosen:
                facts[field.name] = chosen
            continue
        value = (raw or "").strip() if isinstance(raw, str) or raw is None else raw
        if not value:
            continue
        if field.kind == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{field.label}: give a date as YYYY-MM-DD") from None
            facts[field.name] = value
        elif field.kind == "amount":
            facts[field.name] = _amount(field, value)
        elif field.kind == "yes_no":
            facts[field.name] = value == "yes"
        elif field.kind == "text":
            facts[field.name] = value[:320]
        elif value in {v for v, _label in field.choices}:
            facts[field.name] = value
        else:
            raise ValueError(f"{field.label}: choose one of the listed values")
    return facts


def _amount(field: FactField, value: str) -> str:
    """An amount in euro as stored ("25.00"): a comma or a point, up to two decimals."""
    try:
        amount = Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{field.label}: give an amount such as 25,00") from None
    if not amount.is_finite() or not 0 < amount < 10_000 or amount != round(amount, 2):
        raise ValueError(f"{field.label}: give an amount between 0,01 and 9.999,99")
    return f"{amount:.2f}"


def shown_value(field: FactField, value: Any) -> str:
    """A stored fact as the page shows it back."""
    if value is None or value == "" or value == []:
        return ""
    if field.kind == "yes_no":
        return "yes" if value else "no"
    labels = dict(field.choices)
    if field.kind == "activities":
        return "; ".join(labels.get(v, v) for v in value)
    return labels.get(value, str(value))
