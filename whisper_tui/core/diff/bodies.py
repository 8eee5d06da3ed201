"""Bodies made comparable: each as the detail shows it, JSON re-indented (keys sorted if asked).

A body is decoded once, by contentviews' display decoding, so the diff compares exactly the
text the detail shows; JSON is also parsed, for the structural summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from whisper_tui.core.contentviews.decoding import decode_request_body
from whisper_tui.core.contentviews.json_lines import cut_long_lines, pretty_json_lines
from whisper_tui.core.contentviews.registry import choose_view, rejected_view
from whisper_tui.core.contentviews.view import BodyView
from whisper_tui.core.diff.indented_json import indented_lines
from whisper_tui.core.diff.json_changes import parse_json_literals, sorted_json
from whisper_tui.core.models import CapturedRequest


@dataclass
class ComparableBody:
    """A body's display lines, with its parsed JSON or form fields when it has them."""

    kind: str
    lines: list[str]
    notes: list[str]
    value: Any = None
    """The parsed JSON (numbers as marked literals), when the body is JSON."""
    parsed: bool = False
    pairs: list[tuple[str, str]] | None = None
    """Form fields, when the body is a form."""


def comparable_body(request: CapturedRequest, sort_keys: bool) -> ComparableBody:
    """The lines to compare for a capture's body (see ComparableBody)."""
    if request.rejected:
        view = rejected_view(request)
        return ComparableBody(view.kind, all_lines(view), view.notes)
    decoded = decode_request_body(request)
    # Multipart bodies never read as JSON or forms, whatever their parts hold.
    is_multipart = decoded.media_type.startswith("multipart/")
    if not is_multipart and decoded.looks_like_json():
        text = decoded.text
        assert text is not None
        try:
            value = parse_json_literals(text)
        except (ValueError, RecursionError):
            pass  # not JSON after all, or too deep: the text view is chosen and says why
        else:
            notes = list(decoded.notes)
            lines = None
            if sort_keys:
                try:
                    lines = json_lines(sorted_json(value, text))
                except (RecursionError, ValueError):
                    notes.append("too deep to sort keys: compared as sent")
            if lines is None:
                lines = json_lines(text, value)
            return ComparableBody("json", lines, notes, value, parsed=True)
    view = choose_view(decoded)
    body = ComparableBody(view.kind, all_lines(view), view.notes)
    if view.kind == "form" and decoded.text is not None:
        body.pairs = parse_qsl(decoded.text, keep_blank_values=True)
    return body


def json_lines(text: str, value: Any = None) -> list[str]:
    """The display lines of JSON that json.loads accepted (`value`: its parse_json_literals,
    if at hand): indented by orjson where that gives the same lines, else by the line regex."""
    lines = indented_lines(text, value)
    return pretty_json_lines(text) if lines is None else cut_long_lines(lines)


def all_lines(view: BodyView) -> list[str]:
    """Every line of a view, produced now."""
    view.lines.advance(10**9)
    lines = view.lines
    return [lines[index] for index in range(len(lines))]
