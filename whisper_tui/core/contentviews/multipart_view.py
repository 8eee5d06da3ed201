"""multipart/* with a boundary: each part's headers, then its text or a short hex dump."""

from __future__ import annotations

from whisper_tui.core.contentviews.decoding import DecodedBody, decode_text, looks_binary
from whisper_tui.core.contentviews.lines import (
    BYTES_PER_HEX_LINE,
    ListLines,
    hex_line,
    split_long,
)
from whisper_tui.core.contentviews.view import BodyView, ContentView, drawn
from whisper_tui.core.sizes import byte_count


def fit(body: DecodedBody) -> float:
    """Decoded multipart bodies that name their boundary, whatever their parts hold."""
    if body.decoded and body.media_type.startswith("multipart/") and body.params.get("boundary"):
        return 80
    return 0


def render(body: DecodedBody) -> BodyView:
    """The parts one after another, split on the declared boundary."""
    return drawn(body, "multipart", ListLines(multipart_lines(body.data, body.params["boundary"])))


def multipart_lines(data: bytes, boundary: str) -> list[str]:
    """Each part's headers, then its body as text or, for binary parts, a short hex dump."""
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = data.split(delimiter)
    lines: list[str] = []
    for number, chunk in enumerate(chunks[1:], start=1):
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, _, part = chunk.partition(b"\r\n\r\n")
        lines.append(f"── part {number} ── {byte_count(len(part))}")
        lines.extend(head.decode("latin-1").split("\r\n"))
        lines.append("")
        text = decode_text(part, "utf-8")
        if text is not None and not looks_binary(text):
            lines.extend(split_long(iter(text.split("\n"))))
        else:
            shown = min(len(part), 64 * BYTES_PER_HEX_LINE)
            lines.extend(hex_line(part, off) for off in range(0, shown, BYTES_PER_HEX_LINE))
            if shown < len(part):
                lines.append(f"… {byte_count(len(part) - shown)} more")
        lines.append("")
    if not lines:
        lines = [f"(no part delimited by {boundary!r}: showing as text)"]
        lines.extend(data.decode("utf-8", "replace").split("\n"))
    return lines


VIEW = ContentView("multipart", fit, render)
