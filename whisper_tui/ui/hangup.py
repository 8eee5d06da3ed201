"""The terminal going away must end the app, never restart its screen on a dead terminal.

When a terminal hangs up (tmux session killed, SSH dropped, window closed), Linux sends the
session leader SIGHUP *and SIGCONT*. Textual's Linux driver answers every SIGCONT by starting
application mode again, as if coming back from Ctrl+Z: a second output thread, whose first
write to the gone terminal fails and kills it. The shutdown our SIGHUP handler starts then
waits forever to hand that dead thread its last writes, and the app stays behind as an orphan
still serving the port (seen on either event loop; how often depends on timing).

So SIGCONT reaches Textual's handler only when a SIGTSTP (Ctrl+Z, `kill -TSTP`) went before it
and the terminal is still there: resuming after a real suspend works as before; a bare SIGCONT,
or one that comes with the hangup of a suspended app, changes nothing.
"""

from __future__ import annotations

import signal
import termios
from types import FrameType

from textual.driver import Driver


def resume_only_after_suspend(driver: Driver | None) -> None:
    """Wrap the Linux driver's SIGTSTP/SIGCONT handlers (nothing to do for other drivers)."""
    on_suspend = signal.getsignal(signal.SIGTSTP)
    on_continue = signal.getsignal(signal.SIGCONT)
    if driver is None or not all(
        getattr(handler, "__self__", None) is driver for handler in (on_suspend, on_continue)
    ):
        return  # not Textual's terminal driver (tests, Windows, web): its handlers are not ours
    assert callable(on_suspend) and callable(on_continue)
    suspended = False

    def suspend(signum: int, frame: FrameType | None) -> None:
        nonlocal suspended
        suspended = True
        on_suspend(signum, frame)  # stops the process; SIGCONT resumes it here

    def resume(signum: int, frame: FrameType | None) -> None:
        nonlocal suspended
        if suspended and _terminal_alive(driver):
            suspended = False
            on_continue(signum, frame)

    signal.signal(signal.SIGTSTP, suspend)
    signal.signal(signal.SIGCONT, resume)


def _terminal_alive(driver: Driver) -> bool:
    # A hung-up terminal answers every ioctl with EIO.
    try:
        termios.tcgetattr(getattr(driver, "fileno", 0))
    except (termios.error, OSError):
        return False
    return True
