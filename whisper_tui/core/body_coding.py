"""A compressed body to edit: its Content-Encoding undone for the editor, and an edited text
encoded again the same way before it is sent.

As mitmproxy edits a gzip body: the decoded text is what one edits, and what goes out carries
the coding its headers name. The stored bytes stay the capture's; a body left as it opened is
sent as those bytes (exact bytes), never re-encoded (a new gzip stream of the same text is
other bytes: another header time, another compressor).
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from typing import Any

from whisper_tui.core.contentviews.decoding import content_codings, inflate, unbrotli
from whisper_tui.core.sizes import format_size

brotli: Any
try:  # optional, as for display: br is editable only where it can be written again
    import brotli  # type: ignore[import-not-found, no-redef]
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

EDIT_CAP = 4 * 1024 * 1024
"""A compressed body is editable decoded up to this size: it is undone on the loop the capture
server shares when the editor opens (4 MiB inflate in milliseconds) and goes into a text box;
past it the body is not editable and is sent as stored (the detail's own cap is 64 MiB, undone
in a worker)."""

RAW_DEFLATE = "deflate (raw)"
"""deflate as some senders send it: without the zlib header; written again the same way."""


@dataclass(frozen=True, slots=True)
class EditableBody:
    """A body as the editor opens it: text to edit, or None and why it can't be edited."""

    text: str | None
    """The body decoded (codings undone, UTF-8), or None when it is not editable."""
    codings: tuple[str, ...] = ()
    """The codings to apply again on send, in the order they are applied."""
    note: str = ""
    """What the editor says of it: decoded and re-encoded if edited, or why it can't be edited."""

    def encode(self, text: str, content_encodings: list[str]) -> bytes:
        """`text` (an edit of `self.text`) as the bytes to send: UTF-8, then the codings the
        Content-Encoding values sent with it name (the same as it came, unless the header
        was edited too: the body says what its header says). ValueError names a coding
        that can't be applied."""
        data = text.encode("utf-8")
        as_decoded = {coding.split(" ")[0]: coding for coding in self.codings}  # raw deflate
        for coding in content_codings(content_encodings):
            if not _can_encode(coding):
                raise ValueError(f"the body can't be encoded with {coding} (its Content-Encoding)")
            data = _encode(as_decoded.get(coding, coding), data)
        return data


def editable_body(body: bytes, content_encodings: list[str]) -> EditableBody:
    """`body` to edit, given its Content-Encoding header values (as received, in order)."""
    codings = content_codings(content_encodings)
    data, applied = body, list[str]()
    # Applied in the order listed, so undone last to first.
    for coding in reversed(codings):
        if not _can_encode(coding):
            missing = " (brotli isn't installed)" if coding == "br" else ""
            return EditableBody(None, note=f"{coding} can't be re-encoded here{missing}")
        try:
            decoded, written_as = _decode(coding, data)
        except Exception as error:  # zlib.error, brotli.error: a broken stream is data too
            return EditableBody(None, note=f"{coding} didn't decode ({error})")
        if decoded is None:
            return EditableBody(None, note=f"over {format_size(EDIT_CAP)} decoded, too big to edit")
        data = decoded
        applied.insert(0, written_as)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        undone = f" ({', '.join(applied)} decoded)" if applied else ""
        return EditableBody(None, note=f"binary{undone}")
    if not applied:
        return EditableBody(text)
    names = ", ".join(applied)
    note = f"{names} decoded ({len(body):,} B stored); re-encoded with {names} if edited"
    return EditableBody(text, tuple(applied), note)


def _can_encode(coding: str) -> bool:
    return coding in ("gzip", "x-gzip", "deflate") or (coding == "br" and brotli is not None)


def _decode(coding: str, data: bytes) -> tuple[bytes | None, str]:
    """(data with `coding` undone, or None past the cap; the coding to write it with)."""
    if coding == "br":
        out, capped = unbrotli(data, EDIT_CAP)
        return (None if capped else out), coding
    inflated = inflate(data, coding, EDIT_CAP)
    if inflated.capped:
        return None, coding  # past the cap (a gzip bomb stops here too)
    # What is edited is sent re-encoded whole: a stream that did not end cleanly would go
    # out as another body than the sender's, so it is not edited at all.
    if inflated.cut_short:
        raise ValueError("the stream is cut short")
    if inflated.trailing:  # a second gzip member, or trailing bytes: not ours to drop
        raise ValueError("bytes after the stream's end")
    # Raw deflate (without the zlib header) is written back without it.
    return inflated.data, RAW_DEFLATE if inflated.raw_deflate else coding


def _encode(coding: str, data: bytes) -> bytes:
    if coding in ("gzip", "x-gzip"):
        return gzip.compress(data, mtime=0)  # no clock in it: the same edit, the same bytes
    if coding == "deflate":
        return zlib.compress(data)
    if coding == RAW_DEFLATE:
        deflater = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return deflater.compress(data) + deflater.flush()
    return bytes(brotli.compress(data))
