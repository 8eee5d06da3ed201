"""Custom answers: --status, --delay, --respond rules, and the TUI's answer modes."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import aiohttp
import pytest

from whisper_tui.core.listening import bind_socket
from whisper_tui.core.responses import (
    METHODS,
    Answer,
    ResponsePolicy,
    RuleError,
    guessed_content_type,
    parse_rule,
)
from whisper_tui.core.server import build_server, start_server
from whisper_tui.core.store import RequestStore


def test_rules_parse_and_match_method_and_path_glob():
    rule = parse_rule("POST /hooks/stripe* 500")
    assert rule.matches("POST", "/hooks/stripe/v2")
    assert not rule.matches("GET", "/hooks/stripe")
    assert parse_rule("any /slow 200 2.5s").delay == 2.5
    assert parse_rule("ANY /x 204").method == "*"


@pytest.mark.parametrize(
    "text", ["POST /x", "POST x 500", "POST /x 99", "POST /x 500 soon", "FOO /x 200", "POTS /x 500"]
)
def test_bad_rules_are_refused(text):
    with pytest.raises(RuleError):
        parse_rule(text)


def test_a_rule_names_a_standard_method_in_any_case_or_any():
    for method in METHODS:
        assert parse_rule(f"{method.lower()} /x 500").method == method
    assert parse_rule("* /x 500").method == "*"


def test_an_unknown_method_is_refused_with_the_methods_a_rule_accepts():
    with pytest.raises(RuleError) as refused:
        parse_rule("FOO /x 200")
    assert str(refused.value) == (
        "rule 'FOO /x 200': unknown method 'FOO'; "
        "use GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT or ANY"
    )


def test_policy_modes_override_rules_and_cycle():
    policy = ResponsePolicy(rules=[parse_rule("POST /a 418")])
    assert policy.decide("POST", "/a") == (418, 0.0)
    assert policy.decide("POST", "/b") == (200, 0.0)
    assert policy.cycle_mode() == "fail"
    assert policy.decide("POST", "/a") == (500, 0.0)
    assert policy.cycle_mode() == "slow"
    assert policy.decide("GET", "/b")[1] > 0
    assert policy.cycle_mode() == "gone"
    assert policy.decide("POST", "/a") == (410, 0.0)
    assert policy.cycle_mode() == "throttle"
    assert policy.answer("POST", "/a") == Answer(429, headers=(("Retry-After", "30"),))
    assert "Retry-After: 30" in policy.describe()
    assert policy.cycle_mode() == "normal"


async def test_server_answers_by_rule_and_records_the_status():
    store = RequestStore()
    policy = ResponsePolicy(status=202, rules=[parse_rule("POST /hooks/stripe* 503")])
    sock = bind_socket("127.0.0.1", 0)
    runner = await start_server(build_server(store, 1 << 20, policy), sock)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(base + "/hooks/stripe/x", data=b"{}") as reply:
                assert reply.status == 503
            async with session.post(base + "/other", data=b"{}") as reply:
                assert reply.status == 202
    finally:
        await runner.cleanup()
    assert [r.answered_status for r in store] == [503, 202]


async def test_delay_keeps_the_sender_waiting_but_lists_the_capture_at_once():
    store = RequestStore()
    policy = ResponsePolicy(rules=[parse_rule("ANY /slow 200 0.6s")])
    sock = bind_socket("127.0.0.1", 0)
    runner = await start_server(build_server(store, 1 << 20, policy), sock)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/slow"
    try:
        async with aiohttp.ClientSession() as session:
            started = time.perf_counter()
            pending = asyncio.create_task(session.post(url, data=b"x"))
            await asyncio.sleep(0.3)
            assert len(store) == 1  # listed while the sender still waits
            reply = await pending
            assert reply.status == 200
            assert time.perf_counter() - started >= 0.6
            reply.release()
    finally:
        await runner.cleanup()


def test_a_rule_sets_headers_in_order_and_a_body_from_text_or_file(tmp_path):
    answer_file = tmp_path / "answer.json"
    answer_file.write_bytes(b'{"error": "slow down"}\n')
    rule = parse_rule(
        f"POST /hooks/* 429 header=Retry-After:30 header='X-Why: testing retries' "
        f"body=@{answer_file}"
    )
    assert rule.headers == (("Retry-After", "30"), ("X-Why", "testing retries"))
    assert rule.body == b'{"error": "slow down"}\n'
    assert parse_rule("ANY /x 503 2s body='{\"ok\": false}'").answer() == Answer(
        503, 2.0, (), b'{"ok": false}'
    )
    assert rule.text().endswith(f"header=X-Why:testing retries body=@{answer_file}")


def test_the_body_file_is_read_when_the_rule_is_parsed_not_per_request(tmp_path):
    answer_file = tmp_path / "answer.txt"
    answer_file.write_bytes(b"first")
    rule = parse_rule(f"ANY /x 200 body=@{answer_file}")
    answer_file.write_bytes(b"changed later")
    assert rule.body == b"first"


def test_a_relative_body_file_is_found_in_the_directory_given_else_in_the_cwd(
    tmp_path, monkeypatch
):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "answer.txt").write_bytes(b"beside the config file")
    (tmp_path / "answer.txt").write_bytes(b"in the working directory")
    monkeypatch.chdir(tmp_path)
    assert parse_rule("ANY /x 200 body=@answer.txt").body == b"in the working directory"
    in_config = parse_rule("ANY /x 200 body=@answer.txt", relative_to=tmp_path / "config")
    assert in_config.body == b"beside the config file"
    absolute = parse_rule(f"ANY /x 200 body=@{tmp_path / 'answer.txt'}", relative_to=Path("/nope"))
    assert absolute.body == b"in the working directory"
    with pytest.raises(RuleError, match=re.escape(f"'{tmp_path / 'config' / 'gone.json'}'")):
        parse_rule("ANY /x 200 body=@gone.json", relative_to=tmp_path / "config")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("POST /x 200 body=@/no/such/answer.json", "cannot read body file '/no/such/answer.json'"),
        ("POST /x 200 header=Retry-After", "should be header=Name:Value"),
        ("POST /x 200 header='Bad Name:1'", "should be header=Name:Value"),
        ("POST /x 200 header=Content-Length:3", "Content-Length is set by the server"),
        ("POST /x 200 body=a body=b", "give body= once"),
        ("POST /x 200 'unclosed", "No closing quotation"),
        ("POST /x 200 2s 3s", "'3s' is not understood"),
    ],
)
def test_bad_headers_and_bodies_are_refused_in_one_line(text, says):
    with pytest.raises(RuleError) as refused:
        parse_rule(text)
    assert says in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_body_without_content_type_gets_a_guessed_one():
    assert guessed_content_type(b'{"a": 1}') == "application/json"
    assert guessed_content_type(b"plain words") == "text/plain; charset=utf-8"
    assert guessed_content_type(b"\xff\x00") == "application/octet-stream"


async def _post(policy: ResponsePolicy, path: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """POST to a real capture server answering by `policy`: status, raw headers, body."""
    store = RequestStore()
    sock = bind_socket("127.0.0.1", 0)
    runner = await start_server(build_server(store, 1 << 20, policy), sock)
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{sock.getsockname()[1]}{path}"
            async with session.post(url, data=b"{}") as reply:
                return reply.status, list(reply.raw_headers), await reply.read()
    finally:
        await runner.cleanup()


async def test_the_server_sends_a_rules_headers_and_body_exactly(tmp_path):
    answer_file = tmp_path / "answer.json"
    answer_file.write_bytes(b'{ "retry" : "later" }')
    rule = parse_rule(
        f"POST /hooks/* 429 header=Retry-After:30 'header=x-Mixed-Case:A b' "
        f"header=X-Twice:1 header=X-Twice:2 body=@{answer_file}"
    )
    status, headers, body = await _post(ResponsePolicy(rules=[rule]), "/hooks/github")
    assert status == 429
    assert body == b'{ "retry" : "later" }'
    sent = [(name, value) for name, value in headers if name.lower().startswith((b"x-", b"retry"))]
    assert sent == [
        (b"Retry-After", b"30"),
        (b"x-Mixed-Case", b"A b"),
        (b"X-Twice", b"1"),
        (b"X-Twice", b"2"),
    ]
    assert (b"Content-Type", b"application/json") in headers


async def test_a_rules_own_content_type_wins_and_headers_alone_keep_the_usual_body():
    rule = parse_rule("ANY /x 503 header=Content-Type:text/html body=<h1>down</h1>")
    status, headers, body = await _post(ResponsePolicy(rules=[rule]), "/x")
    assert (status, body) == (503, b"<h1>down</h1>")
    assert [v for n, v in headers if n.lower() == b"content-type"] == [b"text/html"]
    status, headers, body = await _post(
        ResponsePolicy(rules=[parse_rule("ANY /x 202 header=X-A:1")]), "/x"
    )
    assert status == 202 and b'"note":"status chosen by whisper-tui"' in body
    assert (b"X-A", b"1") in headers


async def test_the_gone_and_throttle_modes_answer_410_and_429_with_retry_after():
    policy = ResponsePolicy(mode="gone")
    status, _, _ = await _post(policy, "/x")
    assert status == 410
    policy.cycle_mode()
    status, headers, _ = await _post(policy, "/x")
    assert status == 429
    assert (b"Retry-After", b"30") in headers
