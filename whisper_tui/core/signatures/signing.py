"""Re-signing an edited request with a scheme's fresh signature headers."""

from __future__ import annotations

import time
from collections.abc import Sequence

from whisper_tui.core.sanitize import printable
from whisper_tui.core.signatures.registry import get_scheme
from whisper_tui.core.signatures.scheme import SigningInput


def sign(
    request_body: bytes,
    scheme: str,
    secret: str,
    headers: Sequence[tuple[str, str]],
    timestamp: int | None = None,
    *,
    url: str | None = None,
    webhook_id: str | None = None,
) -> list[tuple[str, str]]:
    """Headers with this scheme's signature (and timestamp) headers freshly computed.

    Existing signature headers keep their position and spelling; later duplicates of them are
    dropped (they would carry stale MACs) and missing ones are appended. Twilio needs `url`,
    the full URL the request will be posted to; Standard Webhooks takes the message id from
    the headers unless `webhook_id` is given. Every failure is a ValueError whose one-line
    message never contains the secret.
    """
    found = get_scheme(scheme)
    if found.sign is None:
        raise ValueError(f"{found.name} requests can't be re-signed")
    ts = int(time.time()) if timestamp is None else int(timestamp)
    try:
        fresh = found.sign(SigningInput(request_body, secret, headers, ts, url, webhook_id))
    except UnicodeError:
        # Its text quotes the offending string, which may be the secret: say only where.
        raise ValueError(
            f"{found.name} signing needs UTF-8 text: the secret, URL or a header is not"
        ) from None
    return replace_headers(headers, fresh)


def resign_note(scheme: str, signed_url: str | None = None) -> str:
    """What re-signing a copy did, by what the scheme signs: 're-signed (stripe) with a fresh
    timestamp', 're-signed (github)' (no timestamp is signed: the same body and secret give
    the same signature), 're-signed (twilio) for URL'. R's attempts and the probe say this."""
    found = get_scheme(scheme)
    if found.signs_url and signed_url is not None:
        return f"re-signed ({found.name}) for {printable(signed_url)}"
    if found.has_timestamp:
        return f"re-signed ({found.name}) with a fresh timestamp"
    return f"re-signed ({found.name})"


def can_sign(scheme: str) -> bool:
    """True when `sign` can re-sign requests of this (registered) scheme."""
    return get_scheme(scheme).sign is not None


def replace_headers(
    headers: Sequence[tuple[str, str]], new: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Headers with `new` values put in place of same-named ones (first kept, later dropped)."""
    fresh = {name.lower(): (name, value) for name, value in new}
    out: list[tuple[str, str]] = []
    placed: set[str] = set()
    for name, value in headers:
        low = name.lower()
        if low not in fresh:
            out.append((name, value))
        elif low not in placed:
            out.append((name, fresh[low][1]))
            placed.add(low)
    out.extend(pair for low, pair in fresh.items() if low not in placed)
    return out
