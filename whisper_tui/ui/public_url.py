"""The public URL in the TUI: `U` copies it (OSC 52), and tunnel changes show as toasts.

The top bar already shows the tunnel's state (Session.status_text); a toast makes a drop or a
reconnect noticeable when it happens: one toast per change of state, each replacing the last
(kind TOAST_KIND), and none for a retry that fails as the one before did: a tunnel that can
never connect stacked a 4-line toast at 1, 2 and 4 s over the detail at 80x24. A reconnect at
another URL says so for longer, and the bar marks it until U copies the new one.
A mixin of the app, so the app module stays small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

from whisper_tui.ui.clipboard import copied
from whisper_tui.ui.keymap import active_keymap
from whisper_tui.ui.keys import key_name

if TYPE_CHECKING:
    from whisper_tui.core.session import Session

NO_PUBLIC_URL = (
    "No public URL: start with --tunnel (ssh:HOST, ngrok, cloudflared) or give --public-url."
)


def no_public_url(session: Session) -> str:
    """Why U has no URL to copy. With --tunnel it is the tunnel's own state in the top bar's
    words (Tunnel.describe: 'tunnel cloudflared failed: cloudflared is not installed ...'),
    not advice to start one; without, how to get one."""
    if session.tunnel is not None:
        return f"No public URL: {session.tunnel.describe()}"
    if session.settings.tunnel is not None:  # starts after the first frame
        return "No public URL yet: the tunnel is starting"
    return NO_PUBLIC_URL


TOAST_KIND = "tunnel"
"""The kind of every tunnel toast, and of U's: the newest replaces the one showing."""

CHANGED_TIMEOUT = 30.0
"""Seconds the toast saying the public URL changed stays (the top bar says it until U)."""


def severity_of(message: str) -> SeverityLevel:
    """Down or failed is a warning; up (or back up) is news."""
    return "warning" if " down: " in message or " failed: " in message else "information"


class PublicUrlActions:
    """WhisperApp's public-URL key and tunnel toasts (needs `session`, `notify`, clipboard)."""

    session: Session

    def on_mount(self) -> None:
        # The tunnel starts after the first frame (or once --load is in): the session
        # subscribes this when it does.
        self.session.watch_tunnel(self._tunnel_changed)

    _tunnel_told: tuple[str, str | None] | None = None
    """The tunnel's (state, problem) the last toast told."""

    def _tunnel_changed(self, message: str) -> None:
        tunnel = self.session.tunnel
        told = (tunnel.state, tunnel.problem) if tunnel is not None else None
        if told is not None and told == self._tunnel_told and tunnel.state == "reconnecting":
            return  # another retry failing as the last did: the top bar counts down
        self._tunnel_told = told
        if tunnel is not None and tunnel.old_url and tunnel.state == "up":
            key = key_name("copy_public_url", active_keymap(self))
            self.notify(  # type: ignore[attr-defined]
                f"{message}. Update the provider's webhook URL; {key} copies the new one.",
                title="Public URL changed",
                severity="warning",
                timeout=CHANGED_TIMEOUT,
                kind=TOAST_KIND,
            )
            return
        self.notify(message, severity=severity_of(message), kind=TOAST_KIND)  # type: ignore[attr-defined]

    def action_copy_public_url(self) -> None:
        """Copy the public URL (the tunnel's, or --public-url) to the clipboard with OSC 52."""
        url = self.session.public_url
        if not url:
            self.notify(no_public_url(self.session), severity="warning", kind=TOAST_KIND)  # type: ignore[attr-defined]
            return
        self.copy_to_clipboard(url)  # type: ignore[attr-defined]
        if self.session.tunnel is not None and self.session.settings.public_url is None:
            self.session.tunnel.acknowledge_url()  # the user has the new one now
        self.notify(copied(self, url), kind=TOAST_KIND)  # type: ignore[attr-defined, arg-type]
