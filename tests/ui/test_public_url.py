"""The public URL in the TUI: on the top bar, `U` and the palette copy it, changes are toasts."""

from __future__ import annotations

import asyncio

import pytest

from tests.helpers import screen_text, wait_for_screen, wait_until
from whisper_tui.core.settings import Settings
from whisper_tui.core.tunnels import ConnectionEnded, Tunnel, parse_tunnel, register, unregister
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.public_url import NO_PUBLIC_URL, severity_of

URL = "https://calm-river-1234.trycloudflare.com"


class UiTunnel(Tunnel):
    """Up at once at URL; `drop()` ends the connection, and the next one comes back up."""

    kind = "ui-test"
    usage = "ui-test"

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.dropped = asyncio.Event()

    async def connect_once(self) -> None:
        self.announce(URL)
        await self.dropped.wait()
        self.dropped = asyncio.Event()
        raise ConnectionEnded("the line went quiet")


@pytest.fixture
def ui_tunnel(monkeypatch):
    monkeypatch.setattr("whisper_tui.core.tunnels.base.BACKOFF_FIRST", 1.0)
    register(UiTunnel)
    yield
    unregister("ui-test")


def toasts(app: WhisperApp) -> list[tuple[str, str]]:
    return [(str(n.message), n.severity) for n in app._notifications]


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_tunnel_url_is_on_the_top_bar_and_u_copies_it(ui_tunnel, size):
    app = WhisperApp(Settings(port=0, tunnel=parse_tunnel("ui-test")))
    async with app.run_test(size=size) as pilot:
        if size[0] >= 200:
            await wait_for_screen(pilot, app, f"0 requests   public {URL}")
        else:  # at 80 columns the count gives way to the whole public URL
            await wait_for_screen(pilot, app, f"   public {URL}")
        await wait_until(
            pilot, lambda: (f"tunnel ui-test: public URL {URL}", "information") in toasts(app)
        )
        await pilot.press("U")
        await wait_until(pilot, lambda: app.clipboard == URL)
        assert (f"copied {URL} to the clipboard (OSC 52)", "information") in toasts(app)


async def test_a_drop_and_the_reconnect_show_on_the_bar_and_as_toasts(ui_tunnel):
    app = WhisperApp(Settings(port=0, tunnel=parse_tunnel("ui-test")))
    async with app.run_test(size=(200, 50)) as pilot:
        # The tunnel starts once the first frame is out (Session.start(hold=True)).
        await wait_until(pilot, lambda: app.session.tunnel is not None)
        tunnel = app.session.tunnel
        await wait_until(pilot, lambda: tunnel.state == "up")
        tunnel.dropped.set()
        await wait_for_screen(
            pilot, app, "tunnel ui-test down: the line went quiet; reconnecting in 1 s"
        )
        down = "tunnel ui-test down: the line went quiet; reconnecting in 1 s"
        assert (down, "warning") in toasts(app)
        await wait_for_screen(pilot, app, f"public {URL} (reconnected once)")
        back = (f"tunnel ui-test: reconnected, public URL {URL}", "information")
        await wait_until(pilot, lambda: toasts(app) == [back])  # it replaced the 'down' one


class MovingTunnel(Tunnel):
    """Up at URL, then, after `drop()`, back up at OTHER_URL (the old port was taken)."""

    kind = "ui-moving"
    usage = "ui-moving"

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.dropped = asyncio.Event()
        self.urls = [URL, OTHER_URL]

    async def connect_once(self) -> None:
        self.announce(self.urls.pop(0) if len(self.urls) > 1 else self.urls[0])
        await self.dropped.wait()
        self.dropped = asyncio.Event()
        raise ConnectionEnded("the line went quiet")


class NeverUp(Tunnel):
    """Never connects: every attempt fails the same way."""

    kind = "ui-never"
    usage = "ui-never"

    async def connect_once(self) -> None:
        raise ConnectionEnded("ssh exited (status 255): Connection refused")


OTHER_URL = "https://other-river-9876.trycloudflare.com"


@pytest.fixture
def more_tunnels(monkeypatch):
    monkeypatch.setattr("whisper_tui.core.tunnels.base.BACKOFF_FIRST", 0.05)
    monkeypatch.setattr("whisper_tui.core.tunnels.base.BACKOFF_MAX", 0.05)
    register(MovingTunnel)
    register(NeverUp)
    yield
    unregister("ui-moving")
    unregister("ui-never")


async def test_a_new_public_url_is_marked_on_the_bar_until_u_copies_it(more_tunnels):
    app = WhisperApp(Settings(port=0, tunnel=parse_tunnel("ui-moving")))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.session.tunnel is not None)
        tunnel = app.session.tunnel
        await wait_until(pilot, lambda: tunnel.state == "up")
        tunnel.dropped.set()
        await wait_for_screen(pilot, app, f"public {OTHER_URL} (CHANGED)")
        changed = (
            f"tunnel ui-moving: reconnected at a NEW public URL {OTHER_URL}; {URL} no longer "
            "works. Update the provider's webhook URL; U copies the new one."
        )
        assert [(str(n.message), n.title, n.severity) for n in app._notifications] == [
            (changed, "Public URL changed", "warning")
        ]
        await pilot.press("U")
        await wait_until(pilot, lambda: app.clipboard == OTHER_URL)
        await wait_until(pilot, lambda: "CHANGED" not in screen_text(app).splitlines()[0])
        assert f"public {OTHER_URL}" in screen_text(app).splitlines()[0]


async def test_a_tunnel_that_never_connects_shows_one_toast_not_one_per_retry(more_tunnels):
    app = WhisperApp(Settings(port=0, tunnel=parse_tunnel("ui-never")))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.session.tunnel is not None)
        tunnel = app.session.tunnel
        said: list[str] = []
        tunnel.subscribe(said.append)
        # A few retries later (each fails as the first did), and U pressed.
        await wait_until(pilot, lambda: len(said) >= 3)
        await pilot.press("U")
        await pilot.pause(0.1)
        shown = toasts(app)
        assert len(shown) == 1, shown
        assert shown[0][0].startswith("No public URL: tunnel ui-never down: ssh exited")


async def test_u_without_a_public_url_says_how_to_get_one():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("U")
        await wait_until(pilot, lambda: (NO_PUBLIC_URL, "warning") in toasts(app))
        assert app.clipboard == ""


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_u_after_the_tunnel_failed_says_it_failed_and_why(tmp_path, size):
    # cloudflared not on PATH: the bar says the tunnel failed; U said to start with --tunnel.
    app = WhisperApp(Settings(port=0, tunnel=parse_tunnel("cloudflared")))
    app.session.environ = {"PATH": str(tmp_path)}  # an empty directory: no cloudflared
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: app.session.tunnel is not None)
        tunnel = app.session.tunnel
        await wait_until(pilot, lambda: tunnel.state == "failed")
        await pilot.press("U")
        said = f"No public URL: {tunnel.describe()}"
        assert said.startswith("No public URL: tunnel cloudflared failed: cloudflared is not on")
        await wait_until(pilot, lambda: (said, "warning") in toasts(app))
        assert app.clipboard == ""


async def test_a_given_public_url_is_copied_too():
    app = WhisperApp(Settings(port=0, public_url="https://hooks.example.com"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("U")
        await wait_until(pilot, lambda: app.clipboard == "https://hooks.example.com")


async def test_the_palette_offers_copy_public_url(ui_tunnel):
    app = WhisperApp(Settings(port=0, tunnel=parse_tunnel("ui-test")))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.session.public_url == URL)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert (
            commands["Copy public URL"].help
            == "Copy the tunnel's public URL to the clipboard (OSC 52)"
        )
        await commands["Copy public URL"].callback()
        await wait_until(pilot, lambda: app.clipboard == URL)


async def test_the_tunnel_is_closed_when_the_app_exits(ui_tunnel):
    app = WhisperApp(Settings(port=0, tunnel=parse_tunnel("ui-test")))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.session.public_url == URL)
        tunnel = app.session.tunnel
    assert tunnel.state == "stopped"


def test_down_and_failed_are_warnings_and_up_is_news():
    assert severity_of("tunnel ssh down: x; reconnecting in 1 s") == "warning"
    assert severity_of("tunnel ngrok failed: NGROK_AUTHTOKEN is not set") == "warning"
    assert severity_of("tunnel ssh: reconnected, public URL http://h:1") == "information"
