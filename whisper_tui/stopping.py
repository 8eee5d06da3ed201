"""Ending cleanly on a signal, so the server stops and --save writes every capture.

Plain asyncio: the TUI and headless mode both use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

EXIT_INTERRUPTED = 128 + signal.SIGINT
"""Exit status when Ctrl+C stopped a run before it finished (send; any start not yet done):
130, what a shell reports for a command Ctrl+C ended."""

EXIT_SAVE_FAILED = 3
"""Exit status when --save could not write the file at exit (one line says what was lost)."""

HANGUP_AND_TERMINATE = (signal.SIGTERM, signal.SIGHUP)
"""kill/systemd, and the SSH session or terminal going away."""


def on_stop_signals(
    callback: Callable[[], object], signums: tuple[signal.Signals, ...] = HANGUP_AND_TERMINATE
) -> Callable[[], None]:
    """Call `callback` on the running loop when one of `signums` arrives.

    Returns the function that removes the handlers again. Where the loop cannot handle
    signals (Windows, or not the main thread), nothing is installed.
    """
    loop = asyncio.get_running_loop()
    installed = []
    for signum in signums:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, callback)
            installed.append(signum)

    def remove() -> None:
        for signum in installed:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signum)
        installed.clear()

    return remove
