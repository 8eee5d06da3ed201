"""A real OpenSSH server on loopback, for the ssh tunnel tests: own config, keys, a reserved port.

Debian's openssh-server provides /usr/sbin/sshd (`.ci/run` installs it when missing and it
runs as root). Without it the tests are skipped naming the reason, except where
WHISPER_REQUIRE_SSHD=1 (CI sets it), where they fail: CI must not skip them silently.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ports import reserved_port

SSHD = Path("/usr/sbin/sshd")
SSH_KEYGEN = "ssh-keygen"
PRIVSEP_DIR = Path("/run/sshd")
"""sshd run as root refuses to start without it (Debian's service unit creates it)."""


@dataclass(frozen=True)
class RunningSshd:
    port: int
    client_key: Path
    log: Path

    @property
    def ssh_command(self) -> str:
        """WHISPER_SSH_COMMAND for this server: its key, no host key checks, its port."""
        return shlex.join(
            [
                "ssh",
                "-i",
                str(self.client_key),
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "IdentitiesOnly=yes",
                "-F",
                "/dev/null",  # nothing from the user's ~/.ssh/config
                "-p",
                str(self.port),
            ]
        )


def _missing(reason: str) -> None:
    if os.environ.get("WHISPER_REQUIRE_SSHD") == "1":
        pytest.fail(f"{reason} (WHISPER_REQUIRE_SSHD=1: CI needs the real sshd test to run)")
    pytest.skip(reason)


def _wait_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sshd exited ({process.returncode}): {log.read_text().strip()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"sshd did not listen on 127.0.0.1:{port} within 10 s: {log.read_text()}")


def run_sshd(directory: Path) -> Iterator[RunningSshd]:
    """Start sshd as the current user on a free loopback port; stop it afterwards."""
    if not SSHD.exists():
        _missing(f"{SSHD} is missing: install Debian's openssh-server (.ci/run does as root)")
    if os.geteuid() == 0 and not PRIVSEP_DIR.is_dir():
        PRIVSEP_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)
    for name in ("host_key", "client_key"):
        subprocess.run(
            [SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(directory / name)],
            check=True,
        )
    authorized = directory / "authorized_keys"
    authorized.write_bytes((directory / "client_key.pub").read_bytes())
    authorized.chmod(0o600)
    # sshd takes no port 0: its port is reserved for it while it runs (tests/ports.py).
    with reserved_port() as port:
        config = directory / "sshd_config"
        config.write_text(
            f"""\
Port {port}
ListenAddress 127.0.0.1
HostKey {directory / "host_key"}
AuthorizedKeysFile {authorized}
PidFile {directory / "sshd.pid"}
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowTcpForwarding yes
GatewayPorts no
LogLevel VERBOSE
"""
        )
        log = directory / "sshd.log"
        with log.open("wb") as log_file:
            # -D: stay in the foreground (we own it); -e: log to stderr, here the log file.
            process = subprocess.Popen(
                [str(SSHD), "-D", "-e", "-f", str(config)], stdout=log_file, stderr=log_file
            )
        try:
            _wait_listening(process, port, log)
            yield RunningSshd(port, directory / "client_key", log)
        finally:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
