"""imaps:// and imap+starttls:// against dovecot with a self-signed certificate: the
certificate is checked, and a server dsar does not trust is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.mailbox.address import MailboxAddress, env_key
from dsar.mailbox.imap import ImapMailbox, MailboxError
from dsar.mailbox.models import InboundMail
from dsar.mailbox.poll import poll_mailboxes
from tests.mailbox.conftest import Dovecot
from tests.mailbox.mails import mail

ARRIVED = datetime(2026, 2, 27, 16, 45, tzinfo=UTC)


@pytest.mark.parametrize("scheme", ["imaps", "imap+starttls"])
def test_a_tls_mailbox_is_polled(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
    scheme: str,
) -> None:
    import dataclasses

    dovecot.append(mail(), ARRIVED)
    settings = dataclasses.replace(
        mail_settings, mailboxes={env_key(controller.slug): dovecot.tls_address(scheme)}
    )

    def trusting(address: MailboxAddress) -> ImapMailbox:
        return ImapMailbox(address, context=dovecot.trusting_context())

    result = poll_mailboxes(session, settings, now, after_each=session.commit, connect=trusting)

    assert (result.drafts, result.failed) == (1, 0)
    assert session.scalar(select(func.count()).select_from(InboundMail)) == 1


@pytest.mark.parametrize("scheme", ["imaps", "imap+starttls"])
def test_an_untrusted_certificate_is_refused(dovecot: Dovecot, scheme: str) -> None:
    with pytest.raises(MailboxError, match="CERTIFICATE_VERIFY_FAILED"):
        ImapMailbox(dovecot.tls_address(scheme))  # the system's trust store: not this server
