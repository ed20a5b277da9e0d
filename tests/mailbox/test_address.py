"""DSAR_MAILBOX_<SLUG>: what is accepted, what is refused at start."""

from __future__ import annotations

import pytest

from dsar.config import ConfigError, load_settings
from dsar.mailbox.address import env_key, parse_mailbox_url


def test_imaps_and_starttls_urls_are_read() -> None:
    address = parse_mailbox_url(
        "X", "imaps://dsar%40acme.example:p%3Ass@imap.acme.example/Anfragen"
    )
    assert (address.scheme, address.host, address.port) == ("imaps", "imap.acme.example", 993)
    assert (address.user, address.password, address.folder) == (
        "dsar@acme.example",
        "p:ss",
        "Anfragen",
    )
    assert "p:ss" not in repr(address) and "p:ss" not in address.describe()
    starttls = parse_mailbox_url("X", "imap+starttls://u:p@mail.example")
    assert (starttls.port, starttls.folder) == (143, "INBOX")


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("imap://u:p@mail.example/INBOX", "only for a loopback host"),
        ("pop3://u:p@mail.example", "use imaps://"),
        ("imaps://mail.example", "give user, password and host"),
        ("imaps://u:p@mail.example:notaport", "port"),
    ],
)
def test_bad_urls_are_refused_naming_the_variable(raw: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says) as refused:
        load_settings({"DSAR_ENV": "testing", "DSAR_MAILBOX_DEMO": raw})
    assert "DSAR_MAILBOX_DEMO" in str(refused.value)
    assert ":p@" not in str(refused.value)


def test_plain_imap_is_allowed_on_loopback_and_settings_hold_it() -> None:
    settings = load_settings(
        {"DSAR_ENV": "testing", "DSAR_MAILBOX_ACME_SHOP": "imap://u:p@127.0.0.1:1143"}
    )
    assert settings.mailboxes[env_key("acme-shop")].port == 1143
    assert settings.mailbox_max_bytes == 20 * 1024 * 1024
