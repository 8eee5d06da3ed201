"""What the export tests share: a capture factory, the echo server's records, running a snippet
in bash as a user would, and a fake client that prints the argv and stdin the shell hands it."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from whisper_tui.core.models import CapturedRequest

CURL = shutil.which("curl")
BASH = shutil.which("bash")

# Headers the exports deliberately leave to the client (see the shell module's docstring).
CLIENT_COMPUTED = {b"host", b"content-length", b"transfer-encoding", b"expect"}

HOSTILE = 'it\'s "quoted" $(touch CANARY) `touch CANARY` ${HOME} \\ ; | & > < * ? ! #'


def make_request(
    *,
    method: str = "POST",
    target: str = "/hook",
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
    http_version: tuple[int, int] = (1, 1),
    rejected: bool = False,
    declared_length: int | None = None,
) -> CapturedRequest:
    if headers is None:
        headers = [(b"Host", b"example.test"), (b"Content-Length", str(len(body)).encode())]
    return CapturedRequest(
        id=7,
        received_at=1_700_000_000.25,
        remote="10.0.0.5:5555",
        method=method,
        target=target,
        http_version=http_version,
        raw_headers=tuple(headers),
        body=body,
        rejected=rejected,
        declared_length=declared_length,
    )


@dataclass
class Seen:
    method: str
    raw_path: str
    version: tuple[int, int]
    raw_headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass
class EchoServer:
    base_url: str
    seen: list[Seen] = field(default_factory=list)

    def last(self) -> Seen:
        assert len(self.seen) == 1, f"expected one request, got {len(self.seen)}"
        return self.seen[0]


async def run_bash(script: str, *, cwd: Path | None = None, via_file: bool = False) -> bytes:
    """Run a shell snippet the way a user pasting it would, and return its stdout."""
    assert BASH, "bash is required to run the exported commands"
    if via_file:
        # Big commands cannot go through `bash -c` (one argv string is capped at 128 KiB).
        assert cwd is not None
        path = cwd / "command.sh"
        path.write_text(script, encoding="utf-8")
        argv = [BASH, str(path)]
    else:
        argv = [BASH, "-c", script]
    # The venv's bin (where the test extras install HTTPie's `http`) goes first on PATH,
    # as it would for a user who activated the venv.
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    # bash needs ~25 s of CPU on this machine just to parse a 3 MiB quoted literal full of `'\''`
    # (the big-text curl test), so big scripts get more time than a pasted one-liner.
    timeout = 120 if via_file else 30
    out, err = await asyncio.wait_for(proc.communicate(), timeout=timeout)
    assert proc.returncode == 0, err.decode("utf-8", "replace")
    return out


def forwarded(headers: list[tuple[bytes, bytes]] | tuple[tuple[bytes, bytes], ...]) -> list:
    return [(n, v) for n, v in headers if n.lower() not in CLIENT_COMPUTED]


def header_names(headers: list[tuple[bytes, bytes]]) -> set[bytes]:
    return {n.lower() for n, _ in headers}


def argv_capture_script(command: str, program: str) -> str:
    # A shell function shadows the real client: it prints its argv NUL-separated, then its stdin.
    return f"{program}() {{ printf '%s\\0' \"$@\"; printf 'STDIN\\0'; cat; }}\n{command}\n"


def split_capture(out: bytes) -> tuple[list[bytes], bytes]:
    marker = out.index(b"STDIN\0")
    argv = out[:marker].split(b"\0")[:-1]
    return argv, out[marker + len(b"STDIN\0") :]


NASTY_VALUES = [
    HOSTILE.encode(),
    b"line1\nline2",
    b"cr\rlf\r\n",
    b"'; touch CANARY; echo '",
    b'"; touch CANARY; echo "',
    b"$'\\x41'",
    b"\x1b[31mred\x07",
    b"\xff\x00\xfe",
    b"\\",
    b"-H",
]
