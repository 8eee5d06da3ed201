"""--tunnel ssh: through a real sshd on loopback (tests/core/tunnels/sshd.py), and its parsing."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import aiohttp
import pytest

from tests.core.tunnels.sshd import RunningSshd
from tests.ports import reserved_port
from whisper_tui.core.session import Session
from whisper_tui.core.settings import Settings
from whisper_tui.core.tunnels import TunnelTarget, parse_tunnel
from whisper_tui.core.tunnels.ssh import SshTunnel, split_destination

WHISPER = [sys.executable, "-m", "whisper_tui"]


async def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        await asyncio.sleep(0.02)


async def post(url: str, body: bytes) -> int:
    async with aiohttp.ClientSession() as client:
        async with client.post(url, data=body) as response:
            await response.read()
            return response.status


def ssh_session(sshd: RunningSshd, spec: str = "ssh:127.0.0.1") -> Session:
    environ = {**os.environ, "WHISPER_SSH_COMMAND": sshd.ssh_command}
    return Session(Settings(port=0, tunnel=parse_tunnel(spec)), environ=environ)


# -- through a real sshd ---------------------------------------------------------------------


async def test_a_delivery_through_the_ssh_forward_is_captured_and_a_killed_ssh_reconnects(sshd):
    session = ssh_session(sshd)
    said: list[str] = []
    await session.start()
    session.watch_tunnel(said.append)
    tunnel = session.tunnel
    assert tunnel is not None
    try:
        await wait_for(lambda: tunnel.state == "up")
        first_url = session.public_url
        assert first_url is not None and first_url.startswith("http://127.0.0.1:")
        assert not first_url.endswith(f":{session.port}"), "the server allocates its own port"
        assert await post(f"{first_url}/hooks/through-ssh?n=1", b"first") == 200
        assert [(c.target, c.body) for c in session.store] == [("/hooks/through-ssh?n=1", b"first")]
        assert f"public {first_url}" in session.status_text()

        assert tunnel.process is not None
        os.kill(tunnel.process.pid, signal.SIGKILL)
        await wait_for(lambda: tunnel.state == "reconnecting", 10)
        assert "tunnel ssh down: ssh ended by signal 9 (SIGKILL)" in session.status_text()
        assert "reconnecting in 1 s" in session.status_text()

        await wait_for(lambda: tunnel.state == "up")
        # The reconnect asked for the port the server gave before: the URL providers were
        # given still works.
        assert session.public_url == first_url
        assert await post(f"{first_url}/hooks/through-ssh?n=2", b"second") == 200
        assert [c.body for c in session.store] == [b"first", b"second"]
        assert f"public {first_url} (reconnected once)" in session.status_text()
        assert said == [
            f"tunnel ssh: public URL {first_url}",
            "tunnel ssh down: ssh ended by signal 9 (SIGKILL); reconnecting in 1 s",
            f"tunnel ssh: reconnected, public URL {first_url}",
        ]
        pid = tunnel.process.pid
    finally:
        await session.stop()
    assert tunnel.process is None and tunnel.state == "stopped"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ssh is gone (and reaped) once whisper-tui stopped


async def test_a_stopped_ssh_s_statistics_are_not_given_as_the_reason(sshd):
    # ssh stops on SIGTERM with status 0, printing only its byte counts ('Transferred: ...',
    # 'Bytes per second: ...') at our LogLevel: those are no reason, and 'status 0' alone
    # would read as one.
    session = ssh_session(sshd)
    await session.start()
    tunnel = session.tunnel
    assert tunnel is not None
    try:
        await wait_for(lambda: tunnel.state == "up")
        assert tunnel.process is not None
        tunnel.process.terminate()
        await wait_for(lambda: tunnel.state == "reconnecting", 10)
        assert tunnel.problem == "ssh exited (status 0), giving no reason"
    finally:
        await session.stop()


async def test_when_the_old_remote_port_is_taken_the_new_url_is_said_until_acknowledged(sshd):
    session = ssh_session(sshd)
    said: list[str] = []
    await session.start()
    session.watch_tunnel(said.append)
    tunnel = session.tunnel
    assert tunnel is not None
    # Both loopbacks, as sshd listens on each (a port free on either is not refused).
    taken = socket.socket(socket.AF_INET6)
    taken.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    try:
        await wait_for(lambda: tunnel.state == "up")
        first_url = session.public_url
        assert first_url is not None and tunnel.process is not None
        old_port = int(first_url.rsplit(":", 1)[1])
        os.kill(tunnel.process.pid, signal.SIGKILL)
        await wait_for(lambda: tunnel.state == "reconnecting", 10)
        # Something else takes the port once sshd lets it go: the reconnect is refused it.
        await wait_for(lambda: _bound(taken, old_port), 10)
        await wait_for(lambda: tunnel.state == "up" and session.public_url != first_url)
        second_url = session.public_url
        assert second_url is not None
        assert await post(f"{second_url}/after", b"x") == 200
        assert said[-1] == (
            f"tunnel ssh: reconnected at a NEW public URL {second_url}; {first_url} no longer works"
        )
        assert f"public {second_url} (CHANGED, {first_url} no longer works)" in (
            session.status_text()
        )
        tunnel.acknowledge_url()
        assert f"public {second_url} (reconnected once)" in session.status_text()
    finally:
        taken.close()
        await session.stop()


def _bound(sock: socket.socket, port: int) -> bool:
    try:
        sock.bind(("::", port))
    except OSError:
        return False
    sock.listen()
    return True


async def test_a_fixed_remote_port_is_the_public_port(sshd):
    with reserved_port() as wanted:  # sshd listens on it for ssh -R
        session = ssh_session(sshd, f"ssh:127.0.0.1:{wanted}")
        await session.start()
        try:
            await wait_for(lambda: session.tunnel is not None and session.tunnel.state == "up")
            assert session.public_url == f"http://127.0.0.1:{wanted}"
            assert await post(f"http://127.0.0.1:{wanted}/fixed", b"x") == 200
            assert [c.target for c in session.store] == ["/fixed"]
        finally:
            await session.stop()


async def test_a_refused_login_is_reported_and_retried_without_ending_anything(sshd, tmp_path):
    stranger = tmp_path / "stranger_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)], check=True)
    command = sshd.ssh_command.replace(str(sshd.client_key), str(stranger))
    environ = {**os.environ, "WHISPER_SSH_COMMAND": command}
    session = Session(Settings(port=0, tunnel=parse_tunnel("ssh:127.0.0.1")), environ=environ)
    await session.start()
    try:
        await wait_for(lambda: session.tunnel is not None and session.tunnel.state != "starting")
        text = session.status_text()
        # BatchMode: no prompt, ssh gives up at once and says why.
        assert "tunnel ssh down: ssh exited (status 255)" in text
        assert "Permission denied" in text
        assert await post(f"{session.base_url}/still-here", b"") == 200
        assert len(session.store) == 1
    finally:
        await session.stop()


def test_headless_first_line_names_the_public_url_and_deliveries_arrive_through_it(sshd):
    environ = {**os.environ, "WHISPER_SSH_COMMAND": sshd.ssh_command}
    process = subprocess.Popen(
        [*WHISPER, "--headless", "--port", "0", "--tunnel", "ssh:127.0.0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environ,
        text=True,
    )
    try:
        assert process.stderr is not None and process.stdout is not None
        first = process.stderr.readline()
        assert first.startswith("whisper-tui: listening on http://127.0.0.1:")
        assert "(public: http://127.0.0.1:" in first, first
        public = first.split("(public: ", 1)[1].split(")", 1)[0]
        assert asyncio.run(post(f"{public}/hooks/headless", b"hi")) == 200
        assert " POST /hooks/headless " in process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
    assert process.returncode == 0


# -- the spec and the command, without a server ----------------------------------------------


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("host.example", ("", "host.example", 0)),
        ("me@host.example", ("me@", "host.example", 0)),
        ("me@host.example:8080", ("me@", "host.example", 8080)),
        ("[::1]:9000", ("", "::1", 9000)),
        ("me@[2001:db8::1]", ("me@", "2001:db8::1", 0)),
    ],
)
def test_the_destination_and_remote_port_are_read_from_the_spec(argument, expected):
    assert split_destination(argument) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("ssh", "ssh needs a host: ssh:[USER@]HOST[:PORT]"),
        ("ssh:me@", "ssh needs a host"),
        ("ssh:host:http", "ssh: not a port number: 'http'"),
        ("ssh:host:70000", "ssh: not a port number: '70000'"),
        ("ssh:-oProxyCommand=touch%x", "a host or user can't start with '-'"),
        ("ssh:-o@host", "a host or user can't start with '-'"),
        ("ssh:2001:db8::1", "put an IPv6 address in brackets"),
    ],
)
def test_a_bad_ssh_spec_is_one_line_naming_the_problem(spec, message):
    with pytest.raises(ValueError, match=None) as caught:
        parse_tunnel(spec)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_command_is_ssh_with_a_remote_forward_keepalives_and_no_prompts():
    tunnel = SshTunnel("me@host.example:8443", TunnelTarget("127.0.0.1", 8080, {}))
    command = tunnel.command()
    assert command[:2] == ["ssh", "-N"]
    assert command[-3:] == ["-R", "8443:127.0.0.1:8080", "me@host.example"]
    options = {command[i + 1] for i, part in enumerate(command) if part == "-o"}
    assert {"ExitOnForwardFailure=yes", "BatchMode=yes", "ServerAliveInterval=15"} <= options


def test_whisper_ssh_command_replaces_ssh_and_its_options_split_like_a_shell():
    environ = {"WHISPER_SSH_COMMAND": "/opt/my ssh/ssh -i '/keys/a key' -p 2222"}
    command = SshTunnel("h", TunnelTarget("::1", 8080, environ)).command()
    assert command[:5] == ["/opt/my", "ssh/ssh", "-i", "/keys/a key", "-p"]
    assert command[-2:] == ["0:[::1]:8080", "h"]


def test_the_url_is_the_ssh_host_and_the_allocated_or_fixed_port():
    tunnel = SshTunnel("me@pub.example", TunnelTarget("127.0.0.1", 8080, {}))
    tunnel.command()
    assert tunnel.read_line("debug1: remote forward success for: listen 0, connect x:1") is None
    line = "Allocated port 41234 for remote forward to 127.0.0.1:8080"
    assert tunnel.read_line(line) == "http://pub.example:41234"
    fixed = SshTunnel("[2001:db8::1]:9000", TunnelTarget("127.0.0.1", 8080, {}))
    fixed.command()
    line = "debug1: remote forward success for: listen 9000, connect 127.0.0.1:8080"
    assert fixed.read_line(line) == "http://[2001:db8::1]:9000"


def test_a_url_the_server_prints_after_the_forward_replaces_host_and_port():
    tunnel = SshTunnel("tunnel.example", TunnelTarget("127.0.0.1", 8080, {}))
    tunnel.command()
    # Before the forward is up, a URL is a banner's (a policy page), not the tunnel's.
    assert tunnel.read_line("See https://policy.example/acceptable-use.") is None
    assert tunnel.read_line("Allocated port 80 for remote forward to 127.0.0.1:8080")
    said = "Forwarding HTTP traffic from https://abc123.tunnel.example."
    assert tunnel.read_line(said) == "https://abc123.tunnel.example"
    assert tunnel.read_line("debug1: see https://debug.example") is None
