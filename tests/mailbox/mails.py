"""Test messages: well-formed ones built with the email package, malformed ones by hand."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid


def mail(
    subject: str = "Auskunft nach Art. 15 DSGVO",
    body: str = "Sehr geehrte Damen und Herren, ich bitte um Auskunft über meine Daten.",
    sender: str = "Zoë Schmidt <zoe@example.org>",
    *,
    html: str | None = None,
    attachment: bytes | None = None,
    message_id: str | None = None,
    filename: str = "scan.bin",
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "privacy@demo.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.org")
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    if attachment is not None:
        message.add_attachment(
            attachment, maintype="application", subtype="octet-stream", filename=filename
        )
    return message.as_bytes(policy=SMTP)  # CRLF, as IMAP stores it


def html_mail(html: str) -> bytes:
    message = EmailMessage()
    message["From"] = "h@example.org"
    message["Subject"] = "Request"
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content(html, subtype="html")
    return message.as_bytes(policy=SMTP)  # CRLF, as IMAP stores it


NO_MESSAGE_ID = b"From: a@example.org\r\nSubject: access request\r\n\r\nPlease give me access.\r\n"
NO_FROM = b"Message-ID: <nofrom@example.org>\r\nSubject: Auskunft\r\n\r\nBitte Auskunft.\r\n"
BROKEN_MIME = (
    b"From: b@example.org\r\nMessage-ID: <broken@example.org>\r\nSubject: erasure\r\n"
    b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
    b"--never-closed\r\nContent-Type: text/plain\r\n\r\nPlease delete my data\r\n"
)
UNKNOWN_CHARSET = (
    b"From: c@example.org\r\nMessage-ID: <charset@example.org>\r\n"
    b"Subject: =?x-nonsense?q?L=F6schung?=\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-nonsense\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n\r\nBitte l\xf6schen Sie meine Daten.\r\n"
)
