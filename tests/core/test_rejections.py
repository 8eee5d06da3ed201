"""Requests the parser refuses are remembered (not captured), with where and why."""

from __future__ import annotations

import aiohttp

from tests.helpers import send_raw
from whisper_tui.core.rejections import REASON_AT_MOST, Rejection, Rejections

ESC_IN_HEADER = (
    b"POST /hooks/github HTTP/1.1\r\nHost: x\r\nX-Evil: a\x1b[2Jb\r\nContent-Length: 2\r\n\r\n{}"
)


def test_the_recent_ones_are_kept_and_all_are_counted():
    rejections = Rejections(keep=2)
    told = []
    rejections.subscribe(told.append)
    for n in range(3):
        rejections.add(Rejection(float(n), f"127.0.0.1:{n}", 400, f"reason {n}"))
    assert rejections.total == 3
    assert [r.reason for r in rejections.recent] == ["reason 1", "reason 2"]
    assert rejections.last is not None and rejections.last.reason == "reason 2"
    assert len(told) == 3
    rejections.unsubscribe(told.append)
    rejections.add(Rejection(3.0, "", 400, "x"))
    assert len(told) == 3


def test_a_described_rejection_shows_no_control_characters_and_is_cut():
    rejection = Rejection(0.0, "", 400, "Bad status line '\x1b[2J" + "x" * 500 + "'")
    text = rejection.describe()
    assert text.startswith("400 from unknown peer: Bad status line")
    assert "\x1b" not in text
    assert len(text) < REASON_AT_MOST + 40 and text.endswith("…")


async def test_a_request_the_parser_refuses_is_counted_with_its_peer_and_reason(capture_server):
    answer = await send_raw(capture_server.port, ESC_IN_HEADER)
    assert answer.split(b" ")[1] == b"400"
    store = capture_server.store
    assert len(store) == 0  # nothing to capture: the parser never produced a request
    assert store.rejections.total == 1
    rejection = store.rejections.last
    assert rejection is not None and rejection.status == 400
    assert rejection.peer.startswith("127.0.0.1:")
    assert "header" in rejection.reason.lower()
    assert rejection.describe().startswith("400 from 127.0.0.1:")
    assert "\n" not in rejection.describe() and "\x1b" not in rejection.describe()
    # The server goes on capturing, and good requests are not counted as refused.
    async with aiohttp.ClientSession() as client:
        async with client.post(f"{capture_server.url}/ok", data=b"{}") as response:
            assert response.status == 200
    assert len(store) == 1 and store.rejections.total == 1


async def test_a_request_line_that_is_not_http_is_refused_and_counted(capture_server):
    answer = await send_raw(capture_server.port, b"\x16\x03\x01 not http at all\r\n\r\n")
    assert b"400" in answer.split(b"\r\n", 1)[0]
    assert capture_server.store.rejections.total == 1


def test_a_refusal_is_the_parsers_and_an_internal_error_is_ours():
    refused = Rejection(0.0, "127.0.0.1:1", 400, "Invalid header value char")
    ours = Rejection(0.0, "127.0.0.1:1", 500, "a bug", internal=True)
    assert refused.cause() == "refused by the HTTP parser"
    assert "whisper-tui" in ours.cause() and "parser" not in ours.cause()
