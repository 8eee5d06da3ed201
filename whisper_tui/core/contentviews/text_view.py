"""Plain text, highlighted by its media type when pygments knows it (HTML, YAML, ...)."""

from __future__ import annotations

from whisper_tui.core.contentviews.decoding import DecodedBody
from whisper_tui.core.contentviews.lines import LazyLines, iter_lines, split_long
from whisper_tui.core.contentviews.view import BodyView, ContentView, drawn

LEXER_BY_TYPE = {
    "text/html": "html",
    "text/css": "css",
    "application/javascript": "javascript",
    "text/javascript": "javascript",
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/markdown": "markdown",
    "application/graphql": "graphql",
}


def fit(body: DecodedBody) -> float:
    """Any text, below every view that knows a format (above the hex fallback)."""
    return 2 if body.text is not None else 0


def render(body: DecodedBody) -> BodyView:
    """The text's lines, long ones split, produced as they are needed."""
    assert body.text is not None
    lines = LazyLines(split_long(iter_lines(body.text)))
    return drawn(body, "text", lines, LEXER_BY_TYPE.get(body.media_type))


VIEW = ContentView("text", fit, render)
