"""Ports for tests that run servers side by side (two xdist workers, and the OS's own ports).

A port found by binding 0 and closing the socket is free only until someone else binds it: the
other worker's test, or the kernel handing it out again. So, by what the test needs:

- a server it starts itself: bind port 0 and read the port it got (`--port 0` and
  `listening_port(pid)` for a process; `runner.addresses` for aiohttp in the test);
- a port where nothing listens (a target that is down): `refused_port()`, held for the test;
- a port a program must be told before it starts (sshd's config, `ssh -R PORT`, a command
  line whose other flags name the port): `reserved_port()`, held while the program runs.

Both holders rest on how Linux binds: a port with any socket bound to it is never picked for
a bind to port 0 nor for an outgoing connection, and a bound socket that never listens refuses
connects (it answers RST).
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's st column


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A port on 127.0.0.1 where connects are refused until the block ends.

    Bound without SO_REUSEADDR and never listening: no other socket can bind it meanwhile.
    """
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


@contextlib.contextmanager
def reserved_port() -> Iterator[int]:
    """A port on 127.0.0.1 that only a program told of it takes, until the block ends.

    Bound with SO_REUSEADDR and never listening: a server that binds it with SO_REUSEADDR too
    (whisper-tui, aiohttp, sshd all do) can listen on it, while the kernel hands it to no one
    else. Connects are refused whenever that server is not listening.
    """
    with socket.socket() as held:
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


def listening_port(pid: int, timeout: float = 15.0) -> int:
    """The TCP port that process `pid`, or a process it started, listens on, once it does.

    For servers started with port 0 (`whisper-tui --port 0`): the kernel chose the port, and
    /proc says which. Waits until there is one; fails if the process ends first.
    """
    deadline = time.monotonic() + timeout
    while True:
        ports = {port for each in _process_tree(pid) for port in _listening_ports(each)}
        if len(ports) == 1:
            return ports.pop()
        if len(ports) > 1:
            raise AssertionError(f"process {pid} listens on several ports: {sorted(ports)}")
        if not Path(f"/proc/{pid}").exists() or _is_zombie(pid):
            raise AssertionError(f"process {pid} ended without listening")
        if time.monotonic() > deadline:
            raise TimeoutError(f"process {pid} did not listen within {timeout} s")
        time.sleep(0.01)


def _process_tree(pid: int) -> list[int]:
    """pid and its descendants (`bash -c 'app | head'` runs the app as bash's child)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as stat:
                parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
    found, index = [pid], 0
    while index < len(found):
        found.extend(child for child, parent in parents.items() if parent == found[index])
        index += 1
    return found


def _listening_ports(pid: int) -> set[int]:
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[len("socket:[") : -1])
    ports = set()
    for table in ("tcp", "tcp6"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/net/{table}") as rows:
            next(rows)  # the header
            for row in rows:
                fields = row.split()
                if fields[3] == LISTEN and fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _is_zombie(pid: int) -> bool:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    return True
