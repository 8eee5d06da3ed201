"""The public URL in the TUI: `U` copies it (OSC 52), and tunnel changes show as toasts.

The top bar already shows the tunnel's state (Session.status_text); a toast makes a drop or a
reconnect noticeable when it happens. A mixin of the app, so the app module stays small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

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

    def _tunnel_changed(self, message: str) -> None:
        self.notify(message, severity=severity_of(message))  # type: ignore[attr-defined]

    def action_copy_public_url(self) -> None:
        """Copy the public URL (the tunnel's, or --public-url) to the clipboard with OSC 52."""
        url = self.session.public_url
        if not url:
            self.notify(no_public_url(self.session), severity="warning")  # type: ignore[attr-defined]
            return
        self.copy_to_clipboard(url)  # type: ignore[attr-defined]
        self.notify(f"copied {url} to the clipboard (OSC 52)")  # type: ignore[attr-defined]
