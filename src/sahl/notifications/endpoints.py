"""Which push endpoints Sahl will POST to. A browser's subscription names an address Sahl then calls
with every alert: taken as given, an attacker's "subscription" would make Sahl call its own network
(SSRF). So an endpoint is an https URL on the default port, named by a public host name, never an
IP address, never `localhost`; the addresses it resolves to are checked again when it is called
(`check_addresses`). Plain http on the loopback is allowed only where a setting says so (the tests'
and the demo's push services on 127.0.0.1)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

MAX_LENGTH = 1000
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class EndpointRefused(ValueError):
    """Not an address Sahl will call; `reason` is short and never the address itself."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check(endpoint: str, *, allow_loopback: bool) -> str:
    """The endpoint if Sahl may call it, else EndpointRefused. No I/O: the host name's addresses are
    checked when it is called."""
    if not endpoint or len(endpoint) > MAX_LENGTH or any(c.isspace() for c in endpoint):
        raise EndpointRefused("malformed")
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise EndpointRefused("malformed") from None
    host = (parts.hostname or "").rstrip(".").lower()
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        raise EndpointRefused("malformed")
    if allow_loopback and parts.scheme in ("http", "https") and host in LOOPBACK_NAMES:
        return endpoint
    if parts.scheme != "https":
        raise EndpointRefused("not_https")
    if port not in (None, 443):
        raise EndpointRefused("port")
    if _is_address(host):
        raise EndpointRefused("address")
    if (
        "." not in host
        or host == "localhost"
        or host.endswith((".localhost", ".local", ".internal", ".arpa"))
    ):
        raise EndpointRefused("private_name")
    return endpoint


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def check_addresses(endpoint: str, *, allow_loopback: bool) -> None:
    """Just before calling it: every address the host resolves to is public (a public name may
    point inside, or be changed to). EndpointRefused otherwise; OSError when it does not resolve."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if allow_loopback and host in LOOPBACK_NAMES:
        return
    found = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found}
    if not addresses or not all(address.is_global for address in addresses):
        raise EndpointRefused("resolves_inside")
