"""Requests dsar sends to addresses someone typed in: only to public hosts, to the address checked.

Whoever can enter a URL (staff for a portability transmission, later webhooks) could aim the
server at itself or the internal network: 127.0.0.1, the database, a router, the cloud
metadata service at 169.254.169.254 (SSRF). `check_outbound_url` resolves the host name and
refuses the URL when any of its addresses is not public. `connect` then opens the connection
to exactly the addresses that were checked, so a DNS answer that changes between the check
and the connection (DNS rebinding) cannot lead it elsewhere; TLS still verifies the
certificate for the host name. http.client follows no redirects, and nothing here does.

Always refused: unspecified (0.0.0.0, ::), multicast, link-local (169.254/16, fe80::/10,
where cloud metadata lives) and reserved addresses (240/4, 255.255.255.255, most of ::/8).
Refused unless `allow_private`: loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7)
and every other address that is not globally reachable (100.64/10, 192.0.0/24, test nets).
IPv6 forms that carry an IPv4 address (::ffff:a.b.c.d, 6to4 2002::/16, NAT64 64:ff9b::/96)
are judged by that IPv4 address.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class OutboundRefused(ValueError):
    """The URL may not be requested: bad form, unknown host, or an address that is not public."""


@dataclass(frozen=True)
class OutboundTarget:
    """A checked URL: where to connect (these addresses only) and what to send as Host."""

    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, 6to4 or NAT64 IPv6 address stands for."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal_reason(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why a connection to `address` is refused ("loopback", "private", ...), or None."""
    inner = embedded_ipv4(address)
    if inner is not None:
        return refusal_reason(inner, allow_private=allow_private)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:  # before "reserved": ::1 lies in the reserved ::/8
        return None if allow_private else "loopback"
    for reason, refused in (
        ("multicast", address.is_multicast),
        ("link-local", address.is_link_local),
        ("reserved", address.is_reserved),
    ):
        if refused:
            return reason
    if allow_private:
        return None
    if address.is_private:
        return "private"
    if not address.is_global:
        return "non-public"
    return None


def require_https(url: str, *, allow_local_http: bool) -> None:
    """HTTPS only; plain HTTP only to 127.0.0.1/::1 and only when `allow_local_http` (tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and allow_local_http and parts.hostname:
        try:
            if ipaddress.ip_address(parts.hostname).is_loopback:
                return
        except ValueError:
            pass
    raise OutboundRefused(f"{url} is not an https:// address")


def check_outbound_url(url: str, *, allow_private: bool) -> OutboundTarget:
    """Resolve the URL's host and refuse it unless every address is allowed; http(s) only."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise OutboundRefused(f"{url} is not an http:// or https:// address with a host")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise OutboundRefused(f"{url} has an invalid port") from None
    host = parts.hostname
    addresses = _resolve(host, port)
    for address in addresses:
        reason = refusal_reason(address, allow_private=allow_private)
        if reason is not None:
            shown = host if host == str(address) else f"{host} ({address})"
            raise OutboundRefused(f"{shown} is a {reason} address: refused")
    return OutboundTarget(scheme, host, port, tuple(str(a) for a in addresses))


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise OutboundRefused(f"{host} cannot be resolved") from None
    found: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        found[ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])] = None
    if not found:
        raise OutboundRefused(f"{host} cannot be resolved")
    return list(found)


def connect(
    target: OutboundTarget, *, timeout: float, context: ssl.SSLContext | None = None
) -> http.client.HTTPConnection:
    """An HTTP(S) connection to `target` that can only reach the addresses that were checked."""
    if target.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            target.host,
            target.port,
            timeout=timeout,
            context=context or ssl.create_default_context(),
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    def pinned(_address: object, timeout: float, source_address: object = None) -> socket.socket:
        return _connect_first(target.addresses, target.port, timeout)

    # http.client opens its socket through this attribute (its own seam for tests); the Host
    # header and the TLS server name still come from target.host.
    connection._create_connection = pinned  # type: ignore[attr-defined]
    return connection


def _connect_first(addresses: tuple[str, ...], port: int, timeout: float) -> socket.socket:
    error: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as failed:
            error = failed
    assert error is not None  # check_outbound_url never returns without addresses
    raise error
