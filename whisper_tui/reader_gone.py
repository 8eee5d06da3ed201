"""Output whose reader has left (`| head -n1`): stop quietly with 141, as a Unix tool does.

Headless mode and `send` both print line by line into pipes; Python raises BrokenPipeError
where a C tool gets SIGPIPE and dies silently. One place says what happens then, and
ReaderWatch notices a reader leaving between writes (headless mode may write nothing for hours).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import stat
import threading
from collections.abc import Callable
from typing import TextIO

READER_GONE = 128 + signal.SIGPIPE
"""Exit status once stdout's reader has left (`| head -n1`): 141, what a shell reports for
`yes | head -n1` or any Unix tool stopped by SIGPIPE, so `${PIPESTATUS[0]}` and `set -o
pipefail` read it as they read theirs (0 would claim a run stopped as asked, 1 a failure)."""


def write_through(stream: TextIO, text: str) -> bool:
    """Write `text` to `stream` and flush it; False once the stream's reader has left.

    The stream then points at /dev/null, so later writes (and the flush at exit) are quiet;
    the caller decides whether to stop (stdout) or carry on (stderr's notes).
    """
    try:
        if text:
            stream.write(text)
        stream.flush()
    except BrokenPipeError:
        discard_output(stream)
        return False
    return True


def discard_output(stream: TextIO) -> None:
    """Point a stream whose reader left at /dev/null: what its buffer still holds, flushed at
    exit, would raise again (Python's documented way, "Note on SIGPIPE")."""
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):  # a StringIO: nothing to redirect
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


_HUNG_UP = getattr(select, "POLLERR", 0) | getattr(select, "POLLHUP", 0)


class ReaderWatch:
    """Tells `on_gone` (on `loop`) as soon as the reader of a pipe or socket has left.

    `write_through` learns it only from the next write, and headless mode writes only when a
    delivery comes: `--headless --json | head -n1` kept running after head had its line until
    a second delivery arrived (a CI step waiting on it hung until its timeout). The write end
    of a pipe polls POLLERR once its last reader closes (POLLHUP for a socket's), with no
    events asked for, so a thread blocked in poll() sees it at once and costs nothing until
    then. A regular file or a terminal has no reader to lose (a terminal's hang-up is SIGHUP):
    nothing is watched, nor where poll() is missing (Windows).
    """

    def __init__(
        self, stream: TextIO, loop: asyncio.AbstractEventLoop, on_gone: Callable[[], None]
    ) -> None:
        self._thread: threading.Thread | None = None
        descriptor = _pipe_descriptor(stream)
        if descriptor is None:
            return
        self._wake_read, self._wake_write = os.pipe()
        self._thread = threading.Thread(
            target=self._watch,
            args=(descriptor, loop, on_gone),
            name="whisper-tui reader watch",
            daemon=True,
        )
        self._thread.start()

    def _watch(
        self, descriptor: int, loop: asyncio.AbstractEventLoop, on_gone: Callable[[], None]
    ) -> None:
        poller = select.poll()
        poller.register(descriptor, 0)  # POLLERR and POLLHUP are always reported
        poller.register(self._wake_read, select.POLLIN)
        while True:
            events = dict(poller.poll())
            if self._wake_read in events:  # close(): the app stops anyway
                return
            if events.get(descriptor, 0) & _HUNG_UP:
                with contextlib.suppress(RuntimeError):  # the loop closed: nothing to tell
                    loop.call_soon_threadsafe(on_gone)
                return

    def close(self) -> None:
        """Stop watching (the thread ends; its wake-up pipe is closed)."""
        if self._thread is None:
            return
        os.write(self._wake_write, b"x")
        self._thread.join()
        self._thread = None
        os.close(self._wake_read)
        os.close(self._wake_write)


def _pipe_descriptor(stream: TextIO) -> int | None:
    """The stream's descriptor when it is a pipe or a socket poll() can watch, else None."""
    if not hasattr(select, "poll"):
        return None
    try:
        descriptor = stream.fileno()
        mode = os.fstat(descriptor).st_mode
    except (AttributeError, OSError, ValueError):  # a StringIO, or closed
        return None
    return descriptor if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) else None
