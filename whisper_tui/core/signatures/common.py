"""Small shared pieces of signature maths (decoding MACs, reading headers, comparing safely)
and of reading delivery ids (header values, top-level JSON members)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Sequence

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures.scheme import Malformed

SHOWN_CHARS = 12
"""How much of a signature a reason quotes: enough to recognise it, not a wall of hex."""


def key_bytes(secret: str) -> bytes:
    """A secret as the bytes it was given as: the HMAC key the provider's SDK makes of it (its
    UTF-8), and what a body that leaks it holds (redaction masks these). One given on the
    command line or in the environment as bytes that are not UTF-8 arrives holding them as
    lone surrogates (Python's surrogateescape): those bytes are the key. Any other lone
    surrogate (no source of secrets gives one) is kept as surrogatepass writes it."""
    try:
        return secret.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return secret.encode("utf-8", "surrogatepass")


def sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 of message under key."""
    return hmac.new(key, message, hashlib.sha256).digest()


def short(text: str) -> str:
    """The text cut to SHOWN_CHARS with an ellipsis."""
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def from_hex(text: str) -> bytes | None:
    """Hex text as bytes, or None when it isn't hex."""
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def from_b64(text: str) -> bytes | None:
    """Strict base64 text as bytes, or None when it isn't base64."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def matches(candidates: list[tuple[str, bytes | None]], expected: list[bytes]) -> bool:
    """True when any decoded candidate equals any expected MAC."""
    found = False
    # Compare against every candidate rather than stopping early: constant-time per pair, and
    # which candidate matched is of no interest.
    for _, mac in candidates:
        if mac is None:
            continue
        for want in expected:
            found |= hmac.compare_digest(mac, want)
    return found


def timestamp(value: str, where: str) -> int:
    """A Unix timestamp in seconds; Malformed naming `where` otherwise."""
    value = value.strip()
    if not value.isdigit():
        raise Malformed(f"{where} is {value!r}, not a Unix timestamp in seconds")
    return int(value)


def timestamped_hex_macs(
    value: str, header: str, separator: str, ts_key: str, mac_key: str
) -> tuple[int, list[tuple[str, bytes | None]]]:
    """(timestamp, hex MAC candidates) of a `ts=...<sep>mac=...<sep>mac=...` header value.

    Stripe (`t=`, `v1=`, comma-separated) and Paddle (`ts=`, `h1=`, semicolon-separated) share
    this shape; other keys are ignored. Malformed when an item is not key=value or the
    timestamp is missing; the caller says what a missing MAC means for its provider.
    """
    ts: int | None = None
    candidates: list[tuple[str, bytes | None]] = []
    for item in value.split(separator):
        name, sep, val = item.strip().partition("=")
        if not sep:
            raise Malformed(f"{header} item {short(item)!r} is not key=value")
        if name == ts_key:
            ts = timestamp(val, f"{header} {ts_key}=")
        elif name == mac_key:
            candidates.append((f"{mac_key}={short(val)}", from_hex(val)))
    if ts is None:
        raise Malformed(f"{header} has no {ts_key}= timestamp")
    return ts, candidates


def required(request: CapturedRequest, name: str) -> str:
    """The header's stripped value; Malformed when it is missing or empty."""
    value = request.header(name)
    if value is None:
        raise Malformed(f"{name} header is missing")
    if not value.strip():
        raise Malformed(f"{name} header is empty")
    return value.strip()


def find_header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    """The first value of a header in (name, value) pairs, matched case-insensitively."""
    wanted = name.lower()
    return next((v for n, v in headers if n.lower() == wanted), None)


MAX_ID_LENGTH = 256
"""Longer than any provider's delivery id (the Idempotency-Key draft suggests 255): anything
longer is not an id worth grouping by, and would only cost memory in the index."""

MAX_PARSED_BODY = 1024 * 1024
"""A body is parsed whole to find a field only up to this size (it happens on the capture
path): a provider's event is far smaller; a bigger body goes without a delivery id."""

# The first member of a JSON object, when it is a plain string: Stripe and Paddle put their
# event id first, so most deliveries are answered by this match without parsing the body.
_FIRST_MEMBER = re.compile(rb'\s*\{\s*"([A-Za-z_]{1,40})"\s*:\s*"([^"\\]{0,256})"')


def delivery_value(value: str | None) -> str | None:
    """A delivery id as read (stripped), or None when empty or implausibly long."""
    if value is None:
        return None
    value = value.strip()
    return value if 0 < len(value) <= MAX_ID_LENGTH else None


def json_top_level_strings(body: bytes, *keys: str) -> dict[str, str]:
    """The string members `keys` of a JSON object body's top level (those present).

    Cheap on the capture path: the first member is matched without parsing, a body without
    the quoted key is skipped by a byte search, and only then is it parsed (up to
    MAX_PARSED_BODY). A body that is not a JSON object yields {}.
    """
    first = _FIRST_MEMBER.match(body)
    if first is not None and len(keys) == 1 and first.group(1) == keys[0].encode():
        return {keys[0]: first.group(2).decode("utf-8", "replace")}
    if len(body) > MAX_PARSED_BODY or not any(f'"{key}"'.encode() in body for key in keys):
        return {}
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(document, dict):
        return {}
    return {key: value for key in keys if isinstance(value := document.get(key), str)}
