"""SIGCONT restarts the screen only after a suspend: the real app on a pty, on each loop.

The kernel sends SIGHUP with a SIGCONT when a terminal hangs up; Textual's driver would start
a second screen (and output thread) on the dead terminal and hang the shutdown. The end-to-end
case, the terminal going away, is tests/test_loops.py's.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.bench.pty_screen import pty_app
from tests.helpers import EVENT_LOOPS
from tests.ports import listening_port

ENTER_SCREEN = b"\x1b[?1049h"
"""What Textual writes each time it (re)starts application mode: the alternate screen."""


def wait_stopped(pid: int, timeout: float = 10.0) -> bool:
    """True once the process is stopped (state T in /proc)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(f"/proc/{pid}/stat") as stat:
            if stat.read().rsplit(")", 1)[1].split()[0] == "T":
                return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("loop", EVENT_LOOPS)
def test_a_bare_sigcont_leaves_the_screen_alone_and_ctrl_z_then_fg_still_resumes(loop):
    with pty_app("--port", "0", "--loop", loop, columns=80, rows=24) as app:
        listening_port(app.pid)
        assert app.wait_idle(0.3, timeout=15)
        os.kill(app.pid, signal.SIGCONT)
        assert not app.wait_for(ENTER_SCREEN, timeout=1.5)
        # Ctrl+Z as the shell sends it (Textual reads the key raw), then `fg`.
        os.kill(app.pid, signal.SIGTSTP)
        assert app.wait_for(b"\x1b[?1049l", timeout=5)  # left the screen, then stops itself
        assert wait_stopped(app.pid)  # `fg` before the stop would leave it stopped for good
        os.kill(app.pid, signal.SIGCONT)
        assert app.wait_for(ENTER_SCREEN, timeout=5)
        assert app.quit(timeout=20) == 0
