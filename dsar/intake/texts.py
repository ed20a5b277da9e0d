"""Plain-language names for rights, grounds and states, translated when they are shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from dsar.requests.workflow import RequestType, Status

RIGHT_TITLES = {
    RequestType.ACCESS: _l("Get a copy of your data"),
    RequestType.RECTIFICATION: _l("Correct your data"),
    RequestType.ERASURE: _l("Erase your data"),
    RequestType.RESTRICTION: _l("Restrict the use of your data"),
    RequestType.PORTABILITY: _l("Take your data with you"),
    RequestType.OBJECTION: _l("Object to the use of your data"),
    RequestType.CONSENT_WITHDRAWAL: _l("Withdraw your consent"),
}

RIGHT_SUMMARIES = {
    RequestType.ACCESS: _l(
        "Ask whether we process data about you. If we do, you get a copy of it and learn "
        "why we use it, where it comes from, who receives it and how long we keep it."
    ),
    RequestType.RECTIFICATION: _l(
        "Something we hold about you is wrong or incomplete. Tell us what, and the correct value."
    ),
    RequestType.ERASURE: _l(
        "Ask us to delete your data, all of it or some kinds. Where the law makes us keep "
        "something (for example invoices), we tell you what and until when."
    ),
    RequestType.RESTRICTION: _l(
        "Ask us to keep your data but stop using it for now, for example while we check "
        "whether it is correct."
    ),
    RequestType.PORTABILITY: _l(
        "Get the data you gave us in a machine-readable file (JSON or CSV), or have it sent "
        "directly to another organisation."
    ),
    RequestType.OBJECTION: _l(
        "Stop us using your data for advertising (we always must), or object to a use based "
        "on our interests for reasons of your particular situation."
    ),
    RequestType.CONSENT_WITHDRAWAL: _l(
        "Withdraw a consent you gave us. It is as easy as giving it, and takes effect at once."
    ),
}

ERASURE_GROUNDS = {
    "17.1.a": _l("The data is no longer needed for the purpose it was collected for"),
    "17.1.b": _l("I withdraw my consent and there is no other legal basis"),
    "17.1.c": _l("I have objected to the use of my data"),
    "17.1.d": _l("The data was processed unlawfully"),
    "17.1.e": _l("The law requires the data to be erased"),
    "17.1.f": _l("The data was collected when I was a child, for an online service"),
}

RESTRICTION_GROUNDS = {
    "18.1.a": _l("I dispute that the data is correct (restrict it while this is checked)"),
    "18.1.b": _l("The use is unlawful, but I want it restricted rather than erased"),
    "18.1.c": _l("You no longer need the data, but I need it for a legal claim"),
    "18.1.d": _l("I have objected, and the decision on my objection is pending"),
}

STATUS_TEXTS = {
    Status.AWAITING_CONFIRMATION: _l(
        "We are waiting for you to confirm your e-mail address with the link we sent."
    ),
    Status.NEW: _l("We have received your request and will look at it shortly."),
    Status.AWAITING_INFORMATION: _l(
        "We have asked you for some information. Please see our message to you."
    ),
    Status.IN_PROGRESS: _l("We are working on your request."),
    Status.AWAITING_APPROVAL: _l("We are working on your request."),
    Status.ANSWERING: _l("Our answer to you is ready and on its way."),
    Status.COMPLETED: _l("Your request has been answered."),
    Status.REFUSED: _l("We have answered your request; please see our letter for the reasons."),
    Status.IDENTITY_FAILED: _l("We could not confirm your identity; please see our letter to you."),
    Status.WITHDRAWN: _l("You withdrew this request."),
    Status.EXPIRED: _l("This request was never confirmed and has expired."),
    Status.MERGED: _l(
        "This request was merged into another request of yours for the same right: "
        "one answer covers both."
    ),
}
# A merged request's page names the request that answers it (dsar/requests/merging.py).
MERGED_INTO = _l(
    "This request was merged into your request %(reference)s for the same right: one answer "
    "covers both. Our answer and its date come with that request; this one has no deadline "
    "of its own."
)
# A refusal is decided before its letter goes out: until then the page claims no answer.
REFUSAL_ON_ITS_WAY = _l("We have decided on your request; our letter to you is on its way.")
NOT_IDENTIFIED_ON_ITS_WAY = _l(
    "We could not confirm your identity; our letter explaining why is on its way to you."
)
