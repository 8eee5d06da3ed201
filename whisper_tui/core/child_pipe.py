"""Frames over a pipe between the app and a child process of its own (--load's reader,
--save's writer): a length, then `marshal` data, which keeps every str and bytes exact.

Both children run the app's own interpreter on this very package (PACKAGE_ROOT, with `-I`
keeping the working directory and PYTHONPATH off their path), and both pipes are widened to
PIPE_SIZE where the system allows it.
"""

from __future__ import annotations

import contextlib
import marshal
import queue
import threading
from pathlib import Path
from typing import IO, Any

try:
    import fcntl
except ImportError:  # Windows: a pipe keeps its size
    fcntl = None  # type: ignore[assignment]

LENGTH = 8
"""Bytes of a frame's length prefix (little-endian)."""

PIPE_SIZE = 1 << 20
"""Bytes a pipe holds once widened (Linux lets an unprivileged process ask for up to 1 MiB):
a frame of megabytes goes over in 1 MiB steps, not 64 KiB ones, so each side wakes (and takes
the interpreter's lock back) 16x less often."""

PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
"""Where this whisper_tui package is: a child imports the very same code."""


FLAT = 2
"""The marshal format without references (version 2). Versions 3 and up note every object met
twice or more (a hash table entry per object) so it is written once: that halves the bytes of
--load's frames, whose repeated strings then load as one object, but it doubles what writing a
frame of fresh captures costs: 0.8 against 0.4 us a capture (tests/bench/bench_handover.py),
spent holding the interpreter the capture server needs. --save's hand-over writes FLAT."""


def write_frame(out: IO[bytes], message: tuple[Any, ...], version: int = marshal.version) -> None:
    """Write one message (not flushed: the caller knows when the other side must have it)."""
    data = marshal.dumps(message, version)
    out.write(len(data).to_bytes(LENGTH, "little"))
    out.write(data)  # not joined to the length: megabytes copied for nothing


class FrameSender:
    """Frames written in order by a thread of its own, so the writer's work goes on while
    the reader is slow to take them.

    --load's reading process writes a frame every few milliseconds, and the app takes each
    from the pipe in a thread that needs the app's interpreter lock, which it gets only at the
    next switch (5 ms) while the app starts or draws. A full pipe then stopped the reading
    itself: 0.4-1.2 s in all at 100,000 entries. Here only this thread waits (outside the
    lock); the frames wait in memory meanwhile, no more than the app keeps of them anyway.
    """

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._write_all, name="frames", daemon=True)
        self._thread.start()

    def send(self, message: tuple[Any, ...]) -> None:
        """Queue one message: written and flushed after those before it. Raises what
        writing raised (BrokenPipeError: the reader has gone)."""
        if self._failed is not None:
            raise self._failed
        self._queue.put(marshal.dumps(message))

    def close(self) -> None:
        """Return once every queued frame is written (raising what writing raised)."""
        self._queue.put(None)
        self._thread.join()
        if self._failed is not None:
            raise self._failed

    def _write_all(self) -> None:
        out, frames = self._out, self._queue
        try:
            while (data := frames.get()) is not None:
                out.write(len(data).to_bytes(LENGTH, "little"))
                out.write(data)
                if frames.empty():
                    out.flush()  # the reader must not wait for a frame left in a buffer
        except BaseException as error:  # told to the sender at its next call
            self._failed = error
            while frames.get() is not None:
                pass  # until close(): nothing more is written


def read_frame_data(source: IO[bytes]) -> bytes | None:
    """One frame's marshal data, or None when the pipe ended (or ended mid-frame)."""
    head = source.read(LENGTH)
    if len(head) < LENGTH:
        return None
    size = int.from_bytes(head, "little")
    data = source.read(size)
    if len(data) < size:
        return None
    return data


def read_frame(source: IO[bytes]) -> Any | None:
    """One message, or None when the pipe ended."""
    data = read_frame_data(source)
    return None if data is None else marshal.loads(data)


def widen(pipe: IO[bytes] | None) -> None:
    """Make the pipe hold PIPE_SIZE bytes, where the system allows it (else it stays as is)."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if pipe is not None and set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), set_size, PIPE_SIZE)
