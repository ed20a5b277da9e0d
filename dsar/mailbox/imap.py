"""The few IMAP commands the poll needs, over the standard library's imaplib.

Only UID commands (stable across sessions), only BODY.PEEK (reading sets no \\Seen), and one
keyword, `$DsarSeen`, set after the database commit. Nothing here deletes, moves or expunges.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from datetime import UTC, datetime

from dsar.mailbox.address import MailboxAddress

KEYWORD = "$DsarSeen"
TIMEOUT_SECONDS = 60
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """The server refused, or the connection broke: the poll stops; the next one picks up."""


def _check(result: tuple[str, list], what: str) -> list:
    status, data = result
    if status != "OK":
        raise MailboxError(f"the server refused {what}: {data!r}"[:300])
    return data


class ImapMailbox:
    """One connection to one folder, selected read-write so the keyword can be stored."""

    def __init__(
        self,
        address: MailboxAddress,
        *,
        timeout: float = TIMEOUT_SECONDS,
        context: ssl.SSLContext | None = None,  # default: the system's trust store, checked
    ) -> None:
        self.address = address
        context = context or ssl.create_default_context()
        try:
            if address.scheme == "imaps":
                self.imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    address.host, address.port, ssl_context=context, timeout=timeout
                )
            else:
                self.imap = imaplib.IMAP4(address.host, address.port, timeout=timeout)
                if address.scheme == "imap+starttls":
                    self.imap.starttls(context)
            self.imap.login(address.user, address.password)
            _check(self.imap.select(_quoted(address.folder)), "SELECT")
            validity = self.imap.response("UIDVALIDITY")[1]
            self.uidvalidity = int(validity[0]) if validity and validity[0] else 0
        except MailboxError:
            raise
        except (imaplib.IMAP4.error, OSError, EOFError, ValueError) as error:
            raise MailboxError(f"{address.describe()}: {type(error).__name__}: {error}") from None

    def _uid(self, command: str, *args: str) -> list:
        try:
            return _check(self.imap.uid(command, *args), f"UID {command}")
        except (imaplib.IMAP4.error, OSError, EOFError) as error:
            raise MailboxError(
                f"{self.address.describe()}: UID {command} failed: {type(error).__name__}: {error}"
            ) from None

    def unflagged(self) -> list[int]:
        """The UIDs not yet marked $DsarSeen, oldest first."""
        data = self._uid("SEARCH", "UNKEYWORD", KEYWORD)
        return sorted(int(uid) for uid in (data[0] or b"").split())

    def envelope(self, uid: int) -> tuple[int, datetime]:
        """The message's size in bytes and the server's arrival time (INTERNALDATE)."""
        data = self._uid("FETCH", str(uid), "(RFC822.SIZE INTERNALDATE)")
        line = b" ".join(part if isinstance(part, bytes) else part[0] for part in data if part)
        size, date = _SIZE.search(line), _INTERNALDATE.search(line)
        if size is None or date is None:
            raise MailboxError(f"UID {uid}: no size or arrival time in {line[:200]!r}")
        return int(size.group(1)), internal_date(date.group(1).decode())

    def body(self, uid: int, *, headers_only: bool = False) -> bytes:
        """The raw message (or only its header), read without setting \\Seen."""
        section = "BODY.PEEK[HEADER]" if headers_only else "BODY.PEEK[]"
        data = self._uid("FETCH", str(uid), f"({section})")
        for part in data:
            if isinstance(part, tuple) and len(part) == 2:
                return bytes(part[1])
        raise MailboxError(f"UID {uid}: the server sent no message body")

    def flag(self, uid: int) -> None:
        """Mark one message as read into dsar (a keyword: the message stays where it is)."""
        self._uid("STORE", str(uid), "+FLAGS", f"({KEYWORD})")

    def close(self) -> None:
        # A broken connection has nothing left to close.
        with contextlib.suppress(imaplib.IMAP4.error, OSError, EOFError):
            self.imap.logout()
        with contextlib.suppress(OSError):
            self.imap.shutdown()  # logout on a broken connection leaves the socket open


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def internal_date(text: str) -> datetime:
    """An IMAP date-time such as ' 7-Dec-2026 09:15:00 +0100', in UTC."""
    return datetime.strptime(text.strip(), "%d-%b-%Y %H:%M:%S %z").astimezone(UTC)
