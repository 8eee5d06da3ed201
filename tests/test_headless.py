"""Headless mode as a script would use it: its own process, stdout lines, --save on SIGINT."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from typing import IO

import aiohttp
import pytest
from aiohttp import web
from hypothesis import example, given
from hypothesis import strategies as st

from tests.children import sigint_as_in_a_terminal
from tests.helpers import EVENT_LOOPS, HeldApp, delivery_request, load_deliveries, send_raw, serving
from tests.ports import listening_port, reserved_port
from whisper_tui.core.answers import STOPPED_FORWARD
from whisper_tui.core.export import render_export
from whisper_tui.core.har import load_har, save_har, to_har
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.redaction import Redactor
from whisper_tui.core.session import Session
from whisper_tui.core.settings import Settings
from whisper_tui.core.signatures import SignatureSettings
from whisper_tui.core.store import RequestStore
from whisper_tui.core.verdicts import Verdicts
from whisper_tui.headless import ArrivalOrder, Line, human_line, json_line, serve_headless

BINARY = bytes(range(256)) * 12


def start(*args: str, loop: str = "auto") -> tuple[subprocess.Popen, int]:
    """Headless on a port of its choosing: the process, and the port once it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "whisper_tui", "--headless", "--port", "0", "--loop", loop, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=sigint_as_in_a_terminal,  # stop() sends it
    )
    return process, listening_port(process.pid)


async def deliver_three(port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        for method, path, body, kind in (
            ("POST", "/hooks/stripe", b'{"type":"invoice.paid"}', "application/json"),
            ("PUT", "/upload?name=blob", BINARY, "application/octet-stream"),
            ("GET", "/health?x=1", b"", ""),
        ):
            headers = {"Content-Type": kind} if kind else {}
            data = body or None  # no body: aiohttp then adds no Content-Type of its own
            async with session.request(method, base + path, data=data, headers=headers) as reply:
                assert reply.status == 200


def stop(process: subprocess.Popen) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    return out, err


@pytest.mark.parametrize("loop", EVENT_LOOPS)
def test_headless_prints_a_line_per_delivery_and_save_round_trips_bytes(tmp_path, loop):
    har = tmp_path / "out.har"
    process, port = start("--save", str(har), loop=loop)
    asyncio.run(deliver_three(port))
    out, err = stop(process)
    lines = out.strip().splitlines()
    assert len(lines) == 3
    assert " POST /hooks/stripe 23 B application/json 200" in lines[0]
    assert " PUT /upload?name=blob 3.1 KB application/octet-stream 200" in lines[1]
    assert " GET /health?x=1 0 B - 200" in lines[2]
    assert "saved 3 capture(s)" in err
    loaded = load_har(har)
    assert [(r.method, r.target) for r in loaded] == [
        ("POST", "/hooks/stripe"),
        ("PUT", "/upload?name=blob"),
        ("GET", "/health?x=1"),
    ]
    assert loaded[1].body == BINARY
    assert loaded[0].body == b'{"type":"invoice.paid"}'


def test_each_line_is_printed_while_capturing_not_only_at_exit():
    # Lines are flushed in batches under load; a lone delivery still shows at once.
    process, port = start()
    try:
        asyncio.run(deliver_three(port))
        lines = [process.stdout.readline() for _ in range(3)]
        assert " POST /hooks/stripe " in lines[0]
        assert " GET /health?x=1 " in lines[2]
    finally:
        stop(process)


async def send_refused_then_good(port: int) -> None:
    for raw in (
        b"POST /hooks HTTP/1.1\r\nHost: x\r\nX-Evil: a\x1b[2Jb\r\nContent-Length: 0\r\n\r\n",
        b"GET /h\x01 HTTP/1.1\r\nHost: x\r\n\r\n",  # a control byte in the path
    ):
        assert (await send_raw(port, raw)).split(b" ")[1] == b"400"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/good", data=b"{}") as reply:
            assert reply.status == 200


@pytest.mark.parametrize("as_json", [False, True])
def test_a_request_the_parser_refuses_is_told_on_stderr_not_stdout(as_json):
    process, port = start(*(["--json"] if as_json else []))
    asyncio.run(send_refused_then_good(port))
    out, err = stop(process)
    assert len(out.strip().splitlines()) == 1 and "/good" in out  # stdout: captures only
    # stderr: one line per refusal, nothing else (no aiohttp traceback after it)
    [listening, header, path] = err.splitlines()
    assert listening.startswith("whisper-tui: listening on ")
    for refusal in (header, path):
        assert refusal.startswith("whisper-tui: rejected 400 from 127.0.0.1:")
        assert refusal.endswith(" (refused by the HTTP parser)")
    assert "Invalid header value char" in header and "\x1b" not in header
    assert "Invalid char in url path" in path and "\x01" not in path


def test_headless_json_lines_carry_headers_and_base64_for_binary():
    process, port = start("--json")
    asyncio.run(deliver_three(port))
    out, _ = stop(process)
    records = [json.loads(line) for line in out.strip().splitlines()]
    assert [r["method"] for r in records] == ["POST", "PUT", "GET"]
    assert records[1]["body_encoding"] == "base64"
    assert records[0]["body"] == '{"type":"invoice.paid"}'
    # Objects, as the JSON export and HAR write them, in arrival order.
    assert {"name": "Content-Type", "value": "application/json"} in records[0]["headers"]
    assert all(set(header) == {"name", "value"} for r in records for header in r["headers"])


def test_json_lines_write_headers_as_the_json_export_does():
    request = CapturedRequest(
        1,
        1_764_000_000.0,
        "127.0.0.1",
        "POST",
        "/h",
        (1, 1),
        (
            (b"X-Dup", b"1"),
            (b"x-dup", b"2"),
            (b"Content-Type", b"text/plain"),
            (b"X-User", "Zoë".encode()),
            (b"X-Legacy", b"\xff"),
        ),
        b"hi",
    )
    line = json.loads(json_line(request, Verdicts.from_settings(Settings())))
    exported = json.loads(render_export("json", [request], "http://h"))
    assert line["headers"] == exported["headers"]
    assert line["headers"][:2] == [{"name": "X-Dup", "value": "1"}, {"name": "x-dup", "value": "2"}]
    assert line["headers"][3:] == [
        {"name": "X-User", "value": "Zoë"},
        {"name": "X-Legacy", "value": "ÿ", "encoding": "latin-1"},
    ]


def test_a_host_beyond_loopback_is_warned_about_once_listening():
    # 0.0.0.0 includes loopback: start() sees it listening on 127.0.0.1.
    process, _ = start("--host", "0.0.0.0")
    listening = process.stderr.readline()  # SIGINT is handled from this line on
    warning = process.stderr.readline()
    stop(process)
    assert listening.startswith("whisper-tui: listening on http://0.0.0.0:")
    assert warning.startswith("whisper-tui: warning: listening on 0.0.0.0: captures (with any")


def test_loopback_gets_no_warning():
    process, _ = start()
    process.stderr.readline()
    _, err = stop(process)
    assert "warning" not in err


@pytest.mark.parametrize("as_json", [False, True])
def test_a_configured_secret_is_masked_in_every_line_printed(as_json):
    secret = "s3cret-token-4242"
    process, port = start("--secret", f"github={secret}", *(["--json"] if as_json else []))

    async def leak() -> None:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/hooks/{secret}?again={secret}"
            async with session.post(url, data=f"body {secret} body".encode()) as reply:
                assert reply.status == 200

    asyncio.run(leak())
    out, err = stop(process)
    [line] = out.splitlines()
    target = json.loads(line)["target"] if as_json else line.split()[2]
    assert target == "/hooks/***?again=***"
    if as_json:
        assert json.loads(line)["body"] == "body *** body"
    assert secret not in out + err


def test_json_lines_stay_valid_json_with_secrets_in_their_numbers_keys_and_escapes():
    # Masking ran on the finished line: a 12345-byte body under secret 12345 printed
    # `"size":***`, secrets 'name' and 'value' masked every header object's keys, and a
    # secret JSON escapes (non-ASCII, a quote) went out unmasked as `p\u00e4ssw\u00f6rd`.
    secrets = ("twilio=12345", "github=name", "stripe=value", "github=pässwörd-geheim")
    process, port = start("--json", *(f"--secret={secret}" for secret in secrets))
    body = 'x=pässwörd-geheim&q=say "hi"&v=value&'.encode()
    body += b"a" * (12345 - len(body))

    async def post() -> None:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/hooks/x"
            async with session.post(url, data=body, headers={"X-Note": "a name"}) as reply:
                assert reply.status == 200

    asyncio.run(post())
    out, err = stop(process)
    [line] = out.splitlines()
    record = json.loads(line)
    assert record["size"] == 12345
    assert record["body"].startswith('x=***&q=say "hi"&v=***&aaa')
    assert {"name": "X-Note", "value": "a ***"} in record["headers"]
    assert all(set(header) == {"name", "value"} for header in record["headers"])
    assert record["masked"] == ["headers", "body"]  # Content-Length: 12345 too
    for shown in (line, err):
        assert "pässwörd" not in shown and "p\\u00e4ssw\\u00f6rd" not in shown
    assert "the github secret is 4 characters long" in err


def test_a_json_line_without_secrets_says_nothing_was_masked():
    request = CapturedRequest(1, 1.0, "127.0.0.1", "POST", "/hooks/test", (1, 1), (), b"test")
    record = json.loads(json_line(request, Verdicts.from_settings(Settings())))
    assert record["masked"] == [] and record["body"] == "test"


def test_a_binary_answer_relayed_to_the_sender_is_masked_in_its_bytes_too():
    # --relay-response: the app's answer is the sender's, kept on the capture; not UTF-8, the
    # JSON line's answer carries it as base64, where a walk over string values sees nothing.
    secret = "relayedsecret-1234"
    answer = ("OK", ((b"Content-Type", b"application/octet-stream"),), b"\xff" + secret.encode())
    request = CapturedRequest(1, 1.0, "127.0.0.1", "POST", "/a", (1, 1), (), b"{}", answer=answer)
    verdicts = Verdicts.from_settings(Settings())
    record = json.loads(json_line(request, verdicts, redactor=Redactor([secret])))
    content = record["answer"]["content"]
    assert content["encoding"] == "base64"
    assert base64.b64decode(content["text"]) == b"\xff***"
    assert record["masked"] == ["answer"]
    unmasked = json.loads(json_line(request, verdicts))["answer"]["content"]
    assert base64.b64decode(unmasked["text"]) == b"\xff" + secret.encode()


def test_a_forward_url_s_password_is_masked_in_lines_and_notes_but_used_to_connect():
    seen: list[str] = []

    async def app(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        return web.Response(text="ok")

    async def run() -> tuple[str, str]:
        async with serving(app) as target:
            forward = target.replace("http://", "http://admin:hunter2pass@")
            process, port = start("--json", "--forward", forward)
            async with aiohttp.ClientSession() as session:
                async with session.post(f"http://127.0.0.1:{port}/hooks/a", data=b"{}") as reply:
                    assert reply.status == 200
            await asyncio.sleep(0.5)
            return await asyncio.to_thread(stop, process)

    out, err = asyncio.run(run())
    record = json.loads(out.splitlines()[0])
    assert record["forward"]["url"].startswith("http://admin:***@127.0.0.1:")
    assert record["forward"]["status"] == 200
    assert "hunter2pass" not in out + err
    assert seen and seen[0].startswith("Basic ")  # the real credentials went to the app


def test_a_human_line_masks_text_fields_never_its_size_or_status():
    # A short secret masks ordinary words (said at start); the size and status that happen
    # to hold it stay as they are (masking the finished line printed `*** -` for `200 B -`).
    request = CapturedRequest(1, 1.0, "127.0.0.1", "POST", "/hooks/test/x", (1, 1), (), b"x" * 200)
    redactor = Redactor(["test", "200 B"])
    line = human_line(request, Verdicts.from_settings(Settings()), redactor=redactor)
    assert line.split()[1:] == ["POST", "/hooks/***/x", "200", "B", "-", "200"]


def test_a_failed_signature_s_line_says_why_in_one_neutralized_line():
    # The reason's first clause (the whole reason is in --json), control characters made
    # visible: a header may carry 0x9b (C1 CSI, which a terminal obeys) as obs-text.
    process, port = start("--secret", "stripe=whsec_abc")
    signature = b"t=1700000000,v1=\x9b2Jab12"
    raw = b"POST /s HTTP/1.1\r\nHost: x\r\nStripe-Signature: " + signature
    raw += b"\r\nContent-Length: 2\r\n\r\n{}"
    assert asyncio.run(send_raw(port, raw)).split(b" ")[1] == b"200"
    out, _err = stop(process)
    [line] = out.splitlines()
    assert "\x9b" not in line
    assert line.endswith(
        " 200 [signature failed (stripe): no v1 signature in Stripe-Signature matched"
        " (tried v1=\\x9b2Jab12 (not hex))]"
    ), line


def test_load_lists_a_saved_har_and_bad_files_fail_in_one_line(tmp_path):
    bad = tmp_path / "bad.har"
    bad.write_text("{not json")
    result = subprocess.run(
        [sys.executable, "-m", "whisper_tui", "--port", "0", "--load", str(bad)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot load" in result.stderr


@pytest.mark.parametrize("as_json", [False, True])
def test_load_says_what_it_loaded_from_each_file_on_stderr(tmp_path, as_json):
    # `--headless --load X` printed nothing of what it loaded: no way to tell a file of 0
    # captures from a file of 10,000. The lines go to stderr, so stdout stays one line a
    # capture (--json's JSON lines).
    captures = [
        CapturedRequest(n, 1.0 + n, "127.0.0.1", "POST", f"/{n}", (1, 1), (), b"{}")
        for n in (1, 2, 3)
    ]
    first, second = tmp_path / "first.har", tmp_path / "second.har"
    save_har(first, captures[:2], "http://127.0.0.1:8080")
    save_har(second, captures[2:], "http://127.0.0.1:8080")
    flags = ["--load", str(first), "--load", str(second), *(["--json"] if as_json else [])]
    process, _ = start(*flags)
    assert process.stderr is not None
    # The port is bound before the files are read: stop it once it says it listens.
    notes: list[str] = []
    while not notes or "listening on" not in notes[-1]:
        notes.append(process.stderr.readline())
        assert notes[-1], notes  # it ended without listening
    out, _ = stop(process)
    assert out == ""  # loaded captures are not announced as deliveries
    assert notes[:-1] == [
        f"whisper-tui: loaded 2 capture(s) from {first}\n",
        f"whisper-tui: loaded 1 capture(s) from {second}\n",
    ]


@pytest.mark.parametrize("loop", EVENT_LOOPS)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_headless_sigterm_or_sighup_also_completes_the_save(tmp_path, signum, loop):
    # SIGHUP: the SSH session that started it went away.
    har = tmp_path / "term.har"
    process, port = start("--save", str(har), loop=loop)
    asyncio.run(deliver_three(port))
    process.send_signal(signum)
    process.communicate(timeout=15)
    assert process.returncode == 0
    assert len(load_har(har)) == 3


@pytest.mark.parametrize("loop", EVENT_LOOPS)
def test_the_tui_on_sigterm_also_completes_the_save(tmp_path, loop):
    from tests.bench.tui_process import tui_process

    har = tmp_path / "tui.har"
    with tui_process("--port", "0", "--save", str(har), "--loop", loop) as process:
        port = listening_port(process.pid)
        asyncio.run(deliver_three(port))
        process.send_signal(signal.SIGTERM)
        process.wait(15)
    loaded = load_har(har)
    assert [r.target for r in loaded] == ["/hooks/stripe", "/upload?name=blob", "/health?x=1"]
    assert loaded[1].body == BINARY


def retried_deliveries() -> list[tuple[str, dict[str, str], bytes]]:
    """Issue 15's run: three GitHub deliveries of one event, two Stripe events with one evt_
    id, two Svix messages with one id, a Slack event and its retry (path, headers, body)."""
    slack_event = json.dumps(
        {"type": "event_callback", "event": {"type": "app_mention"}, "event_id": "Ev0AB12CD"}
    ).encode()
    stripe_event = b'{"id": "evt_1QxRetry", "object": "event", "type": "invoice.paid"}'
    github = {"X-GitHub-Event": "push", "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958"}
    svix = {"svix-id": "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "svix-timestamp": "1674087231"}
    slack = {"X-Slack-Signature": "v0=00", "X-Slack-Request-Timestamp": "1674087231"}
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    return [
        *[("/hooks/github", github, b'{"ref": "refs/heads/main"}')] * 3,
        *[("/hooks/stripe", {"Stripe-Signature": "t=1674087231,v1=00"}, stripe_event)] * 2,
        *[("/hooks/svix", {**svix, "svix-signature": "v1,AAAA"}, b'{"type": "x"}')] * 2,
        ("/hooks/slack", slack, slack_event),
        ("/hooks/slack", {**slack, **retry}, slack_event),
        ("/hooks/plain", {}, b"no id here"),
    ]


async def deliver(port: int, deliveries: list[tuple[str, dict[str, str], bytes]]) -> None:
    async with aiohttp.ClientSession() as session:
        for path, headers, body in deliveries:
            headers = {"Content-Type": "application/json", **headers}
            url = f"http://127.0.0.1:{port}{path}"
            async with session.post(url, data=body, headers=headers) as reply:
                assert reply.status == 200


def test_headless_json_groups_retries_by_the_providers_delivery_id(tmp_path):
    har = tmp_path / "deliveries.har"
    process, port = start("--json", "--save", str(har))
    asyncio.run(deliver(port, retried_deliveries()))
    out, _ = stop(process)
    deliveries = [json.loads(line)["delivery"] for line in out.strip().splitlines()]
    guid = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    assert deliveries == [
        {"id": guid, "from": "X-GitHub-Delivery", "seen": 1, "first": 1},
        {"id": guid, "from": "X-GitHub-Delivery", "seen": 2, "first": 1},
        {"id": guid, "from": "X-GitHub-Delivery", "seen": 3, "first": 1},
        {"id": "evt_1QxRetry", "from": "body id", "seen": 1, "first": 4},
        {"id": "evt_1QxRetry", "from": "body id", "seen": 2, "first": 4},
        {"id": "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "from": "svix-id", "seen": 1, "first": 6},
        {"id": "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "from": "svix-id", "seen": 2, "first": 6},
        {"id": "Ev0AB12CD", "from": "body event_id", "seen": 1, "first": 8},
        {"id": "Ev0AB12CD", "from": "body event_id", "seen": 2, "first": 8},
        None,
    ]
    # --save keeps the same objects under each entry's _whisper ...
    document = json.loads(har.read_text())
    assert [e["_whisper"]["delivery"] for e in document["log"]["entries"]] == deliveries
    # ... and loading the file groups the same captures again (the index is derived).
    store = RequestStore()
    store.add_loaded(load_har(har))  # as --load puts each batch in the store
    assert [store.deliveries.json_of(r.id) for r in store] == deliveries


# Any character, lone surrogates included, with the ones the two encoders treat differently
# (or escape at all) drawn often.
ANY_TEXT = st.text(
    st.sampled_from('\x7f\x00\x1b\x9b"\\/é\u2028\ud800\U0001f600a')
    | st.characters(blacklist_categories=())
)


# Lines all ASCII but for one character are where the encoders could differ unnoticed.
ASCII_TEXT = st.text(st.characters(max_codepoint=0x7F))


async def test_json_lines_keep_the_delivery_each_capture_had_on_arrival():
    # Lines are made at the flush, up to FLUSH_DELAY after a capture arrives: one evicted
    # meanwhile (--max-requests 1 here, three arrivals in one turn of the loop) still
    # prints the delivery object it arrived with, not null.
    session = Session(Settings(port=0, max_requests=1))
    out, stop = io.StringIO(), asyncio.Event()
    serving = asyncio.create_task(serve_headless(session, as_json=True, out=out, stop=stop))
    while not session.listening:
        await asyncio.sleep(0.01)
    guid = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    headers = ((b"X-GitHub-Delivery", guid.encode()), (b"Content-Type", b"application/json"))
    for _ in range(3):
        capture_id = session.store.next_id()
        request = CapturedRequest(
            capture_id, 1.0, "127.0.0.1", "POST", "/hooks/github", (1, 1), headers, b"{}"
        )
        session.store.add(request)
    assert len(session.store) == 1 and out.getvalue() == ""  # two evicted, nothing written
    stop.set()
    assert await serving == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["id"] for line in lines] == [1, 2, 3]
    assert [line["delivery"] for line in lines] == [
        {"id": guid, "from": "X-GitHub-Delivery", "seen": seen, "first": 1} for seen in (1, 2, 3)
    ]


@given(
    target=ANY_TEXT | ASCII_TEXT,
    value=st.binary() | ASCII_TEXT.map(str.encode),
    body=st.binary() | (ANY_TEXT | ASCII_TEXT).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
@example(target="/a\x7f", value=b"", body=b"")
def test_json_lines_are_exactly_the_text_json_writes(target, value, body):
    # orjson writes the line where its text is the same as json's (ASCII, DEL escaped).
    request = CapturedRequest(
        1, 1_764_000_000.5, "127.0.0.1", "POST", target, (1, 1), ((b"X-Any", value),), body
    )
    line = json_line(request, Verdicts.from_settings(Settings()))
    assert line == json.dumps(json.loads(line), ensure_ascii=True, separators=(",", ":"))


async def relay_twice(app_port: int, port: int) -> list[int]:
    """One delivery while the app (answering 201) is up, one once it is down: what each got."""

    async def created(request: web.BaseRequest) -> web.Response:
        await request.read()
        return web.Response(status=201, text="made")

    runner = web.ServerRunner(web.Server(created))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", app_port).start()
    got = []
    async with aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{port}/hooks/x"
        async with session.post(url, data=b'{"a":1}') as reply:
            got.append(reply.status)
        await runner.cleanup()
        async with session.post(url, data=b'{"a":2}') as reply:
            got.append(reply.status)
    return got


def test_a_relayed_answer_is_the_status_printed_and_saved(tmp_path):
    # What the sender got with --relay-response is the target's answer (502 when it is down):
    # the line says so, and so does the saved file, which --load reads back.
    har = tmp_path / "relay.har"
    with reserved_port() as app_port:  # named in --forward, listened on later by the test
        forward = f"http://127.0.0.1:{app_port}"
        process, port = start("--forward", forward, "--relay-response", "--save", str(har))
        got = asyncio.run(relay_twice(app_port, port))
        out, _err = stop(process)
    assert got == [201, 502]
    [took, failed] = out.splitlines()
    assert took.endswith(" 201")
    assert f" 502! [forward failed: connection refused to 127.0.0.1:{app_port}]" in failed
    assert [request.answered_status for request in load_har(har)] == [201, 502]
    [entry, _] = json.loads(har.read_text())["log"]["entries"]
    assert entry["response"]["status"] == entry["_whisper"]["answered"] == 201


async def deliver_until_gone(port: int, shell: subprocess.Popen) -> list[str]:
    """One delivery; once its line is through, more until whisper-tui is gone (at most 100):
    the paths of those it answered."""
    answered = []
    async with aiohttp.ClientSession() as session:
        for number in range(100):
            if number == 1:  # head has its line (and exits): the next writes find no reader
                assert shell.stdout is not None
                await asyncio.to_thread(shell.stdout.readline)
            path = f"/hooks/{number}"
            try:
                async with session.post(f"http://127.0.0.1:{port}{path}", data=b"{}") as reply:
                    if reply.status == 200:
                        answered.append(path)
            except aiohttp.ClientConnectionError:
                pass  # stopping or stopped
            if shell.poll() is not None:
                break
            await asyncio.sleep(0.05)
    return answered


@pytest.mark.parametrize("loop", EVENT_LOOPS)
@pytest.mark.parametrize("pipe", ["|", "|&"])
def test_a_reader_that_leaves_stops_it_quietly_with_the_save_complete(tmp_path, loop, pipe):
    # `whisper-tui --headless | head -n1`: once head has its line and exits, the next write
    # finds no reader. Like `yes | head -n1` it stops with 141 (128 + SIGPIPE), here with
    # no traceback and --save completed. With `|&` stderr's notes have no reader either.
    har, status = tmp_path / "piped.har", tmp_path / "status"
    command = (
        f"{shlex.quote(sys.executable)} -m whisper_tui --headless --port 0 --loop {loop}"
        f" --save {shlex.quote(str(har))} {pipe} head -n1; echo ${{PIPESTATUS[0]}} > {status}"
    )
    shell = subprocess.Popen(
        ["bash", "-c", command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    port = listening_port(shell.pid)  # whisper-tui's, bash's child
    answered = asyncio.run(deliver_until_gone(port, shell))
    out, err = shell.communicate(timeout=30)  # it ended by itself: no signal was sent
    assert shell.returncode == 0 and out == ""  # head's line was read above
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert status.read_text().strip() == "141"
    assert [r.target for r in load_har(har)] == answered


@pytest.mark.parametrize("loop", EVENT_LOOPS)
def test_head_n1_ends_it_after_the_first_delivery_without_waiting_for_a_second(tmp_path, loop):
    # README: `whisper-tui --headless --json | head -n1 > first.json` waits for the first
    # delivery. head exits once it has its line; nothing more arrives, so no write can find
    # the pipe broken: the app must see its reader leave by itself, or a CI step hangs.
    har = tmp_path / "first.har"
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "whisper_tui",
            "--headless",
            "--json",
            "--port",
            "0",
            "--loop",
            loop,
            "--save",
            str(har),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert app.stdout is not None
    head = subprocess.Popen(["head", "-n1"], stdin=app.stdout, stdout=subprocess.PIPE, text=True)
    app.stdout.close()  # head holds the pipe's only read end
    try:
        port = listening_port(app.pid)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/hooks/first", data=b"{}").read()
        first, _ = head.communicate(timeout=15)
        assert json.loads(first)["target"] == "/hooks/first"
        _, err = app.communicate(timeout=15)  # no second delivery, no signal
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert app.returncode == 141, err
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert [r.target for r in load_har(har)] == ["/hooks/first"]


async def test_a_relayed_capture_evicted_before_its_answer_still_gets_its_line():
    # --max-requests 1: /first waits at the target for its answer while /second arrives and
    # evicts it; the target answers /first only once /second has reached it.
    second_forwarded = asyncio.Event()

    async def target(request: web.BaseRequest) -> web.Response:
        await request.read()
        if request.path == "/first":
            await second_forwarded.wait()
            return web.Response(status=201)
        second_forwarded.set()
        return web.Response(status=202)

    async with serving(target) as forward:
        settings = Settings(port=0, max_requests=1, forward_url=forward, relay_response=True)
        session = Session(settings)
        out, stop = io.StringIO(), asyncio.Event()
        serving_headless = asyncio.create_task(serve_headless(session, out=out, stop=stop))
        while not session.listening:
            await asyncio.sleep(0.01)
        async with aiohttp.ClientSession() as client:

            async def post(path: str) -> int:
                async with client.post(f"{session.base_url}{path}", data=b"{}") as reply:
                    return reply.status

            first = asyncio.create_task(post("/first"))
            while not session.store.received:
                await asyncio.sleep(0.01)
            assert await post("/second") == 202
            assert await first == 201
        assert session.store.get(1) is None  # evicted before its answer came
        stop.set()
        assert await serving_headless == 0
    lines = sorted(line.split()[2:] for line in out.getvalue().splitlines())
    assert [(target, status) for target, *_, status in lines] == [
        ("/first", "201"),
        ("/second", "202"),
    ]


@pytest.mark.parametrize("as_json", [False, True])
async def test_a_forward_cut_short_by_the_stop_is_a_failed_forward_in_its_line(as_json):
    # The app is still working on the delivery when whisper-tui stops: the stop cancels the
    # forward, and the line must not read as delivered (a bare 200, or "forward": null).
    held = HeldApp()

    async with serving(held.handler) as app_url:
        session = Session(Settings(port=0, forward_url=app_url))
        out, stop = io.StringIO(), asyncio.Event()
        headless = asyncio.create_task(serve_headless(session, as_json=as_json, out=out, stop=stop))
        await asyncio.wait_for(session.until_started(), 10)
        async with aiohttp.ClientSession() as client:
            async with client.post(f"{session.base_url}/slow", data=b"{}") as reply:
                assert reply.status == 200  # the sender's answer does not wait
        await asyncio.wait_for(held.reached.wait(), 10)
        stop.set()
        assert await asyncio.wait_for(headless, 10) == 0
        held.released.set()
    [line] = out.getvalue().splitlines()
    if as_json:
        forward = json.loads(line)["forward"]
        assert forward["url"] == f"{app_url}/slow" and forward["status"] is None
        assert forward["failed"] and forward["error"] == STOPPED_FORWARD
    else:
        assert line.endswith(f" 200! [forward failed: {STOPPED_FORWARD}]"), line


@pytest.mark.parametrize("as_json", [False, True])
async def test_a_relayed_forward_cut_short_by_the_stop_answers_503_at_once(as_json):
    # --relay-response: the sender waits on the app's answer, so the forward runs inside the
    # capture handler, which the stop waited for (out the forward's 10 s timeout, then a
    # 502 'timed out'). The stop cuts it short: the sender gets a 503 saying why, and the
    # line says the forward failed because whisper-tui stopped.
    held = HeldApp()

    async def post(url: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as client:
            async with client.post(url, data=b"{}") as reply:
                return reply.status, await reply.text()

    async with serving(held.handler) as app_url:
        session = Session(Settings(port=0, forward_url=app_url, relay_response=True))
        out, stop = io.StringIO(), asyncio.Event()
        headless = asyncio.create_task(serve_headless(session, as_json=as_json, out=out, stop=stop))
        await asyncio.wait_for(session.until_started(), 10)
        sent = asyncio.create_task(post(f"{session.base_url}/slow2"))
        await asyncio.wait_for(held.reached.wait(), 10)
        stop.set()
        assert await asyncio.wait_for(headless, 30) == 0
        status, text = await asyncio.wait_for(sent, 30)
        held.released.set()
    assert status == 503
    assert text == f"{STOPPED_FORWARD} (forwarding to {app_url}/slow2)\n"
    [line] = out.getvalue().splitlines()
    if as_json:
        record = json.loads(line)
        assert record["status"] == 503
        assert record["forward"]["url"] == f"{app_url}/slow2"
        assert record["forward"]["status"] is None
        assert record["forward"]["failed"] and record["forward"]["error"] == STOPPED_FORWARD
    else:
        assert line.endswith(f" 503! [forward failed: {STOPPED_FORWARD}]"), line


async def forward_three(*flags: str) -> tuple[list[str], str]:
    """/good (the app takes it), /bad (the app answers 503), then /gone once the app has
    stopped, each line read before the next delivery: the lines, and the app's address."""

    async def app(request: web.BaseRequest) -> web.Response:
        await request.read()
        return web.Response(status=204 if request.path == "/good" else 503)

    lines = []
    async with aiohttp.ClientSession() as session:
        async with serving(app) as app_url:
            process, port = await asyncio.to_thread(start, "--forward", app_url, *flags)
            try:
                for path in ("/good", "/bad"):
                    url = f"http://127.0.0.1:{port}{path}"
                    async with session.post(url, data=b"{}") as reply:
                        assert reply.status == 200  # the sender's answer does not wait
                    lines.append(await asyncio.to_thread(process.stdout.readline))
            except BaseException:
                stop(process)
                raise
        try:
            async with session.post(f"http://127.0.0.1:{port}/gone", data=b"{}") as reply:
                assert reply.status == 200
            lines.append(await asyncio.to_thread(process.stdout.readline))
        finally:
            stop(process)
    return lines, app_url


@pytest.mark.parametrize("as_json", [False, True])
def test_a_failed_forward_is_in_the_capture_s_line(as_json):
    # A CI user reads the log to learn whether their app got each delivery: the line waits
    # for the forward and says when it failed (no answer, or one outside 2xx), as the list's
    # `200!` does.
    (good, bad, gone), app_url = asyncio.run(forward_three(*(["--json"] if as_json else [])))
    address = app_url.removeprefix("http://")
    if not as_json:
        assert good.rstrip().endswith(" POST /good 2 B application/octet-stream 200")
        assert bad.rstrip().endswith(
            " POST /bad 2 B application/octet-stream 200! [forward 503 Service Unavailable]"
        )
        refused = f" 200! [forward failed: connection refused to {address}]"
        assert gone.rstrip().endswith(" POST /gone 2 B application/octet-stream" + refused)
        return
    forwards = [json.loads(line)["forward"] for line in (good, bad, gone)]
    assert [f["url"] for f in forwards] == [f"{app_url}/{p}" for p in ("good", "bad", "gone")]
    outcomes = [(f["status"], f["failed"]) for f in forwards]
    assert outcomes == [(204, False), (503, True), (None, True)]
    assert forwards[2]["error"] == f"connection refused to {address}"
    assert forwards[0]["error"] is None and forwards[0]["latency_ms"] > 0


def test_a_signature_not_checked_for_want_of_a_secret_is_said_without_a_reason():
    # '[signature not checked (slack)]' says it all; its reason on every line was noise. It
    # is the detail's wording: the line used to say the internal 'no-secret'.
    slack = {d["name"]: d for d in load_deliveries()}["slack-slash-command-vector"]
    request = delivery_request(slack, at=time.time())
    line = human_line(request, Verdicts(SignatureSettings({})))
    assert line.endswith(" [signature not checked (slack)]"), line
    assert "no-secret" not in line


def test_plain_lines_mark_retries_with_the_lists_repeat_marker():
    # The TUI shows ↻n and --json has delivery.seen; plain lines said nothing of a retry.
    process, port = start()
    asyncio.run(deliver(port, retried_deliveries()))
    out, _ = stop(process)
    # The status field, then what follows it up to any signature tag.
    tails = [line.split(" application/json ", 1)[1] for line in out.strip().splitlines()[:9]]
    marks = [tail.split(" [", 1)[0] for tail in tails]
    assert marks == ["200", "200 ↻2", "200 ↻3", "200", "200 ↻2", "200", "200 ↻2", "200", "200 ↻2"]


def test_a_delivery_verified_with_a_later_secret_says_which_in_its_line_and_json():
    signed = [d for d in load_deliveries() if d.get("signature")]
    stripe = next(d for d in signed if d["signature"]["scheme"] == "stripe")
    request = delivery_request(stripe, at=_signed_at(stripe) + 1)
    real = stripe["signature"]["secret"]
    verdicts = Verdicts(SignatureSettings({"stripe": ("whsec_not_this_one", real)}))
    line = human_line(request, verdicts)
    assert line.endswith(" [signature verified (stripe): with the 2nd of 2 stripe secrets]"), line
    [found] = json.loads(json_line(request, verdicts))["signatures"]
    assert found == {
        "scheme": "stripe",
        "status": "verified",
        "reason": "with the 2nd of 2 stripe secrets",
    }
    assert real not in line and "whsec_not_this_one" not in line


def _signed_at(delivery: dict) -> int:
    header = dict((n.lower(), v) for n, v in delivery["headers"])["stripe-signature"]
    return int(header.split("t=", 1)[1].split(",", 1)[0])


ANSWERED = [
    CapturedRequest(3, 1.0, "", "POST", "/usual", (1, 1), (), b"{}"),
    CapturedRequest(4, 1.0, "", "POST", "/waited", (1, 1), (), b"{}", answered_status=0),
    CapturedRequest(
        5, 1.0, "", "POST", "/kept", (1, 0), (), b"{}", answered_status=418,
        answer=("Teapot", ((b"Content-Type", b"image/x"), (b"X-Why", b"short")), b"\xff\x00"),
    ),
]  # fmt: skip


@pytest.mark.parametrize("request_", ANSWERED, ids=lambda r: r.target)
def test_a_json_line_s_answer_is_what_the_har_records_the_sender_got(request_):
    # The usual ack rebuilt, nothing yet while awaited, a kept answer with a binary body:
    # one record of what the sender got, the same in a --json line as in a HAR entry.
    record = json.loads(json_line(request_, Verdicts.from_settings(Settings())))
    [entry] = to_har([request_], "http://h")["log"]["entries"]
    assert record["answer"] == entry["response"]
    assert record["answer"]["status"] == record["status"]


async def test_a_json_line_carries_the_answer_relayed_to_the_sender():
    # --relay-response: the sender got the app's answer, and so does the line say, reason,
    # headers and body, as the saved file does.
    async def app(request: web.BaseRequest) -> web.Response:
        await request.read()
        return web.Response(status=201, reason="Made It", text="made", headers={"X-App": "1"})

    async with serving(app) as app_url:
        session = Session(Settings(port=0, forward_url=app_url, relay_response=True))
        out, stop = io.StringIO(), asyncio.Event()
        headless = asyncio.create_task(serve_headless(session, as_json=True, out=out, stop=stop))
        await asyncio.wait_for(session.until_started(), 10)
        async with aiohttp.ClientSession() as client:
            async with client.post(f"{session.base_url}/hooks/x", data=b"{}") as reply:
                assert (reply.status, await reply.text()) == (201, "made")
        stop.set()
        assert await asyncio.wait_for(headless, 10) == 0
    [line] = out.getvalue().splitlines()
    answer = json.loads(line)["answer"]
    assert (answer["status"], answer["statusText"]) == (201, "Made It")
    assert {"name": "X-App", "value": "1"} in answer["headers"]
    assert answer["content"]["text"] == "made"
    [entry] = to_har(list(session.store), session.base_url)["log"]["entries"]
    assert answer == entry["response"]


def _capture(capture_id: int) -> CapturedRequest:
    return CapturedRequest(capture_id, 1.0, "", "POST", f"/{capture_id}", (1, 1), (), b"{}")


def _forward(status: int) -> Attempt:
    return Attempt("http://app/x", 1.0, kind="forward", status=status)


async def test_lines_wait_in_arrival_order_for_the_forwards_before_them():
    emitted: list[Line] = []
    order = ArrivalOrder(emitted.append, hold=60.0, forward_url="http://app")
    first, second, third = _capture(1), _capture(2), _capture(3)
    order.add(first, None, waits=True)
    order.add(second, None, waits=True)
    order.add(third, None, waits=False)  # no forward of its own, but after two that wait
    order.told(second, _forward(201))
    assert emitted == []  # the first one's forward is still on its way
    order.told(first, _forward(202))
    assert [(r.id, f and f.status) for r, _, f in emitted] == [(1, 202), (2, 201), (3, None)]
    order.add(_capture(4), None, waits=False)  # nothing held: at once
    assert [r.id for r, _, _ in emitted] == [1, 2, 3, 4]


async def test_a_forward_that_tells_nothing_holds_the_lines_after_it_only_so_long():
    # The forward's timeout ends every forward first; should one tell nothing all the same,
    # its line goes once overdue, saying so, and the ones after it follow in order.
    emitted: list[Line] = []
    done = asyncio.Event()

    def emit(line: Line) -> None:
        emitted.append(line)
        if len(emitted) == 2:
            done.set()

    order = ArrivalOrder(emit, hold=0.01, forward_url="http://app")
    order.add(_capture(1), None, waits=True)
    order.add(_capture(2), None, waits=False)
    await asyncio.wait_for(done.wait(), 10)
    [(first, _, forward), (second, _, nothing)] = emitted
    assert (first.id, second.id, nothing) == (1, 2, None)
    assert forward is not None and forward.error == "no outcome 0.01 s after the capture arrived"
    assert human_line(first, Verdicts.from_settings(Settings()), forward).endswith(
        " 200! [forward failed: no outcome 0.01 s after the capture arrived]"
    )
    order.told(first, _forward(204))  # too late: its line is out
    assert len(emitted) == 2


@pytest.mark.parametrize("as_json", [False, True])
async def test_with_forward_lines_come_in_arrival_order_not_as_forwards_finish(as_json):
    # A script reading the lines expects them in the order the deliveries came: /first's
    # forward finishes only after /second's has, and its line still comes first.
    release_first = asyncio.Event()

    async def app(request: web.BaseRequest) -> web.Response:
        await request.read()
        if request.path == "/first":
            await release_first.wait()
        return web.Response(status=204)

    async with serving(app) as app_url:
        session = Session(Settings(port=0, forward_url=app_url))
        out, stop = io.StringIO(), asyncio.Event()
        headless = asyncio.create_task(serve_headless(session, as_json=as_json, out=out, stop=stop))
        await asyncio.wait_for(session.until_started(), 10)
        both_told = asyncio.Event()

        def told(request: CapturedRequest, _attempt: Attempt) -> None:
            if request.target == "/second":
                release_first.set()  # the second forward has finished first
            else:
                both_told.set()

        session.subscribe_forwards(told)
        async with aiohttp.ClientSession() as client:
            for path in ("/first", "/second"):
                async with client.post(f"{session.base_url}{path}", data=b"{}") as reply:
                    assert reply.status == 200  # the sender's answer does not wait
        await asyncio.wait_for(both_told.wait(), 10)
        stop.set()
        assert await asyncio.wait_for(headless, 10) == 0
    lines = out.getvalue().splitlines()
    if as_json:
        records = [json.loads(line) for line in lines]
        assert [(r["id"], r["target"], r["forward"]["status"]) for r in records] == [
            (1, "/first", 204),
            (2, "/second", 204),
        ]
    else:
        assert [line.split()[2] for line in lines] == ["/first", "/second"]


async def post(port: int, body: bytes) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/hooks/big", data=body) as reply:
            assert reply.status == 200


def next_line(stream: IO[str], limit: float = 30.0) -> str:
    """The stream's next line, or '' if none comes within `limit` seconds: a line that
    never comes fails the test rather than hanging it."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(limit)
    return lines[0] if lines else ""


def test_a_save_failing_while_running_is_told_once_and_once_more_when_it_works(tmp_path):
    folder = tmp_path / "saves"
    folder.mkdir()
    har = folder / "out.har"
    process, port = start("--save", str(har))
    try:
        assert process.stderr.readline().startswith("whisper-tui: listening on ")
        shutil.rmtree(folder)  # every save fails (each retried) until it is back
        asyncio.run(deliver_three(port))
        assert next_line(process.stderr) == (
            f"whisper-tui: --save failing: cannot write {har}: No such file or directory; "
            "capturing goes on, retrying every 2 s\n"
        )
        folder.mkdir()
        working = f"whisper-tui: --save working again: {har} is up to date\n"
        assert next_line(process.stderr) == working
        _, err = stop(process)
        assert err.splitlines() == [f"whisper-tui: saved 3 capture(s) to {har}"]
        assert len(load_har(har)) == 3
    finally:
        if process.poll() is None:  # a line that never came
            process.kill()
            process.communicate()


def test_a_save_that_fails_at_exit_is_one_line_and_status_3_not_a_crash_report(tmp_path):
    # A full disk, without root: files past 40 KB can't be written (SIGXFSZ is ignored, as
    # Python does, so a write past the limit fails with EFBIG rather than killing it).
    har = tmp_path / "full.har"

    def limit_file_sizes() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, resource.RLIM_INFINITY))
        sigint_as_in_a_terminal()

    process = subprocess.Popen(
        [sys.executable, "-m", "whisper_tui", "--headless", "--port", "0", "--save", har],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=limit_file_sizes,
    )
    port = listening_port(process.pid)
    asyncio.run(post(port, b"y" * 50_000))
    assert " POST /hooks/big " in next_line(process.stdout)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 3, err
    lines = err.splitlines()
    assert lines[-1] == (
        f"whisper-tui: error: cannot save to {har}: File too large; 1 capture(s) not saved"
    )
    # Told once while running if a periodic save came first, never a traceback.
    assert all(line.startswith("whisper-tui: ") for line in lines)
    assert len([line for line in lines if "--save failing" in line]) <= 1
    assert not har.exists() or load_har(har) == []
