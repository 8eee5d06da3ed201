"""An HTML form post (application/x-www-form-urlencoded): one decoded field a line."""

from __future__ import annotations

from urllib.parse import parse_qsl

from whisper_tui.core.contentviews.decoding import DecodedBody
from whisper_tui.core.contentviews.lines import ListLines
from whisper_tui.core.contentviews.view import BodyView, ContentView, drawn

FORM_TYPE = "application/x-www-form-urlencoded"


def fit(body: DecodedBody) -> float:
    """Declared forms that decode as text."""
    return 50 if body.media_type == FORM_TYPE and body.text is not None else 0


def render(body: DecodedBody) -> BodyView:
    """'name = value' per field, percent-decoding undone, blanks kept."""
    assert body.text is not None
    pairs = parse_qsl(body.text, keep_blank_values=True)
    return drawn(body, "form", ListLines([f"{k} = {v}" for k, v in pairs]), "ini")


VIEW = ContentView("form", fit, render)
