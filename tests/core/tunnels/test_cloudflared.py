"""--tunnel cloudflared, offline: a missing binary, and the URL read from what cloudflared prints.

The fake `cloudflared` below prints the lines the real one logs for a quick tunnel, copied from
cloudflared's source (cmd/cloudflared/tunnel/quick_tunnel.go: the disclaimer, "Requesting new
quick Tunnel on trycloudflare.com...", then `AsciiBox` around "Your quick Tunnel has been
created! ..." and the URL; logger/create.go: zerolog's console writer on stderr, RFC 3339 time,
level INF). Nothing reaches Cloudflare here: the real tunnel is not exercised.
"""

from __future__ import annotations

import asyncio
import os
import stat
import sys
import time
from pathlib import Path

from whisper_tui.core.session import Session
from whisper_tui.core.settings import Settings
from whisper_tui.core.tunnels import TunnelTarget, parse_tunnel
from whisper_tui.core.tunnels.cloudflared import CloudflaredTunnel

URL = "https://seasonal-deck-organisms-sf.trycloudflare.com"
DISCLAIMER = (
    "Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick "
    "way to experiment and try it out. However, be aware that these account-less Tunnels have no "
    "uptime guarantee, are subject to the Cloudflare Online Services Terms of Use "
    "(https://www.cloudflare.com/website-terms/), and Cloudflare reserves the right to "
    "investigate your use of Tunnels for violations of such terms. If you intend to use Tunnels "
    "in production you should use a pre-created named tunnel by following: "
    "https://developers.cloudflare.com/cloudflare-one/connections/connect-apps"
)


def ascii_box(lines: list[str], padding: int = 2) -> list[str]:
    """cloudflared's AsciiBox, as in quick_tunnel.go."""
    width = max(len(line) for line in lines)
    border = "+" + "-" * (width + 2 * padding) + "+"
    spacer = " " * padding
    return [border, *(f"|{spacer}{line.ljust(width)}{spacer}|" for line in lines), border]


def fake_cloudflared(directory: Path, *, exit_after: float | None = None) -> Path:
    """A `cloudflared` on a PATH of its own that logs like the real one, then waits."""
    stamp = "2024-05-01T10:00:00Z INF "
    lines = [
        DISCLAIMER,
        "Requesting new quick Tunnel on trycloudflare.com...",
        *ascii_box(
            [
                "Your quick Tunnel has been created! Visit it at (it may take some time to be "
                "reachable):",
                URL,
            ]
        ),
        "Version 2024.4.1",
    ]
    logged = "".join(f"{stamp}{line}\n" for line in lines)
    wait = f"time.sleep({exit_after})" if exit_after is not None else "time.sleep(3600)"
    script = directory / "cloudflared"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys, time\n"
        f"open({str(directory / 'argv')!r}, 'w').write(' '.join(sys.argv[1:]))\n"
        f"sys.stderr.write({logged!r})\n"
        "sys.stderr.flush()\n"
        f"{wait}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return directory


async def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not true in time"
        await asyncio.sleep(0.02)


async def test_the_quick_tunnel_url_cloudflared_announces_becomes_the_public_url(tmp_path):
    path = fake_cloudflared(tmp_path)
    environ = {**os.environ, "PATH": f"{path}{os.pathsep}{os.environ['PATH']}"}
    session = Session(Settings(port=0, tunnel=parse_tunnel("cloudflared")), environ=environ)
    await session.start()
    try:
        await wait_for(lambda: session.public_url is not None)
        # Not the terms-of-use or docs URLs in the disclaimer logged before it.
        assert session.public_url == URL
        assert f"public {URL}" in session.status_text()
        argv = (tmp_path / "argv").read_text()
        assert argv == f"tunnel --no-autoupdate --url http://127.0.0.1:{session.port}"
        process = session.tunnel.process
    finally:
        await session.stop()
    assert process.returncode is not None, "cloudflared is ended with whisper-tui"


async def test_cloudflared_exiting_is_reported_and_restarted(tmp_path, monkeypatch):
    monkeypatch.setattr("whisper_tui.core.tunnels.base.BACKOFF_FIRST", 0.05)
    path = fake_cloudflared(tmp_path, exit_after=0.2)
    environ = {**os.environ, "PATH": f"{path}{os.pathsep}{os.environ['PATH']}"}
    session = Session(Settings(port=0, tunnel=parse_tunnel("cloudflared")), environ=environ)
    said: list[str] = []
    await session.start()
    session.watch_tunnel(said.append)
    try:
        await wait_for(lambda: session.tunnel.reconnects >= 1)
    finally:
        await session.stop()
    assert said[:3] == [
        f"tunnel cloudflared: public URL {URL}",
        "tunnel cloudflared down: cloudflared exited (status 0): INF Version 2024.4.1; "
        "reconnecting in 0.05 s",
        f"tunnel cloudflared: reconnected, public URL {URL}",
    ]


async def test_without_cloudflared_on_path_the_tunnel_fails_in_one_line_and_capture_goes_on(
    tmp_path,
):
    environ = {**os.environ, "PATH": str(tmp_path)}
    session = Session(Settings(port=0, tunnel=parse_tunnel("cloudflared")), environ=environ)
    await session.start()
    try:
        await wait_for(lambda: session.tunnel.state == "failed")
        assert session.tunnel.problem == (
            "cloudflared is not on PATH; install it from "
            "https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/"
        )
        assert "tunnel cloudflared failed: cloudflared is not on PATH" in session.status_text()
        assert session.public_url is None and session.listening
    finally:
        await session.stop()


def test_only_a_url_after_the_created_line_counts():
    tunnel = CloudflaredTunnel("", TunnelTarget("127.0.0.1", 8080, {}))
    stamp = "2024-05-01T10:00:00Z INF "
    assert tunnel.read_line(stamp + DISCLAIMER) is None
    box = ascii_box(["Your quick Tunnel has been created! Visit it at (...):", URL])
    assert [tunnel.read_line(stamp + line) for line in box] == [None, None, URL, None]
