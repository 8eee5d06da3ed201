"""Shared fixtures: the real capture server on 127.0.0.1; both event loops for loop tests."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from tests.helpers import EVENT_LOOPS
from tests.ports import refused_port
from whisper_tui.core.listening import bind_socket
from whisper_tui.core.server import build_server, start_server
from whisper_tui.core.store import RequestStore
from whisper_tui.loops import loop_factory


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """In an xdist worker: collect the heap now and freeze what is left, before xdist tells
    the controller that this worker is done.

    Once every worker has said so the controller stops them, and execnet sends a worker still
    busy 5 s later a SIGINT. After its report a worker still had pytest's cleanup to do: five
    full collections over everything the suite imported and kept (looking for unraisable
    exceptions), seconds on a loaded machine, so the SIGINT landed in one of them (in
    hypothesis's gc callback) and was printed as a PytestUnraisableExceptionWarning. The
    same five collections, done here, still let pytest report what they turn up; its own are
    then over the few objects made since, and the worker ends well inside the 5 s.
    """
    if not hasattr(session.config, "workerinput"):
        return  # not an xdist worker: nothing stops it early
    for _ in range(5):
        gc.collect()
    gc.freeze()


def pytest_asyncio_loop_factories(config, item):
    """Async tests in modules marked `both_loops` run once on each loop; the rest on asyncio's.

    The marked modules are those that drive the loop (server, session, replay, forwarding,
    signals, the hostile battery): what uvloop could change is socket, signal and timer
    behaviour, not parsing or rendering, so the rest of the suite is not run twice.
    """
    if item.get_closest_marker("both_loops") is None:
        return {"asyncio": asyncio.new_event_loop}
    return {name: loop_factory(name) for name in EVENT_LOOPS}


@dataclass
class RunningServer:
    store: RequestStore
    port: int
    runner: web.BaseRunner

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
async def capture_server() -> AsyncIterator[RunningServer]:
    """The real capture server on a free port, with a small body limit for 413 tests."""
    store = RequestStore()
    sock = bind_socket("127.0.0.1", 0)
    runner = await start_server(build_server(store, max_body=1024 * 1024), sock)
    try:
        yield RunningServer(store, sock.getsockname()[1], runner)
    finally:
        await runner.cleanup()


@pytest.fixture
def down_port() -> Iterator[int]:
    """A port on 127.0.0.1 where connects are refused for the whole test (a target that is
    down), and that no other test or process can start listening on meanwhile."""
    with refused_port() as port:
        yield port


@pytest.fixture(autouse=True)
def private_config_dir(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's real config file (or their secrets in env)."""
    monkeypatch.setenv("WHISPER_TUI_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    for name in [n for n in __import__("os").environ if n.startswith("WHISPER_SECRET_")]:
        monkeypatch.delenv(name)
    # Nor the terminal they run in: inside tmux a copy's toast says what tmux does with it.
    monkeypatch.delenv("TMUX", raising=False)


@pytest.fixture
def utc(monkeypatch):
    """Times shown in UTC, whatever the machine's zone (snapshots show clock times)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def toasts_stay(monkeypatch):
    """No toast expires while a test reads it: Textual's toast clock reads an hour back, so a
    toast's time left is its timeout and an hour. The tests wait for a toast to show; with
    its own 2 s timeout, a machine under load (load average 6-9) let `v`'s toast come and go
    between two looks ('condition never held'). What replaces or removes a toast is then the
    app's doing, never the clock's."""
    from textual import notifications

    real = notifications.time
    monkeypatch.setattr(notifications, "time", lambda: real() - 3600)
