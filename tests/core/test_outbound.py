"""The outbound guard: internal addresses refused before any connection; the checked one used.

No test here sends a packet to anything but 127.0.0.1: refused addresses are literals that
fail the check, host names resolve through a stand-in for getaddrinfo, and every socket
connection is recorded (and, unless it is to 127.0.0.1, refused) by the `connections` fixture
(tests/conftest.py).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from dsar.core.outbound import (
    OutboundRefused,
    check_outbound_url,
    connect,
    embedded_ipv4,
    refusal_reason,
    require_https,
)

_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Host name -> the addresses getaddrinfo answers (one list per call, the last repeats)."""
    answers: dict[str, list[str]] = {}

    def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return _real_getaddrinfo(host, port, *args, **kwargs)  # a literal: no lookup
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "unknown in this test")
        queue = answers[host]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
        return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("100.64.0.1", "non-public"),  # carrier-grade NAT
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to refuse, not to bind
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
    ("::ffff:10.1.2.3", "private"),
    ("::ffff:169.254.169.254", "link-local"),
    ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("2001:db8::1", "private"),  # documentation
    ("::7f00:1", "reserved"),  # IPv4-compatible 127.0.0.1 (deprecated form)
]


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_internal_addresses_are_refused(address: str, reason: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address), allow_private=False) == reason


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "2606:4700::1111", "::ffff:93.184.215.14", "2002:5db8:d70e::"]
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address), allow_private=False) is None


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("10.0.0.1", True),
        ("fd00::1", True),
        ("::1", True),
        ("::ffff:192.168.0.1", True),
        ("169.254.169.254", False),
        ("0.0.0.0", False),  # noqa: S104 - an address to refuse, not to bind
        ("224.0.0.1", False),
        ("255.255.255.255", False),
    ],
)
def test_allow_private_opens_internal_networks_but_not_metadata_or_broadcast(
    address: str, allowed: bool
) -> None:
    reason = refusal_reason(ipaddress.ip_address(address), allow_private=True)
    assert (reason is None) is allowed


def test_embedded_ipv4_is_found_in_every_form() -> None:
    expected = ipaddress.IPv4Address("10.0.0.1")
    for form in ("::ffff:10.0.0.1", "2002:a00:1::", "64:ff9b::10.0.0.1"):
        assert embedded_ipv4(ipaddress.IPv6Address(form)) == expected
    assert embedded_ipv4(ipaddress.IPv6Address("2606:4700::1111")) is None


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_literal_urls_are_refused_before_any_connection(
    connections: list[tuple[str, int]], address: str, reason: str
) -> None:
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(OutboundRefused, match=f"is a {reason} address"):
        check_outbound_url(f"https://{host}:8443/hook", allow_private=False)
    assert connections == []


def test_a_name_is_refused_when_any_of_its_addresses_is_internal(
    connections: list[tuple[str, int]], dns: dict[str, list[str]], monkeypatch
) -> None:
    def two_answers(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    dns["metadata.test"] = ["169.254.169.254"]
    with pytest.raises(OutboundRefused, match=r"metadata.test \(169.254.169.254\) is a link-local"):
        check_outbound_url("https://metadata.test/", allow_private=False)
    with pytest.raises(OutboundRefused, match="cannot be resolved"):
        check_outbound_url("https://unknown.test/", allow_private=False)
    monkeypatch.setattr(socket, "getaddrinfo", two_answers)
    with pytest.raises(OutboundRefused, match=r"\(10.0.0.7\) is a private address"):
        check_outbound_url("https://mixed.test/", allow_private=False)
    assert connections == []


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "file:///etc/passwd", "https:///nohost", "https://h:99999/"]
)
def test_only_http_and_https_with_a_host_and_port(url: str) -> None:
    with pytest.raises(OutboundRefused):
        check_outbound_url(url, allow_private=True)


@pytest.mark.parametrize(
    ("url", "allow"),
    [
        ("http://127.0.0.1:9/x", False),  # plain HTTP needs the setting
        ("http://example.org/x", True),  # and even then only to the loopback address
        ("ftp://example.org/x", True),
        ("https:///nohost", False),
    ],
)
def test_only_https_destinations(url: str, allow: bool) -> None:
    with pytest.raises(OutboundRefused, match="is not an https:// address"):
        require_https(url, allow_local_http=allow)


@pytest.mark.parametrize(
    ("url", "allow"),
    [("https://new-controller.example/import", False), ("http://[::1]:8/x", True)],
)
def test_https_or_allowed_local_http_passes(url: str, allow: bool) -> None:
    require_https(url, allow_local_http=allow)


def test_a_public_name_is_accepted_with_the_address_to_use(dns: dict[str, list[str]]) -> None:
    dns["receiver.test"] = ["93.184.215.14"]
    target = check_outbound_url("https://Receiver.test/import?x=1", allow_private=False)
    assert (target.scheme, target.host, target.port, target.addresses) == (
        "https",
        "receiver.test",
        443,
        ("93.184.215.14",),
    )


class _Recorder(BaseHTTPRequestHandler):
    hosts: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Recorder.hosts.append(self.headers["Host"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def local_server() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.hosts.clear()
    yield server
    server.shutdown()
    thread.join(5)
    server.server_close()


def test_the_connection_goes_to_the_checked_address_even_if_dns_changes(
    connections: list[tuple[str, int]], dns: dict[str, list[str]], local_server: HTTPServer
) -> None:
    port = local_server.server_port
    dns["receiver.test"] = ["127.0.0.1", "10.9.9.9"]  # the second answer comes after the check
    target = check_outbound_url(f"http://receiver.test:{port}/in", allow_private=True)
    connection = connect(target, timeout=5)
    try:
        connection.request("GET", "/in")
        assert connection.getresponse().status == 204
    finally:
        connection.close()
    assert connections == [("127.0.0.1", port)]
    assert _Recorder.hosts == [f"receiver.test:{port}"]
