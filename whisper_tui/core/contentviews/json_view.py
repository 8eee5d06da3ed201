"""JSON, pretty-printed keeping every literal as sent; declared or sniffed from the text."""

from __future__ import annotations

import json

from whisper_tui.core.contentviews.decoding import DecodedBody
from whisper_tui.core.contentviews.json_lines import reindent_json
from whisper_tui.core.contentviews.lines import LazyLines, iter_lines, split_long
from whisper_tui.core.contentviews.view import BodyView, ContentView, drawn

PRETTY_JSON_LIMIT = 16 * 1024 * 1024
"""Bigger JSON is shown as sent: re-indenting it would take seconds of a worker's time."""
VALIDATE_JSON_LIMIT = 1024 * 1024
"""JSON up to this size is validated with json.loads before it is re-indented."""


def fit(body: DecodedBody) -> float:
    """Declared JSON, or untyped / text/plain text starting with { or [."""
    return 60 if body.looks_like_json() else 0


BOM_NOTE = (
    "starts with a byte order mark (U+FEFF), which JSON must not (RFC 8259 8.1; Python's "
    "json.loads refuses it): shown without it; the raw view shows it"
)


def render(body: DecodedBody) -> BodyView | None:
    """Pretty JSON, or None if it is not JSON after all (then another view draws it)."""
    text = body.text
    assert text is not None
    if text.startswith("\ufeff"):
        # Shown as the JSON it is, and said: a receiver's parser may refuse the body for it.
        view = render_text(body, text[1:])
        if view is not None:
            view.notes.append(BOM_NOTE)
        return view
    return render_text(body, text)


def render_text(body: DecodedBody, text: str) -> BodyView | None:
    """render() for `text`, the body's text (after a byte order mark, if it had one)."""
    if len(text) > PRETTY_JSON_LIMIT:
        note = f"JSON over {PRETTY_JSON_LIMIT:,} characters: shown as sent"
        return drawn(body, "text", LazyLines(split_long(iter_lines(text))), "json", note)
    if len(text) > VALIDATE_JSON_LIMIT:
        # json.loads holds the GIL for its whole run (~10 ms a megabyte), stalling the loop
        # the server shares even from a worker thread; a cheap check on both ends instead.
        stripped = text.strip()
        if not (stripped[:1] in "{[" and stripped[-1:] in "}]"):
            return None
        note = "large JSON re-indented token by token without validating it first"
        return drawn(body, "json", LazyLines(split_long(reindent_json(text))), "json", note)
    try:
        json.loads(text)
    except RecursionError:
        note = "JSON nested too deep to pretty-print: shown as sent"
        return drawn(body, "text", LazyLines(split_long(iter_lines(text))), "json", note)
    except ValueError:
        return None
    lines = LazyLines(split_long(reindent_json(text, valid=True)))
    return drawn(body, "json", lines, "json")


VIEW = ContentView("json", fit, render)
