"""Shared fixtures: the real capture server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from whisper_tui.core.server import bind_socket, build_server, start_server
from whisper_tui.core.store import RequestStore


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


@pytest.fixture(autouse=True)
def private_config_dir(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's real config file (or their secrets in env)."""
    monkeypatch.setenv("WHISPER_TUI_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    for name in [n for n in __import__("os").environ if n.startswith("WHISPER_SECRET_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def utc(monkeypatch):
    """Times shown in UTC, whatever the machine's zone (snapshots show clock times)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
