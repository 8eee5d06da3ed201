"""Run whisper-tui on a pty and *read* what it writes: timestamps, keys, the visible total.

tui_process.py only drains the terminal; the benchmarks also need to know when the app
wrote something (key-to-screen latency) and what it wrote (the request count in the top
bar), so this keeps every chunk the app writes with the time it arrived. No terminal
emulator: Textual redraws a changed widget's whole line, so the top bar's "N requests" is
written as one contiguous run of characters and a regex over the stream finds it.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from tests.bench.tui_process import spawn_on_pty

TOTAL_PATTERN = re.compile(rb"(\d[\d,]*) requests?\b")
KEEP_TAIL = 256 * 1024
"""Bytes of output kept for searching (the last top bar is always in the newest frames)."""


@dataclass
class KeyTiming:
    """Seconds from writing a key to the pty until the app's output did something."""

    first_byte: float | None
    """First byte of output after the key."""
    quiet: float | None
    """Last byte before the output paused for `settle` seconds (the first frame written)."""
    last: float | None
    """Last byte within the whole observation window (every frame the key caused)."""
    nbytes: int


class PtyApp:
    """whisper-tui in its own process on a pty, with a reader thread timestamping output."""

    def __init__(
        self, *args: str, columns: int = 200, rows: int = 50, record: bool = False
    ) -> None:
        """record=True keeps every chunk from the start (see seen_at); press() resets it."""
        self.args = args
        self.columns = columns
        self.rows = rows
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self._primary = -1
        self._lock = threading.Condition()
        self._tail = bytearray()
        self._total_bytes = 0
        self._last_chunk_at = 0.0
        self.record = record
        self._chunks: list[tuple[float, bytes]] | None = None
        self._reader: threading.Thread | None = None

    # -- lifetime --------------------------------------------------------------------------

    def start(self) -> PtyApp:
        self.started_at = time.perf_counter()
        self.process, primary = spawn_on_pty(self.args, self.columns, self.rows)
        self._primary = primary
        self._chunks = [] if self.record else None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        # A terminal that is never read would block the app once its buffer fills.
        with contextlib.suppress(OSError):
            while True:
                data = os.read(self._primary, 65536)
                if not data:
                    break
                now = time.perf_counter()
                with self._lock:
                    self._tail += data
                    if len(self._tail) > 2 * KEEP_TAIL:
                        del self._tail[:-KEEP_TAIL]
                    self._total_bytes += len(data)
                    self._last_chunk_at = now
                    if self._chunks is not None:
                        self._chunks.append((now, data))
                    self._lock.notify_all()

    def quit(self, timeout: float = 60.0) -> int | None:
        """Press q (a clean exit: --save completes) and wait; kill if it hangs."""
        assert self.process is not None
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                os.write(self._primary, b"q")
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._primary >= 0:
            with contextlib.suppress(OSError):
                os.close(self._primary)
            self._primary = -1

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    # -- reading ---------------------------------------------------------------------------

    def output_tail(self) -> bytes:
        with self._lock:
            return bytes(self._tail)

    def wait_for(self, pattern: bytes | re.Pattern[bytes], timeout: float = 10.0) -> bool:
        """True once `pattern` appears in output written from now on."""
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
        deadline = time.perf_counter() + timeout
        with self._lock:
            start = self._total_bytes
            while True:
                fresh = self._total_bytes - start
                if fresh and regex.search(bytes(self._tail[-min(fresh, len(self._tail)) :])):
                    return True
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return False
                self._lock.wait(remaining)

    def shown_total(self) -> int | None:
        """The request count the top bar shows now (the last one written), or None."""
        found = TOTAL_PATTERN.findall(self.output_tail())
        return int(found[-1].replace(b",", b"")) if found else None

    def wait_total(self, expected: int, timeout: float = 30.0) -> int | None:
        """Wait until the top bar shows `expected` (or stops changing); return what it shows."""
        deadline = time.perf_counter() + timeout
        shown = self.shown_total()
        while shown != expected and time.perf_counter() < deadline:
            time.sleep(0.05)
            shown = self.shown_total()
        if shown != expected:
            # Give a late refresh a last chance, then report what is on screen.
            self.wait_idle(0.5, timeout=5)
            shown = self.shown_total()
        return shown

    def wait_idle(self, quiet: float = 0.3, timeout: float = 30.0) -> bool:
        """Wait until the app has drawn, then written nothing for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self._lock:
                since = time.perf_counter() - self._last_chunk_at
                started = self._total_bytes > 0
            if started and since >= quiet:
                return True
            time.sleep(min(max(quiet - since, 0.0), 0.05) + 0.001)
        return False

    def seen_at(self, pattern: bytes) -> float | None:
        """Seconds from start() until `pattern` was first written (needs record=True)."""
        with self._lock:
            chunks = list(self._chunks or [])
        seen = bytearray()
        for when, data in chunks:
            seen += data
            if pattern in seen[-(len(data) + len(pattern)) :]:
                return when - self.started_at
        return None

    # -- keys ------------------------------------------------------------------------------

    def press(self, key: bytes, settle: float = 0.005, window: float = 0.25) -> KeyTiming:
        """Write `key` and time the output it causes (observed for `window` seconds)."""
        with self._lock:
            self._chunks = []
        start = time.perf_counter()
        os.write(self._primary, key)
        time.sleep(window)
        with self._lock:
            chunks, self._chunks = self._chunks or [], None
        if not chunks:
            return KeyTiming(None, None, None, 0)
        first = chunks[0][0]
        quiet = first
        for when, _ in chunks[1:]:
            if when - quiet > settle:
                break
            quiet = when
        return KeyTiming(
            first - start, quiet - start, chunks[-1][0] - start, sum(len(d) for _, d in chunks)
        )

    def press_until(self, key: bytes, pattern: bytes, timeout: float = 5.0) -> float | None:
        """Write `key`; seconds until the output written since contains `pattern` (or None)."""
        with self._lock:
            self._chunks = []
        start = time.perf_counter()
        os.write(self._primary, key)
        deadline = start + timeout
        seen = bytearray()
        index = 0
        try:
            with self._lock:
                while True:
                    chunks = self._chunks or []
                    while index < len(chunks):
                        when, data = chunks[index]
                        index += 1
                        seen += data
                        # Only the newest bytes (and a pattern's length before) can complete it.
                        if pattern in seen[-(len(data) + len(pattern)) :]:
                            return when - start
                    remaining = deadline - time.perf_counter()
                    if remaining <= 0:
                        return None
                    self._lock.wait(remaining)
        finally:
            with self._lock:
                self._chunks = None

    def send(self, data: bytes) -> None:
        os.write(self._primary, data)


@contextlib.contextmanager
def pty_app(
    *args: str, columns: int = 200, rows: int = 50, record: bool = False
) -> Iterator[PtyApp]:
    app = PtyApp(*args, columns=columns, rows=rows, record=record).start()
    try:
        yield app
    finally:
        app.close()
