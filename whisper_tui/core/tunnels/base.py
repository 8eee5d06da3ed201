"""What a tunnel is: a supervised connection that gives the session a public URL.

A tunnel kind implements `connect_once`: open one connection, call `announce(url)` once it is
up, and return (or raise) when it ends. `Tunnel` does the rest: it runs that in a task on the
running loop, reconnects with backoff when the connection drops, and tells listeners each change
in one line. `ProcessTunnel` is the kind that runs a program (ssh, cloudflared) and reads what
it prints. Nothing here ends the app: a tunnel that can't work says why and stays down.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from whisper_tui.core.sanitize import printable

State = Literal["starting", "up", "reconnecting", "failed", "stopped"]

BACKOFF_FIRST = 1.0
"""Seconds before the first reconnect; doubled after each failed attempt."""
BACKOFF_MAX = 60.0
STABLE_AFTER = 60.0
"""A connection that stayed up this long resets the backoff: the next drop retries at once."""
STOP_GRACE = 3.0
"""Seconds a tunnel program gets to exit on SIGTERM before it is killed."""
LINE_LIMIT = 1 << 20


class TunnelError(Exception):
    """A problem retrying won't fix (a missing program, package or token); one line."""


class ConnectionEnded(Exception):
    """One connection ended or could not be opened; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class TunnelTarget:
    """Where the tunnel delivers: the capture server's local address, and the environment."""

    host: str
    port: int
    environ: Mapping[str, str]

    @property
    def address(self) -> str:
        """'127.0.0.1:8080' ('[::1]:8080' for IPv6)."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


Listener = Callable[[str], None]
"""Gets each change in one line: 'tunnel ssh: up at http://...', '... reconnecting in 2 s'."""


class Tunnel(ABC):
    """One tunnel kind's connection, supervised: reconnected with backoff until stopped."""

    kind: ClassVar[str]
    """Its name in --tunnel (`ssh`, `ngrok`, `cloudflared`)."""
    usage: ClassVar[str]
    """How --tunnel names it, for help and errors: 'ssh:[USER@]HOST[:PORT]'."""

    def __init__(self, argument: str, target: TunnelTarget) -> None:
        self.argument = argument
        self.target = target
        self.state: State = "starting"
        self.public_url: str | None = None
        self.problem: str | None = None
        """Why the last connection ended (or why the tunnel can't work), in one line."""
        self.reconnects = 0
        """How many times a dropped connection came back up."""
        self.retry_in: float | None = None
        self.old_url: str | None = None
        """The URL a reconnect replaced with another, which no longer works, until
        `acknowledge_url` (the TUI's U): providers configured with it fail meanwhile."""
        self._listeners: list[Listener] = []
        self._task: asyncio.Task[None] | None = None
        self._settled = asyncio.Event()

    @classmethod
    def check_argument(cls, argument: str) -> None:
        """Raise ValueError (one line) when the text after 'KIND:' is unusable."""
        if argument:
            raise ValueError(f"{cls.kind} takes nothing after it, got {argument!r}")

    @abstractmethod
    async def connect_once(self) -> None:
        """Open one connection, `announce` its URL, and return or raise when it ends.

        Raise TunnelError when retrying can't help, ConnectionEnded (or return) otherwise.
        """

    async def close_connection(self) -> None:  # noqa: B027 - optional hook
        """Release what `connect_once` holds when the tunnel stops (it is then cancelled)."""

    # -- what front ends use ------------------------------------------------------------------

    @property
    def name(self) -> str:
        """'tunnel ssh', how messages name it."""
        return f"tunnel {self.kind}"

    def subscribe(self, listener: Listener) -> None:
        """Call `listener` with a one-line message on every change from now on."""
        self._listeners.append(listener)

    async def start(self) -> None:
        """Start connecting in the background; returns at once."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._supervise())

    async def stop(self) -> None:
        """Close the connection (the program is terminated) and stop reconnecting."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.state = "stopped"
        self._settled.set()

    async def wait_settled(self, timeout: float, stop: asyncio.Event | None = None) -> None:
        """Wait until the first connection is up or has failed, `timeout` passes, or `stop`."""
        waits = [asyncio.ensure_future(self._settled.wait())]
        if stop is not None:
            waits.append(asyncio.ensure_future(stop.wait()))
        try:
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    def describe_short(self) -> str:
        """describe() for a narrow status line: the public URL, or the state without why."""
        if self.state == "up" and self.public_url:
            changed = " (CHANGED)" if self.old_url else ""
            return f"public {printable(self.public_url)}{changed}"
        return f"{self.name}: {self.state}"

    def describe(self) -> str:
        """The tunnel's state for the status line, e.g. 'public https://x.trycloudflare.com'."""
        if self.state == "up" and self.public_url:
            text = f"public {printable(self.public_url)}"
            if self.old_url:
                text += f" (CHANGED, {printable(self.old_url)} no longer works)"
            elif self.reconnects:
                times = "once" if self.reconnects == 1 else f"{self.reconnects} times"
                text += f" (reconnected {times})"
            return text
        if self.state == "starting":
            return f"{self.name}: connecting"
        if self.state == "reconnecting":
            return f"{self.name} down: {self.problem}; {self._retrying()}"
        if self.state == "failed":
            return f"{self.name} failed: {self.problem}"
        return f"{self.name}: closed"

    # -- for kinds ----------------------------------------------------------------------------

    def announce(self, url: str) -> None:
        """The connection is up and reachable at `url` (kinds call this)."""
        if self.state == "up" and url == self.public_url:
            return
        came_back = self.state == "reconnecting"
        before = self.public_url
        self.public_url = url
        self.state = "up"
        self.retry_in = None
        if url == self.old_url:  # back where providers send: nothing to update after all
            self.old_url = None
        if came_back and before is not None and url != before:
            self.reconnects += 1
            self.old_url = self.old_url or before  # the one providers still have
            self._tell(
                f"{self.name}: reconnected at a NEW public URL {url}; "
                f"{self.old_url} no longer works"
            )
        elif came_back:
            self.reconnects += 1
            self._tell(f"{self.name}: reconnected, public URL {url}")
        else:
            self._tell(f"{self.name}: public URL {url}")
        self._settled.set()

    def acknowledge_url(self) -> None:
        """The user has the new public URL (copied it): the change is no longer news."""
        self.old_url = None

    # -- supervision --------------------------------------------------------------------------

    async def _supervise(self) -> None:
        loop = asyncio.get_running_loop()
        delay = BACKOFF_FIRST
        while True:
            started = loop.time()
            try:
                await self.connect_once()
                reason = "the connection ended"
            except TunnelError as error:
                self._fail(str(error))
                return
            except ConnectionEnded as error:
                reason = str(error)
            except (OSError, ValueError, RuntimeError) as error:
                reason = one_line(error)
            if loop.time() - started >= STABLE_AFTER:
                delay = BACKOFF_FIRST
            self.problem = printable(reason)
            self.state = "reconnecting"
            self.retry_in = delay
            self._tell(f"{self.name} down: {self.problem}; {self._retrying()}")
            self._settled.set()
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    def _retrying(self) -> str:
        return f"reconnecting in {self.retry_in:g} s" if self.retry_in else "reconnecting"

    def _fail(self, problem: str) -> None:
        self.problem = printable(problem)
        self.state = "failed"
        self.public_url = None
        self._tell(f"{self.name} failed: {self.problem}")
        self._settled.set()

    def _tell(self, message: str) -> None:
        for listener in list(self._listeners):
            listener(message)


def one_line(error: BaseException) -> str:
    """An exception as one line: its arguments joined ('failed to connect session: ...')."""
    parts = [str(arg) for arg in error.args if str(arg)] or [type(error).__name__]
    return " ".join(": ".join(parts).split())


class ProcessTunnel(Tunnel):
    """A tunnel that runs a program and learns its public URL from what the program prints."""

    def __init__(self, argument: str, target: TunnelTarget) -> None:
        super().__init__(argument, target)
        self.process: asyncio.subprocess.Process | None = None
        """The running program (tests kill it to see the reconnect)."""

    @abstractmethod
    def command(self) -> list[str]:
        """The program and its arguments; raise TunnelError when it can't be run."""

    @abstractmethod
    def read_line(self, line: str) -> str | None:
        """The public URL if this printed line announces the tunnel is up, else None."""

    def is_noise(self, line: str) -> bool:
        """Lines not worth quoting when the program exits (debug output)."""
        return not line.strip()

    def quote(self, line: str) -> str:
        """How a printed line is quoted in a message when the program exits."""
        return line

    async def connect_once(self) -> None:
        command = self.command()
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=dict(self.target.environ),
                # Its own process group: a Ctrl-C in the terminal is ours to handle, not its.
                start_new_session=True,
                limit=LINE_LIMIT,
            )
        except FileNotFoundError:
            raise TunnelError(f"{command[0]} is not installed (not found on PATH)") from None
        except PermissionError:
            raise TunnelError(f"{command[0]} can't be run (permission denied)") from None
        self.process = process
        try:
            last = await self._read_output(process)
            status = await process.wait()
        finally:
            await _end(process)
            self.process = None
        raise ConnectionEnded(ended(os.path.basename(command[0]), status, last))

    async def _read_output(self, process: asyncio.subprocess.Process) -> str:
        """Read lines until the program closes its output; returns the last meaningful line."""
        assert process.stdout is not None
        last = ""
        while True:
            try:
                raw = await process.stdout.readline()
            except ValueError:  # a line over LINE_LIMIT: skip what was buffered
                continue
            if not raw:
                return last
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if not self.is_noise(line):
                last = printable(" ".join(self.quote(line).split()))[:300]
            url = self.read_line(line)
            if url:
                self.announce(url)
                last = ""  # what led up to the connection is not why it ends


def ended(program: str, status: int, last: str) -> str:
    """Why a tunnel program's run ended, in one line: 'ssh ended by signal 9 (SIGKILL)',
    'ssh exited (status 255): Permission denied (publickey).' A program that printed nothing
    meaningful says so rather than leaving a bare status to read as a reason."""
    if status < 0:
        number = -status
        name = ""
        with contextlib.suppress(ValueError):
            name = f" ({signal.Signals(number).name})"
        head = f"{program} ended by signal {number}{name}"
    else:
        head = f"{program} exited (status {status})"
    if last:
        return f"{head}: {last}"
    return head if status < 0 else f"{head}, giving no reason"


async def _end(process: asyncio.subprocess.Process) -> None:
    """Terminate the program if it still runs (SIGTERM, then SIGKILL after STOP_GRACE)."""
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
