"""Replay a capture, or forward it live, to another HTTP server as faithfully as aiohttp allows.

What is sent: the same method, the stored body bytes, and every end-to-end header in the
order, casing and multiplicity it arrived with. Only Host and the hop-by-hop headers are
rewritten or dropped, and Content-Length is recomputed for the body actually sent.

`Expect` is left out too (and noted): curl adds `Expect: 100-continue` itself for big
bodies, but replay and forward already hold the whole body, so there is nothing to ask
permission for. Sent on, it makes aiohttp wait for a "100 Continue" that a plain HTTP/1.0
server never sends: the send timed out and the target saw an empty body. mitmproxy drops
the header the same way once it has the body.

Known limits of going through aiohttp's client, each reported in `Attempt.notes` when hit:
- aiohttp writes header text as UTF-8, so a header value whose bytes are not valid UTF-8
  (obs-text) goes out re-encoded rather than byte-for-byte;
- a bare trailing "?" (empty query) is dropped and "#" starts a fragment that is not sent;
- methods are upper-cased (aiohttp's parser on the capture side only accepts upper-case
  registered methods anyway, so this only matters for an edited replay).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.connector import Connection
from aiohttp.tracing import Trace
from aiohttp.typedefs import LooseHeaders
from yarl import URL

from whisper_tui.core.answers import STOPPED_FORWARD
from whisper_tui.core.models import Attempt, CapturedRequest, RawHeaders, is_token
from whisper_tui.core.portable import connection_headers
from whisper_tui.core.redaction import shown_url
from whisper_tui.core.targets import (
    BODY_NOT_KEPT,
    CANNOT_CONNECT,
    CANNOT_RESOLVE,
    CERTIFICATE_REJECTED,
    INVALID_HEADER,
    REFUSED,
    TLS_FAILED,
    host_port,
    normal_host,
    own_target_problem,
    target_url,
    validate_target,
)

MAX_RESPONSE_BODY = 8 * 1024 * 1024
"""Bytes of a target's answer kept per attempt; the rest is dropped and noted."""

KINDS = frozenset({"replay", "forward"})

# aiohttp would otherwise add these to every request; the capture did not carry them.
_SKIP_AUTO_HEADERS = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")
_MIB = 1024 * 1024


# -- building the request --------------------------------------------------------------------


def outgoing_headers(
    raw_headers: Iterable[tuple[bytes, bytes]], body_length: int
) -> list[tuple[str, str]]:
    """The end-to-end headers to send, as latin-1 text pairs in their original order.

    Host, Expect and hop-by-hop headers (including any named in Connection) are dropped;
    aiohttp writes Host for the target. Content-Length is set to `body_length` where the first
    Content-Length (or Transfer-Encoding, since the stored body is de-chunked) stood, and is
    left out only for an empty body that had neither.
    """
    raw = list(raw_headers)
    pairs = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in raw]
    # The exports' rule too (portable.connection_headers): one list of the sender's own.
    dropped = {n.decode("latin-1") for n in connection_headers(raw)} | {"host", "expect"}
    result: list[tuple[str, str]] = []
    length_placed = False
    for name, value in pairs:
        lower = name.lower()
        if lower in ("content-length", "transfer-encoding"):
            if not length_placed:
                # Keep the sender's spelling when it sent Content-Length itself.
                label = name if lower == "content-length" else "Content-Length"
                result.append((label, str(body_length)))
                length_placed = True
            continue
        if lower in dropped:
            continue
        result.append((name, value))
    if not length_placed and body_length:
        result.append(("Content-Length", str(body_length)))
    return result


# -- header text as aiohttp writes it --------------------------------------------------------


def _wire_text(text: str) -> tuple[str, bool]:
    """The str aiohttp must be given so it writes the bytes `text` stands for.

    aiohttp encodes header text as UTF-8, while our pairs are latin-1 views of raw bytes.
    Returns (text to pass, exact) where exact is False when the bytes are not valid UTF-8
    and so can only go out re-encoded.
    """
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return text, True  # already real Unicode text (typed in an editor)
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return text, False


def _raw_pairs(headers: Iterable[tuple[str, str]]) -> RawHeaders:
    """Text pairs (as an editor returns them) to bytes; latin-1 where it fits, else UTF-8."""

    def encode(text: str) -> bytes:
        try:
            return text.encode("latin-1")
        except UnicodeEncodeError:
            return text.encode("utf-8")

    return tuple((encode(n), encode(v)) for n, v in headers)


def relay_headers(raw_headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    """A target's response headers, ready to hand back to the original sender.

    Hop-by-hop headers and Content-Length are dropped (the answering server frames the body
    itself, and a truncated body would contradict the target's length); everything else keeps
    its order, duplicates and casing.
    """
    result = []
    for name, value in outgoing_headers(raw_headers, 0):
        if name.lower() != "content-length":
            result.append((_wire_text(name)[0], _wire_text(value)[0]))
    return result


def relay_parts(attempt: Attempt) -> tuple[int, str, list[tuple[str, str]], bytes]:
    """(status, reason, headers, body) to answer the original sender with after a forward.

    A forward that got no (complete) answer becomes a 502 whose body says why; one the stop
    cut short a 503 (whisper-tui is going away: a provider retries it later, and the app is
    not to blame).
    """
    if attempt.error == STOPPED_FORWARD:
        body = f"{STOPPED_FORWARD} (forwarding to {shown_url(attempt.target_url)})\n"
        plain = [("Content-Type", "text/plain; charset=utf-8")]
        return 503, "Service Unavailable", plain, body.encode()
    if attempt.status is None or attempt.error is not None:
        reason = attempt.error or "no response"
        body = f"whisper-tui could not forward to {shown_url(attempt.target_url)}: {reason}\n"
        return 502, "Bad Gateway", [("Content-Type", "text/plain; charset=utf-8")], body.encode()
    headers = relay_headers(attempt.response_headers)
    return attempt.status, attempt.reason, headers, attempt.response_body


# -- sending ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _TraceBox:
    """Per-request trace context: the headers aiohttp actually wrote."""

    headers: list[tuple[str, str]] | None = None


async def _on_headers_sent(
    session: aiohttp.ClientSession,
    context: object,
    params: aiohttp.TraceRequestHeadersSentParams,
) -> None:
    box = getattr(context, "trace_request_ctx", None)
    if isinstance(box, _TraceBox):
        box.headers = list(params.headers.items())


# The exact header list for the request being built. aiohttp's session merges the headers it
# is given case-sensitively, so "X-A: 2" after "x-a: 1" would replace it; the request class
# below takes the list from here instead, and send() sets it around each request.
_EXACT_HEADERS: ContextVar[list[tuple[str, str]] | None] = ContextVar(
    "whisper_exact_headers", default=None
)


class _ExactHeadersRequest(aiohttp.ClientRequest):
    """A ClientRequest that sends `_EXACT_HEADERS` in order, duplicates and casing kept."""

    def update_headers(self, headers: LooseHeaders | None) -> None:
        exact = _EXACT_HEADERS.get()
        if exact is None:
            super().update_headers(headers)
            return
        super().update_headers(None)  # just Host, from the URL
        for name, value in exact:
            self.headers.add(name, value)


class _TrackingConnector(aiohttp.TCPConnector):
    """A connector that remembers the local address of every connection it hands out.

    The server uses these to recognise a request that we ourselves sent (a forward that came
    back through a tunnel) before it forwards that one too.
    """

    def __init__(self, sources: dict[tuple[str, int], asyncio.BaseTransport], **kw: Any) -> None:
        super().__init__(**kw)
        self._sources = sources

    async def connect(
        self, req: aiohttp.ClientRequest, traces: list[Trace], timeout: aiohttp.ClientTimeout
    ) -> Connection:
        conn = await super().connect(req, traces, timeout)
        transport = conn.transport
        local = transport.get_extra_info("sockname") if transport is not None else None
        if transport is not None and isinstance(local, tuple) and len(local) >= 2:
            self._sources[(normal_host(str(local[0])), int(local[1]))] = transport
        return conn


def _wire_url(url: str) -> URL:
    """A yarl URL whose path and query are exactly the text in `url` (no re-quoting).

    The scheme and authority go through normal parsing so a non-ASCII host is IDNA-encoded.
    """
    scheme, _, rest = url.partition("://")
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    origin = URL(f"{scheme}://{rest[:cut]}")
    return URL(str(origin).rstrip("/") + rest[cut:], encoded=True)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _describe(exc: BaseException, url: str, timeout: float) -> str:
    """One clear line for what went wrong, naming the target."""
    where = host_port(url)
    if isinstance(exc, asyncio.TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"{CANNOT_RESOLVE} {urlsplit(url).hostname}"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return f"{CERTIFICATE_REJECTED} {where}: {_one_line(exc.certificate_error)}"
    if isinstance(exc, aiohttp.ClientSSLError):
        return f"{TLS_FAILED} {where}: {_one_line(exc)}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return f"{REFUSED} {where}"
        reason = exc.os_error.strerror or _one_line(exc.os_error)
        return f"{CANNOT_CONNECT} {where}: {reason}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return f"{where} closed the connection without a complete answer"
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"invalid HTTP response from {where}: {exc.message}"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return f"broken response body from {where}: {_one_line(exc)}"
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        return f"cannot send to {where}: {_one_line(exc)}"
    return f"cannot send: {_one_line(exc)}"


async def _read_capped(response: aiohttp.ClientResponse, cap: int) -> tuple[bytes, bool]:
    """Up to `cap` body bytes, and whether more were left unread."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_any():
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            return b"".join(chunks)[:cap], True
    return b"".join(chunks), False


class Sender:
    """Sends captures to other servers; owns one aiohttp ClientSession.

    The session is created on first use, on the loop that is running then, and every
    request gets a fresh connection: a pooled connection the target has quietly closed would
    make a POST fail, and aiohttp does not retry non-idempotent requests.
    """

    def __init__(
        self,
        timeout: float = 10.0,
        own_addresses: Callable[[], set[tuple[str, int]]] | None = None,
        *,
        max_response_body: int = MAX_RESPONSE_BODY,
        verify_tls: bool = True,
    ) -> None:
        self.timeout = timeout
        self.own_addresses = own_addresses
        self.max_response_body = max_response_body
        self.verify_tls = verify_tls
        self._session: aiohttp.ClientSession | None = None
        self._sources: dict[tuple[str, int], asyncio.BaseTransport] = {}

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            trace = aiohttp.TraceConfig()
            trace.on_request_headers_sent.append(_on_headers_sent)
            connector = _TrackingConnector(self._sources, force_close=True, ssl=self.verify_tls)
            self._session = aiohttp.ClientSession(
                connector=connector,
                request_class=_ExactHeadersRequest,
                # No cookie jar: a Set-Cookie from one target must not leak into later sends.
                cookie_jar=aiohttp.DummyCookieJar(),
                # Keep the answer's bytes as sent (e.g. gzip) so the attempt and relay are exact.
                auto_decompress=False,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                trace_configs=[trace],
            )
        return self._session

    def own_source_ports(self) -> set[tuple[str, int]]:
        """Local (ip, port) of our open outgoing connections; a request arriving from one of
        them is one we sent, so the server must not forward it again."""
        for key, transport in list(self._sources.items()):
            if transport.is_closing():
                del self._sources[key]
        return set(self._sources)

    def is_own_source(self, ip: str, port: int) -> bool:
        """Whether a peer address seen by the server is one of our outgoing connections."""
        key = (normal_host(ip), port)
        transport = self._sources.get(key)
        return transport is not None and not transport.is_closing()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._sources.clear()

    async def send(
        self,
        request: CapturedRequest,
        base_url: str,
        *,
        kind: str = "replay",
        method: str | None = None,
        headers: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
        exact_url: bool = False,
    ) -> Attempt:
        """Send `request` to `base_url` (plus its target, unless `exact_url`) and record it.

        `method`, `headers` and `body` replace the captured ones for an edited replay. Never
        raises for network trouble: the Attempt's `error` says what went wrong in one line.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
        attempt = Attempt(target_url=base_url, started_at=time.time(), kind=kind)

        problem = validate_target(base_url)
        if problem is None and not exact_url:
            attempt.target_url = target_url(base_url, request.target)
            problem = validate_target(attempt.target_url)
        if problem is not None:
            attempt.error = problem
            return attempt
        url = attempt.target_url

        # What would go out, recorded even when sending fails so the user sees it.
        wanted_method = method if method is not None else request.method
        attempt.sent_method = wanted_method.upper()
        if attempt.sent_method != wanted_method:
            attempt.notes.append(f"method {wanted_method!r} sent upper-cased (aiohttp)")
        if body is None and request.rejected:
            attempt.error = f"{BODY_NOT_KEPT} (it was over the size limit); nothing to send"
            return attempt
        attempt.sent_body = request.body if body is None else body
        raw = request.raw_headers if headers is None else _raw_pairs(headers)
        for raw_name, _ in raw:
            if not is_token(raw_name.decode("latin-1")):
                attempt.error = f"{INVALID_HEADER} {raw_name.decode('latin-1')!r}"
                return attempt
        wire: list[tuple[str, str]] = []
        for name, value in outgoing_headers(raw, len(attempt.sent_body)):
            value_text, exact = _wire_text(value)
            # Edited text that is not UTF-8 as bytes was typed as text: UTF-8 is what's meant.
            if not exact and headers is None:
                attempt.notes.append(f"header {name}: value is not UTF-8, sent re-encoded")
            wire.append((name, value_text))
        if any(name.lower() == b"expect" for name, _ in raw):
            attempt.notes.append("Expect not sent (the whole body is here; no 100-continue wait)")
        wire_url = _wire_url(url)
        attempt.sent_headers = _encode_sent([("Host", wire_url.host_port_subcomponent or "")])
        attempt.sent_headers += _encode_sent(wire)
        path_qs = url.split("://", 1)[1]
        if path_qs.endswith("?"):
            attempt.notes.append("empty query '?' dropped (aiohttp)")
        if "#" in path_qs:
            attempt.notes.append("'#' and what follows not sent (aiohttp treats it as a fragment)")

        own = self.own_addresses
        if own is not None and (refused := own_target_problem(url, own())):
            attempt.error = refused
            return attempt

        box = _TraceBox()
        session = self._get_session()
        exact_headers = _EXACT_HEADERS.set(wire)
        started = time.perf_counter()
        try:
            async with session.request(
                attempt.sent_method,
                wire_url,
                # None rather than b"": aiohttp would add Content-Length: 0 to an empty GET.
                data=attempt.sent_body or None,
                skip_auto_headers=_SKIP_AUTO_HEADERS,
                allow_redirects=False,
                trace_request_ctx=box,
            ) as response:
                attempt.status = response.status
                attempt.reason = response.reason or ""
                attempt.response_headers = tuple(response.raw_headers)
                attempt.response_body, truncated = await _read_capped(
                    response, self.max_response_body
                )
                if truncated:
                    # Closing beats draining an unbounded body we will not keep.
                    response.close()
                    attempt.notes.append(
                        f"response body truncated to {self.max_response_body / _MIB:g} MiB"
                    )
            attempt.latency = time.perf_counter() - started
        except Exception as exc:  # any failure becomes the attempt's one-line error
            attempt.error = _describe(exc, url, self.timeout)
        finally:
            _EXACT_HEADERS.reset(exact_headers)
        if box.headers is not None:
            attempt.sent_headers = _encode_sent(box.headers)
        return attempt


def _encode_sent(pairs: Iterable[tuple[str, str]]) -> RawHeaders:
    """Header text as aiohttp puts it on the wire (UTF-8), as raw byte pairs."""
    return tuple((n.encode("utf-8"), v.encode("utf-8")) for n, v in pairs)
