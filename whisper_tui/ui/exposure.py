"""The line under the top bar when the server listens beyond this machine (`--host 0.0.0.0`).

Printed before the TUI took the screen, the warning was seen only after quitting; here it stays
in view for as long as the exposure lasts.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from whisper_tui.core.sanitize import printable
from whisper_tui.core.settings import Settings


class ExposureNotice(Static):
    """One warning line, cut with an ellipsis at narrow widths."""

    DEFAULT_CSS = """
    ExposureNotice {
        height: 1;
        padding: 0 1;
        background: $warning 30%;
        color: $foreground;
    }
    """

    def __init__(self, host: str) -> None:
        # Headless mode's module (the same words), imported only when the notice is shown.
        from whisper_tui.headless import exposure_text

        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("⚠ ", "bold")
        text.append(printable(exposure_text(host)))
        super().__init__(text, id="exposure")


async def show_if_exposed(screen: Screen[object], settings: Settings) -> None:
    """Put the notice under the top bar when the address is reachable beyond this machine."""
    if not settings.is_loopback:
        await screen.mount(ExposureNotice(settings.host), after=0)
