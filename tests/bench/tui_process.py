"""Run whisper-tui as a user would: its own process, on a pseudo-terminal, TUI live."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from tests.children import sigint_as_in_a_terminal

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A port free at this moment (bound, then released), for benches, which run one at a time.

    Tests run side by side and use tests/ports.py: between this and the app's bind, another
    process may take the port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def wait_listening(port: int, timeout: float = 10.0) -> float:
    """Seconds until 127.0.0.1:port accepts a connection."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.05):
            return time.perf_counter() - start
        time.sleep(0.005)
    raise TimeoutError(f"nothing listening on {port} after {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it is still there after 5 s."""
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def own_the_terminal() -> None:
    """In the child: a session of its own with the pty (its stdin) as controlling terminal, as
    a shell in tmux or an SSH session has, so the terminal going away sends it SIGHUP."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    sigint_as_in_a_terminal()


def spawn_on_pty(
    args: tuple[str, ...] | list[str],
    columns: int = 200,
    rows: int = 50,
    *,
    controlling: bool = False,
) -> tuple[subprocess.Popen, int]:
    """Start `python -m whisper_tui ARGS` on a new pty sized columns x rows.

    Returns the process and the pty's primary side, which the caller must keep reading: a
    terminal that is never read blocks the app once its buffer fills. `controlling`: the pty
    is the app's controlling terminal (`own_the_terminal`), for tests of it hanging up.
    """
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
    env.pop("CI", None)  # the app in a terminal, as a user runs it
    env.pop("TEXTUAL", None)  # no devtools
    process = subprocess.Popen(
        [sys.executable, "-m", "whisper_tui", *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        cwd=ROOT,
        close_fds=True,
        preexec_fn=own_the_terminal if controlling else sigint_as_in_a_terminal,
    )
    os.close(secondary)
    return process, primary


@contextlib.contextmanager
def tui_process(*args: str, columns: int = 200, rows: int = 50) -> Iterator[subprocess.Popen]:
    """Start `python -m whisper_tui ARGS` on a pty sized columns x rows; drain its output."""
    process, primary = spawn_on_pty(args, columns, rows)

    def drain() -> None:
        # A terminal that is never read would block the app once its buffer fills.
        with contextlib.suppress(OSError):
            while os.read(primary, 65536):
                pass

    threading.Thread(target=drain, daemon=True).start()
    try:
        yield process
    finally:
        stop(process)
        with contextlib.suppress(OSError):
            os.close(primary)
