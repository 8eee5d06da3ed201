"""Custom answers: --status, --delay, --respond rules, and the TUI's answer modes."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from whisper_tui.core.responses import METHODS, ResponsePolicy, RuleError, parse_rule
from whisper_tui.core.server import bind_socket, build_server, start_server
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
