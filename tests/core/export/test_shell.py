"""Shell quoting for the command exports: bash gives back exactly the bytes that were quoted."""

from __future__ import annotations

import base64
import shlex

import pytest

from tests.core.export.helpers import make_request, run_bash
from whisper_tui.core.export.shell import (
    CLIENT_COMPUTED,
    forwarded_headers,
    has_header,
    join_commands,
    printable_text,
    shell_quote_bytes,
    stdin_source,
)

# bash cannot hold a NUL in a word, so every other byte value is what quoting has to survive.
EVERY_BYTE_BUT_NUL = bytes(range(1, 256))
WORDS = [
    b"plain",
    b"",
    b'it\'s "quoted" $(touch CANARY) `id` ${HOME} \\ ; | & > < * ? ! # ~',
    "ünïcödé ☃".encode(),
    b"line1\nline2\r\n\ttab",
    b"\x1b[31mred\x07",
    b"\xff\xfe not utf-8",
    b"$'\\x41'",
    b"-H",
    EVERY_BYTE_BUT_NUL,
]


@pytest.mark.parametrize("word", WORDS)
async def test_a_quoted_word_expands_to_exactly_its_bytes(word: bytes, tmp_path) -> None:
    out = await run_bash(f"printf %s {shell_quote_bytes(word)}", cwd=tmp_path)
    assert out == word
    assert not (tmp_path / "CANARY").exists()


@pytest.mark.parametrize("body", [b"", b"{}", b"@file", bytes(range(256)), "ü\x1b".encode()])
async def test_stdin_source_writes_exactly_the_body(body: bytes, tmp_path) -> None:
    assert await run_bash(stdin_source(body) + "cat", cwd=tmp_path) == body


def test_printable_text_body_is_a_plain_literal_and_other_bytes_go_as_base64() -> None:
    assert stdin_source(b"a b") == "printf %s 'a b' | "
    encoded = base64.b64encode(b"\x00\xff").decode()
    assert stdin_source(b"\x00\xff") == f"printf %s {encoded} | base64 -d | "


def test_printable_text_refuses_control_characters_but_not_tab_cr_lf() -> None:
    assert printable_text(b"a\tb\r\nc") == "a\tb\r\nc"
    assert printable_text(b"\x1b[2J") is None
    assert printable_text("\x85".encode()) is None  # C1 control, valid UTF-8
    assert printable_text(b"\xff") is None


def test_text_that_is_printable_is_quoted_the_shlex_way() -> None:
    assert shell_quote_bytes(b"it's") == shlex.quote("it's")
    assert shell_quote_bytes(b"\x1b") == "$'\\x1b'"
    assert shell_quote_bytes(b"'\\\xff") == "$'\\'\\\\\\xff'"


def test_headers_the_client_computes_are_not_forwarded() -> None:
    headers = [
        (b"HOST", b"h"),
        (b"X-A", b"1"),
        (b"Content-Length", b"1"),
        (b"transfer-encoding", b"chunked"),
        (b"Expect", b"100-continue"),
        (b"x-a", b"2"),
    ]
    request = make_request(headers=headers)
    assert forwarded_headers(request) == [(b"X-A", b"1"), (b"x-a", b"2")]
    assert {n.lower() for n, _ in headers} - {b"x-a"} == CLIENT_COMPUTED


def test_has_header_ignores_the_senders_casing() -> None:
    request = make_request(headers=[(b"CoNtEnT-TyPe", b"text/plain")])
    assert has_header(request, b"content-type")
    assert not has_header(request, b"content-length")


def test_commands_are_separated_by_a_blank_line_and_end_with_a_newline() -> None:
    assert join_commands(["echo 1", "echo ☃"]) == "echo 1\n\necho ☃\n".encode()
    assert join_commands([]) == b"\n"
