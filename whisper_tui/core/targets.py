"""Where a replay or forward goes: the URL built from a base and a capture's target, whether
a URL is usable, and whether it points back at whisper-tui itself (which would loop)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from whisper_tui.core.models import Attempt
from whisper_tui.core.sanitize import NOT_IN_URL

DEFAULT_PORTS = {"http": 80, "https": 443}

# How replay.py's attempts start the errors that are the capture's (or the edit's) fault.
BODY_NOT_KEPT = "the body was not kept"
INVALID_HEADER = "invalid header name"
# And those that made no connection at all (replay._describe): nothing of the request reached
# the target. A timeout or an answer cut short are not among them: those may have arrived.
REFUSED = "connection refused to"
CANNOT_CONNECT = "cannot connect to"
CANNOT_RESOLVE = "cannot resolve host"
CERTIFICATE_REJECTED = "TLS certificate rejected for"
TLS_FAILED = "TLS error with"
NO_CONNECTION = (REFUSED, CANNOT_CONNECT, CANNOT_RESOLVE, CERTIFICATE_REJECTED, TLS_FAILED)


def target_url(base: str, request_target: str) -> str:
    """The URL to send to: the captured path and query appended to the base URL's path.

    `http://localhost:3000` + `/hooks/x?a=1` -> `http://localhost:3000/hooks/x?a=1`;
    `http://h/base/` + `/x` -> `http://h/base/x`. A query on the base comes first, then the
    capture's. Nothing is re-quoted: the path text is used exactly as it arrived.
    """
    parts = urlsplit(base)
    path, has_query, query = appended_target(request_target).partition("?")
    full_path = parts.path.rstrip("/") + path or "/"
    queries = [q for q in (parts.query, query) if q]
    suffix = "?" + "&".join(queries) if queries else ("?" if has_query else "")
    return f"{parts.scheme}://{parts.netloc}{full_path}{suffix}"


def appended_target(request_target: str) -> str:
    """The part of a capture's target that target_url appends to a base: its path and query.

    `OPTIONS *` has no path of its own ('': the base itself); an absolute-form target (a
    request meant for a proxy) gives only its path and query; any other is kept as it came.
    """
    if request_target == "*":
        return ""
    if request_target and not request_target.startswith("/"):
        absolute = urlsplit(request_target)
        return absolute.path + ("?" + absolute.query if absolute.query else "")
    return request_target


def validate_target(url: str) -> str | None:
    """Why `url` cannot be sent to, as one line, or None when it is a usable http(s) URL."""
    if NOT_IN_URL.search(url) or " " in url:
        return "URL contains spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"invalid URL: {exc}"
    if parts.scheme.lower() not in DEFAULT_PORTS:
        return "not an http(s) URL"
    if not parts.hostname:
        return "URL has no host"
    if port == 0:
        return "invalid URL: port 0"
    return None


# -- loop protection -------------------------------------------------------------------------


def normal_host(host: str) -> str:
    """Lower-case, unbracketed, with IPv4-mapped IPv6 shown as IPv4 so addresses compare."""
    host = host.strip("[]").lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def _locality(host: str) -> str | None:
    """'loopback', 'any' (an unspecified address) or None for a normalised host."""
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_loopback:
        return "loopback"
    if address.is_unspecified:
        return "any"
    return None


def is_own_target(url: str, own_addresses: Iterable[tuple[str, int]]) -> bool:
    """True when `url` points at one of our listening (host, port) addresses.

    DNS-free on purpose (it runs before every send): it recognises literal addresses,
    'localhost' and this machine's hostname. A listener on 0.0.0.0 or :: owns its port on
    every local address. A name that merely resolves to us, such as a public tunnel, is not
    caught here; `Sender.is_own_source` lets the server catch that loop on arrival instead.
    """
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return False
    if not parts.hostname or port is None:
        return False
    host = normal_host(parts.hostname)
    here = normal_host(socket.gethostname())
    target_kind = _locality(host) or ("loopback" if host == here else None)
    for own_host, own_port in own_addresses:
        if own_port != port:
            continue
        own = normal_host(own_host)
        own_kind = _locality(own) if own else "any"
        if own == host:
            return True
        if own_kind == "any" and target_kind is not None:
            return True
        # Connecting to 0.0.0.0 reaches the loopback interface.
        if own_kind == "loopback" and target_kind in ("loopback", "any"):
            return True
    return False


def host_port(url: str) -> str:
    """'127.0.0.1:3000' (a scheme's default port when none is given) for messages."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    host = f"[{host}]" if ":" in host else host
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    except ValueError:
        port = 0
    return f"{host}:{port}"


def own_target_problem(url: str, own_addresses: Iterable[tuple[str, int]]) -> str | None:
    """The refusal of a URL that points back at whisper-tui, in the words r's attempt and T's
    prompt both use; None for any other URL."""
    if not is_own_target(url, own_addresses):
        return None
    return f"refusing to send to whisper-tui's own address {host_port(url)} (it would loop)"


def unreachable(attempt: Attempt) -> bool:
    """Whether a failed attempt failed for where it went (an address refused, unresolved,
    silent, invalid or whisper-tui's own), so another target may do; not for what it carried."""
    error = attempt.error
    return (
        error is not None
        and attempt.status is None
        and not error.startswith((BODY_NOT_KEPT, INVALID_HEADER))
    )


def never_connected(attempt: Attempt) -> bool:
    """Whether a failed attempt made no connection (refused, unresolved, TLS failed), so
    nothing of it was delivered: the probe stops there, with nothing to compare."""
    error = attempt.error
    return error is not None and attempt.status is None and error.startswith(NO_CONNECTION)
