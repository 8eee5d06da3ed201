"""Child processes that tests send Ctrl+C (SIGINT): they get it, and a test never waits forever.

A pytest started with SIGINT ignored (`nohup pytest ... &` from a non-interactive shell, some
CI runners) passes SIG_IGN on to every child, and Python leaves an ignored SIGINT ignored: the
child never got the test's Ctrl+C, and the test waited forever on a child blocked reading a
FIFO. Popen's restore_signals covers SIGPIPE and SIGXFSZ only, not SIGINT.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
from collections.abc import Iterator


def sigint_as_in_a_terminal() -> None:
    """preexec_fn: SIGINT at its default action in the child, whatever the test runner's."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def ended_within(process: subprocess.Popen, seconds: float, what: str) -> Iterator[None]:
    """Kill `process` if it still runs `seconds` from now, and fail saying so, rather than
    hang the suite; it is killed when the block ends in any case (reaped, never left behind)."""
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        process.kill()

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    said = f"{what}: the child was still running after {seconds:g} s and was killed"
    try:
        yield
    except BaseException as error:
        if timed_out.is_set():
            raise AssertionError(said) from error
        raise
    finally:
        timer.cancel()
        if process.poll() is None:
            process.kill()
        process.wait()
    if timed_out.is_set():
        raise AssertionError(said)
