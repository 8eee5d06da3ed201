"""Exports: the curl commands are run for real against a local echo server."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import os
import re
import shutil
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from whisper_tui.core.export.curl import to_curl
from whisper_tui.core.export.httpie import to_httpie
from whisper_tui.core.export.json_doc import to_json
from whisper_tui.core.export.raw_http import to_raw_http
from whisper_tui.core.models import CapturedRequest

CURL = shutil.which("curl")
BASH = shutil.which("bash")

# Headers the exports deliberately leave to the client (see the export module docstring).
CLIENT_COMPUTED = {b"host", b"content-length", b"transfer-encoding", b"expect"}

HOSTILE = 'it\'s "quoted" $(touch CANARY) `touch CANARY` ${HOME} \\ ; | & > < * ? ! #'


def make_request(
    *,
    method: str = "POST",
    target: str = "/hook",
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
    http_version: tuple[int, int] = (1, 1),
    rejected: bool = False,
    declared_length: int | None = None,
) -> CapturedRequest:
    if headers is None:
        headers = [(b"Host", b"example.test"), (b"Content-Length", str(len(body)).encode())]
    return CapturedRequest(
        id=7,
        received_at=1_700_000_000.25,
        remote="10.0.0.5:5555",
        method=method,
        target=target,
        http_version=http_version,
        raw_headers=tuple(headers),
        body=body,
        rejected=rejected,
        declared_length=declared_length,
    )


# -- echo server ---------------------------------------------------------------------------------


@dataclass
class Seen:
    method: str
    raw_path: str
    version: tuple[int, int]
    raw_headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass
class EchoServer:
    base_url: str
    seen: list[Seen] = field(default_factory=list)

    def last(self) -> Seen:
        assert len(self.seen) == 1, f"expected one request, got {len(self.seen)}"
        return self.seen[0]


@pytest.fixture
async def echo() -> AsyncIterator[EchoServer]:
    server = EchoServer(base_url="")

    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        server.seen.append(
            Seen(
                method=request.method,
                raw_path=request.raw_path,
                version=(request.version.major, request.version.minor),
                raw_headers=list(request.raw_headers),
                body=body,
            )
        )
        return web.Response(text="ok")

    # A big client_max_size because read() enforces it; auto_decompress off so a gzip body
    # is recorded as the bytes that crossed the wire.
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, auto_decompress=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.base_url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        await runner.cleanup()


async def run_bash(script: str, *, cwd: Path | None = None, via_file: bool = False) -> bytes:
    """Run a shell snippet the way a user pasting it would, and return its stdout."""
    assert BASH, "bash is required to run the exported commands"
    if via_file:
        # Big commands cannot go through `bash -c` (one argv string is capped at 128 KiB).
        assert cwd is not None
        path = cwd / "command.sh"
        path.write_text(script, encoding="utf-8")
        argv = [BASH, str(path)]
    else:
        argv = [BASH, "-c", script]
    # The venv's bin (where the test extras install HTTPie's `http`) goes first on PATH,
    # as it would for a user who activated the venv.
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 0, err.decode("utf-8", "replace")
    return out


def forwarded(headers: list[tuple[bytes, bytes]] | tuple[tuple[bytes, bytes], ...]) -> list:
    return [(n, v) for n, v in headers if n.lower() not in CLIENT_COMPUTED]


def header_names(headers: list[tuple[bytes, bytes]]) -> set[bytes]:
    return {n.lower() for n, _ in headers}


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
    size = 3 * 1024 * 1024
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


# -- shell safety, checked on the argv the shell hands to the client -----------------------------


def _argv_capture_script(command: str, program: str) -> str:
    # A shell function shadows the real client: it prints its argv NUL-separated, then its stdin.
    return f"{program}() {{ printf '%s\\0' \"$@\"; printf 'STDIN\\0'; cat; }}\n{command}\n"


def _split_capture(out: bytes) -> tuple[list[bytes], bytes]:
    marker = out.index(b"STDIN\0")
    argv = out[:marker].split(b"\0")[:-1]
    return argv, out[marker + len(b"STDIN\0") :]


NASTY_VALUES = [
    HOSTILE.encode(),
    b"line1\nline2",
    b"cr\rlf\r\n",
    b"'; touch CANARY; echo '",
    b'"; touch CANARY; echo "',
    b"$'\\x41'",
    b"\x1b[31mred\x07",
    b"\xff\x00\xfe",
    b"\\",
    b"-H",
]


async def test_curl_quoting_cannot_be_escaped(tmp_path: Path) -> None:
    headers = [(b"X-N" + str(i).encode(), v) for i, v in enumerate(NASTY_VALUES)]
    headers.append((b"@CANARY", b"x"))  # impossible on the wire; curl would read a file
    body = HOSTILE.encode() + b"\n'\"\n"
    target = "/p/$(touch CANARY)/`touch CANARY`?q='\"; touch CANARY"
    req = make_request(target=target, headers=headers, body=body)
    out = await run_bash(_argv_capture_script(to_curl(req, "http://h"), "curl"), cwd=tmp_path)
    argv, stdin = _split_capture(out)
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


async def test_httpie_quoting_cannot_be_escaped(tmp_path: Path) -> None:
    headers = [(b"X-N" + str(i).encode(), v) for i, v in enumerate(NASTY_VALUES)]
    body = bytes(range(256))
    target = "/p/$(touch CANARY)?q='\"; touch CANARY"
    req = make_request(target=target, headers=headers, body=body)
    out = await run_bash(_argv_capture_script(to_httpie(req, "http://h"), "http"), cwd=tmp_path)
    argv, stdin = _split_capture(out)
    assert stdin == body
    assert b"http://h" + target.encode() in argv
    assert not (tmp_path / "CANARY").exists()


# -- HTTPie --------------------------------------------------------------------------------------

# HTTPie's item separators, longest first as its parser prefers them (httpie/cli/constants.py).
_HTTPIE_SEPARATORS = [":=@", "==@", "=@", ":@", ":=", "==", ":", ";", "=", "@"]


def _parse_httpie_item(item: str) -> tuple[str, str, str]:
    """HTTPie's KeyValueArgType parsing: backslash escapes, first and longest separator."""
    # The backslash itself is not special: `\\x` stays `\\x` unless x is a separator character.
    special = set("".join(_HTTPIE_SEPARATORS))
    tokens: list[tuple[bool, str]] = [(False, "")]
    chars = iter(item)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            if nxt in special and nxt:
                tokens += [(True, nxt), (False, "")]
            else:
                tokens[-1] = (False, tokens[-1][1] + "\\" + nxt)
        else:
            tokens[-1] = (tokens[-1][0], tokens[-1][1] + char)
    for i, (escaped, token) in enumerate(tokens):
        if escaped:
            continue
        found = {}
        for sep in sorted(_HTTPIE_SEPARATORS, key=len):
            pos = token.find(sep)
            if pos != -1:
                found[pos] = sep
        if found:
            sep = found[min(found)]
            key, value = token.split(sep, 1)
            key = "".join(t for _, t in tokens[:i]) + key
            value += "".join(t for _, t in tokens[i + 1 :])
            return key, sep, value
    raise AssertionError(f"no separator in {item!r}")


async def test_httpie_items_parse_back_to_the_headers(tmp_path: Path) -> None:
    headers = [
        (b"X-Dup", b"1"),
        (b"x-dup", b"2"),
        (b"X-Eq", b"=starts:with=separators@;:="),
        (b"X-Backslash", b"a\\b\\"),
        (b"X-Json", b":=[1]"),
        (b"X-At", b"@/etc/passwd"),
        (b"X-Empty", b""),
        (b"Content-Type", b"application/json"),
        (b"X-Shell", HOSTILE.encode()),
        (b"X-Utf8", "café".encode()),
    ]
    body = b'{"a": "$(x)"}'
    req = make_request(headers=[(b"Host", b"h"), *headers, (b"Content-Length", b"13")], body=body)
    command = to_httpie(req, "http://127.0.0.1:1")
    out = await run_bash(_argv_capture_script(command, "http"), cwd=tmp_path)
    argv, stdin = _split_capture(out)
    assert stdin == body
    url_at = argv.index(b"http://127.0.0.1:1/hook")
    assert argv[url_at - 1] == b"POST"
    items = [_parse_httpie_item(a.decode()) for a in argv[url_at + 1 :]]
    sent = [(k, v) for k, sep, v in items if (sep == ":" and v) or sep == ";"]
    assert sent == [(n.decode(), v.decode()) for n, v in headers]
    # Defaults HTTPie would add on its own are switched off with `Name:`.
    unset = {k for k, sep, v in items if sep == ":" and not v}
    assert unset == {"User-Agent", "Accept", "Accept-Encoding", "Connection"}
    assert "--ignore-stdin" not in command


def test_httpie_without_body_ignores_stdin() -> None:
    req = make_request(method="GET", headers=[(b"User-Agent", b"x")])
    command = to_httpie(req, "http://h")
    assert command.startswith("http --ignore-stdin --path-as-is GET http://h/hook")
    assert "User-Agent:x" in command.split()


def test_httpie_binary_body_goes_through_base64() -> None:
    body = bytes(range(256))
    command = to_httpie(make_request(body=body), "http://h")
    encoded = base64.b64encode(body).decode()
    assert command.startswith(f"printf %s {encoded} | base64 -d | http --path-as-is POST")
    # No Content-Type from the sender: HTTPie's JSON default is switched off.
    assert "Content-Type:" in command.split()


@pytest.mark.parametrize("body", [b"", bytes(range(256)), b"@text $(x) 'q'"])
async def test_httpie_for_real(echo: EchoServer, tmp_path: Path, body: bytes) -> None:
    headers = [
        (b"X-Dup", b"1"),
        (b"x-dup", b"2"),
        (b"Content-Type", b"application/json"),
        (b"X-Dup", b"3"),
        (b"X-Eq", b"=a:b@c;d:=e"),
        (b"X-At", b"@CANARY"),
        (b"X-Empty", b""),
        (b"X-Shell", HOSTILE.encode()),
        (b"X-Utf8", "café".encode()),
    ]
    req = make_request(headers=headers, body=body)
    await run_bash(to_httpie(req, echo.base_url), cwd=tmp_path)
    seen = echo.last()
    assert seen.body == body
    assert not (tmp_path / "CANARY").exists()
    # HTTPie keeps every header and value but may reorder them (see to_httpie's docstring):
    # compare as multisets, and check duplicates keep their relative order.
    got = forwarded(seen.raw_headers)
    assert sorted(got) == sorted(headers)
    assert [v for n, v in got if n.lower() == b"x-dup"] == [b"1", b"2", b"3"]


# -- raw HTTP ------------------------------------------------------------------------------------


def test_raw_http_is_exact() -> None:
    req = make_request(
        method="PATCH",
        target="/x/../y?a=1&a=2",
        headers=[
            (b"hOST", b"h"),
            (b"X-A", b"1"),
            (b"x-a", b"\xff"),
            (b"X-Empty", b""),
            (b"Content-Length", b"3"),
        ],
        body=b"\x00\x01\x02",
        http_version=(1, 0),
    )
    assert to_raw_http(req) == (
        b"PATCH /x/../y?a=1&a=2 HTTP/1.0\r\n"
        b"hOST: h\r\nX-A: 1\r\nx-a: \xff\r\nX-Empty:\r\nContent-Length: 3\r\n"
        b"\r\n\x00\x01\x02"
    )


def test_raw_http_non_utf8_target_bytes() -> None:
    target = b"/caf\xe9?q=\xff".decode("utf-8", "surrogateescape")
    req = make_request(method="GET", target=target, headers=[])
    assert to_raw_http(req) == b"GET /caf\xe9?q=\xff HTTP/1.1\r\n\r\n"


async def test_raw_http_replays_over_a_socket(echo: EchoServer) -> None:
    body = bytes(range(256))
    req = make_request(
        headers=[(b"Host", b"x"), (b"X-A", b"1"), (b"x-A", b"2"), (b"Content-Length", b"256")],
        body=body,
    )
    host, port = echo.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(to_raw_http(req))
    await writer.drain()
    await asyncio.wait_for(reader.readuntil(b"ok"), timeout=10)
    writer.close()
    seen = echo.last()
    assert seen.raw_headers == list(req.raw_headers)
    assert seen.body == body


# -- JSON ----------------------------------------------------------------------------------------


def test_json_text_body() -> None:
    req = make_request(headers=[(b"X-Dup", b"1"), (b"x-dup", b"\xe9")], body='{"k": "☃"}'.encode())
    doc = json.loads(to_json(req))
    assert doc["id"] == 7
    assert doc["received_at"] == "2023-11-14T22:13:20.250Z"
    assert doc["received_at_epoch"] == req.received_at
    assert (doc["method"], doc["target"], doc["http_version"]) == ("POST", "/hook", "HTTP/1.1")
    assert doc["headers"] == [{"name": "X-Dup", "value": "1"}, {"name": "x-dup", "value": "é"}]
    assert [
        (h["name"].encode("latin-1"), h["value"].encode("latin-1")) for h in doc["headers"]
    ] == [*req.raw_headers]
    assert (doc["body"], doc["body_encoding"]) == ('{"k": "☃"}', "utf-8")
    assert doc["rejected"] is False and doc["declared_length"] is None


def test_json_binary_body_is_base64() -> None:
    body = bytes(range(256))
    doc = json.loads(to_json(make_request(body=body)))
    assert doc["body_encoding"] == "base64"
    assert base64.b64decode(doc["body"]) == body


def test_json_non_utf8_target_stays_encodable() -> None:
    target = b"/\xff".decode("utf-8", "surrogateescape")
    text = to_json(make_request(target=target))
    text.encode("utf-8")  # must not raise
    assert json.loads(text)["target"] == target


def test_json_is_one_document() -> None:
    text = to_json(make_request(body=b"x"))
    assert re.match(r"^\{.*\}$", text, re.S)
