"""A hex dump: for bytes that are not text, or whose content-encoding could not be undone."""

from __future__ import annotations

from whisper_tui.core.contentviews.decoding import DecodedBody
from whisper_tui.core.contentviews.lines import HexLines
from whisper_tui.core.contentviews.view import BodyView, ContentView, drawn


def fit(body: DecodedBody) -> float:
    """First when the encoding was not undone (nothing else is honest); else the fallback."""
    return 90 if not body.decoded else 1


def render(body: DecodedBody) -> BodyView:
    """Sixteen bytes a line, computed per line on demand."""
    return drawn(body, "hex", HexLines(body.data), "hexdump")


VIEW = ContentView("hex", fit, render)
