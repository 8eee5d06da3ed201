"""--tunnel ngrok, offline: without the package, without a token, without a network.

The network case runs the real ngrok SDK (in the test extra); this sandbox has no network, so
its session can't connect. A tunnel that actually reaches ngrok is not tested here.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from pathlib import Path

import pytest

from whisper_tui.core.session import Session
from whisper_tui.core.settings import Settings
from whisper_tui.core.tunnels import parse_tunnel


async def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not true in time"
        await asyncio.sleep(0.02)


async def started(environ: dict[str, str]) -> Session:
    session = Session(Settings(port=0, tunnel=parse_tunnel("ngrok")), environ=environ)
    await session.start()
    await wait_for(lambda: session.tunnel.state != "starting")
    return session


async def test_without_the_package_it_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ngrok", None)  # import ngrok now raises ImportError
    session = await started({"NGROK_AUTHTOKEN": "2abc"})
    try:
        assert session.tunnel.state == "failed"
        # This test's whisper-tui is a checkout installed editable (as README's Quick start
        # does): the command is that checkout's, not the published package's.
        checkout = str(Path(__file__).resolve().parents[3])
        problem = session.tunnel.problem
        assert problem.startswith(f"the ngrok package is not installed: cd {checkout} && ")
        assert problem.endswith(" install -e '.[ngrok]'")
        assert session.listening
    finally:
        await session.stop()


async def test_without_a_token_it_names_the_variable_and_where_to_get_one():
    pytest.importorskip("ngrok", reason="the ngrok extra is part of the test extra")
    session = await started({})
    try:
        assert session.tunnel.state == "failed"
        assert session.tunnel.problem == (
            "NGROK_AUTHTOKEN is not set (your token: "
            "https://dashboard.ngrok.com/get-started/your-authtoken)"
        )
        assert "tunnel ngrok failed: NGROK_AUTHTOKEN is not set" in session.status_text()
    finally:
        await session.stop()


def _online() -> bool:
    try:
        socket.create_connection(("connect.ngrok-agent.com", 443), timeout=2).close()
        return True
    except OSError:
        return False


async def test_without_a_network_the_real_sdk_error_is_one_line_and_retried():
    pytest.importorskip("ngrok", reason="the ngrok extra is part of the test extra")
    if _online():
        pytest.skip("this machine reaches ngrok; the offline error can't be produced here")
    session = await started({"NGROK_AUTHTOKEN": "2abc_not_a_real_token"})
    try:
        assert session.tunnel.state == "reconnecting"
        text = session.status_text()
        assert (
            "tunnel ngrok down: ngrok: failed to connect session: failed to establish tcp "
            "connection; reconnecting in 1 s"
        ) in text
        assert session.public_url is None and session.listening
    finally:
        await session.stop()
