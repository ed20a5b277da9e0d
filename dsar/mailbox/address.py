"""Where a controller's mailbox is: `DSAR_MAILBOX_<SLUG>` URLs, checked when settings load.

`imaps://user:password@host:993/INBOX` (TLS from the start) or `imap+starttls://...` (port 143,
then STARTTLS). Plain `imap://` is refused unless the host is loopback: it exists for tests.
Credentials stay in the environment; the database never holds them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from dsar.core.setting_keys import ConfigError

PREFIX = "DSAR_MAILBOX_"
SCHEMES = {"imaps": 993, "imap+starttls": 143, "imap": 143}
SETTINGS_ONLY = {"MAX_BYTES"}  # DSAR_MAILBOX_MAX_BYTES is the size ceiling, not a mailbox


@dataclass(frozen=True)
class MailboxAddress:
    scheme: str
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"

    def describe(self) -> str:
        """The address without its password, for logs and error messages."""
        return f"{self.scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def env_key(slug: str) -> str:
    """The variable's suffix for a controller slug: `acme-shop` reads DSAR_MAILBOX_ACME_SHOP."""
    return slug.upper().replace("-", "_")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_mailbox_url(name: str, raw: str) -> MailboxAddress:
    """Read one mailbox URL; a bad one raises ConfigError naming the variable (not the password)."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in SCHEMES:
        raise ConfigError(f"{name}: use imaps:// or imap+starttls:// (got {parts.scheme!r})")
    host = parts.hostname or ""
    if not host or not parts.username or parts.password is None:
        raise ConfigError(f"{name}: give user, password and host, as imaps://user:pass@host/INBOX")
    if parts.scheme == "imap" and not is_loopback(host):
        raise ConfigError(f"{name}: plain imap:// only for a loopback host; use imaps://")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError:
        raise ConfigError(f"{name}: the port is not a number") from None
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return MailboxAddress(
        parts.scheme, host, port, unquote(parts.username), unquote(parts.password), folder
    )


def mailboxes_from(environ: Mapping[str, str]) -> dict[str, MailboxAddress]:
    """Every configured mailbox, by env_key of its controller's slug."""
    found = {}
    for name, raw in environ.items():
        if name.startswith(PREFIX) and name[len(PREFIX) :] not in SETTINGS_ONLY and raw.strip():
            found[name[len(PREFIX) :]] = parse_mailbox_url(name, raw)
    return found
