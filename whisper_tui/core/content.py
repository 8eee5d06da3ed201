"""Decode a captured body for display only: content-encoding, charset, then a view by type.

Nothing here changes what is stored. Every step is capped so a hostile body (a gzip bomb, a
5 MB single-line JSON, 200,000 nested brackets) costs bounded time and memory, and big bodies
are formatted lazily: the lines on screen exist first, the rest on demand.
"""

from __future__ import annotations

import json
import re
import threading
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from whisper_tui.core.models import CapturedRequest

DECOMPRESS_CAP = 64 * 1024 * 1024
"""Display decoding never inflates a body beyond this (a gzip bomb stops here)."""
LONG_LINE = 4096
"""Lines longer than this are split for display so no single line is megabytes wide."""
MAX_INDENT_DEPTH = 40
"""Deeper nesting is shown without further indentation."""
BYTES_PER_HEX_LINE = 16
MAX_LINES = 1_000_000
"""Text views stop here: 64 M one-character lines would cost half a gigabyte of pointers."""
PRETTY_JSON_LIMIT = 16 * 1024 * 1024
"""Bigger JSON is shown as sent: re-indenting it would take seconds of a worker's time."""
VALIDATE_JSON_LIMIT = 1024 * 1024
"""JSON up to this size is validated with json.loads before it is re-indented."""

try:  # brotli is optional: decoded when installed, otherwise shown raw with a note
    import brotli  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None


# -- line sources ------------------------------------------------------------------------


class Lines:
    """A sequence of display lines that may be produced lazily."""

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, index: int) -> str:
        raise NotImplementedError

    @property
    def complete(self) -> bool:
        """True once the line count is final."""
        return True

    def advance(self, count: int) -> bool:
        """Produce up to `count` more lines; True when complete. Safe from a worker thread."""
        return True


class ListLines(Lines):
    def __init__(self, lines: list[str]) -> None:
        self._lines = lines

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, index: int) -> str:
        return self._lines[index]


class LazyLines(Lines):
    """Lines pulled from a generator as they are needed (first screen first, rest later)."""

    def __init__(self, source: Iterator[str]) -> None:
        self._source = source
        self._lines: list[str] = []
        self._done = False
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._lines)

    @property
    def complete(self) -> bool:
        return self._done

    def advance(self, count: int) -> bool:
        with self._lock:
            if self._done:
                return True
            append = self._lines.append
            for _ in range(min(count, MAX_LINES - len(self._lines))):
                line = next(self._source, None)
                if line is None:
                    self._done = True
                    break
                append(line)
            if not self._done and len(self._lines) >= MAX_LINES:
                append(f"… display stops at {MAX_LINES:,} lines: export the capture to see it all")
                self._done = True
            return self._done

    def __getitem__(self, index: int) -> str:
        if index >= len(self._lines) and not self._done:
            self.advance(index - len(self._lines) + 256)
        return self._lines[index]


class HexLines(Lines):
    """A hex dump computed per line from the bytes, so a 32 MB body costs nothing up front."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __len__(self) -> int:
        return (len(self._data) + BYTES_PER_HEX_LINE - 1) // BYTES_PER_HEX_LINE

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self):
            raise IndexError(index)
        return hex_line(self._data, index * BYTES_PER_HEX_LINE)


def hex_line(data: bytes, offset: int) -> str:
    chunk = data[offset : offset + BYTES_PER_HEX_LINE]
    left = " ".join(f"{b:02x}" for b in chunk[:8])
    right = " ".join(f"{b:02x}" for b in chunk[8:])
    text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
    return f"{offset:08x}  {left:<23}  {right:<23}  |{text}|"


# -- the view ----------------------------------------------------------------------------


@dataclass
class BodyView:
    """What the detail pane shows for a body: lines, how to highlight them, and caveats."""

    kind: str
    """'empty', 'json', 'form', 'xml', 'text', 'multipart' or 'hex'."""
    lines: Lines
    lexer: str | None = None
    """A pygments lexer alias for the lines, or None for plain text."""
    notes: list[str] = field(default_factory=list)


def body_view(request: CapturedRequest, decompress_cap: int = DECOMPRESS_CAP) -> BodyView:
    """Choose and build the display view of a request's body."""
    if request.rejected:
        size = request.declared_length
        what = f"{size:,} bytes" if size is not None else "unknown size"
        return BodyView("empty", ListLines([]), notes=[f"body rejected (413): {what}, not kept"])
    return view_for(
        request.body,
        request.header("content-type") or "",
        request.header_values("content-encoding"),
        decompress_cap,
    )


def view_for(
    body: bytes,
    content_type_header: str,
    content_encodings: list[str] | None = None,
    decompress_cap: int = DECOMPRESS_CAP,
) -> BodyView:
    """Build a view from raw body bytes and the content-type / content-encoding values."""
    notes: list[str] = []
    data, ok = decode_content_encoding(body, content_encodings or [], decompress_cap, notes)
    if not data:
        return BodyView("empty", ListLines([]), notes=notes)
    if not ok:
        return BodyView("hex", HexLines(data), "hexdump", notes)
    media_type, params = parse_content_type(content_type_header)
    charset = params.get("charset", "utf-8")
    if media_type == "multipart/form-data" or media_type.startswith("multipart/"):
        boundary = params.get("boundary")
        if boundary:
            return BodyView("multipart", ListLines(multipart_lines(data, boundary)), None, notes)
    text = decode_text(data, charset)
    if text is None or looks_binary(text):
        return BodyView("hex", HexLines(data), "hexdump", notes)
    if is_json_type(media_type) or (
        (not media_type or media_type == "text/plain") and (text.lstrip()[:1] in ("{", "["))
    ):
        view = json_view(text, notes)
        if view is not None:
            return view
    if media_type == "application/x-www-form-urlencoded":
        pairs = parse_qsl(text, keep_blank_values=True)
        return BodyView("form", ListLines([f"{k} = {v}" for k, v in pairs]), "ini", notes)
    if is_xml_type(media_type) or (not media_type and text.lstrip().startswith("<?xml")):
        return BodyView("xml", LazyLines(split_long(reindent_xml(text))), "xml", notes)
    lexer = LEXER_BY_TYPE.get(media_type)
    return BodyView("text", LazyLines(split_long(iter_lines(text))), lexer, notes)


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


def parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    parts = value.split(";")
    params: dict[str, str] = {}
    for part in parts[1:]:
        if "=" in part:
            key, _, val = part.partition("=")
            params[key.strip().lower()] = val.strip().strip('"')
    return parts[0].strip().lower(), params


def is_json_type(media_type: str) -> bool:
    return media_type in ("application/json", "text/json") or media_type.endswith("+json")


def is_xml_type(media_type: str) -> bool:
    return media_type in ("application/xml", "text/xml") or media_type.endswith("+xml")


# -- decoding ----------------------------------------------------------------------------


def decode_content_encoding(
    body: bytes, encodings: list[str], cap: int, notes: list[str]
) -> tuple[bytes, bool]:
    """Undo Content-Encoding for display, never inflating past `cap`. Returns (data, ok)."""
    codings = [c.strip().lower() for value in encodings for c in value.split(",") if c.strip()]
    data = body
    # Codings are listed in the order they were applied, so they are undone last to first.
    for coding in reversed(codings):
        if coding == "identity":
            continue
        try:
            if coding in ("gzip", "x-gzip"):
                data, capped = _inflate(data, zlib.MAX_WBITS | 16, cap)
            elif coding == "deflate":
                try:
                    data, capped = _inflate(data, zlib.MAX_WBITS, cap)
                except zlib.error:  # some senders send raw deflate without the zlib header
                    data, capped = _inflate(data, -zlib.MAX_WBITS, cap)
            elif coding == "br" and brotli is not None:
                data, capped = _unbrotli(data, cap)
            else:
                notes.append(f"content-encoding {coding!r} not decoded: showing the raw bytes")
                return data, False
        except Exception as error:  # zlib.error, brotli.error: a broken stream is data too
            notes.append(f"content-encoding {coding} failed to decode ({error}): raw bytes shown")
            return body, False
        size = f"{len(body):,} B -> {len(data):,} B"
        notes.append(f"decoded {coding} for display ({size})")
        if capped:
            notes.append(f"decompression stopped at the display cap of {cap:,} bytes")
    return data, True


def _inflate(data: bytes, wbits: int, cap: int) -> tuple[bytes, bool]:
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(data, cap)
    capped = bool(inflater.unconsumed_tail) or (len(out) >= cap and not inflater.eof)
    return out, capped


def _unbrotli(data: bytes, cap: int) -> tuple[bytes, bool]:
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


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def looks_binary(text: str) -> bool:
    """NUL bytes or many control characters mean a hex dump reads better than text."""
    sample = text[:8192]
    if "\x00" in sample:
        return True
    return len(_CONTROL.findall(sample)) > max(8, len(sample) // 20)


def iter_lines(text: str) -> Iterator[str]:
    """text.split("\\n") one line at a time: 64 M newlines must not become one list."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def split_long(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        line = line.removesuffix("\r")
        if len(line) <= LONG_LINE:
            yield line
        else:
            for start in range(0, len(line), LONG_LINE):
                yield line[start : start + LONG_LINE]


# -- JSON --------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


def json_view(text: str, notes: list[str]) -> BodyView | None:
    """Pretty JSON keeping every literal as sent (1.10 stays 1.10), or None if not JSON."""
    if len(text) > PRETTY_JSON_LIMIT:
        notes.append(f"JSON over {PRETTY_JSON_LIMIT:,} characters: shown as sent")
        return BodyView("text", LazyLines(split_long(iter_lines(text))), "json", notes)
    if len(text) > VALIDATE_JSON_LIMIT:
        # json.loads holds the GIL for its whole run (~10 ms a megabyte), stalling the loop
        # the server shares even from a worker thread; a cheap check on both ends instead.
        stripped = text.strip()
        if not (stripped[:1] in "{[" and stripped[-1:] in "}]"):
            return None
        notes.append("large JSON re-indented token by token without validating it first")
        return BodyView("json", LazyLines(split_long(reindent_json(text))), "json", notes)
    try:
        json.loads(text)
    except RecursionError:
        notes.append("JSON nested too deep to pretty-print: shown as sent")
        return BodyView("text", LazyLines(split_long(iter_lines(text))), "json", notes)
    except ValueError:
        return None
    return BodyView("json", LazyLines(split_long(reindent_json(text))), "json", notes)


def reindent_json(text: str, indent: str = "  ") -> Iterator[str]:
    """Yield valid JSON re-indented line by line, without re-encoding any token."""
    # finditer, not findall: one C call over megabytes would hold the GIL (and the loop the
    # server shares) for its whole run; token by token, the first screen is ready at once.
    tokens = (match.group() for match in _JSON_TOKEN.finditer(text))
    closing = {"{": "}", "[": "]"}
    depth = 0
    line = ""
    pending: str | None = None
    while True:
        if pending is not None:
            token, pending = pending, None
        else:
            token = next(tokens, None)
            if token is None:
                break
        if token in closing:
            following = next(tokens, None)
            if following == closing[token]:
                line += token + following
                continue
            pending = following
            yield line + token
            depth += 1
            line = indent * min(depth, MAX_INDENT_DEPTH)
        elif token in ("}", "]"):
            if line.strip():
                yield line
            depth -= 1
            line = indent * min(depth, MAX_INDENT_DEPTH) + token
        elif token == ",":
            yield line + ","
            line = indent * min(depth, MAX_INDENT_DEPTH)
        elif token == ":":
            line += ": "
        else:
            line += token
    if line.strip():
        yield line


# -- XML ---------------------------------------------------------------------------------

_XML_TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^>]*>?|[^<]+", re.S)


def reindent_xml(text: str, indent: str = "  ") -> Iterator[str]:
    """Indent XML by its tags without parsing it, so truncated or odd XML still shows.

    Tokens are read lazily: the first screen of a 5 MB document needs a few hundred of them,
    and tokenizing all of it up front held the GIL for ~180 ms (the loop stalled with it).
    """
    stripped = (match.group().strip() for match in _XML_TOKEN.finditer(text))
    tokens = (token for token in stripped if token)
    ahead: deque[str] = deque()

    def peek(offset: int) -> str | None:
        while len(ahead) <= offset:
            token = next(tokens, None)
            if token is None:
                return None
            ahead.append(token)
        return ahead[offset]

    depth = 0
    while (token := peek(0)) is not None:
        ahead.popleft()
        opens = token.startswith("<") and not token.startswith(("</", "<?", "<!"))
        opens = opens and not token.endswith("/>")
        if token.startswith("</"):
            depth = max(depth - 1, 0)
        pad = indent * min(depth, MAX_INDENT_DEPTH)
        # <name>text</name> reads best on one line.
        inner, closing = (peek(0), peek(1)) if opens else (None, None)
        if (
            inner is not None
            and closing is not None
            and not inner.startswith("<")
            and closing.startswith("</")
        ):
            token = token + inner + closing
            ahead.popleft()
            ahead.popleft()
            opens = False
        elif opens:
            depth += 1
        for piece in token.split("\n"):
            yield pad + piece.strip()


# -- multipart ---------------------------------------------------------------------------


def multipart_lines(data: bytes, boundary: str) -> list[str]:
    """Each part's headers, then its body as text or, for binary parts, a short hex dump."""
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = data.split(delimiter)
    lines: list[str] = []
    for number, chunk in enumerate(chunks[1:], start=1):
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, _, body = chunk.partition(b"\r\n\r\n")
        lines.append(f"── part {number} ── {len(body):,} bytes")
        lines.extend(head.decode("latin-1").split("\r\n"))
        lines.append("")
        text = decode_text(body, "utf-8")
        if text is not None and not looks_binary(text):
            lines.extend(split_long(iter(text.split("\n"))))
        else:
            shown = min(len(body), 64 * BYTES_PER_HEX_LINE)
            lines.extend(hex_line(body, off) for off in range(0, shown, BYTES_PER_HEX_LINE))
            if shown < len(body):
                lines.append(f"… {len(body) - shown:,} more bytes")
        lines.append("")
    if not lines:
        lines = [f"(no part delimited by {boundary!r}: showing as text)"]
        lines.extend(data.decode("utf-8", "replace").split("\n"))
    return lines
