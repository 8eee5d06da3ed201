"""curl exports, run for real in bash against a local echo server."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
from pathlib import Path

import pytest

from tests.core.export.helpers import (
    BASH,
    CURL,
    HOSTILE,
    NASTY_VALUES,
    EchoServer,
    argv_capture_script,
    forwarded,
    header_names,
    make_request,
    run_bash,
    split_capture,
)
from whisper_tui.core.export import render_export
from whisper_tui.core.export.curl import FORMAT, to_curl


def test_curl_is_installed() -> None:
    # The curl tests below must run, not skip: the exports are only proven by running them.
    assert CURL, "curl is not installed; the export tests need it"
    assert BASH, "bash is not installed; the export tests need it"


# -- curl against the echo server ----------------------------------------------------------------


async def test_curl_binary_body_every_byte_value(echo: EchoServer) -> None:
    body = bytes(range(256)) * 3
    req = make_request(
        headers=[(b"Content-Type", b"application/octet-stream"), (b"Content-Length", b"768")],
        body=body,
    )
    command = to_curl(req, echo.base_url)
    assert "base64 -d" in command and "--data-binary @-" in command
    await run_bash(command)
    seen = echo.last()
    assert seen.body == body
    assert seen.method == "POST"
    assert forwarded(seen.raw_headers) == forwarded(req.raw_headers)


async def test_curl_text_body_with_shell_syntax_is_literal(
    echo: EchoServer, tmp_path: Path
) -> None:
    text = f'{{"msg": {json.dumps(HOSTILE)}, "nl": "a\nb\r\nc\td", "ünï": "☃"}}\n'
    body = text.encode("utf-8")
    req = make_request(
        headers=[(b"Content-Type", b"application/json"), (b"Content-Length", b"1")], body=body
    )
    command = to_curl(req, echo.base_url)
    assert "base64" not in command  # printable text goes as a readable literal
    await run_bash(command, cwd=tmp_path)
    assert echo.last().body == body
    assert not (tmp_path / "CANARY").exists()


async def test_curl_body_starting_with_at_is_not_a_file(echo: EchoServer, tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("do not send")
    body = b"@secret"
    req = make_request(headers=[(b"Content-Type", b"text/plain")], body=body)
    command = to_curl(req, echo.base_url)
    await run_bash(command, cwd=tmp_path)
    assert echo.last().body == body


async def test_curl_duplicate_headers_keep_order_and_case(echo: EchoServer) -> None:
    headers = [
        (b"hOsT", b"original.example"),
        (b"X-Dup", b"one"),
        (b"x-DUP", b"two"),
        (b"USER-agent", b"Sender/1.0"),
        (b"content-TYPE", b"application/json"),
        (b"X-Dup", b"three"),
        (b"aCCEPT", b"text/plain"),
        (b"Accept", b"application/json"),
        (b"X-Empty", b""),
        (b"X-Signature", b"sha256=abc"),
        (b"Content-Length", b"2"),
    ]
    req = make_request(headers=headers, body=b"{}")
    await run_bash(to_curl(req, echo.base_url))
    seen = echo.last()
    assert forwarded(seen.raw_headers) == forwarded(headers)
    assert seen.body == b"{}"


async def test_curl_adds_no_headers_of_its_own(echo: EchoServer) -> None:
    # No User-Agent, Accept or Content-Type from the sender: none may appear.
    req = make_request(headers=[(b"X-Only", b"1"), (b"Content-Length", b"5")], body=b"hello")
    await run_bash(to_curl(req, echo.base_url))
    seen = echo.last()
    assert header_names(seen.raw_headers) == {b"host", b"x-only", b"content-length"}
    assert seen.body == b"hello"


async def test_curl_leaves_out_the_senders_connection_headers_as_replay_does(
    echo: EchoServer,
) -> None:
    # A capture `whisper-tui send` made carried `Connection: close`: the command is a replay
    # run by hand, so the sender's own connection headers go as replay drops them.
    headers = [
        (b"Connection", b"close, X-Trace"),
        (b"Keep-Alive", b"timeout=5"),
        (b"X-Trace", b"abc"),
        (b"X-Kept", b"1"),
        (b"Content-Length", b"2"),
    ]
    req = make_request(headers=headers, body=b"{}")
    command = to_curl(req, echo.base_url)
    assert "Connection" not in command and "Keep-Alive" not in command
    assert "X-Trace" not in command
    await run_bash(command)
    seen = echo.last()
    assert header_names(seen.raw_headers) == {b"host", b"x-kept", b"content-length"}
    # The records keep what arrived: raw HTTP and HAR still carry them.
    raw = render_export("raw", [req], echo.base_url)
    assert b"Connection: close, X-Trace\r\n" in raw and b"Keep-Alive: timeout=5" in raw
    assert b'"Connection"' in render_export("har", [req], echo.base_url)


async def test_curl_hostile_header_values_arrive_exactly(echo: EchoServer, tmp_path: Path) -> None:
    headers = [
        (b"X-Hostile", HOSTILE.encode()),
        (b"X-Quote", b"'"),
        (b"X-Dollar", b"$(id)"),
        (b"X-Backtick", b"`id`"),
        (b"X-Utf8", "café ☃".encode()),
        (b"X-Latin1", b"\xff\xfe caf\xe9"),
        (b"X-Tab", b"a\tb"),
    ]
    req = make_request(method="GET", headers=headers)
    await run_bash(to_curl(req, echo.base_url), cwd=tmp_path)
    seen = echo.last()
    assert forwarded(seen.raw_headers) == headers
    assert not (tmp_path / "CANARY").exists()


async def test_curl_target_is_not_normalised(echo: EchoServer) -> None:
    target = "/a/../b/./c//d?x=1&y=[1]&z={a,b}&enc=%2F%zz&plus=a+b&empty=&flag"
    req = make_request(method="GET", target=target)
    await run_bash(to_curl(req, echo.base_url))
    assert echo.last().raw_path == target


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE"])
async def test_curl_every_method_with_body(echo: EchoServer, method: str) -> None:
    req = make_request(method=method, body=b"payload")
    await run_bash(to_curl(req, echo.base_url))
    seen = echo.last()
    assert (seen.method, seen.body) == (method, b"payload")


@pytest.mark.parametrize("method", ["GET", "HEAD", "DELETE", "OPTIONS"])
async def test_curl_methods_without_body(echo: EchoServer, method: str) -> None:
    req = make_request(method=method, headers=[(b"X-A", b"1")])
    await run_bash(to_curl(req, echo.base_url))
    seen = echo.last()
    assert (seen.method, seen.body) == (method, b"")
    assert b"content-length" not in header_names(seen.raw_headers)


async def test_curl_empty_body_with_content_length_zero(echo: EchoServer) -> None:
    req = make_request(headers=[(b"Content-Length", b"0")], body=b"")
    await run_bash(to_curl(req, echo.base_url))
    seen = echo.last()
    assert seen.method == "POST" and seen.body == b""
    assert (b"Content-Length", b"0") in seen.raw_headers
    assert b"content-type" not in header_names(seen.raw_headers)


async def test_curl_http10(echo: EchoServer) -> None:
    req = make_request(http_version=(1, 0), body=b"x")
    await run_bash(to_curl(req, echo.base_url))
    assert echo.last().version == (1, 0)


async def test_curl_gzip_body_is_sent_as_is(echo: EchoServer) -> None:
    body = gzip.compress(b'{"a": 1}')
    headers = [(b"Content-Encoding", b"gzip"), (b"Content-Type", b"application/json")]
    req = make_request(headers=headers, body=body)
    await run_bash(to_curl(req, echo.base_url))
    assert echo.last().body == body


@pytest.mark.parametrize("kind", ["binary", "text", "at-text"])
async def test_curl_big_bodies(echo: EchoServer, tmp_path: Path, kind: str) -> None:
    # Twice Linux's 128 KiB cap on one argv string (MAX_ARG_STRLEN): the size that is the point
    # here is "too big for one argument". 3 MB took a minute of bash quoting under load and
    # proved nothing more; the 5 MB body tests elsewhere cover a big body in the app.
    size = 256 * 1024
    if kind == "binary":
        body = os.urandom(size)
    elif kind == "text":
        body = (b"line with 'quotes' and $(dollars)\n" * (size // 34))[:size]
    else:
        body = b"@" + b"x" * size
    req = make_request(headers=[(b"Content-Type", b"application/octet-stream")], body=body)
    command = to_curl(req, echo.base_url)
    assert "--data-binary @-" in command  # too big for one argument: goes through stdin
    await run_bash(command, cwd=tmp_path, via_file=True)
    seen = echo.last()
    assert seen.body == body
    assert b"expect" not in header_names(seen.raw_headers)


async def test_curl_rejected_capture_sends_no_body(echo: EchoServer) -> None:
    req = make_request(
        headers=[(b"Content-Length", b"999999999")],
        body=b"",
        rejected=True,
        declared_length=999999999,
    )
    command = to_curl(req, echo.base_url)
    assert command.startswith("# ")
    await run_bash(command)
    assert echo.last().body == b""


async def test_curl_asterisk_target(echo: EchoServer) -> None:
    # aiohttp cannot route `*`, so just check curl puts it on the request line.
    req = make_request(method="OPTIONS", target="*", headers=[])
    assert "--request-target '*'" in to_curl(req, echo.base_url)


async def test_curl_quoting_cannot_be_escaped(tmp_path: Path) -> None:
    headers = [(b"X-N" + str(i).encode(), v) for i, v in enumerate(NASTY_VALUES)]
    headers.append((b"@CANARY", b"x"))  # impossible on the wire; curl would read a file
    body = HOSTILE.encode() + b"\n'\"\n"
    target = "/p/$(touch CANARY)/`touch CANARY`?q='\"; touch CANARY"
    req = make_request(target=target, headers=headers, body=body)
    out = await run_bash(argv_capture_script(to_curl(req, "http://h"), "curl"), cwd=tmp_path)
    argv, stdin = split_capture(out)
    sent = [argv[i + 1] for i, a in enumerate(argv) if a == b"-H"]
    for name, value in headers[:-1]:
        # bash cannot pass a NUL in an argument: it ends the $'...' word there (harmlessly).
        expected = name + b": " + value.split(b"\0")[0]
        assert expected in sent
    assert argv[-1] == b"http://h" + target.encode()
    assert not any(a.startswith(b"@") for a in sent)
    data = argv[argv.index(b"--data-binary") + 1]
    assert data == body or (data == b"@-" and stdin == body)
    assert not (tmp_path / "CANARY").exists()


# -- the format as the export dialog uses it -----------------------------------------------------


async def test_several_captures_export_as_one_script_that_sends_them_all(
    echo: EchoServer, tmp_path: Path
) -> None:
    first = make_request(body=b'{"n": 1}')
    second = make_request(method="PUT", target="/two?x=1", body=bytes(range(256)))
    script = render_export("curl", [first, second], echo.base_url)
    assert (
        script
        == (to_curl(first, echo.base_url) + "\n\n" + to_curl(second, echo.base_url) + "\n").encode()
    )
    await run_bash(script.decode(), cwd=tmp_path)
    assert [(s.method, s.raw_path, s.body) for s in echo.seen] == [
        ("POST", "/hook", b'{"n": 1}'),
        ("PUT", "/two?x=1", bytes(range(256))),
    ]


def test_the_curl_format_saves_as_a_shell_script() -> None:
    assert (FORMAT.key, FORMAT.label, FORMAT.extension) == ("curl", "curl", "sh")


async def test_curl_is_silent_but_still_says_what_failed(echo: EchoServer) -> None:
    req = make_request(headers=[(b"Content-Type", b"text/plain")], body=b"x" * 2_000)
    command = to_curl(req, echo.base_url)
    proc = await asyncio.create_subprocess_exec(
        BASH, "-c", command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await proc.communicate()
    assert proc.returncode == 0 and echo.last().body == req.body
    assert err == b""  # no progress meter, though stdout is a pipe
    down = to_curl(req, "http://127.0.0.1:9")  # the discard port: nothing listens
    proc = await asyncio.create_subprocess_exec(
        BASH, "-c", down, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await proc.communicate()
    assert proc.returncode != 0 and b"curl: (7)" in err
