"""`--tunnel ssh:[USER@]HOST[:PORT]`: the system ssh with a remote forward to the capture port.

The forward is `-R PORT:127.0.0.1:LOCAL` (PORT 0, the default, lets the server pick one, which
OpenSSH reports as "Allocated port N for remote forward to ..."); a reconnect asks for the
port it had, and lets the server pick again only if that one is refused. The public URL is
http://HOST:PORT unless the server prints a URL of its own once the forward is set up. For the
port to be reachable from outside, the server needs `GatewayPorts yes` (or a proxy in front).
WHISPER_SSH_COMMAND replaces `ssh` and its options, as git's GIT_SSH_COMMAND does.
"""

from __future__ import annotations

import re
import shlex

from whisper_tui.core.tunnels.base import (
    ConnectionEnded,
    ProcessTunnel,
    TunnelError,
    TunnelTarget,
)
from whisper_tui.core.tunnels.registry import register

SSH_COMMAND_VARIABLE = "WHISPER_SSH_COMMAND"

OPTIONS = (
    "ExitOnForwardFailure=yes",  # a forward the server refuses ends ssh, so we retry and say so
    "ServerAliveInterval=15",  # a dead connection is noticed within ~45 s and reconnected
    "ServerAliveCountMax=3",
    "BatchMode=yes",  # never prompts (a password prompt would hang a headless run)
    "ConnectTimeout=20",
    # "remote forward success" (a fixed port's only sign it worked) is a debug1 message.
    "LogLevel=DEBUG1",
)

_ALLOCATED = re.compile(r"Allocated port (\d+) for remote forward")
_FORWARD_SUCCESS = re.compile(r"remote forward success for: listen (?:\S+:)?(\d+)")
_STATISTICS = ("Transferred: ", "Bytes per second: ")
"""What ssh prints as it exits at LogLevel VERBOSE and above, whatever the reason: never one."""
_REFUSED = re.compile(r"remote port forwarding failed for listen port (\d+)")
_URL = re.compile(r"https?://[^\s\"'<>]+")


def split_destination(argument: str) -> tuple[str, str, int]:
    """'me@host:9000' -> ('me@', 'host', 9000); '[::1]' -> ('', '::1', 0). ValueError if bad."""
    user, at, rest = argument.rpartition("@")
    if rest.startswith("["):
        host, bracket, after = rest[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise ValueError(f"ssh: bad address {rest!r}; write [IPv6]:PORT")
        port_text = after[1:]
    elif rest.count(":") > 1:
        raise ValueError(f"ssh: put an IPv6 address in brackets: [{rest}]")
    else:
        host, _, port_text = rest.partition(":")
    if not host or any(c.isspace() for c in argument):
        raise ValueError("ssh needs a host: ssh:[USER@]HOST[:PORT]")
    if host.startswith("-") or user.startswith("-"):
        # ssh would read it as an option (-oProxyCommand=...), so it is refused as git does.
        raise ValueError(f"ssh: a host or user can't start with '-': {argument!r}")
    port = 0
    if port_text or rest.endswith(":"):
        if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
            raise ValueError(f"ssh: not a port number: {port_text!r}")
        port = int(port_text)
    return user + at, host, port


@register
class SshTunnel(ProcessTunnel):
    """A remote forward through the system ssh (or WHISPER_SSH_COMMAND)."""

    kind = "ssh"
    usage = "ssh:[USER@]HOST[:PORT]"

    def __init__(self, argument: str, target: TunnelTarget) -> None:
        super().__init__(argument, target)
        self._forward_up = False
        self.remote_port = 0
        """The port the server gave the last forward: a reconnect asks for it again, so the
        public URL providers were given keeps working (0: let the server pick)."""
        self._refused = False

    async def connect_once(self) -> None:
        """One connection; when the port the last one had is refused (still held by the
        server, or taken), at once another with a port the server picks."""
        asked = self.remote_port
        try:
            await super().connect_once()
        except ConnectionEnded:
            if not (asked and self._refused):
                raise
            self.remote_port = 0
            await super().connect_once()

    @classmethod
    def check_argument(cls, argument: str) -> None:
        if not argument:
            raise ValueError("ssh needs a host: ssh:[USER@]HOST[:PORT]")
        split_destination(argument)

    def command(self) -> list[str]:
        user, host, port = split_destination(self.argument)
        port = port or self.remote_port
        self._forward_up = False
        self._refused = False
        custom = self.target.environ.get(SSH_COMMAND_VARIABLE, "").strip()
        try:
            program = shlex.split(custom) if custom else ["ssh"]
        except ValueError as error:
            raise TunnelError(f"{SSH_COMMAND_VARIABLE} can't be split: {error}") from None
        options = [part for option in OPTIONS for part in ("-o", option)]
        destination = user + (f"[{host}]" if ":" in host else host)
        return [*program, "-N", *options, "-R", f"{port}:{self.target.address}", destination]

    def is_noise(self, line: str) -> bool:
        return not line.strip() or line.startswith(("debug", *_STATISTICS))

    def read_line(self, line: str) -> str | None:
        if _REFUSED.search(line):
            self._refused = True
        if allocated := _ALLOCATED.search(line):
            return self._url_for(int(allocated.group(1)))
        if (success := _FORWARD_SUCCESS.search(line)) and success.group(1) != "0":
            return self._url_for(int(success.group(1)))
        if self._forward_up and not self.is_noise(line) and (url := _URL.search(line)):
            # Printed once the forward is up, so by the server (banners come before login):
            # services that route by name announce the URL to use.
            return url.group(0).rstrip(".,;)")
        return None

    def _url_for(self, port: int) -> str:
        self._forward_up = True
        if not split_destination(self.argument)[2]:
            self.remote_port = port
        _, host, _ = split_destination(self.argument)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"
