"""The `whisper-tui` command's entry (the console script's, and `python -m whisper_tui`'s).

A Ctrl+C while the command's own modules import ends it at once, quietly, with exit status
130, as one before the app is up does (cli.main catches those from there on); Python's own
handler raised KeyboardInterrupt from whatever module line was running and printed its
traceback. Kept tiny, importing only os and signal (about 1 ms): whatever it imports runs
before the handler is in place.
"""

import os
import signal


def _stop_now(signum: int, frame: object) -> None:
    # Mid-import nothing needs undoing yet (no file, socket or child process): an exception
    # would unwind through the module being imported and print a traceback.
    os._exit(128 + signum)


def main() -> int:
    """Import the command with Ctrl+C ending it quietly, then run it."""
    previous = signal.getsignal(signal.SIGINT)
    # Only over Python's default: a SIGINT ignored (a job started with `&` by a script)
    # stays ignored.
    quiet = previous is signal.default_int_handler
    if quiet:
        signal.signal(signal.SIGINT, _stop_now)
    from whisper_tui.cli import main as run_command

    if quiet:
        signal.signal(signal.SIGINT, previous)  # KeyboardInterrupt again: cli.main's to catch
    return run_command()
