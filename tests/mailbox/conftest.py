"""A real IMAP server on loopback: Debian's dovecot, started per test with its own config.

No skip: without dovecot (scripts/test installs dovecot-imapd) these tests fail. Measured
here: the server answers about 20 ms after `dovecot -F` starts; see docs/mailbox.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import imaplib
import ipaddress
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.mailbox.address import MailboxAddress, env_key

USER, PASSWORD = "dsar", "not-a-secret"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = dsar-test-{port}
log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_uid = {uid}
mail_gid = {gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed(root: Path) -> None:
    """A certificate for 127.0.0.1 and localhost, its own issuer, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (root / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (root / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@dataclass
class Dovecot:
    port: int
    root: Path
    tls_port: int = 0

    def tls_address(self, scheme: str) -> MailboxAddress:
        """The same mailbox over imaps:// (its own port) or imap+starttls:// (the plain one)."""
        port = self.tls_port if scheme == "imaps" else self.port
        return MailboxAddress(scheme, "127.0.0.1", port, USER, PASSWORD)

    def trusting_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's self-signed certificate, and only it."""
        return ssl.create_default_context(cafile=str(self.root / "cert.pem"))

    @property
    def address(self) -> MailboxAddress:
        return MailboxAddress("imap", "127.0.0.1", self.port, USER, PASSWORD)

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        imap.login(USER, PASSWORD)
        imap.select("INBOX")
        return imap

    def append(self, raw: bytes, arrived: datetime) -> None:
        """Deliver one message with IMAP APPEND, dated `arrived` (its INTERNALDATE)."""
        imap = self.client()
        status, data = imap.append("INBOX", None, imaplib.Time2Internaldate(arrived), raw)
        assert status == "OK", data
        imap.logout()

    def flags(self) -> dict[int, bytes]:
        """Every message's FLAGS, by UID."""
        imap = self.client()
        status, data = imap.uid("FETCH", "1:*", "(FLAGS)")
        imap.logout()
        found = {}
        for line in data:
            if isinstance(line, bytes) and b"UID" in line:
                words = line.replace(b"(", b" ").replace(b")", b" ").split()
                found[int(words[words.index(b"UID") + 1])] = line
        return found

    def unflag(self, uid: int) -> None:
        imap = self.client()
        imap.uid("STORE", str(uid), "-FLAGS", "($DsarSeen)")
        imap.logout()

    def count(self) -> int:
        imap = self.client()
        status, data = imap.select("INBOX")
        imap.logout()
        return int(data[0])


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """A fresh dovecot on a free loopback port, its maildir and state in a temp folder."""
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(binary):
        pytest.fail("dovecot is not installed: apt-get install dovecot-imapd (scripts/test does)")
    user = pwd.getpwnam("dovecot")  # the package's user: mail is not stored as root
    # Not pytest's tmp_path: its 0700 parents keep dovecot's unprivileged login process out.
    root = Path(tempfile.mkdtemp(prefix="dsar-dovecot-"))
    root.chmod(0o755)
    for folder in ("run", "state", "mail"):
        (root / folder).mkdir()
    os.chown(root / "mail", user.pw_uid, user.pw_gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:::\n")
    self_signed(root)
    port, tls_port = free_port(), free_port()
    config = CONFIG.format(
        root=root, port=port, tls_port=tls_port, uid=user.pw_uid, gid=user.pw_gid
    )
    (root / "dovecot.conf").write_text(config)
    process = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    log = (
                        (root / "dovecot.log").read_text()
                        if (root / "dovecot.log").exists()
                        else ""
                    )
                    pytest.fail(f"dovecot did not start:\n{log}")
                time.sleep(0.02)
        yield Dovecot(port, root, tls_port)
    finally:
        # SIGKILL: SIGTERM makes dovecot wait about a second for its children, once per test;
        # they end by themselves when the master's pipe closes.
        process.kill()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mail_settings(app: Flask, controller: Controller, dovecot: Dovecot) -> Settings:
    """The app's settings with the controller's mailbox on the test dovecot."""
    settings: Settings = app.config["DSAR_SETTINGS"]
    return dataclasses.replace(settings, mailboxes={env_key(controller.slug): dovecot.address})


class DroppingProxy:
    """A TCP proxy to dovecot that hangs up once the server has sent `limit` bytes."""

    def __init__(self, upstream_port: int, limit: int) -> None:
        self.upstream_port = upstream_port
        self.limit = limit
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.dropped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        client, _ = self.listener.accept()
        server = socket.create_connection(("127.0.0.1", self.upstream_port))
        threading.Thread(target=self._pipe, args=(client, server, None), daemon=True).start()
        self._pipe(server, client, self.limit)

    def _pipe(self, source: socket.socket, target: socket.socket, limit: int | None) -> None:
        sent = 0
        try:
            while chunk := source.recv(65536):
                if limit is not None and sent + len(chunk) > limit:
                    target.sendall(chunk[: limit - sent])
                    self.dropped.set()
                    break
                target.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def close(self) -> None:
        self.listener.close()
