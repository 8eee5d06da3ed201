"""What a captured request is, kept exactly as it arrived."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl

# Headers are kept as the raw (name, value) byte pairs the HTTP parser saw, in order, with
# duplicates and the sender's casing. Parsing them into a multidict for every request costs
# capture throughput and loses the exact form, so anything friendlier is derived on demand.
RawHeaders = tuple[tuple[bytes, bytes], ...]

SentAnswer = tuple[str, RawHeaders, bytes]
"""What a capture's sender got besides the status: the reason phrase, the headers as sent in
order (less the Date and Server lines aiohttp or our ack wrote: the clock and our version,
not the answer), and the body bytes."""

NOT_ANSWERED = 0
"""A capture's answered_status while --relay-response awaits the target's answer, and for good
when the sender never got one (whisper-tui stopped first): HAR's own status for no response."""


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def is_token(text: str) -> bool:
    """Whether `text` is an HTTP token (RFC 9110 5.1, 9.1): what a header name or a method
    may be made of."""
    return _TOKEN.fullmatch(text) is not None


def reason_phrase(status: int) -> str:
    """The standard reason phrase for a status ('Created' for 201), '' for one with none:
    what aiohttp's REASON_PHRASES holds, so our answers' lines read as its own would."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def first_header(raw_headers: RawHeaders, name: str) -> str | None:
    """The first value of a header in raw pairs (a capture's or an answer's), or None."""
    wanted = name.lower().encode("latin-1")
    for n, v in raw_headers:
        if n.lower() == wanted:
            return v.decode("latin-1")
    return None


def header_values(raw_headers: RawHeaders, name: str) -> list[str]:
    """Every value of a header in raw pairs, in order, matched case-insensitively."""
    wanted = name.lower().encode("latin-1")
    return [v.decode("latin-1") for n, v in raw_headers if n.lower() == wanted]


def display_header_value(raw: bytes) -> str:
    """A header name or value as text to show: UTF-8 when its bytes are valid UTF-8 ('Zoë'),
    otherwise each byte UTF-8 can't read spelled `\\xff`; never latin-1 mojibake ('ZoÃ«').

    For display, filtering and exports only: the raw bytes stay stored as received. Control
    characters are kept; sanitize.printable makes them visible on a terminal.
    """
    return raw.decode("utf-8", "backslashreplace")


@dataclass(slots=True, repr=False)
class CapturedRequest:
    """One HTTP request as received: never re-encoded, decoded only for display.

    Treated as immutable but not declared frozen: a frozen dataclass's __init__ sets each
    field through object.__setattr__, 1.3 us against 0.3 us per capture on the server's hot
    path. Equal when every field is (the HAR round-trip tests rely on it); unhashable.
    """

    id: int
    received_at: float
    remote: str
    method: str
    target: str
    """Path and query exactly as they appeared on the request line."""
    http_version: tuple[int, int]
    raw_headers: RawHeaders
    body: bytes
    rejected: bool = False
    """True when the body was over the size limit: the sender got 413 and no body is kept."""
    declared_length: int | None = None
    """Content-Length the sender announced, kept for rejected requests."""
    answered_status: int = 200
    """The status the sender got: 413 when rejected, a configured failure, the target's answer
    (502 when there was none) with --relay-response, NOT_ANSWERED while that is awaited."""
    answer: SentAnswer | None = None
    """The rest of what the sender got, kept only when it was not the usual ack: None is the
    ack (ack.usual_answer of the status and this id), rebuilt when a HAR is written, so the
    common capture costs nothing more to keep."""

    def __repr__(self) -> str:
        # Short on purpose: Textual's workers repr their arguments on the loop, and a 5 MB
        # body (or 100k of them in a filter snapshot) must not become a string there.
        return f"<CapturedRequest #{self.id} {self.method} {self.target[:60]!r} {len(self.body)} B>"

    @property
    def headers(self) -> list[tuple[str, str]]:
        """Headers as text pairs, in order, duplicates kept (latin-1 maps every byte)."""
        return [(n.decode("latin-1"), v.decode("latin-1")) for n, v in self.raw_headers]

    def header(self, name: str) -> str | None:
        """The first value of a header, matched case-insensitively, or None."""
        return first_header(self.raw_headers, name)

    def header_values(self, name: str) -> list[str]:
        """Every value of a header, in order."""
        return header_values(self.raw_headers, name)

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    @property
    def query_params(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    @property
    def content_type(self) -> str:
        """Media type without parameters, lower-cased ('' when absent)."""
        # Inline rather than header(): headless mode and every list row ask for it.
        for name, value in self.raw_headers:
            if name.lower() == b"content-type":
                return value.decode("latin-1").split(";", 1)[0].strip().lower()
        return ""

    @property
    def size(self) -> int:
        """Body size in bytes (the announced size for a rejected request)."""
        if self.rejected and self.declared_length is not None:
            return self.declared_length
        return len(self.body)

    @property
    def cost(self) -> int:
        """Approximate bytes this capture holds, for the store's byte cap."""
        total = len(self.body) + len(self.target)
        # A plain loop: 2.5x faster than sum() over a generator, and the store asks this of
        # every capture it keeps (each arrival, and 100,000 times in a big --load).
        for name, value in self.raw_headers:
            total += len(name) + len(value)
        if self.answer is not None:  # a relayed answer may be big
            total += len(self.answer[2])
        return total

    @property
    def version_text(self) -> str:
        return f"HTTP/{self.http_version[0]}.{self.http_version[1]}"


@dataclass(slots=True)
class Attempt:
    """One replay or forward of a capture, and what the target answered."""

    target_url: str
    started_at: float
    kind: str = "replay"
    status: int | None = None
    reason: str = ""
    response_headers: RawHeaders = ()
    response_body: bytes = b""
    latency: float | None = None
    error: str | None = None
    sent_method: str = ""
    sent_headers: RawHeaders = ()
    sent_body: bytes = b""
    notes: list[str] = field(default_factory=list)
