"""The event loop choice: --loop and its config key, the loop each part runs on, and the TUI
ending (with --save complete) on either loop when its terminal goes away."""

from __future__ import annotations

import asyncio
import os
import select
import sys
import threading

import pytest

from tests.bench.tui_process import spawn_on_pty
from tests.helpers import EVENT_LOOPS
from tests.ports import listening_port
from tests.test_headless import BINARY, deliver_three
from whisper_tui.cli import parse_settings
from whisper_tui.core.har import load_har
from whisper_tui.loops import LOOPS, new_loop, parse_loop, resolve, run_on, uvloop_available

pytestmark = pytest.mark.both_loops  # async tests run on asyncio's loop and on uvloop

needs_uvloop = pytest.mark.skipif(not uvloop_available(), reason="uvloop is not installed here")


def kind(loop: asyncio.AbstractEventLoop) -> str:
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"


@pytest.mark.parametrize("text", [*LOOPS, " UVLoop ", "Asyncio"])
def test_every_loop_name_is_read_whatever_its_case(text):
    if text.strip().lower() == "uvloop" and not uvloop_available():
        pytest.skip("uvloop is not installed here")
    assert parse_loop(text) == text.strip().lower()


def test_an_unknown_loop_is_refused_in_one_line():
    with pytest.raises(ValueError, match=r"expected one of auto, asyncio, uvloop, got 'tokio'"):
        parse_loop("tokio")


def test_without_uvloop_auto_means_asyncio_and_asking_for_uvloop_exits_2(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as on Windows: not importable
    assert resolve("auto") == "asyncio"
    assert kind(new_loop("auto")) == "asyncio"
    with pytest.raises(SystemExit) as exiting:
        parse_settings(["--loop", "uvloop"])
    assert exiting.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "uvloop is not installed here" in error


@needs_uvloop
def test_auto_is_uvloop_where_it_is_installed():
    assert resolve("auto") == "uvloop"
    assert parse_settings([]).loop == "auto"


def test_the_config_file_can_choose_the_loop(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('loop = "asyncio"\n')
    assert parse_settings(["--config", str(config)]).loop == "asyncio"
    config.write_text('loop = "fast"\n')
    with pytest.raises(SystemExit):
        parse_settings(["--config", str(config)])


@pytest.mark.parametrize("choice", EVENT_LOOPS)
def test_run_on_runs_the_coroutine_on_the_loop_chosen_and_closes_it(choice):
    async def main() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    loop = run_on(choice, main())
    assert kind(loop) == choice
    assert loop.is_closed()


async def test_loop_tests_run_on_the_loop_their_id_names(request):
    # The conftest hook that runs marked modules on both loops: the id must not lie.
    named = "uvloop" if "uvloop" in request.node.callspec.id else "asyncio"
    assert kind(asyncio.get_running_loop()) == named


@pytest.mark.parametrize("choice", EVENT_LOOPS)
def test_the_tui_ends_and_saves_when_its_terminal_goes_away(tmp_path, choice):
    """A tmux session killed or an SSH connection dropped: no orphan left serving."""
    har = tmp_path / "gone.har"
    args = ["--port", "0", "--save", str(har), "--loop", choice]
    process, primary = spawn_on_pty(args, controlling=True)
    reading = threading.Event()
    reading.set()

    def drain() -> None:  # a terminal nobody reads would block the app's output
        while reading.is_set():
            if select.select([primary], [], [], 0.05)[0]:
                try:
                    os.read(primary, 65536)
                except OSError:
                    return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        port = listening_port(process.pid)
        asyncio.run(deliver_three(port))
    finally:
        reading.clear()
        reader.join(5)
        os.close(primary)  # the terminal goes away
    try:
        process.wait(15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    loaded = load_har(har)
    assert [r.target for r in loaded] == ["/hooks/stripe", "/upload?name=blob", "/health?x=1"]
    assert loaded[1].body == BINARY
