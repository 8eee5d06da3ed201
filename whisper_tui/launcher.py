"""The `whisper-tui` command's entry (the console script's, and `python -m whisper_tui`'s).

A Ctrl+C while the command's own modules import ends it at once, quietly, with exit status
130, as one before the app is up does (cli.main catches those from there on); Python's own
handler raised KeyboardInterrupt from whatever module line was running and printed its
traceback. Kept tiny, importing only os, signal and sys (about 1 ms): whatever it imports
runs before the handler is in place.

With --load, the first file's reading process starts here, before the app's own imports
(har_process.start_early): reading 100,000 entries takes the child longer than the app takes
to start, so the whole load is in ~0.1 s of CPU sooner than when the CLI started it.
"""

import os
import signal
import sys


def _stop_now(signum: int, frame: object) -> None:
    # Mid-import nothing needs undoing yet (no file or socket; an early reading process, only
    # ever started on a regular file, ends at its next write, into a pipe no one reads): an
    # exception would unwind through the module being imported and print a traceback.
    os._exit(128 + signum)


def first_load(argv: list[str]) -> str | None:
    """The first --load's file as the flags spell it plainly, else None (the CLI's own parse
    decides, and reads the file then: see loading.read_early)."""
    if argv[:1] and not argv[0].startswith("-"):
        return None  # a subcommand (send), with flags of its own
    for number, arg in enumerate(argv):
        if arg in ("--", "-h", "--help", "--version"):
            return None
        if arg == "--load" and number + 1 < len(argv):
            return argv[number + 1]
        if arg.startswith("--load="):
            return arg.removeprefix("--load=")
    return None


def main() -> int:
    """Import the command with Ctrl+C ending it quietly, then run it."""
    previous = signal.getsignal(signal.SIGINT)
    # Only over Python's default: a SIGINT ignored (a job started with `&` by a script)
    # stays ignored.
    quiet = previous is signal.default_int_handler
    if quiet:
        signal.signal(signal.SIGINT, _stop_now)
    path = first_load(sys.argv[1:])
    if path:
        from whisper_tui.core.har_process import start_early

        start_early(path)
    from whisper_tui.cli import main as run_command

    if quiet:
        signal.signal(signal.SIGINT, previous)  # KeyboardInterrupt again: cli.main's to catch
    return run_command()
