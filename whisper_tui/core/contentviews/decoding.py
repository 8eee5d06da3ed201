"""Decode a body for display only: content-encoding (capped), then the charset.

Both the detail's body views and the diff read bodies through decode_body, so a body is
shown and compared as the same text. Nothing here changes what is stored.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.sanitize import BINARY_MARKERS

DECOMPRESS_CAP = 64 * 1024 * 1024
"""Display decoding never inflates a body beyond this (a gzip bomb stops here)."""

brotli: Any
try:  # brotli is optional: decoded when installed, otherwise shown raw with a note
    import brotli  # type: ignore[import-not-found, no-redef]
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None


@dataclass
class DecodedBody:
    """A body as the views see it: bytes with content-encoding undone, media type, notes."""

    data: bytes
    """The bytes after undoing Content-Encoding (the raw bytes when that failed)."""
    decoded: bool
    """False when a content-encoding could not be undone: only a hex dump is honest."""
    media_type: str
    """Lower-cased type/subtype without parameters, '' when there is no Content-Type."""
    params: dict[str, str]
    """Content-Type parameters, names lower-cased (charset, boundary...)."""
    notes: list[str] = field(default_factory=list)
    """What decoding did or could not do, shown above the body."""
    capped: bool = False
    """Inflating stopped at the cap: the data is the body's first `cap` decoded bytes."""

    @cached_property
    def text(self) -> str | None:
        """The data as text in its charset, or None when it is not text (or not decoded)."""
        if not self.decoded or not self.data:
            return None
        text = decode_text(self.data, self.params.get("charset", "utf-8"))
        if text is None or looks_binary(text):
            return None
        return text

    @cached_property
    def head(self) -> str:
        """The first characters of the text after leading whitespace, for sniffing."""
        # A byte order mark is not whitespace to lstrip, and a JSON body may start with one.
        return self.text.lstrip("\ufeff").lstrip()[:8] if self.text is not None else ""

    def looks_like_json(self) -> bool:
        """Declared JSON, or untyped / text/plain text that starts like a JSON document."""
        if self.text is None:
            return False
        media_type = self.media_type
        return is_json_type(media_type) or (
            (not media_type or media_type == "text/plain") and self.head[:1] in ("{", "[")
        )


def decode_body(
    body: bytes,
    content_type_header: str,
    content_encodings: list[str] | None = None,
    decompress_cap: int = DECOMPRESS_CAP,
) -> DecodedBody:
    """Undo content-encoding (never past the cap) and read the Content-Type."""
    notes: list[str] = []
    data, decoded, capped = decode_content_encoding(
        body, content_encodings or [], decompress_cap, notes
    )
    media_type, params = parse_content_type(content_type_header)
    return DecodedBody(data, decoded, media_type, params, notes, capped)


def decode_request_body(
    request: CapturedRequest, decompress_cap: int = DECOMPRESS_CAP
) -> DecodedBody:
    """decode_body for a capture's body and its Content-Type / Content-Encoding headers."""
    return decode_body(
        request.body,
        request.header("content-type") or "",
        request.header_values("content-encoding"),
        decompress_cap,
    )


def parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    """('type/subtype', {param: value}) from a Content-Type header value."""
    parts = value.split(";")
    params: dict[str, str] = {}
    for part in parts[1:]:
        if "=" in part:
            key, _, val = part.partition("=")
            params[key.strip().lower()] = val.strip().strip('"')
    return parts[0].strip().lower(), params


def is_json_type(media_type: str) -> bool:
    """application/json, text/json and any +json type."""
    return media_type in ("application/json", "text/json") or media_type.endswith("+json")


def is_xml_type(media_type: str) -> bool:
    """application/xml, text/xml and any +xml type."""
    return media_type in ("application/xml", "text/xml") or media_type.endswith("+xml")


def content_codings(values: Iterable[str]) -> list[str]:
    """The codings Content-Encoding header values name, in the order they were applied,
    lower-cased, without identity (which changes nothing): ["gzip, Identity", "br"] ->
    ["gzip", "br"]. The raw view's note and display decoding read them the same way."""
    codings = (coding.strip().lower() for value in values for coding in value.split(","))
    return [coding for coding in codings if coding not in ("", "identity")]


def decode_content_encoding(
    body: bytes, encodings: list[str], cap: int, notes: list[str]
) -> tuple[bytes, bool, bool]:
    """Undo Content-Encoding for display, never inflating past `cap`. Returns (data, ok,
    capped): capped when some coding's output stopped at the cap."""
    data, any_capped = body, False
    # Codings are listed in the order they were applied, so they are undone last to first.
    for coding in reversed(content_codings(encodings)):
        ending: list[str] = []
        try:
            if coding in INFLATED:
                inflated = inflate(data, coding, cap)
                data, capped = inflated.data, inflated.capped
                ending = inflated.ending_notes(coding) if inflated.data or data else []
            elif coding == "br" and brotli is not None:
                data, capped = unbrotli(data, cap)
            else:
                notes.append(f"content-encoding {coding!r} not decoded: showing the raw bytes")
                return data, False, any_capped
        except Exception as error:  # zlib.error, brotli.error: a broken stream is data too
            notes.append(f"content-encoding {coding} failed to decode ({error}): raw bytes shown")
            return body, False, any_capped
        size = f"{len(body):,} B -> {len(data):,} B"
        notes.append(f"decoded {coding} for display ({size})")
        notes.extend(ending)
        if capped:
            notes.append(f"decompression stopped at the display cap of {cap:,} bytes")
        any_capped = any_capped or capped
    return data, True, any_capped


INFLATED = ("gzip", "x-gzip", "deflate")
"""The codings `inflate` undoes (zlib's)."""


@dataclass(frozen=True, slots=True)
class Inflated:
    """A gzip or deflate stream undone up to a cap, and how it ended. Display shows what
    there is and says how it ended; the R editor edits only a stream that ended cleanly."""

    data: bytes
    capped: bool
    """Stopped at the cap: `data` is the first `cap` bytes; the rest was not looked at."""
    cut_short: bool
    """The body ended before the stream did (not said when capped): `data` is what it held."""
    trailing: int
    """Bytes after the stream's end (a second gzip member, junk), not inflated."""
    raw_deflate: bool
    """deflate without its zlib header, as some senders send it."""

    def ending_notes(self, coding: str) -> list[str]:
        """What the detail says of an ending that was not clean, [] for a clean one."""
        notes = []
        if self.cut_short:
            notes.append(f"{coding} stream cut short: shown as far as it goes")
        if self.trailing:
            trailing = f"{self.trailing:,} B"
            notes.append(f"trailing bytes after the {coding} stream ({trailing}), not decoded")
        return notes


def inflate(data: bytes, coding: str, cap: int) -> Inflated:
    """`data` with gzip (x-gzip) or deflate (zlib-wrapped, else raw) undone, never past `cap`
    bytes. zlib.error for a stream that is broken, not merely cut short or followed by more."""
    raw = False
    if coding == "deflate":
        try:
            inflater, out = _inflating(data, zlib.MAX_WBITS, cap)
        except zlib.error:  # some senders send raw deflate without the zlib header
            inflater, out = _inflating(data, -zlib.MAX_WBITS, cap)
            raw = True
    else:
        inflater, out = _inflating(data, zlib.MAX_WBITS | 16, cap)
    # All input taken and the output full, yet no end: more would have come past the cap.
    capped = bool(inflater.unconsumed_tail) or (len(out) >= cap and not inflater.eof)
    cut_short = not capped and not inflater.eof
    trailing = 0 if capped else len(inflater.unused_data)
    return Inflated(out, capped, cut_short, trailing, raw)


def _inflating(data: bytes, wbits: int, cap: int) -> tuple[Any, bytes]:
    inflater = zlib.decompressobj(wbits)
    return inflater, inflater.decompress(data, cap)


def unbrotli(data: bytes, cap: int) -> tuple[bytes, bool]:
    """brotli undone a 16 KB piece at a time, stopping past `cap` (brotli's own decompress has
    no limit: a small body could fill the memory); (data, capped). Needs brotli installed."""
    decompressor = brotli.Decompressor()
    out = bytearray()
    for start in range(0, len(data), 16384):
        out += decompressor.process(data[start : start + 16384])
        if len(out) > cap:
            return bytes(out[:cap]), True
    return bytes(out), False


def decode_text(data: bytes, charset: str) -> str | None:
    """Decode with the declared charset; None when the bytes are not text in it."""
    try:
        return data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        if charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return None
        return None


def looks_binary(text: str) -> bool:
    """NUL bytes or many control characters mean a hex dump reads better than text."""
    sample = text[:8192]
    if "\x00" in sample:
        return True
    return len(BINARY_MARKERS.findall(sample)) > max(8, len(sample) // 20)
