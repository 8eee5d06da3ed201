"""HTTPie exports: quoting checked on the argv bash hands over, and run for real."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.core.export.helpers import (
    HOSTILE,
    NASTY_VALUES,
    EchoServer,
    argv_capture_script,
    forwarded,
    make_request,
    run_bash,
    split_capture,
)
from whisper_tui.core.export import render_export
from whisper_tui.core.export.httpie import FORMAT, to_httpie


async def test_httpie_quoting_cannot_be_escaped(tmp_path: Path) -> None:
    headers = [(b"X-N" + str(i).encode(), v) for i, v in enumerate(NASTY_VALUES)]
    body = bytes(range(256))
    target = "/p/$(touch CANARY)?q='\"; touch CANARY"
    req = make_request(target=target, headers=headers, body=body)
    out = await run_bash(argv_capture_script(to_httpie(req, "http://h"), "http"), cwd=tmp_path)
    argv, stdin = split_capture(out)
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
    out = await run_bash(argv_capture_script(command, "http"), cwd=tmp_path)
    argv, stdin = split_capture(out)
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


async def test_httpie_leaves_out_the_senders_connection_headers(tmp_path: Path) -> None:
    headers = [(b"Connection", b"close, X-Trace"), (b"X-Trace", b"abc"), (b"X-Kept", b"1")]
    command = to_httpie(make_request(headers=headers, body=b"{}"), "http://127.0.0.1:1")
    out = await run_bash(argv_capture_script(command, "http"), cwd=tmp_path)
    argv, _ = split_capture(out)
    items = [_parse_httpie_item(a.decode()) for a in argv[argv.index(b"POST") + 2 :]]
    assert [(k, v) for k, sep, v in items if sep == ":" and v] == [("X-Kept", "1")]
    # HTTPie's own `Connection: keep-alive` is switched off too: none goes out.
    assert ("Connection", ":", "") in items


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


# -- the format as the export dialog uses it -----------------------------------------------------


def test_several_captures_are_one_command_each_a_blank_line_apart() -> None:
    first, second = make_request(body=b"1"), make_request(method="GET", target="/two")
    output = render_export("httpie", [first, second], "http://h")
    assert output == f"{to_httpie(first, 'http://h')}\n\n{to_httpie(second, 'http://h')}\n".encode()
    assert (FORMAT.label, FORMAT.extension) == ("HTTPie", "sh")
