"""The pytest export runs under real pytest and delivers the stored bytes to a real receiver."""

from __future__ import annotations

import os
import subprocess
import sys

from whisper_tui.core.export import render_export
from whisper_tui.core.models import CapturedRequest
from whisper_tui.inbox import WebhookInbox

CAPTURE = CapturedRequest(
    7,
    0.0,
    "127.0.0.1",
    "POST",
    "/hooks/x?a=1&b=%20",
    (1, 1),
    (
        (b"Host", b"example"),
        (b"Content-Type", b"application/octet-stream"),
        (b"X-Dup", b"1"),
        (b"X-Dup", b"2"),
        (b"X-User", "Zoë Müller".encode()),
        (b"X-Legacy", b"caf\xe9"),
        (b"Content-Length", b"9"),
    ),
    b"\x00\xffraw'\"\n\x1b",
)


def run_exported(tmp_path, target: str) -> subprocess.CompletedProcess[str]:
    module = tmp_path / "test_replays.py"
    module.write_bytes(render_export("pytest", [CAPTURE], "http://127.0.0.1:1"))
    env = dict(os.environ, WEBHOOK_TARGET_URL=target)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


def test_the_exported_test_passes_and_delivers_the_exact_bytes(tmp_path):
    with WebhookInbox() as inbox:
        result = run_exported(tmp_path, inbox.url)
        [arrived] = inbox.wait_for(count=1)
    assert result.returncode == 0, result.stdout
    assert "1 passed" in result.stdout
    assert (arrived.method, arrived.target, arrived.body) == ("POST", CAPTURE.target, CAPTURE.body)
    assert [v for n, v in arrived.headers if n == "X-Dup"] == ["1", "2"]
    # A UTF-8 value and one that is not both arrive as the bytes that were captured.
    sent = dict(arrived.request.raw_headers)
    assert (sent[b"X-User"], sent[b"X-Legacy"]) == ("Zoë Müller".encode(), b"caf\xe9")


def test_header_values_read_as_text_where_they_are_utf8(tmp_path):
    source = render_export("pytest", [CAPTURE], "http://127.0.0.1:1").decode("utf-8")
    assert "('X-User', 'Zoë Müller')" in source
    assert "('X-Legacy', b'caf\\xe9')" in source


def test_the_exported_test_fails_when_the_app_does_not_answer_2xx(tmp_path):
    with WebhookInbox() as inbox:
        inbox.respond("POST /hooks/* 500")
        result = run_exported(tmp_path, inbox.url)
    assert result.returncode == 1
    assert "answered 500" in result.stdout


def test_each_test_is_laid_out_as_a_formatter_would():
    # The call's arguments at 8 spaces, the header list's items at 12, its bracket at 8.
    source = render_export("pytest", [CAPTURE], "http://127.0.0.1:1").decode("utf-8")
    call = source[source.index("    status = deliver(") :].split("\n    )\n")[0]
    assert call.splitlines() == [
        "    status = deliver(",
        "        'POST',",
        "        '/hooks/x?a=1&b=%20',",
        "        [",
        "            ('Content-Type', 'application/octet-stream'),",
        "            ('X-Dup', '1'),",
        "            ('X-Dup', '2'),",
        "            ('X-User', 'Zoë Müller'),",
        "            ('X-Legacy', b'caf\\xe9'),",
        "        ],",
        "        b'\\x00\\xffraw\\'\"\\n\\x1b',",
    ]
    bare = CapturedRequest(8, 0.0, "127.0.0.1", "GET", "/", (1, 1), (), b"")
    source = render_export("pytest", [bare], "http://127.0.0.1:1").decode("utf-8")
    assert "        'GET',\n        '/',\n        [],\n        b'',\n    )\n" in source


def test_the_senders_connection_headers_are_left_out_as_replay_leaves_them():
    headers = (
        (b"Connection", b"keep-alive, X-Trace"),
        (b"Keep-Alive", b"timeout=5"),
        (b"X-Trace", b"abc"),
        (b"X-Kept", b"1"),
    )
    capture = CapturedRequest(1, 0.0, "127.0.0.1", "POST", "/h", (1, 1), headers, b"{}")
    text = render_export("pytest", [capture], "http://127.0.0.1:1").decode()
    assert "('X-Kept', '1')" in text
    for name in ("'Connection'", "'Keep-Alive'", "'X-Trace'"):
        assert name not in text
