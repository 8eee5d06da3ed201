"""`--load`'s reading in a process of its own, so the parsing runs on another core.

Reading a HAR entry (JSON, then the capture built from it) is pure Python: in a thread it
holds the interpreter the app draws and serves with. Here a child process (this module's
`main`, run by the app's own interpreter) reads the file with `HarReader` and writes
batches of captures to its stdout as `marshal` frames (a length, then the data), which keeps
every str and bytes exactly, lone surrogates included. The app's side only decodes them: about
a third of what reading costs.

The child also finds each capture's delivery id (`deliveries.find`), which the app's index
would otherwise do on the loop; the app uses them when its rules are the child's.

A frame holds one message:
  ("rules", deliveries.rules_in_force() in the child), first;
  ("batch", captures as CAPTURE_FIELDS tuples, their delivery ids as `find` gives them,
  estimated entries in all, entries read, bytes parsed, the captures' saved attempts as
  `HarReader.take_attempts` gives them);
  ("error", why the file can't be loaded at all); ("end", problem or None).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import marshal
import operator
import os
import queue
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from whisper_tui.core.child_pipe import (
    PACKAGE_ROOT,
    FrameSender,
    read_frame_data,
    widen,
    write_frame,
)
from whisper_tui.core.models import CapturedRequest

if TYPE_CHECKING:
    from whisper_tui.core.deliveries import Found
    from whisper_tui.core.har_reader import HarReader

FIRST_BATCH = 200
"""Captures in the first batch of a file: a screenful and then some, ready in milliseconds."""

BATCH = 2_000
"""Captures per later batch: few enough that adding one keeps the loop responsive (~5 ms)."""

CAPTURE_FIELDS = (
    "id",
    "received_at",
    "remote",
    "method",
    "target",
    "http_version",
    "raw_headers",
    "body",
    "rejected",
    "declared_length",
    "answered_status",
    "answer",
)
"""What a HAR entry gives a capture, in CapturedRequest's order."""


_HEADERS = CAPTURE_FIELDS.index("raw_headers")

capture_record: Callable[[CapturedRequest], tuple[Any, ...]] = operator.attrgetter(*CAPTURE_FIELDS)
"""The capture as the tuple a batch carries (CAPTURE_FIELDS), made in C: --save's hand-over
makes one for every capture, in a thread that holds the interpreter the capture server needs."""


# -- in the child ------------------------------------------------------------------------------


def serve(path: str, out: BinaryIO, first_batch: int, batch_size: int) -> None:
    """Read `path` and write its messages to `out` (the child's whole work): a first batch
    of `first_batch` captures, then batches of `batch_size`. Returns once all are written."""
    sender = FrameSender(out)
    try:
        _read(path, sender, first_batch, batch_size)
    finally:
        sender.close()


def _read(path: str, sender: FrameSender, first_batch: int, batch_size: int) -> None:
    # The reading's modules are the child's: the app spawns it before importing them (and
    # its own UI), from the command's entry (start_early).
    from whisper_tui.core.deliveries import find, may_find, rules_in_force
    from whisper_tui.core.har_entries import HarError
    from whisper_tui.core.har_reader import open_har

    try:
        reader = open_har(path)
    except HarError as error:
        sender.send(("error", str(error)))
        return
    with reader:
        sender.send(("rules", rules_in_force()))
        batch: list[tuple[Any, ...]] = []
        found: list[Found | None] = []
        limit = first_batch
        for record in reader.records():
            batch.append(record)
            # A capture is built only where a rule may find an id (a capture costs 0.4 us).
            found.append(find(CapturedRequest(*record)) if may_find(record[_HEADERS]) else None)
            if len(batch) >= limit:
                sender.send(("batch", batch, found, *_progress(reader), reader.take_attempts()))
                batch, found, limit = [], [], batch_size
        if batch:
            sender.send(("batch", batch, found, *_progress(reader), reader.take_attempts()))
        sender.send(("end", reader.problem))


def _progress(reader: HarReader) -> tuple[int, int, int]:
    return reader.estimated_total(), reader.entries, reader.done_bytes


def main(argv: list[str]) -> int:
    """The child's start: `FILE FIRST_BATCH BATCH`."""
    # Nothing read here forms a cycle: collecting would only walk the parsed entries again.
    gc.disable()
    out = sys.stdout.buffer
    try:
        serve(argv[0], out, int(argv[1]), int(argv[2]))
        out.flush()
    except BrokenPipeError:
        pass  # the app has gone or stopped the loading: nothing to tell
    except Exception as error:  # a bug: told as a problem, never a traceback on the TUI
        with contextlib.suppress(OSError):
            write_frame(out, ("end", f"loading stopped: {type(error).__name__}: {error}"))
            out.flush()
    with contextlib.suppress(OSError):
        # Quietly, even if the app is gone: no "Exception ignored" on the terminal at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
    return 0


# -- in the app --------------------------------------------------------------------------------


_CHILD = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); "
    "from whisper_tui.core.har_process import main; sys.exit(main(sys.argv[1:]))"
)


class ReadingProcess:
    """A child reading one HAR file; its frames are drained from the pipe as they come.

    A thread reads the pipe from the start (blocked in `read`, so it costs the interpreter
    nothing), so the child never waits for the app, even while the app holds the batches
    back until its first frame is drawn.
    """

    def __init__(self, path: str, first_batch: int, batch_size: int) -> None:
        self.path = path
        command = [sys.executable, "-I", "-c", _CHILD, PACKAGE_ROOT, path]
        self.process = subprocess.Popen(
            [*command, str(first_batch), str(batch_size)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            # Its own session: Ctrl+C in headless mode's terminal is the app's to handle, and
            # the child ends anyway when the app does (its next write finds the pipe closed).
            start_new_session=True,
        )
        # A later batch's frame (~0.5 MiB) then passes in one write and one read.
        widen(self.process.stdout)
        self._frames: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._said_all = False
        """Its last message ("end" or "error") has been read: it is exiting by itself."""
        threading.Thread(target=self._drain, name="whisper-tui --load pipe", daemon=True).start()

    @classmethod
    def spawn(cls, path: str, first_batch: int, batch_size: int) -> ReadingProcess | None:
        """The child started on `path`, or None where no process can be started."""
        if not sys.executable:
            return None  # embedded: no interpreter to start
        try:
            return cls(path, first_batch, batch_size)
        except OSError:
            return None

    def _drain(self) -> None:
        pipe = self.process.stdout
        assert pipe is not None
        try:
            while (data := read_frame_data(pipe)) is not None:
                self._frames.put(data)
        except (OSError, ValueError):  # closed by stop()
            pass
        finally:
            self._frames.put(None)

    def messages(self) -> Iterator[tuple[Any, ...]]:
        """The child's messages in order; ends when its output does."""
        while (frame := self._frames.get()) is not None:
            message = marshal.loads(frame)
            self._said_all = message[0] in ("end", "error")
            yield message

    def ended_early(self) -> str:
        """Why the output ended without an "end" message, in one line."""
        code = self.process.wait()
        return f"loading stopped: the reading process ended early (exit status {code})"

    def stop(self) -> None:
        """End the child: let it exit once it has said all, else kill it (the app closes)."""
        if self._said_all:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


early: dict[str, ReadingProcess] = {}
"""Processes started before the app knew its flags (start_early), by file, until taken."""


def start_early(path: str) -> None:
    """Start reading `path` now, with the usual batch sizes: the command's entry calls this
    for the first --load before importing the rest of the app (~0.1 s of CPU sooner than the
    CLI could, once its flags are parsed). `take_early` hands it to the loading.

    Only for a regular file: a FIFO or device may block the child before its first write,
    and a child that never writes would outlive a command that ends without taking it (a
    usage error, --version). Whatever is left untaken at exit is ended then."""
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        regular = False  # not there: the CLI's own checks say so, in its words
    if (
        regular
        and path not in early
        and (started := ReadingProcess.spawn(path, FIRST_BATCH, BATCH))
    ):
        if not early:
            atexit.register(stop_early)
        early[path] = started


def take_early(path: str) -> ReadingProcess | None:
    """The process start_early started on `path` (once), None if none was."""
    return early.pop(path, None)


def stop_early(keep: str | None = None) -> None:
    """End processes started early on a file the flags did not load first (a guess the
    command line's full parse disagreed with)."""
    for path in [path for path in early if path != keep]:
        early.pop(path).stop()


def captures_of(records: list[tuple[Any, ...]]) -> list[CapturedRequest]:
    """A batch's captures, back from their tuples."""
    return [CapturedRequest(*record) for record in records]
