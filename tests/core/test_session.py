"""A Session as the TUI, headless mode and tests drive it: real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import json

import aiohttp
import pytest
from aiohttp import web
from twilio.request_validator import RequestValidator

from tests.core.signatures.sdk_cases import capture
from tests.helpers import HeldApp, serving
from whisper_tui.core.answers import STOPPED_FORWARD
from whisper_tui.core.har import load_har, save_har
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.session import Session
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.core.tunnels import Tunnel, TunnelError, parse_tunnel
from whisper_tui.core.tunnels import register as register_tunnel
from whisper_tui.core.tunnels import unregister as unregister_tunnel

pytestmark = pytest.mark.both_loops  # async tests run on asyncio's loop and on uvloop


async def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> int:
    async with aiohttp.ClientSession() as client:
        async with client.post(url, data=body, headers=headers or {}) as response:
            await response.read()
            return response.status


@pytest.fixture
async def downstream():
    """A real app that records what it receives, as a replay target."""
    received: list[tuple[str, str, bytes, list[tuple[str, str]]]] = []

    async def handler(request: web.BaseRequest) -> web.Response:
        received.append(
            (request.method, request.path_qs, await request.read(), [*request.headers.items()])
        )
        return web.Response(text="thanks")

    async with serving(handler) as url:
        yield url, received


async def test_a_started_session_captures_and_stop_closes_the_port():
    session = Session(Settings(port=0))
    await session.start()
    try:
        assert session.listening
        assert session.port != 0
        assert await post(f"{session.base_url}/hooks/a?x=1", b'{"n":1}') == 200
        assert [c.target for c in session.store] == ["/hooks/a?x=1"]
        assert session.store[0].body == b'{"n":1}'
        assert session.status_text() == "1 request"
    finally:
        await session.stop()
    assert not session.listening
    with pytest.raises(aiohttp.ClientConnectionError):
        await post(f"{session.base_url}/again", b"")


async def test_status_text_names_forwarding_and_the_answer_mode():
    settings = Settings(port=0, forward_url="http://127.0.0.1:9", relay_response=True)
    session = Session(settings)
    assert session.status_text() == (
        "0 requests   forwarding to http://127.0.0.1:9 (relaying answers)"
    )
    session.policy.cycle_mode()
    assert session.status_text().endswith("answering 500 to everything")


async def test_status_text_masks_the_forward_url_s_password():
    settings = Settings(port=0, forward_url="http://admin:hunter2pass@127.0.0.1:9")
    assert (
        Session(settings).status_text() == "0 requests   forwarding to http://admin:***@127.0.0.1:9"
    )


async def test_a_public_url_given_by_hand_is_in_the_status_line():
    # As a tunnel's URL is: it is what gets pasted into the provider's dashboard.
    session = Session(Settings(port=0, public_url="https://hooks.example.com"))
    assert session.status_text() == "0 requests   public https://hooks.example.com"
    assert Session(Settings(port=0)).status_text() == "0 requests"


async def test_a_public_url_s_password_is_masked_in_the_startup_note():
    session = Session(Settings(port=0, public_url="https://u:hunter2@hooks.example.com"))
    assert session.public_note() == " (public: https://u:***@hooks.example.com)"


async def test_stop_completes_the_save_with_every_capture(tmp_path):
    har = tmp_path / "out.har"
    session = Session(Settings(port=0, save_path=str(har)))
    await session.start()
    for n in range(3):
        await post(f"{session.base_url}/n/{n}", bytes([n, 255]))
    await session.stop()
    loaded = list(load_har(har))
    assert [c.target for c in loaded] == ["/n/0", "/n/1", "/n/2"]
    assert [c.body for c in loaded] == [b"\x00\xff", b"\x01\xff", b"\x02\xff"]


async def test_a_relayed_forward_the_stop_cuts_short_is_saved_as_a_503_and_a_failed_forward(
    tmp_path,
):
    # --relay-response with --save, stopped while the app still works on the delivery: the
    # HAR says what the sender got (503, not the 502 'timed out' of a stop that waited out
    # the forward's timeout) and that the forward failed because whisper-tui stopped.
    held = HeldApp()

    har = tmp_path / "out.har"
    async with serving(held.handler) as app_url:
        settings = Settings(port=0, forward_url=app_url, relay_response=True, save_path=str(har))
        session = Session(settings)
        await session.start()
        sent = asyncio.create_task(post(f"{session.base_url}/slow", b"a=1"))
        await asyncio.wait_for(held.reached.wait(), 10)
        await asyncio.wait_for(session.stop(), 30)
        held.released.set()
        assert await asyncio.wait_for(sent, 30) == 503
    [entry] = json.loads(har.read_text())["log"]["entries"]
    assert entry["response"]["status"] == 503
    [attempt] = entry["_attempts"]
    assert attempt["kind"] == "forward" and attempt["error"] == STOPPED_FORWARD
    assert attempt["request"]["url"] == f"{app_url}/slow" and attempt["response"]["status"] == 0


async def test_previous_delivery_is_the_newest_earlier_one_to_the_same_method_and_path():
    session = Session(Settings(port=0))
    await session.start()
    try:
        for path in ("/a", "/b", "/a?v=2", "/a"):
            await post(session.base_url + path, b"x")
    finally:
        await session.stop()
    first_a, b, second_a, third_a = list(session.store)
    assert session.previous_delivery(third_a) is second_a  # query strings don't matter
    assert session.previous_delivery(second_a) is first_a
    assert session.previous_delivery(b) is None
    assert session.previous_delivery(first_a) is None


async def test_previous_delivery_of_a_retry_is_the_arrival_it_repeats_even_elsewhere():
    session = Session(Settings(port=0))
    await session.start()
    retry = {"X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958"}
    try:
        await post(session.base_url + "/hooks/github", b"1", retry)
        await post(session.base_url + "/hooks/github", b"other", {"X-GitHub-Delivery": "other"})
        # The same delivery retried to another path (a changed webhook URL) is still its retry.
        await post(session.base_url + "/hooks/gh", b"2", retry)
        await post(session.base_url + "/hooks/github", b"3", retry)
    finally:
        await session.stop()
    first, other, second, third = list(session.store)
    assert session.previous_delivery(third) is second  # not `other`, the newer same-path one
    assert session.previous_delivery(second) is first
    # The first arrival has none before it: the same method and path rule applies.
    assert session.previous_delivery(other) is first
    assert session.previous_delivery(first) is None
    session.store.remove(second.id)
    assert session.previous_delivery(third) is first  # a deleted arrival is skipped


def test_previous_delivery_is_the_latest_received_before_not_the_nearest_lower_id():
    # --load numbers a file's captures after the live ones: ids 3 and 4 arrived yesterday.
    def to_a(capture_id: int, received_at: float) -> CapturedRequest:
        return CapturedRequest(capture_id, received_at, "127.0.0.1", "POST", "/a", (1, 1), (), b"")

    store = RequestStore()
    today, yesterday = 1_764_100_000.0, 1_764_000_000.0
    live_1, live_2 = to_a(1, today), to_a(2, today + 1)
    store.add(live_1)
    store.add(live_2)
    loaded_3, loaded_4 = to_a(3, yesterday), to_a(4, yesterday + 1)
    store.add_loaded([loaded_3, loaded_4])
    session = Session(Settings(port=0), store=store)
    assert session.previous_delivery(loaded_3) is None  # not live_2, a day newer
    assert session.previous_delivery(loaded_4) is loaded_3
    assert session.previous_delivery(live_1) is loaded_4  # the higher id arrived earlier
    assert session.previous_delivery(live_2) is live_1
    # Received in the same instant (a clock's resolution): the lower id is the earlier.
    same_instant = to_a(5, today + 1)
    store.add(same_instant)
    assert session.previous_delivery(same_instant) is live_2
    assert session.previous_delivery(live_2) is live_1


async def test_replay_sends_the_stored_bytes_and_keeps_the_attempt(downstream):
    url, received = downstream
    session = Session(Settings(port=0))
    await session.start()
    try:
        await post(f"{session.base_url}/hooks/x?a=1", b"\x00raw\xff", {"X-Dup": "1"})
        capture = session.store[0]
        attempt = await session.replay(capture, url)
    finally:
        await session.stop()
    assert attempt.status == 200 and attempt.error is None
    assert received[0][:3] == ("POST", "/hooks/x?a=1", b"\x00raw\xff")
    assert session.store.attempts(capture.id) == [attempt]


async def test_an_edited_copy_is_re_signed_when_the_secret_is_known(downstream):
    url, received = downstream
    secret = "It's a Secret to Everybody"
    session = Session(Settings(port=0, secrets=(("github", secret),)))
    await session.start()
    try:
        body = b'{"zen":"old"}'
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        await post(f"{session.base_url}/gh", body, {"X-Hub-Signature-256": signature})
        capture = session.store[0]
        assert session.signing_scheme(capture) == "github"
        new_body = json.dumps({"zen": "new"}).encode()
        headers = [("X-Hub-Signature-256", signature), ("Content-Type", "application/json")]
        copy = session.edited_copy(
            capture,
            method="POST",
            url=f"{url}/gh",
            headers=headers,
            body=new_body,
            changes=["body"],
            resign=True,
        )
        kept = session.edited_copy(
            capture,
            method="POST",
            url=f"{url}/gh",
            headers=headers,
            body=new_body,
            changes=[],
            resign=False,
        )
        attempt = await session.replay(capture, copy.url, edited=copy)
    finally:
        await session.stop()
    expected = "sha256=" + hmac.new(secret.encode(), new_body, hashlib.sha256).hexdigest()
    assert dict(copy.headers)["X-Hub-Signature-256"] == expected
    assert copy.notes == ["edited: body", "re-signed (github)"]  # GitHub signs no timestamp
    assert kept.notes == ["not edited", "original signature kept (github)"]
    assert dict(kept.headers)["X-Hub-Signature-256"] == signature
    assert received[0][2] == new_body
    assert ("X-Hub-Signature-256", expected) in received[0][3]
    assert attempt.notes == copy.notes


async def test_no_scheme_to_re_sign_without_a_secret_for_it():
    session = Session(Settings(port=0))
    await session.start()
    try:
        await post(f"{session.base_url}/gh", b"{}", {"X-Hub-Signature-256": "sha256=00"})
    finally:
        await session.stop()
    capture = session.store[0]
    assert session.signing_scheme(capture) is None
    copy = session.edited_copy(
        capture, method="POST", url="http://x/", headers=[], body=b"", changes=[], resign=True
    )
    assert copy.notes == ["not edited"]


async def test_a_session_that_does_not_serve_keeps_a_prepared_store():
    session = Session(Settings(port=8080))
    await session.start(serve=False)
    assert not session.listening
    assert session.base_url == "http://127.0.0.1:8080"
    await session.stop()


async def test_the_store_given_is_the_one_filled_even_when_it_starts_empty():
    store = RequestStore()
    seen = []
    store.subscribe(seen.append)
    session = Session(Settings(port=0), store=store)
    await session.start()
    try:
        await post(f"{session.base_url}/first", b"")
    finally:
        await session.stop()
    assert session.store is store
    assert [c.target for c in seen] == ["/first"]


def _twilio_capture(token: str):  # type: ignore[no-untyped-def]
    """A Twilio form post as signed for some other URL (the capture's own is stale anyway)."""
    body = b"Body=hi&From=%2B1555"
    signature = RequestValidator(token).compute_signature(
        "https://old.example/hooks/sms", {"Body": "hi", "From": "+1555"}
    )
    headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("X-Twilio-Signature", signature),
    ]
    return capture(headers, body, at=0.0, target="/hooks/sms"), headers, body


@pytest.mark.parametrize(
    ("public_url", "signed_for"),
    [
        ("https://pub.example/", "https://pub.example/hooks/sms?x=1"),
        (None, "http://127.0.0.1:3000/hooks/sms?x=1"),
    ],
)
def test_re_signing_twilio_signs_the_url_the_receiving_app_checks(public_url, signed_for):
    token = "0123456789abcdef0123456789abcdef"
    session = Session(Settings(port=0, secrets=(("twilio", token),), public_url=public_url))
    request, headers, body = _twilio_capture(token)
    copy = session.edited_copy(
        request,
        method="POST",
        url="http://127.0.0.1:3000/hooks/sms?x=1",
        headers=headers,
        body=body,
        changes=[],
        resign=True,
    )
    assert copy.notes == ["not edited", f"re-signed (twilio) for {signed_for}"]
    signature = dict(copy.headers)["X-Twilio-Signature"]
    params = {"Body": "hi", "From": "+1555"}
    assert RequestValidator(token).validate(signed_for, params, signature)


def test_re_signing_a_timestamped_scheme_says_the_timestamp_is_fresh():
    session = Session(Settings(port=0, secrets=(("slack", "s3cret"),)))
    headers = [("X-Slack-Request-Timestamp", "1"), ("X-Slack-Signature", "v0=00")]
    request = capture(headers, b"{}", at=0.0)
    copy = session.edited_copy(
        request,
        method="POST",
        url="http://x/",
        headers=headers,
        body=b"{}",
        changes=[],
        resign=True,
    )
    assert copy.notes[-1] == "re-signed (slack) with a fresh timestamp"


def test_a_copy_that_cannot_be_signed_raises_one_line_without_the_secret():
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    session = Session(Settings(port=0, secrets=(("standard", secret),)))
    headers = [("svix-id", "msg_1"), ("svix-timestamp", "1"), ("svix-signature", "v1,AA==")]
    request = capture(headers, b"{}", at=0.0)
    edited = [h for h in headers if h[0] != "svix-id"]  # the id line deleted in the editor
    with pytest.raises(ValueError) as raised:
        session.edited_copy(
            request,
            method="POST",
            url="http://x/",
            headers=edited,
            body=b"{}",
            changes=[],
            resign=True,
        )
    message = str(raised.value)
    assert message == "standard signing needs a message id: no svix-id header given"
    assert "\n" not in message and "MfKQ9r8" not in message


# -- --tunnel: the session owns it; its URL is the public URL unless --public-url is given -----


class _FixedTunnel(Tunnel):
    """A tunnel kind for these tests: comes up at once at the URL in its argument."""

    kind = "test-fixed"
    usage = "test-fixed:URL"

    @classmethod
    def check_argument(cls, argument: str) -> None:
        pass

    async def connect_once(self) -> None:
        if self.argument == "fail":
            raise TunnelError("no such thing here")
        self.announce(self.argument)
        await asyncio.Event().wait()


@pytest.fixture
def fixed_tunnel():
    register_tunnel(_FixedTunnel)
    yield
    unregister_tunnel("test-fixed")


async def _tunnel_session(fixed_tunnel_url: str, **settings) -> Session:  # type: ignore[no-untyped-def]
    spec = parse_tunnel(f"test-fixed:{fixed_tunnel_url}")
    session = Session(Settings(port=0, tunnel=spec, **settings))
    await session.start()
    for _ in range(200):
        if session.tunnel is not None and session.tunnel.state != "starting":
            break
        await asyncio.sleep(0.01)
    return session


async def test_the_tunnel_url_is_shown_and_is_the_public_url(fixed_tunnel):
    session = await _tunnel_session("https://pub.example")
    try:
        assert session.public_url == "https://pub.example"
        assert session.status_text() == "0 requests   public https://pub.example"
        assert session.public_note() == " (public: https://pub.example)"
    finally:
        await session.stop()
    assert session.tunnel is not None and session.tunnel.state == "stopped"


async def test_a_given_public_url_wins_over_the_tunnel(fixed_tunnel):
    session = await _tunnel_session("https://tunnel.example", public_url="https://mine.example")
    try:
        assert session.public_url == "https://mine.example"
        assert session.verdicts.settings.public_url == "https://mine.example"
    finally:
        await session.stop()


async def test_twilio_verdicts_and_re_signing_use_the_tunnel_url(fixed_tunnel):
    token = "0123456789abcdef0123456789abcdef"
    session = await _tunnel_session("https://old.example", secrets=(("twilio", token),))
    try:
        request, headers, body = _twilio_capture(token)  # signed for https://old.example/hooks/sms
        assert [v.status for v in session.verdicts.for_request(request)] == ["verified"]
        copy = session.edited_copy(
            request,
            method="POST",
            url="http://127.0.0.1:3000/hooks/sms",
            headers=headers,
            body=body,
            changes=[],
            resign=True,
        )
        assert copy.notes[-1] == "re-signed (twilio) for https://old.example/hooks/sms"
    finally:
        await session.stop()


async def test_a_failed_tunnel_is_reported_and_capture_goes_on(fixed_tunnel):
    session = await _tunnel_session("fail")
    told: list[str] = []
    session.watch_tunnel(told.append)
    try:
        assert told == ["tunnel test-fixed failed: no such thing here"]
        assert await post(f"{session.base_url}/still", b"x") == 200
        assert session.status_text() == "1 request   tunnel test-fixed failed: no such thing here"
        assert session.public_url is None
    finally:
        await session.stop()


async def test_no_tunnel_is_started_without_serving(fixed_tunnel):
    session = Session(Settings(port=0, tunnel=parse_tunnel("test-fixed:https://x.example")))
    await session.start(serve=False)
    await session.stop()
    assert session.tunnel is None


async def test_session_delivery_numbers_the_arrivals_of_one_delivery():
    session = Session(Settings(port=0))
    await session.start()
    try:
        headers = {"X-GitHub-Delivery": "72d3162e", "X-GitHub-Event": "push"}
        for _ in range(2):
            assert await post(session.base_url + "/gh", b"{}", headers) == 200
        await post(session.base_url + "/plain", b"{}")
        first, second, plain = list(session.store)
        assert session.delivery(second).seen == 2
        assert session.delivery(second).window == (first.id, second.id)
        assert session.delivery(plain) is None
    finally:
        await session.stop()


async def test_a_held_start_binds_at_once_and_serves_what_waited_once_released():
    # The TUI holds the start until its first frame is out: the port is known and a sender's
    # connect succeeds at once (the kernel queues it), and it is answered once released.
    session = Session(Settings(port=0))
    await session.start(hold=True)
    try:
        assert session.port != 0
        assert not session.listening
        reader, writer = await asyncio.open_connection("127.0.0.1", session.port)
        writer.write(b"POST /held HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
        await writer.drain()
        assert len(session.store) == 0
        session.release()
        await session.until_started()
        assert session.listening
        answer = await asyncio.wait_for(reader.readline(), 10)
        assert answer.startswith(b"HTTP/1.1 200")
        assert [(c.target, c.body) for c in session.store] == [("/held", b"hi")]
        writer.close()
    finally:
        await session.stop()


async def test_a_held_start_with_load_serves_once_the_loaded_captures_are_shown(tmp_path):
    # The TUI draws the whole --load before the server's start (aiohttp's import, on the
    # loop) can delay that frame: released, then loaded, it still waits for loaded_shown().
    path = tmp_path / "held.har"
    captured = CapturedRequest(1, 1.0, "127.0.0.1:1", "POST", "/old", (1, 1), (), b"x")
    save_har(path, [captured], "http://127.0.0.1:8080")
    session = Session(Settings(port=0, load_paths=(str(path),)))
    await session.start(hold=True)
    try:
        session.release()
        assert session.loading is not None
        await session.loading.wait()
        await asyncio.sleep(0.05)  # what would have started it has had its turns
        assert [c.target for c in session.store] == ["/old"]
        assert not session.listening
        session.loaded_shown()
        await session.until_started()
        assert session.listening
    finally:
        await session.stop()


async def test_quitting_before_a_held_start_was_released_closes_the_port():
    session = Session(Settings(port=0))
    await session.start(hold=True)
    port = session.port
    await session.stop()
    assert not session.listening
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)


def test_with_several_secrets_a_copy_is_re_signed_with_the_one_that_matched_and_all_masked():
    # A test-mode delivery's copy is signed as test mode was (its secret listed second); a
    # capture no secret matched is signed with the first.
    first, second = "the-secret-listed-first", "the-secret-listed-second"
    session = Session(Settings(port=0, secrets=(("github", first), ("github", second))))

    def signed(secret: str, body: bytes) -> str:
        return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()

    def resigned(request: CapturedRequest) -> str:
        copy = session.edited_copy(
            request,
            method="POST",
            url="http://127.0.0.1:9/gh",
            headers=list(request.headers),
            body=b"{}",
            changes=["body"],
            resign=True,
        )
        return dict(copy.headers)["X-Hub-Signature-256"]

    body = b'{"zen":"old"}'
    request = capture([("X-Hub-Signature-256", signed(second, body))], body, at=1_764_000_000)
    [verdict] = session.verdicts.for_request(request)
    assert (verdict.ok, verdict.reason) == (True, "with the 2nd of 2 github secrets")
    assert session.signing_scheme(request) == "github"
    assert resigned(request) == signed(second, b"{}")
    unknown = capture([("X-Hub-Signature-256", signed("another", body))], body, at=1_764_000_000)
    unknown = dataclasses.replace(unknown, id=2)  # verdicts are kept per capture id
    assert not session.verdicts.for_request(unknown)[0].ok
    assert resigned(unknown) == signed(first, b"{}")
    assert session.redactor.redact(f"{first} and {second}") == "*** and ***"
