"""The idempotency probe against real apps on 127.0.0.1: scripts/echo_app.py agrees with
itself, an app that counts does not, and a dead target is a failure, not a verdict."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import time
from pathlib import Path

import pytest
from aiohttp import web

from tests.helpers import send_raw, serving
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.probe import compare_answers, parse_times, probe
from whisper_tui.core.session import EditedCopy, Session
from whisper_tui.core.settings import Settings
from whisper_tui.core.signatures import sign

ECHO_APP = Path(__file__).resolve().parents[2] / "scripts" / "echo_app.py"
SECRET = "whsec_" + "c2VjcmV0LWtleS1mb3ItdGhlLXByb2JlLXRlc3Q="


def echo_app() -> web.Application:
    """scripts/echo_app.py's app itself: it answers with what it received."""
    spec = importlib.util.spec_from_file_location("echo_app", ECHO_APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app: web.Application = module.make_app(200)
    return app


def counting_app() -> web.Application:
    """Not idempotent: every delivery is processed again, and the answer says how often."""
    seen = {"count": 0}

    async def handler(request: web.Request) -> web.Response:
        await request.read()
        seen["count"] += 1
        return web.json_response({"processed": seen["count"]})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app


def conflict_app() -> web.Application:
    """Refuses a repeat with 409 the way some apps dedupe: same delivery, another status."""
    seen: set[str] = set()

    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        key = request.headers.get("webhook-id", "") + body.decode()
        status = 409 if key in seen else 200
        seen.add(key)
        return web.json_response({"ok": status == 200}, status=status)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app


@pytest.fixture
async def serve():
    """Start a real aiohttp app on 127.0.0.1; yields a function giving its base URL."""
    async with contextlib.AsyncExitStack() as running:

        async def start(app: web.Application) -> str:
            return await running.enter_async_context(serving(app))

        yield start


@pytest.fixture
async def session():
    """A listening session with one capture in it (signed with Standard Webhooks)."""
    running = Session(Settings(port=0, secrets=(("standard", SECRET),)))
    await running.start()
    yield running
    await running.stop()


async def capture(
    session: Session, headers: list[tuple[str, str]] | None = None
) -> CapturedRequest:
    body = b'{"type":"invoice.paid","data":{"id":"in_1"}}'
    lines = [("Content-Type", "application/json"), *(headers or [])]
    head = "POST /hooks/billing?x=1 HTTP/1.1\r\nHost: x\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in lines)
    head += f"Content-Length: {len(body)}\r\n\r\n"
    await send_raw(session.port, head.encode() + body)
    return session.store[len(session.store) - 1]


async def test_the_echo_app_answers_the_same_each_time_so_the_probe_says_agree(session, serve):
    url = await serve(echo_app())
    request = await capture(session)
    result = await probe(session, request, url)
    assert result.verdict == "agree", result.reasons
    assert result.summary().startswith("agree: 2 answers, 200")
    attempts = session.store.attempts(request.id)
    assert len(attempts) == 2 and attempts == result.attempts
    assert [a.sent_body for a in attempts] == [request.body, request.body]
    assert attempts[0].sent_headers == attempts[1].sent_headers
    assert attempts[0].target_url == f"{url}/hooks/billing?x=1"
    assert attempts[1].notes[0] == "idempotency probe, send 2 of 2"


async def test_an_app_that_processes_each_delivery_again_differs(session, serve):
    url = await serve(counting_app())
    request = await capture(session)
    result = await probe(session, request, url, times=3)
    assert result.verdict == "differ"
    assert result.reasons == [
        "body of send 2 differs from send 1",
        "body of send 3 differs from send 1",
    ]
    assert result.pair == (0, 1)
    assert [a.response_body for a in result.attempts] == [
        b'{"processed": 1}',
        b'{"processed": 2}',
        b'{"processed": 3}',
    ]


async def test_a_repeat_answered_with_another_status_differs_on_status(session, serve):
    url = await serve(conflict_app())
    request = await capture(session)
    result = await probe(session, request, url)
    assert result.verdict == "differ"
    assert result.reasons[0] == "status 200, then 409 (send 2)"
    assert result.summary() == "differ: status 200, then 409 (send 2)"


async def test_with_a_secret_each_send_is_re_signed_fresh_and_keeps_the_delivery_id(session, serve):
    url = await serve(echo_app())
    old = int(time.time()) - 3600
    original = sign(
        b'{"type":"invoice.paid","data":{"id":"in_1"}}',
        "standard",
        SECRET,
        [("webhook-id", "msg_probe_1")],
        timestamp=old,
    )
    request = await capture(session, original)
    result = await probe(session, request, url)
    assert "each send re-signed (standard) with a fresh timestamp, delivery id kept" in result.notes
    for attempt in result.attempts:
        sent = {n.decode(): v.decode() for n, v in attempt.sent_headers}
        assert sent["webhook-id"] == "msg_probe_1"
        fresh = int(sent["webhook-timestamp"])
        assert fresh > old
        expected = dict(
            sign(request.body, "standard", SECRET, [("webhook-id", "msg_probe_1")], fresh)
        )
        assert sent["webhook-signature"] == expected["webhook-signature"]
        assert sent["webhook-signature"] != dict(original)["webhook-signature"]
        assert attempt.sent_body == request.body


async def test_a_github_capture_is_said_re_signed_without_a_fresh_timestamp(serve):
    # GitHub signs no timestamp: the copies carry the same X-Hub-Signature-256, and the note
    # says what was done, as R's attempt does ("re-signed (github)").
    running = Session(Settings(port=0, secrets=(("github", "It's a Secret"),)))
    await running.start()
    try:
        url = await serve(echo_app())
        headers = sign(b'{"type":"invoice.paid","data":{"id":"in_1"}}', "github", "old", [])
        request = await capture(running, [("X-GitHub-Delivery", "72d3-0958"), *headers])
        result = await probe(running, request, url)
    finally:
        await running.stop()
    assert result.notes == ["each send re-signed (github), delivery id kept"]
    signatures = [dict(a.sent_headers)[b"X-Hub-Signature-256"] for a in result.attempts]
    assert signatures[0] == signatures[1] != dict(headers)["X-Hub-Signature-256"].encode()
    assert result.attempts[0].notes[-1] == "re-signed (github)"


async def test_a_target_that_is_down_is_a_failure_not_a_verdict(session):
    request = await capture(session)
    result = await probe(session, request, "http://127.0.0.1:9")
    assert result.verdict == "failed"
    assert result.reasons[0].startswith("send 1: connection refused")
    assert result.summary().startswith("failed: send 1: connection refused")


async def test_the_probe_stops_at_a_send_that_cannot_connect_not_one_left_unanswered(session):
    # 9 sends to a dead port recorded 9 refusals: nothing was delivered, nothing to compare.
    request = await capture(session)
    result = await probe(session, request, "http://127.0.0.1:9", times=9)
    assert len(result.attempts) == 1
    assert len(session.store.attempts(request.id)) == 1
    assert result.summary() == (
        "failed: send 1: connection refused to 127.0.0.1:9; stopped after send 1 of 9: "
        "nothing was delivered, so there is nothing to compare"
    )
    # A send that arrived but got no answer reached the app (which may have acted on it):
    # the probe goes on.
    arrived = []

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        arrived.append(await reader.readuntil(b"\r\n\r\n"))
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        result = await probe(session, request, f"http://127.0.0.1:{port}", times=3)
    finally:
        server.close()
        await server.wait_closed()
    assert len(result.attempts) == 3 and len(arrived) == 3
    assert result.verdict == "failed" and "stopped" not in result.summary()


def answer(status: int, body: bytes, *headers: tuple[bytes, bytes]) -> Attempt:
    return Attempt("http://app", 0.0, status=status, response_headers=headers, response_body=body)


def test_volatile_answer_headers_and_json_key_order_do_not_make_answers_differ():
    first = answer(
        200,
        b'{"a": 1, "b": 2}',
        (b"Date", b"Mon, 30 Nov 2026 10:00:00 GMT"),
        (b"Server", b"app/1"),
        (b"X-Request-Id", b"r1"),
        (b"Content-Length", b"16"),
    )
    second = answer(
        200,
        b'{"b":2,"a":1}',
        (b"Date", b"Mon, 30 Nov 2026 10:00:01 GMT"),
        (b"Server", b"app/2"),
        (b"X-Request-Id", b"r2"),
        (b"Content-Length", b"13"),
    )
    result = compare_answers(
        CapturedRequest(1, 0, "", "POST", "/", (1, 1), (), b""), "u", [first, second]
    )
    assert (result.verdict, result.reasons, result.notes) == ("agree", [], [])


def test_other_header_differences_are_noted_without_deciding_the_verdict():
    first = answer(200, b"ok", (b"X-Processed", b"yes"))
    second = answer(200, b"ok", (b"X-Processed", b"already"))
    result = compare_answers(
        CapturedRequest(1, 0, "", "POST", "/", (1, 1), (), b""), "u", [first, second]
    )
    assert result.verdict == "agree"
    assert result.notes == ["header x-processed differs in send 2 (not part of the verdict)"]


@pytest.mark.parametrize(("text", "times"), [("2", 2), (" 5 ", 5), ("20", 20)])
def test_parse_times_reads_a_count_of_sends(text, times):
    assert parse_times(text) == times


@pytest.mark.parametrize(
    ("text", "says"), [("1", "send 2 to 20 times"), ("21", "not 21"), ("two", "not a whole number")]
)
def test_parse_times_refuses_what_cannot_compare_or_is_a_load_test(text, says):
    with pytest.raises(ValueError, match=says):
        parse_times(text)


STRIPE_SECRET = "whsec_fixture_stripe_secret"


def counting_echo_app() -> web.Application:
    """Echoes the signature it got, and counts: not idempotent whatever it echoes."""
    seen = {"count": 0}

    async def handler(request: web.Request) -> web.Response:
        await request.read()
        seen["count"] += 1
        signature = request.headers.get("Stripe-Signature", "")
        return web.json_response({"signature": signature, "processed": seen["count"]})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app


async def sends_signed_a_second_apart(url: str) -> list[Attempt]:
    """Two sends of one Stripe capture to `app`, re-signed at t and t+1 as a probe whose
    sends straddle a second does (sign() reads the clock; here the timestamps are given)."""
    running = Session(Settings(port=0, secrets=(("stripe", STRIPE_SECRET),)))
    await running.start()
    try:
        request = await capture(running, sign(b"{}", "stripe", STRIPE_SECRET, [], 1714265330))
        attempts = []
        for timestamp in (1714265330, 1714265331):
            headers = sign(request.body, "stripe", STRIPE_SECRET, request.headers, timestamp)
            copy = EditedCopy(request.method, f"{url}/hooks", headers, request.body)
            attempts.append(await running.replay(request, url, edited=copy))
        return attempts
    finally:
        await running.stop()


async def test_an_echoed_signature_re_signed_a_second_later_is_not_the_apps_difference(serve):
    request = CapturedRequest(1, 0, "", "POST", "/", (1, 1), (), b"")
    url = await serve(echo_app())
    attempts = await sends_signed_a_second_apart(url)
    assert b"t=1714265331," in attempts[1].response_body
    result = compare_answers(request, url, attempts)
    assert (result.verdict, result.reasons) == ("agree", [])
    assert result.notes == [
        "the app echoed the signature headers each send was re-signed with: "
        "their values were not compared"
    ]
    # Only the echoed values are put back: an app that also counts still differs.
    url = await serve(counting_echo_app())
    result = compare_answers(request, url, await sends_signed_a_second_apart(url))
    assert result.reasons == ["body of send 2 differs from send 1"]
