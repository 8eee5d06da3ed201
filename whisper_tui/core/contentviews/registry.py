"""The body views in effect, and the choice of one for a body (highest fit wins)."""

from __future__ import annotations

from whisper_tui.core.contentviews.decoding import (
    DECOMPRESS_CAP,
    DecodedBody,
    decode_body,
    decode_request_body,
)
from whisper_tui.core.contentviews.lines import ListLines
from whisper_tui.core.contentviews.view import BodyView, ContentView, drawn
from whisper_tui.core.models import CapturedRequest

_views: list[ContentView] = []


def register(view: ContentView) -> ContentView:
    """Add a body view (replacing one of the same name); returns it."""
    unregister(view.name)
    _views.append(view)
    return view


def unregister(view: ContentView | str) -> None:
    """Remove a body view, given it or its name; nothing happens when it is not there."""
    name = view if isinstance(view, str) else view.name
    _views[:] = [known for known in _views if known.name != name]


def registered_views() -> list[ContentView]:
    """The body views in effect, in registration order."""
    return list(_views)


def choose_view(body: DecodedBody) -> BodyView:
    """Draw `body` with the best-fitting view that accepts it."""
    scored = [(view.fit(body), index, view) for index, view in enumerate(_views)]
    for score, _, view in sorted(scored, key=lambda item: (-item[0], item[1])):
        if score <= 0:
            break
        drawing = view.render(body)
        if drawing is not None:
            return drawing
    # Unreachable with the built-in views (hex fits every body); a safe answer regardless.
    return drawn(body, "empty", ListLines([]))


def view_for(
    body: bytes,
    content_type_header: str,
    content_encodings: list[str] | None = None,
    decompress_cap: int = DECOMPRESS_CAP,
) -> BodyView:
    """Build a view from raw body bytes and the content-type / content-encoding values."""
    return choose_view(decode_body(body, content_type_header, content_encodings, decompress_cap))


def body_view(request: CapturedRequest, decompress_cap: int = DECOMPRESS_CAP) -> BodyView:
    """Choose and build the display view of a request's body."""
    if request.rejected:
        return rejected_view(request)
    return choose_view(decode_request_body(request, decompress_cap))


def rejected_view(request: CapturedRequest) -> BodyView:
    """The empty view of a body refused with 413, saying how big it said it was."""
    size = request.declared_length
    what = f"{size:,} bytes" if size is not None else "unknown size"
    return BodyView("empty", ListLines([]), notes=[f"body rejected (413): {what}, not kept"])
