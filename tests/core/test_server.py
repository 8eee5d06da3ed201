"""The server keeps every request exactly as it arrived, over real sockets."""

from __future__ import annotations

import asyncio
import base64
import gc
import gzip
import json
import logging
import sys
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import send_raw
from whisper_tui.core.har import entry_bytes, load_har, save_har, to_har
from whisper_tui.core.listening import bind_socket
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.rejections import Rejections
from whisper_tui.core.replay import Sender
from whisper_tui.core.responses import ResponsePolicy, parse_rule
from whisper_tui.core.server import CaptureServer, Forwarding, build_server, start_server
from whisper_tui.core.store import RequestStore

pytestmark = pytest.mark.both_loops  # async tests run on asyncio's loop and on uvloop

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "PURGE"]


async def test_binary_body_duplicate_headers_and_odd_case_are_kept_exactly(capture_server):
    body = bytes(range(256)) * 4
    raw = (
        b"POST /hooks/x?a=1&a=2&empty=&sp=%%20 HTTP/1.1\r\n"
        b"Host: example\r\n"
        b"X-Dup: first\r\n"
        b"x-ODD-case: MiXeD\r\n"
        b"X-Dup: second\r\n"
        b"Content-Type: application/octet-stream\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    ) + body
    answer = await send_raw(capture_server.port, raw)
    assert answer.startswith(b"HTTP/1.1 200")
    [captured] = list(capture_server.store)
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1]) == {"ok": True, "id": captured.id}
    assert captured.body == body
    assert captured.method == "POST"
    assert captured.target == "/hooks/x?a=1&a=2&empty=&sp=%20"
    assert captured.http_version == (1, 1)
    assert captured.raw_headers == (
        (b"Host", b"example"),
        (b"X-Dup", b"first"),
        (b"x-ODD-case", b"MiXeD"),
        (b"X-Dup", b"second"),
        (b"Content-Type", b"application/octet-stream"),
        (b"Content-Length", str(len(body)).encode()),
    )
    assert captured.query_params == [("a", "1"), ("a", "2"), ("empty", ""), ("sp", " ")]


async def test_every_method_and_path_is_captured(capture_server):
    for index, method in enumerate(METHODS):
        raw = f"{method} /any/{index}/path HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
        answer = await send_raw(capture_server.port, raw.encode())
        assert answer.startswith(b"HTTP/1.1 200"), method
    assert [(r.method, r.target) for r in capture_server.store] == [
        (m, f"/any/{i}/path") for i, m in enumerate(METHODS)
    ]


async def test_gzip_body_is_stored_compressed_as_sent(capture_server):
    original = b'{"zipped": true}' * 100
    compressed = gzip.compress(original)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            capture_server.url + "/gz",
            data=compressed,
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        ) as response,
    ):
        assert response.status == 200
    [captured] = list(capture_server.store)
    assert captured.body == compressed


async def test_chunked_body_is_reassembled_byte_exact(capture_server):
    raw = (
        b"POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    )
    answer = await send_raw(capture_server.port, raw)
    assert answer.startswith(b"HTTP/1.1 200")
    assert [r.body for r in capture_server.store] == [b"hello world"]


async def test_body_over_the_limit_gets_413_and_is_listed_as_rejected(capture_server):
    too_big = b"x" * (1024 * 1024 + 1)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            capture_server.url + "/big", data=too_big, headers={"X-Kept": "yes"}
        ) as response,
    ):
        assert response.status == 413
    [captured] = list(capture_server.store)
    assert captured.rejected
    assert captured.body == b""
    assert captured.declared_length == len(too_big)
    assert captured.header("x-kept") == "yes"
    # The server is still fine afterwards.
    async with aiohttp.ClientSession() as session:
        async with session.post(capture_server.url + "/after", data=b"ok") as response:
            assert response.status == 200
    assert [r.target for r in capture_server.store] == ["/big", "/after"]


async def test_chunked_body_over_the_limit_is_rejected_without_content_length(capture_server):
    async def chunks():
        for _ in range(20):
            yield b"y" * 65536

    async with aiohttp.ClientSession() as session:
        async with session.post(capture_server.url + "/stream", data=chunks()) as response:
            assert response.status == 413
    [captured] = list(capture_server.store)
    assert captured.rejected and captured.target == "/stream"


async def test_body_just_under_the_limit_is_accepted_whole(capture_server):
    body = bytes(range(256)) * 4096  # exactly 1 MiB, aiohttp's own default would refuse it
    async with aiohttp.ClientSession() as session:
        async with session.put(capture_server.url + "/edge", data=body) as response:
            assert response.status == 200
    assert [r.body for r in capture_server.store] == [body]


async def test_expect_100_continue_is_answered_and_body_captured(capture_server):
    reader, writer = await asyncio.open_connection("127.0.0.1", capture_server.port)
    writer.write(
        b"POST /expect HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"
    )
    await writer.drain()
    interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    assert interim.startswith(b"HTTP/1.1 100")
    writer.write(b"data")
    final = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    writer.close()
    assert final.startswith(b"HTTP/1.1 200")
    assert [r.body for r in capture_server.store] == [b"data"]


header_names = st.from_regex(r"\A[A-Za-z][A-Za-z0-9\-]{0,20}\Z").filter(
    lambda n: (
        n.lower()
        not in (
            "content-length",
            "transfer-encoding",
            "host",
            "expect",
            "content-encoding",
            "connection",
            "upgrade",
        )
    )
)
header_values = st.from_regex(r"\A[\x21-\x7e]([\x20-\x7e]{0,40}[\x21-\x7e])?\Z")
targets = st.from_regex(r"\A/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,40}(\?[A-Za-z0-9=&%._-]{0,30})?\Z")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(METHODS),
    target=targets,
    headers=st.lists(st.tuples(header_names, header_values), max_size=12),
    body=st.binary(max_size=4096),
)
async def test_capture_is_byte_exact_for_any_request(capture_server, method, target, headers, body):
    capture_server.store.clear()
    head = f"{method} {target} HTTP/1.1\r\nHost: t\r\n".encode()
    for name, value in headers:
        head += f"{name}: {value}\r\n".encode()
    head += f"Content-Length: {len(body)}\r\n\r\n".encode()
    answer = await send_raw(capture_server.port, head + body)
    assert answer.startswith(b"HTTP/1.1 200")
    [captured] = list(capture_server.store)
    assert captured.method == method
    assert captured.target == target
    assert captured.body == body
    expected = [(b"Host", b"t")] + [(n.encode(), v.encode()) for n, v in headers]
    expected.append((b"Content-Length", str(len(body)).encode()))
    assert list(captured.raw_headers) == expected


async def test_paths_with_encoded_newlines_and_nul_are_captured(capture_server):
    # The route matches the decoded path; a "." pattern would stop at %0A and answer 404.
    for target in (b"/%0A", b"/a%0d%0Ab?x=%0A", b"/%00"):
        answer = await send_raw(
            capture_server.port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        assert answer.startswith(b"HTTP/1.1 200"), (target, answer)
    assert [r.target for r in capture_server.store] == ["/%0A", "/a%0d%0Ab?x=%0A", "/%00"]


def _atomic(value) -> bool:
    """Immutable data that cannot refer back to anything: no reference cycle can pass it."""
    if isinstance(value, tuple):
        return all(_atomic(item) for item in value)
    return value is None or type(value) in (int, float, bool, str, bytes)


async def test_stored_captures_hold_only_atomic_data_and_are_hidden_from_the_collector(
    capture_server, tmp_path
):
    # The store untracks captures from the cyclic garbage collector (a full collection
    # would walk all 100,000 of them). That is only safe while a capture cannot be part of
    # a reference cycle: every field must be atomic. Checked on what the real server
    # stores (a rejected one too), and on what a HAR file loads.
    await send_raw(
        capture_server.port,
        b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Dup: 1\r\nX-Dup: 2\r\nContent-Length: 3\r\n\r\nabc",
    )
    await send_raw(
        capture_server.port,
        b"POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\nConnection: close\r\n\r\n",
    )
    stored = list(capture_server.store)
    assert len(stored) == 2 and stored[1].rejected
    path = tmp_path / "saved.har"
    path.write_text(json.dumps(to_har(stored, capture_server.url)))
    loaded = RequestStore()
    for request in load_har(path):
        loaded.add(request)
    for request in [*stored, *loaded]:
        for name in CapturedRequest.__slots__:
            assert _atomic(getattr(request, name)), (name, getattr(request, name))
        assert not gc.is_tracked(request)


def test_an_evicted_capture_is_freed_by_reference_counting():
    store = RequestStore(max_requests=1)
    first = CapturedRequest(1, 0.0, "127.0.0.1", "POST", "/1", (1, 1), ((b"A", b"b"),), b"x")
    store.add(first)
    store.add(CapturedRequest(2, 0.0, "127.0.0.1", "POST", "/2", (1, 1), (), b"y"))
    # Nothing but this test refers to it any more (the name and getrefcount's argument),
    # so dropping the name frees it without the collector, which no longer sees it.
    assert sys.getrefcount(first) == 2


async def small_limit_server(limit: int):
    store = RequestStore()
    sock = bind_socket("127.0.0.1", 0)
    runner = await start_server(build_server(store, max_body=limit), sock)
    return store, sock.getsockname()[1], runner


async def test_a_body_sent_whole_or_in_pieces_is_captured_exactly():
    # A body that arrives with its headers is taken from the parser's buffer; one still
    # coming (a slow sender, Expect, big uploads) is read as it arrives. Both keep every byte.
    store, port, runner = await small_limit_server(4096)
    body = bytes(range(256)) * 3
    head = b"POST /%s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
    chunked = b"POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    try:
        whole = await send_raw(port, head % (b"whole", len(body)) + body)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head % (b"pieces", len(body)))
        await writer.drain()
        await asyncio.sleep(0.05)  # the handler is waiting for the body by now (or not: either way)
        for start in range(0, len(body), 100):
            writer.write(body[start : start + 100])
            await writer.drain()
        pieces = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        writer.close()
        in_chunks = await send_raw(port, chunked + b"300\r\n" + body + b"\r\n0\r\n\r\n")
    finally:
        await runner.cleanup()
    assert [whole[:15], pieces[:15], in_chunks[:15]] == [b"HTTP/1.1 200 OK"] * 3
    assert [(r.target, r.body) for r in store] == [
        ("/whole", body),
        ("/pieces", body),
        ("/chunked", body),
    ]


async def test_a_chunked_body_over_the_limit_that_came_whole_is_rejected():
    # No Content-Length announced it: the limit is checked on the body itself, also when it
    # arrived in one piece with the headers.
    store, port, runner = await small_limit_server(1000)
    body = b"z" * 1001
    request = (
        b"POST /over HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    )
    try:
        over = await send_raw(port, request)
        at_limit = await send_raw(port, request.replace(b"3e9\r\n" + body, b"3e8\r\n" + body[1:]))
    finally:
        await runner.cleanup()
    assert over.startswith(b"HTTP/1.1 413")
    assert at_limit.startswith(b"HTTP/1.1 200")
    first, second = store
    assert first.rejected and first.body == b"" and first.target == "/over"
    assert not second.rejected and second.body == body[1:]


async def test_a_parser_refusal_is_a_rejection_without_a_logged_traceback_but_a_bug_is_logged(
    caplog,
):
    # Python prints aiohttp's ERROR records (with their tracebacks) on stderr when nothing
    # configured logging: a hostile sender's bytes must not do that, its rejection is the one
    # line. An exception in the handler is a bug of ours, and keeps its traceback.
    async def handler(request: web.BaseRequest) -> web.Response:
        raise RuntimeError("a bug in the capture handler")

    caplog.set_level(logging.DEBUG, logger="aiohttp.server")
    rejections = Rejections()
    sock = bind_socket("127.0.0.1", 0)
    runner = await start_server(CaptureServer(handler, 1024, set(), rejections), sock)
    port = sock.getsockname()[1]
    try:
        for raw in (
            b"GET /h HTTP/1.1\r\nHost: x\r\nX-Evil: a\x1b]0;pwn\x07b\r\n\r\n",
            b"GET /h\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
        ):
            assert (await send_raw(port, raw)).split(b" ")[1] == b"400"
        assert rejections.total == 2
        assert not any(r.internal for r in rejections.recent)
        assert [r for r in caplog.records if r.name == "aiohttp.server"] == []
        assert (await send_raw(port, b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")).split(b" ")[1] == (
            b"500"
        )
    finally:
        await runner.cleanup()
    # Our bug is a rejection too (the request was not captured), but told as ours.
    bug = rejections.last
    assert bug is not None and bug.status == 500 and bug.internal
    assert bug.cause().startswith("an error inside whisper-tui")
    [logged] = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert logged.levelno == logging.ERROR and logged.exc_info is not None
    assert isinstance(logged.exc_info[1], RuntimeError)


# -- a HAR entry's response is what the sender got ------------------------------------------------


def _client_saw(
    response: aiohttp.ClientResponse, body: bytes, clock: tuple[bytes, ...] = (b"date", b"server")
) -> tuple[Any, ...]:
    # Date and Server written by whisper-tui are the clock and aiohttp's version: HAR entries
    # leave them out (a relayed answer's own are kept).
    headers = [
        (n.decode("latin-1"), v.decode("latin-1"))
        for n, v in response.raw_headers
        if n.lower() not in clock
    ]
    return response.status, response.reason, headers, body


def _har_said(entry: dict[str, Any]) -> tuple[Any, ...]:
    response = entry["response"]
    content = response["content"]
    text = content.get("text", "")
    body = base64.b64decode(text) if content.get("encoding") == "base64" else text.encode()
    assert content["size"] == len(body)
    headers = [(h["name"], h["value"]) for h in response["headers"]]
    assert content["mimeType"] == dict((n.lower(), v) for n, v in headers).get("content-type", "")
    return response["status"], response["statusText"], headers, body


async def _answers_in_har(store: RequestStore, sent: list[tuple[Any, ...]], tmp_path: Any) -> None:
    """Each capture's HAR entry (the dict, the fast line, and after a --load round trip) says
    what its sender got."""
    captures = list(store)
    assert len(captures) == len(sent)
    document = to_har(captures, "http://127.0.0.1:1")
    lines = [json.loads(entry_bytes(c, "http://127.0.0.1:1")) for c in captures]
    path = tmp_path / "answers.har"
    save_har(path, captures, "http://127.0.0.1:1")
    loaded = load_har(path)
    assert loaded == captures
    again = to_har(loaded, "http://127.0.0.1:1")
    for entry, line, reloaded, got in zip(
        document["log"]["entries"], lines, again["log"]["entries"], sent, strict=True
    ):
        assert _har_said(entry) == got
        assert _har_said(line) == got
        assert _har_said(reloaded) == got


async def test_har_entries_hold_the_usual_ack_a_rule_and_a_413_as_the_client_got_them(
    tmp_path,
):
    store = RequestStore()
    sock = bind_socket("127.0.0.1", 0)
    rules = [
        parse_rule("POST /rule 429 header=Retry-After:30 header=X-A:1 body='{\"slow\": true}'"),
        parse_rule("POST /status 503"),
    ]
    runner = await start_server(
        build_server(store, max_body=64, policy=ResponsePolicy(rules=rules)), sock
    )
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sent = []
    try:
        async with aiohttp.ClientSession() as session:
            for path, body, headers in [
                ("/usual", b"{}", {}),
                ("/usual", b"x", {"Connection": "close"}),
                ("/rule", b"{}", {}),
                ("/status", b"{}", {}),
                ("/big", b"x" * 100, {}),
            ]:
                async with session.post(url + path, data=body, headers=headers) as response:
                    sent.append(_client_saw(response, await response.read()))
    finally:
        await runner.cleanup()
    assert [s[0] for s in sent] == [200, 200, 429, 503, 413]
    assert store[0].answer is None  # the usual ack costs the capture nothing
    await _answers_in_har(store, sent, tmp_path)


async def test_a_relayed_answer_is_in_the_har_entry_as_the_client_got_it(tmp_path):
    async def target(request: web.BaseRequest) -> web.Response:
        return web.Response(
            status=202,
            reason="Taken In",
            headers={"X-Target": "yes", "Content-Type": "application/octet-stream"},
            body=b"\x00\xffbinary",
        )

    app_server = web.Server(target)
    app_runner = web.ServerRunner(app_server)
    await app_runner.setup()
    app_sock = bind_socket("127.0.0.1", 0)
    await web.SockSite(app_runner, app_sock).start()
    store = RequestStore()
    sock = bind_socket("127.0.0.1", 0)
    sender = Sender(timeout=2)
    forward = Forwarding(f"http://127.0.0.1:{app_sock.getsockname()[1]}", sender, True)
    runner = await start_server(build_server(store, 1 << 20, forward=forward), sock)
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
            async with session.post(url, data=b"{}") as response:
                sent = [_client_saw(response, await response.read(), clock=())]
    finally:
        await runner.cleanup()
        await sender.close()
        await app_runner.cleanup()
    assert sent[0][:2] == (202, "Taken In")
    await _answers_in_har(store, sent, tmp_path)


async def test_a_delayed_answer_is_on_its_capture_before_it_is_sent_as_it_will_be_sent(tmp_path):
    # A capture is listed (and may be saved) while its sender waits out a rule's delay: what
    # the capture says then is what the sender gets.
    store = RequestStore()
    sock = bind_socket("127.0.0.1", 0)
    rules = [
        parse_rule("POST /slow 202 0.3s header=X-Slow:yes body=later"),
        parse_rule("POST /plain 200 0.3s"),
        # No body for these (nor Content-Length for a 204): a save during the delay wrote the
        # usual ack's body, which the sender never got.
        parse_rule("POST /none 204 0.3s"),
        parse_rule("HEAD /head 200 0.3s"),
    ]
    policy = ResponsePolicy(rules=rules)
    runner = await start_server(build_server(store, 1 << 20, policy=policy), sock)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    before, sent = [], []
    try:
        async with aiohttp.ClientSession() as session:
            for method, path, headers in [
                ("POST", "/slow", {}),
                ("POST", "/slow", {"Connection": "close"}),
                ("POST", "/plain", {"Connection": "close"}),
                ("POST", "/none", {}),
                ("HEAD", "/head", {}),
            ]:
                count = len(store)

                async def post(method=method, path=path, headers=headers) -> tuple[Any, ...]:
                    data = b"{}" if method == "POST" else None
                    async with session.request(
                        method, url + path, data=data, headers=headers
                    ) as response:
                        return _client_saw(response, await response.read())

                task = asyncio.create_task(post())
                while len(store) == count:
                    await asyncio.sleep(0.01)
                before.append(store[count].answer)
                sent.append(await task)
    finally:
        await runner.cleanup()
    assert before == [c.answer for c in store]
    assert before[2] is not None  # the ack with Connection: close is kept
    await _answers_in_har(store, sent, tmp_path)
