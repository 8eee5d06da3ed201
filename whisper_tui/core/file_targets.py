"""Where a file whisper-tui writes really goes: one rule for every path it replaces (--save's
HAR, config.toml's write-back). The export dialog's save only ever creates a new file.

A save replaces its file whole by renaming a new one over it (atomic: readers see the old file
or the new one). Renamed over a FIFO, a device or a socket, that replaced the special file with a
regular one (`--save /dev/full`, run as root, turned the device into a 0600 file), and renamed
over a symlink it replaced the link and left the file it named untouched. So:

- a symlink is written THROUGH: the link stays a link and the file it names (followed to the
  end, as `open` does) is replaced in its own directory, as editors that keep links do. A
  dotfiles manager's linked config.toml, or a `latest.har` link, keeps working; refusing would
  only send the user to type the real path, which is what we write to anyway.
- a name that is (or whose link ends at) a FIFO, a character or block device, a socket or a
  directory is refused with a one-line reason: nothing regular can be put there without
  destroying what it is.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class NotAFile(OSError):
    """The path is something a file can't replace: str(error) is the one-line reason."""

    def __str__(self) -> str:
        return self.strerror or ""


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "an unknown kind of file"


def write_target(path: str | os.PathLike[str]) -> str:
    """The file a write to `path` goes to: `path` with its symlinks followed (a dangling link's
    target, which the write creates), absolute. Raises NotAFile when that is there and is not a
    regular file."""
    target = os.path.realpath(os.fspath(path))
    try:
        mode = os.stat(target).st_mode
    except OSError as error:
        if error.errno != errno.ELOOP:
            return target  # not there (yet): the write creates it, or meets its own error
        mode = None  # links that lead back to themselves: realpath stops at one of them
    kind = "a symlink loop" if mode is None else _kind(mode)
    if kind is None:
        return target
    shown = os.fspath(path)
    where = "" if os.path.abspath(shown) == target else f" ({shown} links to {target})"
    reason = f"it is {kind}, not a regular file{where}"
    raise NotAFile(0, reason, shown)


def _temporary_next_to(target: str) -> tuple[int, str]:
    """A new empty file (fd, name) beside `target`, mode 0600, named `.NAME.XXXX.tmp`."""
    import tempfile  # here: config.py imports this module on every start, tempfile is not free

    return tempfile.mkstemp(
        prefix="." + os.path.basename(target) + ".",
        suffix=".tmp",
        dir=os.path.dirname(os.path.abspath(target)),
    )


def check_replaceable(path: str | os.PathLike[str]) -> None:
    """Create and remove the temporary file file_replacing would: raises the OSError a save
    would meet (a directory that can't hold a new file, such as /proc, read-only or full of
    inodes; NotAFile for a FIFO, device, socket or directory), before anything is
    captured. Permissions alone (os.access) don't tell: root passes them everywhere."""
    fd, temp = _temporary_next_to(write_target(path))
    os.close(fd)
    os.unlink(temp)


@contextmanager
def file_replacing(path: str | os.PathLike[str]) -> Iterator[tuple[int, str]]:
    """(fd, name) of a new file next to `path`, mode 0600 (captures and configs carry
    secrets), renamed over `path` when the block ends and removed when it raises: readers see
    the old file or the new one (os.replace is atomic within one file system only, hence next
    to it). A symlink is written through and a FIFO or device refused (write_target)."""
    target = write_target(path)
    fd, temp = _temporary_next_to(target)
    try:
        yield fd, temp
        os.replace(temp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp)
        raise
