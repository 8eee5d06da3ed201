"""Stop signals: a real SIGHUP or SIGTERM sent to this process calls the callback on the loop."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Iterator

import pytest

from tests.helpers import EVENT_LOOPS
from whisper_tui.loops import run_on
from whisper_tui.stopping import HANGUP_AND_TERMINATE, on_stop_signals

pytestmark = pytest.mark.both_loops  # async tests run on asyncio's loop and on uvloop


@pytest.fixture
def fallback_handlers() -> Iterator[list[int]]:
    """Plain Python handlers for SIGHUP and SIGTERM while a test runs, then the old ones back.

    If on_stop_signals failed to install its own, the test's signal lands here (and the test
    fails) instead of ending the whole pytest run.
    """
    landed: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in HANGUP_AND_TERMINATE}
    for signum in HANGUP_AND_TERMINATE:
        signal.signal(signum, lambda number, frame: landed.append(number))
    try:
        yield landed
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def test_hangup_and_terminate_are_the_stop_signals():
    assert set(HANGUP_AND_TERMINATE) == {signal.SIGHUP, signal.SIGTERM}


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
async def test_a_real_stop_signal_calls_the_callback_on_the_running_loop(fallback_handlers, signum):
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    calls: list[bool] = []

    def stop() -> None:
        # Called by the loop as an ordinary callback, not inside the C signal handler.
        calls.append(asyncio.get_running_loop() is loop)
        stopped.set()

    remove = on_stop_signals(stop)
    try:
        os.kill(os.getpid(), signum)
        await asyncio.wait_for(stopped.wait(), timeout=5)
    finally:
        remove()
    assert calls == [True]
    assert fallback_handlers == []  # the loop took it, not the handler from before


async def test_only_the_signals_asked_for_are_handled(fallback_handlers):
    stopped = asyncio.Event()
    remove = on_stop_signals(stopped.set, (signal.SIGTERM,))
    try:
        os.kill(os.getpid(), signal.SIGHUP)
        await asyncio.sleep(0.1)
        assert not stopped.is_set()
        assert fallback_handlers == [signal.SIGHUP]
    finally:
        remove()


async def test_after_remove_the_signal_no_longer_reaches_the_callback(fallback_handlers):
    calls: list[str] = []
    remove = on_stop_signals(lambda: calls.append("stop"))
    remove()
    # asyncio puts the default disposition back (it does not restore the handler that was
    # there before); a handler set now must get the signal, and the callback must not.
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    got: list[int] = []
    signal.signal(signal.SIGHUP, lambda number, frame: got.append(number))
    os.kill(os.getpid(), signal.SIGHUP)
    await asyncio.sleep(0.1)
    assert got == [signal.SIGHUP]
    assert calls == []


async def test_remove_can_be_called_twice(fallback_handlers):
    remove = on_stop_signals(lambda: None)
    remove()
    remove()


@pytest.mark.parametrize("loop", EVENT_LOOPS)
def test_off_the_main_thread_nothing_is_installed_and_nothing_fails(fallback_handlers, loop):
    before = {signum: signal.getsignal(signum) for signum in HANGUP_AND_TERMINATE}
    outcome: list[object] = []

    async def install_and_remove() -> None:
        remove = on_stop_signals(lambda: None)
        remove()

    def in_a_thread() -> None:
        try:
            run_on(loop, install_and_remove())
            outcome.append("ok")
        except BaseException as error:  # report any failure to the test's thread
            outcome.append(error)

    worker = threading.Thread(target=in_a_thread)
    worker.start()
    worker.join(timeout=10)
    assert outcome == ["ok"]
    assert {signum: signal.getsignal(signum) for signum in HANGUP_AND_TERMINATE} == before
