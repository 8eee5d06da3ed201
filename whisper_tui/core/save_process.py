"""`--save`'s appending in a process of its own, so serializing entries leaves the app's core.

Turning a capture into its HAR line (har.entry_bytes) is pure Python, 8-12 us a capture:
in a thread it holds the interpreter the app serves with, and under a flood that is a tenth
of the app's time. Here a child process (this module's `main`, run by the app's own
interpreter) does it: the app hands over each save's captures as one `marshal` frame of their
fields (har_process.CAPTURE_FIELDS, made in the autosave's thread by C-level passes: about
1 us a capture measured alone; more under a flood, the captures no longer in the CPU's
caches; marshalling each as it arrived instead measured no better: README's Performance),
and the child serializes them, appends them to the file and answers with what it wrote.

The child runs at the lowest priority (nice 19, and SCHED_IDLE where there is one, so a waking
capture server takes the core back at once): where cores are few, the capture server comes
first and the file catches up when it idles; where there is a spare core the child has it.
Where the machine lets it (Linux), the child is also kept off the core the capture server's
loop last ran on before each request (SavingProcess.keep_off): at SCHED_IDLE it still takes
every moment that loop waits for the network, and each of the loop's wake-ups then preempts it
and finds its caches cold. Measured on 2 cores with the load generator on the other, the app
pinned to one core, the child given both (4 alternating rounds of 60,000 POSTs, ~2.5 s):
sharing the loop's core cost 19% of the captures a second, kept off it 5%, the file catching
up a second or two after the burst. Over 150,000 POSTs (~6 s, three saves) both cost 18%
(tests/bench/bench_save_parts.py): a sustained flood leaves no idle core on that machine.
On one core, or a process pinned to one, nothing changes.
A whole rewrite is appends too, to an empty file that the app then renames over the old one.
It ends when its input does (the app exited or crashed), after the append in hand, which
always leaves the file a complete HAR (autosave.py).

A request is one frame (a length, then the data):
  ("append", path, base_url, first entry's number, tail_at, (st_dev, st_ino), items,
  deliveries, lines), items being captures' CAPTURE_FIELDS tuples and lines the entries'
  lines already made, by their position in items (a capture with replays, which the app
  serializes itself);
and its answer: ("appended", entries, bytes written, CPU seconds), ("changed",) when the file
is not the one the app wrote last, or ("error", errno, strerror).
"""

from __future__ import annotations

import contextlib
import gc
import operator
import os
import subprocess
import sys
import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import Any

from whisper_tui.core.child_pipe import FLAT, PACKAGE_ROOT, read_frame, widen, write_frame
from whisper_tui.core.deliveries import DeliveryJson
from whisper_tui.core.har import FILE_TAIL, entry_bytes, entry_separator
from whisper_tui.core.models import CapturedRequest

PRIORITY = 19
"""The child's nice value: it serializes with what the capture server leaves."""


class FileChanged(Exception):
    """The file is not the one we wrote last (moved, replaced, truncated): rewrite it."""


Item = tuple[Any, ...]
"""A capture's fields (har_process.CAPTURE_FIELDS)."""


def append_entries(
    path: str,
    tail_at: int,
    identity: tuple[int, int],
    first: int,
    lines: Iterable[bytes],
    *,
    cut: bool = False,
) -> tuple[int, int]:
    """Write entry lines (numbered on from `first`) over the file's closing, then a new
    closing, and fsync; returns (entries, bytes written).

    Raises FileChanged when the file is not (identity, tail_at + closing) as last written,
    FileNotFoundError when it is gone. Until the write lands the file ends with the old
    closing; after, with the new one. Cut anywhere between, the entries before the cut load.

    `cut`: an append may have stopped part way (its process ended): the file may hold more
    than tail_at + closing, and everything from tail_at is dropped first. Until the new
    entries land it then ends after its last whole entry, which loads as a file cut short.
    """
    fd = os.open(path, os.O_WRONLY)
    try:
        stat = os.fstat(fd)
        expected = tail_at + len(FILE_TAIL)
        if (stat.st_dev, stat.st_ino) != identity or not (
            stat.st_size == expected or (cut and stat.st_size >= tail_at)
        ):
            raise FileChanged
        if cut and stat.st_size != expected:
            os.ftruncate(fd, tail_at)
            os.fsync(fd)
        parts = []
        number = first
        for line in lines:
            parts.append(entry_separator(number))
            parts.append(line)
            number += 1
        if number == first:
            if cut and stat.st_size != expected:
                os.pwrite(fd, FILE_TAIL, tail_at)
                os.fsync(fd)
            return 0, 0
        parts.append(FILE_TAIL)
        data = memoryview(b"".join(parts))
        done = 0
        try:
            while done < len(data):
                done += os.pwrite(fd, data[done:], tail_at + done)
            os.fsync(fd)
        except OSError:
            # A full disk (or a file size limit): the file is put back as it was, its last
            # whole entry then the closing (truncating frees the space that takes), so it
            # stays a complete HAR rather than one cut mid-entry.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, tail_at)
                os.pwrite(fd, FILE_TAIL, tail_at)
                os.fsync(fd)
            raise
    finally:
        os.close(fd)
    return number - first, len(data)


def item_lines(
    items: list[Item],
    base_url: str,
    deliveries: list[DeliveryJson | None],
    lines: dict[int, bytes],
) -> Iterable[bytes]:
    """Each item's entry line: made here from a capture's fields, or as handed over."""
    for position, (item, delivery) in enumerate(zip(items, deliveries, strict=True)):
        line = lines.get(position)
        if line is None:
            line = entry_bytes(CapturedRequest(*item), base_url, delivery)
        yield line


# -- in the child ------------------------------------------------------------------------------


def answer(request: tuple[Any, ...]) -> tuple[Any, ...]:
    """Carry out one request (the child's work for one frame)."""
    _, path, base_url, first, tail_at, identity, items, deliveries, lines = request
    began = time.process_time()
    try:
        made = item_lines(items, base_url, deliveries, lines)
        count, written = append_entries(path, tail_at, tuple(identity), first, made)
    except (FileChanged, FileNotFoundError):
        return ("changed",)
    except OSError as error:
        return ("error", error.errno or 0, error.strerror or str(error))
    return ("appended", count, written, time.process_time() - began)


def main() -> int:
    """The child's start: requests on stdin, answers on stdout, until stdin ends."""
    # Nothing here forms a cycle: collecting would only walk the captures again.
    gc.disable()  # (its priority is lowered before this module is imported: see _CHILD)
    source, out = sys.stdin.buffer, sys.stdout.buffer
    with contextlib.suppress(BrokenPipeError):
        while (request := read_frame(source)) is not None:
            write_frame(out, answer(request))
            out.flush()
    return 0


# -- in the app --------------------------------------------------------------------------------


_CHILD = (
    # At the lowest priority from its first line: its imports (tens of milliseconds of CPU,
    # maybe on the app's core) already leave the capture server first.
    "import os, sys\n"
    f"try: os.nice({PRIORITY})\n"
    "except (OSError, AttributeError): pass\n"
    "try: os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))\n"
    "except (OSError, AttributeError): pass\n"
    "sys.path.insert(0, sys.argv.pop(1))\n"
    "from whisper_tui.core.save_process import main; sys.exit(main())"
)


def cpu_of_thread(native_id: int) -> int | None:
    """The CPU a thread of this process last ran on (Linux's /proc), else None."""
    try:
        with open(f"/proc/self/task/{native_id}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return int(fields[36])  # field 39 of proc(5), "processor"; two precede the split
    except (OSError, IndexError, ValueError):
        return None


class ChildGone(Exception):
    """The saving process ended or stopped answering: the autosave goes on in its thread."""


class SavingProcess:
    """The child that appends for one autosave; one request at a time, answered in order."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", _CHILD, PACKAGE_ROOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            # Its own session: a hang-up or Ctrl+C for the app's terminal must not end it in
            # the middle of an append; it ends when its input does.
            start_new_session=True,
        )
        # A save's frame is megabytes under a flood.
        widen(self.process.stdin)
        self._taken: set[int] = set()
        """CPUs keep_off took from the child's set: given back when the loop moves."""
        self._applied: set[int] | None = None
        """The set keep_off gave the child last: another found since was set by someone else
        (a user's taskset of the child), and only its CPUs are the child's from then on."""

    @classmethod
    def spawn(cls) -> SavingProcess | None:
        """The child started, or None where no process can be started."""
        if not sys.executable:
            return None  # embedded: no interpreter to start
        try:
            return cls()
        except OSError:
            return None

    def request(self, message: tuple[Any, ...]) -> tuple[Any, ...]:
        """Send one request and wait for its answer (blocking: call it from a thread, or at
        exit). Raises ChildGone when the child can't take it."""
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            write_frame(self.process.stdin, message, FLAT)
            self.process.stdin.flush()
            reply = read_frame(self.process.stdout)
        except (OSError, ValueError) as error:
            raise ChildGone from error
        if reply is None:
            raise ChildGone
        return tuple(reply)

    def keep_off(self, cpu: int | None) -> None:
        """Let the child run anywhere it may except on `cpu` (the capture server's), unless
        that is the only CPU it may use. Whatever set it was given since (a user's taskset)
        is kept; the CPU taken last time is given back first."""
        if cpu is None or not hasattr(os, "sched_setaffinity"):
            return
        try:
            current = os.sched_getaffinity(self.process.pid)
            if current != self._applied:
                self._taken = set()  # not the set keep_off left: someone else's, kept
            allowed = current | self._taken
            wanted = (allowed - {cpu}) or allowed
            if wanted != current:
                os.sched_setaffinity(self.process.pid, wanted)
            self._taken = allowed - wanted
            self._applied = wanted
        except OSError:
            pass  # the child gone (the request will tell) or a CPU taken offline meanwhile

    def kill(self) -> None:
        """End the child now, whatever it is doing (a request waiting on it fails)."""
        with contextlib.suppress(OSError):
            self.process.kill()

    def close(self) -> None:
        """Let the child end (its input closed), or end it if it doesn't soon."""
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


_BODY = operator.attrgetter("body")
_PLUS_HEADERS = (512).__add__


def frame_spans(captures: Sequence[CapturedRequest], most: int) -> Iterator[tuple[int, int]]:
    """(first, end) of each frame the captures are handed over in: `most` bytes of bodies and
    headers at most, or one capture where that alone is more."""
    # Bodies are what grows, headers are few (512 bytes a capture is allowed for them).
    # Summed in C: the autosave's thread holds the interpreter the capture server needs, and
    # under a flood a save has tens of thousands of captures.
    held = list(accumulate(map(_PLUS_HEADERS, map(len, map(_BODY, captures)))))
    first = 0
    while first < len(captures):
        before = held[first - 1] if first else 0
        # The first capture past the frame's bytes ends it (always at least one).
        end = min(max(first + 1, bisect_left(held, before + most, first) + 1), len(captures))
        yield first, end
        first = end
