"""Replay and forwarding send what was captured, byte for byte, over real sockets."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import send_raw
from whisper_tui.core.answers import STOPPED_FORWARD, stopped_forward
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.portable import HOP_BY_HOP
from whisper_tui.core.replay import (
    Sender,
    outgoing_headers,
    relay_headers,
    relay_parts,
)

pytestmark = pytest.mark.both_loops  # async tests run on asyncio's loop and on uvloop

# -- a raw echo server -------------------------------------------------------------------------

ECHO_BODY = b'{"echo":true}'
ECHO_ANSWER = (
    b"HTTP/1.1 201 Created\r\n"
    b"Content-Type: application/json\r\n"
    b"X-Echo: one\r\n"
    b"x-ECHO: two\r\n"
    b"Content-Length: %d\r\n"
    b"\r\n" % len(ECHO_BODY)
) + ECHO_BODY


@dataclass
class Arrival:
    """One request exactly as it reached the echo server."""

    method: str
    target: str
    version: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    peer: tuple[str, int]
    seen_as_own: bool | None = None


@dataclass
class EchoServer:
    """Reads one HTTP/1.1 request per connection byte-exactly, then answers (or never does)."""

    answer: bytes | None = ECHO_ANSWER
    on_arrival: Callable[[Arrival], None] | None = None
    arrivals: list[Arrival] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head[:-4].split(b"\r\n")
            method, target, version = request_line.split(b" ")
            headers = []
            for line in lines:
                name, value = line.split(b":", 1)
                headers.append((name, value.strip(b" \t")))
            # The sender must frame the body with Content-Length, never chunked.
            assert not any(n.lower() == b"transfer-encoding" for n, _ in headers)
            length = next((int(v) for n, v in headers if n.lower() == b"content-length"), 0)
            body = await reader.readexactly(length)
            peer = writer.get_extra_info("peername")
            arrival = Arrival(method.decode(), target.decode(), version, headers, body, peer[:2])
            if self.on_arrival is not None:
                self.on_arrival(arrival)
            self.arrivals.append(arrival)
            if self.answer is None:
                await reader.read()  # never answer; wait for the client to give up
            elif method == b"HEAD":
                writer.write(self.answer.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
            else:
                writer.write(self.answer)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def echo() -> AsyncIterator[EchoServer]:
    server = EchoServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def sender() -> AsyncIterator[Sender]:
    instance = Sender(timeout=5.0)
    try:
        yield instance
    finally:
        await instance.close()


def end_to_end(headers) -> list[tuple[bytes, bytes]]:
    """Headers minus the ones replay may rewrite (Host, Content-Length, hop-by-hop)."""
    skip = set(HOP_BY_HOP) | {"host", "content-length"}
    return [(n, v) for n, v in headers if n.decode("latin-1").lower() not in skip]


def capture(
    method: str = "POST",
    target: str = "/hooks/x?a=1",
    headers: tuple[tuple[bytes, bytes], ...] = ((b"Host", b"example"),),
    body: bytes = b"",
    **extra,
) -> CapturedRequest:
    return CapturedRequest(
        id=7,
        received_at=1.0,
        remote="127.0.0.1",
        method=method,
        target=target,
        http_version=(1, 1),
        raw_headers=headers,
        body=body,
        **extra,
    )


# -- pure helpers ------------------------------------------------------------------------------


def test_outgoing_headers_drop_only_host_and_hop_by_hop_and_recompute_length():
    raw = (
        (b"Host", b"example"),
        (b"X-A", b"1"),
        (b"Connection", b"keep-alive, X-Secret-Hop"),
        (b"x-secret-hop", b"gone"),
        (b"content-LENGTH", b"999"),
        (b"Keep-Alive", b"timeout=5"),
        (b"TE", b"trailers"),
        (b"Proxy-Authorization", b"Basic x"),
        (b"X-a", b"2"),
        (b"Upgrade", b"websocket"),
    )
    assert outgoing_headers(raw, 5) == [("X-A", "1"), ("content-LENGTH", "5"), ("X-a", "2")]


def test_outgoing_headers_turn_chunked_framing_into_a_content_length():
    raw = ((b"X-A", b"1"), (b"Transfer-Encoding", b"chunked"), (b"X-B", b"\xe9"))
    assert outgoing_headers(raw, 3) == [("X-A", "1"), ("Content-Length", "3"), ("X-B", "é")]
    # An empty body that had no framing header gets none; a non-empty one always does.
    assert outgoing_headers(((b"X-A", b"1"),), 0) == [("X-A", "1")]
    assert outgoing_headers(((b"X-A", b"1"),), 2) == [("X-A", "1"), ("Content-Length", "2")]


def test_relay_parts_pass_the_answer_through_or_say_502():
    answered = Attempt(
        target_url="http://h/x",
        started_at=0.0,
        status=201,
        reason="Created",
        response_headers=(
            (b"X-Echo", b"one"),
            (b"Connection", b"close"),
            (b"Content-Length", b"2"),
            (b"x-echo", b"caf\xc3\xa9"),
        ),
        response_body=b"ok",
    )
    assert relay_parts(answered) == (201, "Created", [("X-Echo", "one"), ("x-echo", "café")], b"ok")
    assert relay_headers(answered.response_headers) == [("X-Echo", "one"), ("x-echo", "café")]
    failed = Attempt(target_url="http://h/x", started_at=0.0, error="timed out after 10 s")
    status, _, headers, body = relay_parts(failed)
    assert status == 502
    assert b"timed out after 10 s" in body
    assert headers == [("Content-Type", "text/plain; charset=utf-8")]
    # An answer whose body broke off is not passed on as if it were whole.
    broken = replace(answered, error="broken response body from h:80: ...")
    assert relay_parts(broken)[0] == 502


def test_relay_parts_of_a_forward_the_stop_cut_short_say_503_and_why():
    # whisper-tui went away, not the app: a 503 (a provider retries it later), not a 502.
    capture = CapturedRequest(1, 0.0, "", "POST", "/hook?a=1", (1, 1), (), b"")
    stopped = stopped_forward("http://h:3000", capture)
    status, reason, headers, body = relay_parts(stopped)
    assert (status, reason) == (503, "Service Unavailable")
    assert headers == [("Content-Type", "text/plain; charset=utf-8")]
    assert body == f"{STOPPED_FORWARD} (forwarding to http://h:3000/hook?a=1)\n".encode()


# -- what arrives at the target ----------------------------------------------------------------

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "PROPFIND", "PURGE"]
METHODS += ["M-SEARCH", "MKCOL", "REPORT"]  # the capture server's parser knows no others
SKIPPED_NAMES = set(HOP_BY_HOP) | {"host", "content-length", "expect"}
header_names = st.from_regex(r"\A[A-Za-z][A-Za-z0-9\-_]{0,20}\Z").filter(
    lambda n: n.lower() not in SKIPPED_NAMES
)
ascii_values = st.from_regex(r"\A[\x21-\x7e]([\x20-\x7e]{0,40}[\x21-\x7e])?\Z")
unicode_values = st.text(alphabet="aZ09 =;éü€✓漢", min_size=1, max_size=12).map(
    lambda s: "v" + s.strip() + "v"
)
targets = st.from_regex(
    r"\A/[A-Za-z0-9._~!$&'()*+,;=:@/-]{0,30}(%[0-9A-Fa-f]{2}[A-Za-z0-9/]{0,5}){0,3}"
    r"(\?[A-Za-z0-9=&%._~+/-]{1,30})?\Z"
)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(METHODS),
    target=targets,
    headers=st.lists(st.tuples(header_names, st.one_of(ascii_values, unicode_values)), max_size=10),
    body=st.binary(max_size=4096),
    length_at=st.integers(min_value=0, max_value=10),
    recased=st.lists(st.integers(min_value=0, max_value=9), max_size=3),
)
async def test_forward_and_replay_arrive_exactly_as_captured(
    capture_server, echo, sender, method, target, headers, body, length_at, recased
):
    capture_server.store.clear()
    echo.arrivals.clear()
    # Repeat some names in another case: duplicates differing only in case must all survive.
    headers += [(headers[i][0].swapcase(), f"again {i}") for i in recased if i < len(headers)]
    lines = [(b"Host", b"hooks.example")] + [(n.encode(), v.encode()) for n, v in headers]
    lines.insert(min(length_at, len(lines)), (b"Content-Length", str(len(body)).encode()))
    raw = f"{method} {target} HTTP/1.1\r\n".encode()
    raw += b"".join(n + b": " + v + b"\r\n" for n, v in lines) + b"\r\n" + body
    answer = await send_raw(capture_server.port, raw)
    assert answer.startswith(b"HTTP/1.1 200")
    [captured] = list(capture_server.store)

    forwarded = await sender.send(captured, echo.url, kind="forward")
    replayed = await sender.send(captured, echo.url + "/")
    assert forwarded.error is None and replayed.error is None
    assert forwarded.kind == "forward" and replayed.kind == "replay"

    assert len(echo.arrivals) == 2
    for attempt, arrival in zip((forwarded, replayed), echo.arrivals, strict=True):
        assert arrival.method == method
        assert arrival.target == target
        assert arrival.version == b"HTTP/1.1"
        assert arrival.body == body
        assert end_to_end(arrival.headers) == end_to_end(lines)
        # Nothing of aiohttp's own (User-Agent, Accept, ...) is added.
        extra = {n.lower() for n, _ in arrival.headers} - {n.lower() for n, _ in lines}
        assert extra <= {b"connection"}
        assert (b"Host", f"127.0.0.1:{echo.port}".encode()) in arrival.headers
        lengths = [v for n, v in arrival.headers if n.lower() == b"content-length"]
        assert lengths == [str(len(body)).encode()]
        assert attempt.sent_headers == tuple(arrival.headers)
        assert attempt.sent_body == body
        assert attempt.sent_method == method
        assert attempt.target_url == echo.url + target
        assert attempt.notes == []


async def test_attempt_records_status_headers_body_and_latency(echo, sender):
    request = capture(headers=((b"Host", b"x"), (b"Content-Length", b"3")), body=b"abc")
    attempt = await sender.send(request, echo.url)
    assert attempt.error is None
    assert attempt.status == 201
    assert attempt.reason == "Created"
    assert attempt.response_headers == (
        (b"Content-Type", b"application/json"),
        (b"X-Echo", b"one"),
        (b"x-ECHO", b"two"),
        (b"Content-Length", str(len(ECHO_BODY)).encode()),
    )
    assert attempt.response_body == ECHO_BODY
    assert attempt.latency is not None and attempt.latency > 0
    assert attempt.started_at > 1_600_000_000
    assert attempt.target_url == echo.url + "/hooks/x?a=1"


async def test_gzip_answer_is_kept_compressed_and_redirects_are_not_followed(echo, sender):
    packed = gzip.compress(b'{"big":"answer"}' * 50)
    echo.answer = (
        b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n" % len(packed)
    ) + packed
    attempt = await sender.send(capture(method="GET"), echo.url)
    assert attempt.status == 302
    assert attempt.response_body == packed
    assert len(echo.arrivals) == 1


async def test_large_answer_is_truncated_and_noted(echo):
    body = b"x" * 100_000
    echo.answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    small = Sender(max_response_body=1000)
    try:
        attempt = await small.send(capture(), echo.url)
    finally:
        await small.close()
    assert attempt.error is None
    assert attempt.response_body == body[:1000]
    assert any("truncated" in note for note in attempt.notes)


async def test_header_bytes_that_are_not_utf8_are_noted(capture_server, echo, sender):
    raw = b"POST /h HTTP/1.1\r\nHost: t\r\nX-Latin: caf\xe9\r\nX-Utf8: caf\xc3\xa9\r\n\r\n"
    await send_raw(capture_server.port, raw)
    [captured] = list(capture_server.store)
    attempt = await sender.send(captured, echo.url)
    [arrival] = echo.arrivals
    # Valid UTF-8 goes out byte-exact; a lone latin-1 byte can only go out re-encoded.
    assert (b"X-Utf8", b"caf\xc3\xa9") in arrival.headers
    assert (b"X-Latin", b"caf\xc3\xa9") in arrival.headers
    assert attempt.notes == ["header X-Latin: value is not UTF-8, sent re-encoded"]
    assert attempt.sent_headers == tuple(arrival.headers)


# -- failures become one-line errors -----------------------------------------------------------


async def test_refused_connection_is_an_error_not_an_exception(sender, down_port):
    attempt = await sender.send(capture(), f"http://127.0.0.1:{down_port}")
    assert attempt.error == f"connection refused to 127.0.0.1:{down_port}"
    assert attempt.status is None
    assert attempt.latency is None
    # What would have been sent is still shown.
    assert attempt.sent_method == "POST"
    assert attempt.sent_headers[0] == (b"Host", f"127.0.0.1:{down_port}".encode())


async def test_unresolvable_host_is_a_clear_error(sender):
    attempt = await sender.send(capture(), "http://foo.invalid:3000")
    assert attempt.error == "cannot resolve host foo.invalid"


async def test_silent_target_times_out():
    silent = EchoServer(answer=None)
    await silent.start()
    quick = Sender(timeout=0.5)
    try:
        attempt = await asyncio.wait_for(quick.send(capture(), silent.url), 5)
    finally:
        await quick.close()
        await silent.stop()
    assert attempt.error == "timed out after 0.5 s"
    assert len(silent.arrivals) == 1


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "javascript:alert(1)", "127.0.0.1:3000"])
async def test_non_http_targets_are_rejected_before_sending(sender, url):
    attempt = await sender.send(capture(), url)
    assert attempt.error == "not an http(s) URL"
    assert attempt.status is None


async def test_rejected_capture_has_no_body_to_send(echo, sender):
    request = capture(rejected=True, declared_length=10_000_000)
    attempt = await sender.send(request, echo.url)
    assert attempt.error is not None and "not kept" in attempt.error
    assert echo.arrivals == []


# -- loop protection ---------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "0.0.0.0"])
async def test_sending_to_our_own_address_is_refused(capture_server, host):
    own = Sender(own_addresses=lambda: {("127.0.0.1", capture_server.port)})
    try:
        attempt = await own.send(capture(), f"http://{host}:{capture_server.port}", kind="forward")
    finally:
        await own.close()
    assert attempt.error == (
        f"refusing to send to whisper-tui's own address {host}:{capture_server.port} "
        "(it would loop)"
    )
    assert len(capture_server.store) == 0


async def test_own_address_on_all_interfaces_covers_every_local_name(capture_server):
    own = Sender(own_addresses=lambda: {("0.0.0.0", capture_server.port)})
    try:
        attempt = await own.send(capture(), f"http://[::1]:{capture_server.port}/")
    finally:
        await own.close()
    assert attempt.error is not None and "own address" in attempt.error
    assert len(capture_server.store) == 0


async def test_without_own_addresses_the_capture_server_is_a_normal_target(capture_server):
    plain = Sender()
    try:
        attempt = await plain.send(capture(body=b"{}"), capture_server.url)
    finally:
        await plain.close()
    assert attempt.status == 200
    [again] = list(capture_server.store)
    assert again.target == "/hooks/x?a=1" and again.body == b"{}"


async def test_sender_knows_its_own_connections_while_they_are_open(echo, sender):
    # A request that comes back to us (e.g. through a tunnel) arrives from one of these.
    echo.on_arrival = lambda arrival: setattr(
        arrival, "seen_as_own", sender.is_own_source(*arrival.peer)
    )
    await sender.send(capture(), echo.url)
    [arrival] = echo.arrivals
    assert arrival.seen_as_own is True
    assert not sender.is_own_source("127.0.0.1", echo.port)
    # Every send uses a fresh connection, closed once the answer is read.
    await asyncio.sleep(0)
    assert sender.own_source_ports() == set()


# -- edited replay -----------------------------------------------------------------------------


async def test_edited_replay_sends_the_overrides_and_records_them(echo, sender):
    original = capture(
        headers=((b"Host", b"x"), (b"X-Old", b"1"), (b"Content-Length", b"3")), body=b"old"
    )
    before = replace(original)
    edited_headers = [
        ("Host", "ignored.example"),
        ("x-new", "café"),
        ("Connection", "close, X-Hop"),
        ("X-Hop", "dropped"),
        ("Content-Length", "1"),
        ("X-New", "second"),
    ]
    attempt = await sender.send(
        original,
        echo.url + "/other/path?edited=1",
        method="put",
        headers=edited_headers,
        body=b"new body",
        exact_url=True,
    )
    assert attempt.error is None
    assert original == before
    [arrival] = echo.arrivals
    assert arrival.method == "PUT"
    assert arrival.target == "/other/path?edited=1"
    assert arrival.body == b"new body"
    assert end_to_end(arrival.headers) == [(b"x-new", "café".encode()), (b"X-New", b"second")]
    assert (b"Content-Length", b"8") in arrival.headers
    assert (b"Host", f"127.0.0.1:{echo.port}".encode()) in arrival.headers
    assert attempt.sent_method == "PUT"
    assert attempt.sent_body == b"new body"
    assert attempt.sent_headers == tuple(arrival.headers)
    assert attempt.target_url == echo.url + "/other/path?edited=1"
    assert attempt.notes == ["method 'put' sent upper-cased (aiohttp)"]


async def test_edited_replay_rejects_a_malformed_header_name(echo, sender):
    attempt = await sender.send(capture(), echo.url, headers=[("Bad Name", "x")])
    assert attempt.error == "invalid header name 'Bad Name'"
    assert echo.arrivals == []


async def test_empty_get_gets_no_content_length(echo, sender):
    request = capture(method="GET", headers=((b"Host", b"x"), (b"Accept", b"*/*")))
    attempt = await sender.send(request, echo.url)
    [arrival] = echo.arrivals
    assert attempt.status == 201
    assert [n for n, _ in arrival.headers] == [b"Host", b"Accept", b"Connection"]


def test_a_relayed_502_never_tells_the_sender_the_forward_url_s_password():
    failed = Attempt(target_url="http://admin:hunter2pass@h/x", started_at=0.0, error="timed out")
    for attempt in (failed, replace(failed, error=STOPPED_FORWARD)):
        body = relay_parts(attempt)[3]
        assert b"hunter2pass" not in body and b"http://admin:***@h/x" in body
