"""Supervision shared by every tunnel: announce, drop, backoff, reconnect, stop, one-line news."""

from __future__ import annotations

import asyncio
import sys
import time

import pytest

from whisper_tui.core.tunnels import (
    ConnectionEnded,
    ProcessTunnel,
    Tunnel,
    TunnelError,
    TunnelTarget,
    base,
)

TARGET = TunnelTarget("127.0.0.1", 8080, {})


class Scripted(Tunnel):
    """Each connection does the next step: an error to raise, a URL to announce and stay up
    with, or 'drop:URL' to announce and then end; with no steps left it never comes up."""

    kind = "scripted"
    usage = "scripted"

    def __init__(self, steps: list[object]) -> None:
        super().__init__("", TARGET)
        self.steps = steps

    async def connect_once(self) -> None:
        step = self.steps.pop(0) if self.steps else "forever"
        if isinstance(step, BaseException):
            raise step
        if step != "forever":
            url = str(step).removeprefix("drop:")
            self.announce(url)
            if url != step:
                return
        await asyncio.Event().wait()


class Printing(ProcessTunnel):
    """Runs Python printing the given lines, then exiting with `status`."""

    kind = "printing"
    usage = "printing"

    def __init__(self, lines: list[str], status: int = 0, linger: float = 0.0) -> None:
        super().__init__("", TARGET)
        self.script = (
            "import sys, time\n"
            f"for line in {lines!r}: print(line, flush=True)\n"
            f"time.sleep({linger})\n"
            f"sys.exit({status})\n"
        )

    def command(self) -> list[str]:
        return [sys.executable, "-c", self.script]

    def read_line(self, line: str) -> str | None:
        return line.removeprefix("URL ") if line.startswith("URL ") else None


async def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not true in time"
        await asyncio.sleep(0.01)


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setattr(base, "BACKOFF_FIRST", 0.01)
    monkeypatch.setattr(base, "BACKOFF_MAX", 0.04)


async def test_drops_are_retried_with_doubling_backoff_up_to_a_cap():
    tunnel = Scripted([ConnectionEnded("refused")] * 4 + ["https://up.example"])
    said: list[str] = []
    tunnel.subscribe(said.append)
    await tunnel.start()
    await wait_for(lambda: tunnel.state == "up")
    await tunnel.stop()
    assert said == [
        "tunnel scripted down: refused; reconnecting in 0.01 s",
        "tunnel scripted down: refused; reconnecting in 0.02 s",
        "tunnel scripted down: refused; reconnecting in 0.04 s",
        "tunnel scripted down: refused; reconnecting in 0.04 s",
        "tunnel scripted: reconnected, public URL https://up.example",
    ]
    assert tunnel.describe() == "tunnel scripted: closed"


async def test_a_problem_retrying_cannot_fix_stops_the_tunnel_and_says_why():
    tunnel = Scripted([TunnelError("thing is not installed")])
    await tunnel.start()
    await wait_for(lambda: tunnel.state == "failed")
    await asyncio.sleep(0.05)
    assert tunnel.describe() == "tunnel scripted failed: thing is not installed"
    await tunnel.stop()


async def test_an_unexpected_error_is_one_line_and_retried():
    tunnel = Scripted([OSError(24, "Too many open files"), "https://up.example"])
    said: list[str] = []
    tunnel.subscribe(said.append)
    await tunnel.start()
    await wait_for(lambda: tunnel.state == "up")
    await tunnel.stop()
    assert said[0] == "tunnel scripted down: 24: Too many open files; reconnecting in 0.01 s"


async def test_the_status_names_the_url_and_how_often_it_came_back():
    tunnel = Scripted(["drop:https://a.example", "https://b.example"])
    assert tunnel.describe() == "tunnel scripted: connecting"
    await tunnel.start()
    await wait_for(lambda: tunnel.reconnects == 1)
    # Back at another URL: said until the user has it (the TUI's U), then how often.
    assert (
        tunnel.describe() == "public https://b.example (CHANGED, https://a.example no longer works)"
    )
    assert tunnel.describe_short() == "public https://b.example (CHANGED)"
    tunnel.acknowledge_url()
    assert tunnel.describe() == "public https://b.example (reconnected once)"
    await tunnel.stop()


async def test_back_at_the_same_url_is_no_change():
    tunnel = Scripted(["drop:https://a.example", "https://a.example"])
    said: list[str] = []
    tunnel.subscribe(said.append)
    await tunnel.start()
    await wait_for(lambda: tunnel.reconnects == 1)
    await tunnel.stop()
    assert tunnel.old_url is None
    assert said[-1] == "tunnel scripted: reconnected, public URL https://a.example"


async def test_a_program_s_url_line_brings_it_up_and_its_exit_is_quoted_in_one_line():
    tunnel = Printing(["starting", "URL https://p.example", "lost \x1b[31mconnection"], status=3)
    said: list[str] = []
    tunnel.subscribe(said.append)
    await tunnel.start()
    await wait_for(lambda: len(said) >= 2)
    await tunnel.stop()
    assert said[:2] == [
        "tunnel printing: public URL https://p.example",
        # The program's text is shown with visible control characters, never raw.
        "tunnel printing down: python3 exited (status 3): lost ␛[31mconnection; "
        "reconnecting in 0.01 s".replace("python3", base.os.path.basename(sys.executable)),
    ]


async def test_stop_terminates_the_program_and_waits_for_it():
    tunnel = Printing(["URL https://p.example"], linger=60)
    await tunnel.start()
    await wait_for(lambda: tunnel.state == "up")
    process = tunnel.process
    assert process is not None
    await tunnel.stop()
    assert process.returncode is not None
    assert tunnel.process is None and tunnel.state == "stopped"


async def test_a_program_that_is_not_installed_fails_without_retrying():
    class Missing(Printing):
        def command(self) -> list[str]:
            return ["/nonexistent/tunnel-program"]

    tunnel = Missing([])
    await tunnel.start()
    await wait_for(lambda: tunnel.state == "failed")
    assert tunnel.problem == "/nonexistent/tunnel-program is not installed (not found on PATH)"
    await tunnel.stop()


async def test_wait_settled_returns_on_the_first_outcome_or_on_stop():
    tunnel = Scripted(["forever"])
    await tunnel.start()
    stop = asyncio.Event()
    stop.set()
    started = time.monotonic()
    await tunnel.wait_settled(10, stop)
    assert time.monotonic() - started < 1
    await tunnel.stop()
