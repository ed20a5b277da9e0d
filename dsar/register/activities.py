"""Processing activities (Art. 30 GDPR) and what Art. 15(1)-(2) says about each of them."""

from __future__ import annotations

from datetime import date
from typing import Literal, get_args

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from dsar.register.primitives import (
    CONSENT_BASES,
    EEA,
    CountryCode,
    Duration,
    Id,
    LegalBasis,
    NonEmpty,
    StrictModel,
    Text,
)

# Triggers after which `duration` runs; the period ends `duration` after the event.
AfterTrigger = Literal[
    "after_collection",
    "after_session_end",
    "after_answer",
    "after_case_closed",
    "after_purchase",
    "after_order_completion",
    "after_contract_end",
    "end_of_calendar_year_of_creation",
]
# Triggers that end the storage themselves: no duration.
UntilTrigger = Literal[
    "until_settled",
    "until_contract_end",
    "until_account_deleted",
    "until_consent_withdrawn",
    "until_purpose_fulfilled",
]
Trigger = Literal[AfterTrigger, UntilTrigger]  # flattened: one Literal of all the triggers
UNTIL_TRIGGERS: tuple[str, ...] = get_args(UntilTrigger)


class DataCategory(StrictModel):
    """A category of personal data, defined once and referenced by id."""

    id: Id
    label: Text
    special: bool = False  # Art. 9(1) special category: needs an Art. 9(2) basis
    description: Text | None = None


class SubjectCategory(StrictModel):
    """A category of data subjects (customers, website visitors, ...)."""

    id: Id
    label: Text


class Recipient(StrictModel):
    """Who receives data: named (C-154/21), or only a category where naming is impossible."""

    id: Id
    named: bool
    name: NonEmpty | None = None
    category: Text
    role: Literal["processor", "controller", "joint_controller", "public_authority"]
    country: CountryCode | None = None
    contact: NonEmpty | None = None  # the e-mail address Art. 19 notices go to
    # The postal address (lines) a notice is printed for when no `contact` is given.
    postal: NonEmpty | None = None
    # Why an unnamed recipient is given only by its category (C-154/21: naming it is impossible,
    # e.g. which of many carriers takes a parcel is decided per order). Letters print it; without
    # it they print the category and claim nothing about why.
    unnamed_reason: Text | None = None

    @model_validator(mode="after")
    def _name_iff_named(self) -> Recipient:
        if self.named and not self.name:
            raise PydanticCustomError("recipient_name", "a named recipient needs a name")
        if not self.named and self.name:
            raise PydanticCustomError(
                "recipient_name", "name is given but named is false: set named: true"
            )
        if self.named and self.unnamed_reason:
            raise PydanticCustomError(
                "recipient_name", "unnamed_reason is given but the recipient is named"
            )
        return self


class Transfer(StrictModel):
    """A transfer to a third country and its Chapter V safeguard (Art. 15(2))."""

    recipient: Id
    country: CountryCode
    safeguard: Literal[
        "adequacy_decision",
        "standard_contractual_clauses",
        "binding_corporate_rules",
        "derogation_art_49",
        # Invalid since CJEU C-311/18 (Schrems II): accepted only so that the register check
        # can name it as an error instead of a schema message.
        "privacy_shield",
    ]
    description: Text

    @model_validator(mode="after")
    def _third_country(self) -> Transfer:
        if self.country in EEA:
            raise PydanticCustomError(
                "transfer_country",
                "{country} is in the EU/EEA: that is no third-country transfer",
                {"country": self.country},
            )
        return self


class FollowOn(StrictModel):
    """A second period that starts when the first one ends (e.g. 2 years, then 7 by law)."""

    duration: Duration
    norm: NonEmpty | None = None


class Retention(StrictModel):
    """How long data is kept (Art. 15(1)(d)): a structured period and a text per language."""

    duration: Duration | None = None
    trigger: Trigger
    text: Text
    norm: NonEmpty | None = None  # e.g. "HGB §257(1) Nr. 4, (4); AO §147(1) Nr. 4, (3)"
    then: FollowOn | None = None
    # Why an erasure keeps the data (Art. 17(3)): a legal obligation to retain it (b), or to
    # establish, exercise or defend legal claims (e), e.g. a product-liability hold.
    ground: Literal["legal_obligation", "legal_claims"] = "legal_obligation"

    @model_validator(mode="after")
    def _duration_fits_trigger(self) -> Retention:
        if self.trigger in UNTIL_TRIGGERS and self.duration is not None:
            raise PydanticCustomError(
                "retention_duration",
                "trigger {trigger} ends the storage itself: remove duration, or use an after_… "
                "trigger",
                {"trigger": self.trigger},
            )
        if self.trigger not in UNTIL_TRIGGERS and self.duration is None:
            raise PydanticCustomError(
                "retention_duration",
                "trigger {trigger} needs a duration such as {years: 10}",
                {"trigger": self.trigger},
            )
        return self

    def expires_on(self, start: date) -> date | None:
        """Last day of storage for data whose trigger event fell on `start`; None if open."""
        if self.duration is None:
            return None
        if self.trigger == "end_of_calendar_year_of_creation":
            start = date(start.year, 12, 31)
        end = self.duration.add_to(start)
        return self.then.duration.add_to(end) if self.then else end


class AutomatedDecision(StrictModel):
    """Art. 22 decision-making: present or not; what Art. 15(1)(h) and 22(2)-(3) require."""

    present: bool
    profiling: bool = False
    logic: Text | None = None  # meaningful information about the logic involved
    significance: Text | None = None  # what the decision means for the data subject
    consequences: Text | None = None  # its envisaged consequences
    # Why the decision is allowed (Art. 22(2)): (a) contract, (b) Union or Member State law,
    # (c) explicit consent.
    exception: Literal["contract", "law", "consent"] | None = None
    # Art. 22(3): human intervention, expressing one's point of view, contesting the decision.
    safeguards: Text | None = None

    @model_validator(mode="after")
    def _explained(self) -> AutomatedDecision:
        if self.present and (self.logic is None or self.consequences is None):
            raise PydanticCustomError(
                "automated_decision",
                "an automated decision that is present needs logic and consequences",
            )
        return self


class Activity(StrictModel):
    """One processing activity: purpose, legal basis, data, recipients, retention."""

    id: Id
    title: Text
    purpose: Text
    legal_basis: list[LegalBasis] = Field(min_length=1)
    legitimate_interest: Text | None = None
    data_categories: list[Id] = Field(min_length=1)
    data_subjects: list[Id] = Field(min_length=1)
    recipients: list[Id] = []
    transfers: list[Transfer] = []
    retention: Retention
    origin: Text | None = None  # where the data comes from when not from the subject
    automated_decision: AutomatedDecision | None = None
    direct_marketing: bool = False
    # Where the activity makes the data public (a review page, a directory): an erasure then
    # gets a task to inform the controllers processing it (Art. 17(2)).
    published: Text | None = None

    @model_validator(mode="after")
    def _legitimate_interest_stated(self) -> Activity:
        if "6.1.f" in self.legal_basis and self.legitimate_interest is None:
            raise PydanticCustomError(
                "legitimate_interest",
                "legal basis 6.1.f needs legitimate_interest: Art. 13(1)(d) requires stating it",
            )
        return self

    @property
    def consent_based(self) -> bool:
        """Consent is a basis: offered in the consent-withdrawal form (Art. 7(3))."""
        return bool(CONSENT_BASES.intersection(self.legal_basis))

    @property
    def objection_possible(self) -> bool:
        """Art. 21: processing on 6.1.e/f, or direct marketing (21(2), absolute)."""
        return self.direct_marketing or bool({"6.1.e", "6.1.f"}.intersection(self.legal_basis))

    @property
    def portability_possible(self) -> bool:
        """Art. 20(1)(a): consent or contract (automated processing is the sources' part)."""
        return bool({"6.1.a", "6.1.b", "9.2.a"}.intersection(self.legal_basis))
