"""The body views in effect, and the choice of one for a body (highest fit wins)."""

from __future__ import annotations

from whisper_tui.core.contentviews import decoding
from whisper_tui.core.contentviews.decoding import (
    DECOMPRESS_CAP,
    DecodedBody,
    content_codings,
    decode_body,
    decode_request_body,
)
from whisper_tui.core.contentviews.lines import ListLines
from whisper_tui.core.contentviews.view import BodyView, ContentView, drawn
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.sizes import byte_count

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


def body_view_within(request: CapturedRequest, limit: int) -> BodyView | None:
    """body_view when the body decodes to at most `limit` bytes, None when it would inflate
    past them: then the caller builds body_view elsewhere (a worker thread), the full cap
    applied. The wire size says nothing of this: ~100 KB of gzip inflates to 64 MiB.

    At most `limit` bytes come out of each gzip or deflate step here, so a bomb costs this
    call no more than a `limit`-byte body would. brotli is never tried: its decoder can't be
    told to stop at a size, and one chunk of its input may inflate to far more than `limit`.
    """
    if request.rejected:
        return rejected_view(request)
    codings = content_codings(request.header_values("content-encoding"))
    if "br" in codings and decoding.brotli is not None:
        return None
    decoded = decode_request_body(request, limit)
    return None if decoded.capped else choose_view(decoded)


def rejected_view(request: CapturedRequest) -> BodyView:
    """The empty view of a body refused with 413, saying how big it said it was."""
    size = request.declared_length
    what = byte_count(size) if size is not None else "unknown size"
    return BodyView("empty", ListLines([]), notes=[f"body rejected (413): {what}, not kept"])
