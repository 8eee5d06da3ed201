"""Nothing to show: no body, or one that decoded to no bytes."""

from __future__ import annotations

from whisper_tui.core.contentviews.decoding import DecodedBody
from whisper_tui.core.contentviews.lines import ListLines
from whisper_tui.core.contentviews.view import BodyView, ContentView, drawn


def fit(body: DecodedBody) -> float:
    """Above every other view: an empty body is empty whatever its type says."""
    return 100 if not body.data else 0


def render(body: DecodedBody) -> BodyView:
    """No lines; the decoding notes still say what happened."""
    return drawn(body, "empty", ListLines([]))


VIEW = ContentView("empty", fit, render)
