"""Words for the users page and the outbox instead of raw values: what happened to a staff
account (the staff trail's actions and their details) and where a mail stands. Template
filters: `account_action_words`, `account_detail_words`, `account_value_words`,
`mail_status_words`; the admin's
change summaries and refusals (dsar/accounts/operations.py words them in English) in the
page's language."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from dsar.accounts.models import Role
from dsar.outbox.models import OutboxStatus
from dsar.web.page_words import _l
from dsar.web.staff import bp

ACTION_LABELS = {
    "account_created": _l("account created"),
    "role_changed": _l("role changed"),
    "activated": _l("activated"),
    "deactivated": _l("deactivated"),
    "controllers_changed": _l("controllers changed"),
    "totp_reset": _l("two-factor reset"),
    "totp_enrolled": _l("two-factor turned on"),
    "password_reset": _l("password reset"),
    "unlocked": _l("unlocked"),
    "locked": _l("locked after failed sign-ins"),
    "sign_in_failed": _l("sign-in failed"),
    "signed_in": _l("signed in"),
    "signed_out": _l("signed out"),
    "signed_out_everywhere": _l("signed out everywhere"),
    "language_chosen": _l("language chosen"),
}
DETAIL_LABELS = {
    "from": _l("from"),
    "to": _l("to"),
    "role": _l("role"),
    "name": _l("name"),
    "controllers": _l("controllers"),
    "failures": _l("failed sign-ins"),
    "reason": _l("reason"),
    "seconds": _l("seconds"),
}
# Who acted, when no staff member did, and the values of an event's details that are codes.
VALUE_LABELS = {
    "anonymous": _l("anonymous"),
    "system": _l("system"),
    "inactive account": _l("inactive account"),
    "wrong password": _l("wrong password"),
    "wrong code": _l("wrong code"),
    "agent": _l("agent"),
    "dpo": _l("DPO"),
    "admin": _l("admin"),
    "de": "Deutsch",
    "en": "English",
}
MAIL_STATUS_LABELS = {
    OutboxStatus.PENDING: _l("waiting"),
    OutboxStatus.SENT: _l("sent"),
    OutboxStatus.FAILED: _l("failed"),
}


@bp.app_template_filter("account_action_words")
def account_action(action: str) -> str:
    """What happened to an account, in words; an unknown action with its underscores spaced."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action.replace("_", " ")


@bp.app_template_filter("account_detail_words")
def account_detail(key: str) -> str:
    """The name of a detail of an account event, in words."""
    label = DETAIL_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


@bp.app_template_filter("account_value_words")
def account_value(value: object) -> object:
    """An actor or a detail's value in words where it is a code (a role, a reason); else as is."""
    label = VALUE_LABELS.get(value) if isinstance(value, str) else None
    return str(label) if label is not None else value


@bp.app_template_filter("mail_status_words")
def mail_status(status: OutboxStatus) -> str:
    """Where a queued mail stands, in words."""
    return str(MAIL_STATUS_LABELS[OutboxStatus(status)])


_CHANGES = {
    "activated": _l("activated"),
    "deactivated": _l("deactivated"),
    "TOTP reset": _l("two-factor reset"),
    "password reset": _l("password reset"),
    "unlocked": _l("unlocked"),
    "signed out everywhere": _l("signed out everywhere"),
}
_ROLE_CHANGE = re.compile(r"role (\w+) -> (\w+)")
_CONTROLLERS = re.compile(r"controllers -> (.*)")


def change_words(change: str) -> str:
    """One change `update_staff` reports, in the page's language."""
    from dsar.web.staff.labels import role_label

    if (label := _CHANGES.get(change)) is not None:
        return str(label)
    if role := _ROLE_CHANGE.fullmatch(change):
        old, new = (role_label(Role(value)) for value in role.groups())
        return _("role %(old)s → %(new)s", old=old, new=new)
    if controllers := _CONTROLLERS.fullmatch(change):
        named = controllers.group(1)
        return _("controllers: %(names)s", names=_("all") if named == "all" else named)
    return change


_REFUSALS = (
    (re.compile(r"'(.*)' is not an e-mail address"), _l("%(value)s is not an e-mail address")),
    (re.compile(r"a staff account for (.*) already exists"),
     _l("a staff account for %(value)s already exists")),
    (re.compile(r"the password must have at least (\d+) characters"),
     _l("the password must have at least %(value)s characters")),
    (re.compile(r"you cannot remove your own admin role or deactivate yourself"),
     _l("you cannot remove your own admin role or deactivate yourself")),
)  # fmt: skip


def staff_error_words(error: Exception) -> str:
    """Why an account was not created or changed, in the page's language."""
    text = str(error)
    for pattern, words in _REFUSALS:
        if found := pattern.fullmatch(text):
            value = found.group(1) if found.groups() else ""
            return str(words) % {"value": value}
    return text
