"""The capture server: aiohttp's low-level server with one handler, on whatever loop is current.

The Textual app starts it on its own loop (so there is one loop and no thread hand-off);
headless mode and the tests start it on a plain asyncio loop the same way.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.helpers import must_be_empty_body, should_remove_content_length
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler
from multidict import CIMultiDict

from whisper_tui.core.ack import Ack, RecordedResponse, ack
from whisper_tui.core.answers import stopped_forward
from whisper_tui.core.models import NOT_ANSWERED, Attempt, CapturedRequest, SentAnswer
from whisper_tui.core.rejections import Rejection, Rejections
from whisper_tui.core.replay import Sender, relay_parts
from whisper_tui.core.responses import Answer, ResponsePolicy, guessed_content_type
from whisper_tui.core.sent_answers import ACK_TYPE, ack_body, usual_answer
from whisper_tui.core.store import RequestStore

_HTTP_11 = (1, 1)
"""Shared by every HTTP/1.1 capture instead of a tuple each."""


@dataclass(frozen=True, slots=True)
class Forwarding:
    """Live forwarding: every capture is also sent to `url` (path and query appended)."""

    url: str
    sender: Sender
    relay_response: bool = False
    """Answer the original sender with the target's answer (502 when it fails)."""
    in_flight: set[int] = field(default_factory=set)
    """Ids of captures whose forward is on its way (added before the store's listeners hear
    of the capture, so headless mode knows to wait for it)."""
    finished: list[Callable[[CapturedRequest, Attempt], None]] = field(default_factory=list)
    """Told of each forward's outcome, the capture evicted meanwhile or not (the store's
    attempt listeners hear only of captures it still holds)."""
    relays: set[asyncio.Task[Attempt]] = field(default_factory=set)
    """--relay-response: the forwards whose answer a sender is waiting for."""
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    """Set by cut_short(): relays from then on fail at once, told as STOPPED_FORWARD."""

    def tell_finished(self, captured: CapturedRequest, attempt: Attempt) -> None:
        self.in_flight.discard(captured.id)
        for listener in self.finished:
            listener(captured, attempt)

    def cut_short(self) -> None:
        """End the relayed forwards now (whisper-tui is stopping): each sender is answered
        503 and each forward told as failed, instead of the stop waiting out their timeout
        (aiohttp's shutdown waits for the handlers, which wait for the forwards)."""
        self.stopping.set()
        for task in self.relays:
            task.cancel()

    async def relay(self, captured: CapturedRequest) -> Attempt:
        """Forward `captured` for its sender's answer, unless the stop cuts it short."""
        if self.stopping.is_set():
            return stopped_forward(self.url, captured)
        task = asyncio.create_task(self.sender.send(captured, self.url, kind="forward"))
        self.relays.add(task)
        try:
            # wait(), not `await task`: the task's cancellation (cut_short) comes back as a
            # cancelled task, while the handler's own cancellation still raises here.
            await asyncio.wait((task,))
        finally:
            self.relays.discard(task)
            task.cancel()  # nothing once done; the handler was cancelled: the forward too
        if task.cancelled():
            return stopped_forward(self.url, captured)
        return task.result()


def _captured(
    request: web.BaseRequest,
    request_id: int,
    received_at: float,
    body: bytes,
    **flags: Any,
) -> CapturedRequest:
    """The request as it arrived: raw target, the parser's raw header pairs, body bytes."""
    return CapturedRequest(
        id=request_id,
        received_at=received_at,
        remote=request.remote or "",
        method=request.method,
        target=request.raw_path,
        http_version=(request.version.major, request.version.minor),
        raw_headers=request.raw_headers,
        body=body,
        **flags,
    )


def _peer_address(request: web.BaseRequest) -> tuple[str, int] | None:
    """The connection's other end (host, port), or None (a Unix socket, a closed transport)."""
    transport = request.transport
    peer: Any = transport.get_extra_info("peername") if transport else None
    if isinstance(peer, tuple) and len(peer) >= 2:
        return peer[0], peer[1]
    return None


def _peer(request: web.BaseRequest) -> str:
    address = _peer_address(request)
    return f"{address[0]}:{address[1]}" if address else request.remote or ""


class _RefusalRecorder(RequestHandler):
    """aiohttp's per-connection protocol, telling `rejections` of every error answer it makes
    itself: a request the parser refused never reaches the capture handler."""

    rejections: Rejections
    _refused_by_parser = False

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        reason = message or (str(exc) if exc is not None else "") or f"HTTP {status}"
        # A request the parser refused is the sender's doing, and the rejection below is
        # its one line (headless prints it, the TUI toasts it). aiohttp would also log it at
        # ERROR with a traceback, which Python prints on stderr when nothing configured
        # logging. Anything else (an exception in our handler: a bug) keeps its traceback,
        # and its rejection says it is ours.
        self._refused_by_parser = isinstance(exc, HttpProcessingError)
        internal = not self._refused_by_parser and status >= 500
        self.rejections.add(Rejection(time.time(), _peer(request), status, reason, internal))
        try:
            return super().handle_error(request, status, exc, message)
        finally:
            self._refused_by_parser = False

    def log_exception(self, *args: Any, **kw: Any) -> None:
        if not self._refused_by_parser:
            super().log_exception(*args, **kw)


class CaptureServer(web.Server):
    """aiohttp's low-level server with one handler for every request, whatever its target.

    A catch-all route on a `web.Application` would do the same, but routing, match info and
    the application's handler chain cost about a third of the throughput of a bare server;
    we need none of them. Pathless targets (`OPTIONS *`, `CONNECT host:443`) need no special
    case either, since nothing matches a path.
    """

    def __init__(
        self,
        handler: Any,
        max_body: int,
        pending: set[asyncio.Task[None]],
        rejections: Rejections,
    ) -> None:
        loop = asyncio.get_running_loop()

        def make_request(
            message: Any, payload: Any, protocol: Any, writer: Any, task: Any
        ) -> web.BaseRequest:
            # The arguments aiohttp's own factory gets. client_max_size makes request.read()
            # stop at the limit (aiohttp's default is 1 MiB); the low-level server has no
            # Application to carry it.
            return web.BaseRequest(
                message, payload, protocol, writer, task, loop, client_max_size=max_body
            )

        # auto_decompress=False keeps gzip bodies as they arrived; display decoding is
        # capped. lingering_time: after a 413 (body left unread) aiohttp drains for up to
        # 10 s before it closes; 1 s lets the sender read the answer, then the connection
        # goes, as promised.
        protocol_options: dict[str, Any] = {
            "access_log": None,
            "auto_decompress": False,
            "lingering_time": 1.0,
        }
        super().__init__(handler, request_factory=make_request, loop=loop, **protocol_options)
        self._pending = pending
        self._rejections = rejections
        self._protocol_loop = loop
        self._protocol_options = protocol_options

    def __call__(self) -> RequestHandler:
        # What web.Server does for each connection, with the protocol that records refusals.
        protocol = _RefusalRecorder(self, loop=self._protocol_loop, **self._protocol_options)
        protocol.rejections = self._rejections
        return protocol

    async def shutdown(self, timeout: float | None = None) -> None:
        await super().shutdown(timeout)
        # Fire-and-forget forwards still in flight are abandoned with the server.
        for task in list(self._pending):
            task.cancel()
        await asyncio.gather(*self._pending, return_exceptions=True)


def build_server(
    store: RequestStore,
    max_body: int,
    policy: ResponsePolicy | None = None,
    forward: Forwarding | None = None,
) -> CaptureServer:
    """A server that captures every request into `store`, whatever its method or target."""
    answers = policy or ResponsePolicy()
    # Fire-and-forget forwards, held so they are not garbage-collected mid-flight.
    pending: set[asyncio.Task[None]] = set()

    def sent_by_us(request: web.BaseRequest) -> bool:
        # A forward that comes back to us (a tunnel URL pointing here) arrives from one of
        # our Sender's own connections: capture it, but forwarding it again would loop.
        assert forward is not None
        address = _peer_address(request)
        return address is not None and forward.sender.is_own_source(*address)

    async def forward_later(captured: CapturedRequest) -> None:
        assert forward is not None
        try:
            attempt = await forward.sender.send(captured, forward.url, kind="forward")
        finally:  # cancelled when the server stops: no longer on its way
            forward.in_flight.discard(captured.id)
        store.add_attempt(captured.id, attempt)
        forward.tell_finished(captured, attempt)

    async def capture(request: web.BaseRequest) -> web.StreamResponse | Ack:
        received_at = time.time()
        declared = request.content_length
        if declared is not None and declared > max_body:
            return _reject(request, store.next_id(), received_at, declared, max_body)
        expect = request.headers.get("Expect")
        if expect:
            await _expect_continue(request, expect)
        try:
            payload = request.content
            if payload.is_eof():
                # The whole body came in with the headers (most webhooks do): take it from
                # the buffer as it lies, without read()'s two awaits and two copies.
                body = payload.read_nowait()
                if len(body) > max_body:  # chunked: no Content-Length said so before
                    return _reject(request, store.next_id(), received_at, declared, max_body)
            else:
                body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _reject(request, store.next_id(), received_at, declared, max_body)
        except web.RequestPayloadError as error:
            # Broken framing mid-body (a bad chunk): the sender's fault, not a 500.
            reason = f"malformed request body: {error}"
            store.rejections.add(Rejection(time.time(), _peer(request), 400, reason))
            raise web.HTTPBadRequest(text="malformed request body") from None
        # request.path decodes the URL: only worth it when a --respond rule has to look.
        if answers.uses_path:
            chosen = answers.answer(request.method, request.path)
        else:
            chosen = answers.answer(request.method, "")
        status = chosen.status
        # The id is taken only once the body is in, with no await before add(), so ids
        # follow the store's order even when a slow upload finishes after a quick one.
        request_id = store.next_id()
        # Built here rather than by _captured(): keyword arguments passed on through **flags
        # cost a dict per capture on the hot path.
        version = request.version
        forwarding = forward if forward is not None and not sent_by_us(request) else None
        relaying = forwarding is not None and forwarding.relay_response
        captured = CapturedRequest(
            request_id,
            received_at,
            request.remote or "",
            request.method,
            request.raw_path,
            _HTTP_11 if version == _HTTP_11 else (version.major, version.minor),
            request.raw_headers,
            body,
            False,
            None,
            NOT_ANSWERED if relaying else status,
        )
        custom = None
        if chosen.headers or chosen.body is not None:
            custom = _custom_response(chosen, request_id)
        if chosen.delay and not relaying:
            # Listed (and perhaps saved) before it is answered: the capture says now what
            # aiohttp will send, and the answer once sent replaces it.
            captured.answer = _expected_answer(request, custom, status, request_id)
        if forwarding is not None and not relaying:
            forwarding.in_flight.add(request_id)
        store.add(captured)
        if forwarding is not None:
            if relaying:
                attempt = await forwarding.relay(captured)
                code, reason, headers, answer = relay_parts(attempt)
                # The sender gets the target's answer: the capture says so before the
                # attempt's listeners (autosave, headless) hear of it.
                captured.answered_status = code
                store.add_attempt(request_id, attempt)  # nothing if evicted meanwhile
                forwarding.tell_finished(captured, attempt)
                relayed = RecordedResponse(
                    status=code, reason=reason, headers=CIMultiDict(headers), body=answer
                )
                if forwarding.stopping.is_set():
                    relayed.force_close()  # the server is going away: no next request
                relayed.capture = captured
                return relayed
            task = asyncio.create_task(forward_later(captured))
            pending.add(task)
            task.add_done_callback(pending.discard)
        if chosen.delay:
            # The capture is listed at once; only the sender waits (to trigger its timeout).
            await asyncio.sleep(chosen.delay)
        if custom is not None:
            custom.capture = captured
            return custom
        response = ack(request, status, ack_body(status, request_id))
        if isinstance(response, RecordedResponse):  # HEAD, 204, HTTP/2...: aiohttp's rules
            response.capture = captured
        elif response.keep_alive != (version == _HTTP_11):
            # The ack said Connection (close to HTTP/1.1, keep-alive to 1.0): not the usual
            # answer a HAR rebuilds, so the capture keeps it.
            captured.answer = _expected_answer(request, None, status, request_id)
        return response

    def _reject(
        request: web.BaseRequest,
        request_id: int,
        received_at: float,
        declared: int | None,
        limit: int,
    ) -> RecordedResponse:
        rejected = _captured(
            request,
            request_id,
            received_at,
            b"",
            rejected=True,
            declared_length=declared,
            answered_status=413,
        )
        store.add(rejected)
        response = RecordedResponse(
            status=413,
            body=b'{"ok":false,"id":%d,"error":"body over the %d-byte limit"}'
            % (request_id, limit),
            content_type=ACK_TYPE,
        )
        # The unread body may be huge: close rather than drain it to keep the connection.
        response.force_close()
        response.capture = rejected
        return response

    return CaptureServer(capture, max_body, pending, store.rejections)


def _expected_answer(
    request: web.BaseRequest, custom: RecordedResponse | None, status: int, request_id: int
) -> SentAnswer | None:
    """What the sender will get (less Date and Server), by aiohttp's rules for a body sent
    whole with its length: the ack (None: the usual one) or a rule's `custom` answer. HEAD,
    204, 304 and 1xx get no body, and 204, 304 and 1xx no Content-Length either (aiohttp's
    must_be_empty_body and should_remove_content_length): said here too, or a save during
    the delay wrote a body the sender never got. None for another HTTP version: the answer
    is kept once sent."""
    version = request.version
    if version not in ((1, 1), (1, 0)):
        return None
    empty = must_be_empty_body(request.method, status)
    keep_alive = request.keep_alive
    # aiohttp's rule: say keep-alive to HTTP/1.0, close to HTTP/1.1 (their defaults otherwise).
    connection = None
    if keep_alive != (version == _HTTP_11):
        connection = (b"Connection", b"keep-alive" if keep_alive else b"close")
    if custom is None:
        if connection is None and not empty:
            return None
        reason, headers, body = usual_answer(status, request_id)
        extra = () if connection is None else (connection,)
        answer: SentAnswer = (reason, (*headers, *extra), body)
    else:
        body = custom.body if isinstance(custom.body, bytes) else b""
        pairs = [(n.encode("utf-8"), v.encode("utf-8")) for n, v in custom.headers.items()]
        if "Content-Length" not in custom.headers:
            pairs.append((b"Content-Length", b"%d" % len(body)))
        if connection is not None and "Connection" not in custom.headers:
            pairs.append(connection)
        answer = (custom.reason, tuple(pairs), body)
    if not empty:
        return answer
    reason, headers, _ = answer
    if should_remove_content_length(request.method, status):
        headers = tuple(pair for pair in headers if pair[0].lower() != b"content-length")
    return reason, headers, b""


def _custom_response(answer: Answer, request_id: int) -> RecordedResponse:
    """A rule's (or answer mode's) headers, in order and as written, and its body bytes."""
    headers = CIMultiDict[str]()
    for name, value in answer.headers:
        headers.add(name, value)
    if answer.body is None:
        body = ack_body(answer.status, request_id)
        headers.setdefault("Content-Type", ACK_TYPE)
    else:
        body = answer.body
        headers.setdefault("Content-Type", guessed_content_type(body))
    return RecordedResponse(status=answer.status, headers=headers, body=body)


async def _expect_continue(request: web.BaseRequest, expect: str) -> None:
    """Say "go on" to a sender waiting for 100 Continue before it sends the body.

    Oversized bodies were refused before this. Any other Expect value is captured like any
    request instead of refused with 417.
    """
    if request.version >= (1, 1) and expect.lower() == "100-continue":
        interim = b"HTTP/1.1 100 Continue\r\n\r\n"
        await request.writer.write(interim)
        # The interim response is not part of the final one's size (as aiohttp does).
        request.writer.output_size -= len(interim)


async def start_server(server: CaptureServer, sock: socket.socket) -> web.ServerRunner:
    """Serve on an already-bound socket on the running loop; stop with runner.cleanup()."""
    runner = web.ServerRunner(server, handle_signals=False)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    return runner
