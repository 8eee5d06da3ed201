"""Output whose reader has left (`| head -n1`): stop quietly with 141, as a Unix tool does.

Headless mode and `send` both print line by line into pipes; Python raises BrokenPipeError
where a C tool gets SIGPIPE and dies silently. One place says what happens then.
"""

from __future__ import annotations

import os
import signal
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
