"""The shared delivery fixtures as signature test vectors, and builders for requests from them."""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path
from typing import Any

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures import SignatureSettings, Verdict, sign, verify

# The fixture is authoritative for what a verifier must conclude; prefer a copy in the repo
# if one appears, else the shared one.
_FIXTURE_CANDIDATES = [
    Path(os.environ.get("WHISPER_FIXTURES", "/nonexistent")) / "deliveries.json",
    Path(__file__).resolve().parents[2] / "fixtures" / "deliveries.json",
    Path("/work/shared/fixtures/deliveries.json"),
]
FIXTURE = next((p for p in _FIXTURE_CANDIDATES if p.is_file()), _FIXTURE_CANDIDATES[-1])
DELIVERIES: dict[str, dict[str, Any]] = {
    d["name"]: d for d in json.loads(FIXTURE.read_text())["deliveries"]
}
SIGNED = [name for name, d in DELIVERIES.items() if d.get("signature")]
STALE = [n for n in SIGNED if DELIVERIES[n]["signature"]["expect"] == "mac-valid-timestamp-old"]
UNSIGNED = [name for name, d in DELIVERIES.items() if not d.get("signature")]

# Where each timestamped scheme carries its signing time, so a test can check "at that moment".
_TIMESTAMP_PATTERNS = {
    "stripe": ("Stripe-Signature", r"(?:^|,)t=(\d+)"),
    "paddle": ("Paddle-Signature", r"(?:^|;)ts=(\d+)"),
    "slack": ("X-Slack-Request-Timestamp", r"^(\d+)$"),
    "standard": ("webhook-timestamp", r"^(\d+)$"),
}


def body_of(delivery: dict[str, Any]) -> bytes:
    if delivery["body_encoding"] == "base64":
        return base64.b64decode(delivery["body"])
    return delivery["body"].encode("utf-8")


def make_request(
    name: str,
    *,
    body: bytes | None = None,
    headers: list[tuple[str, str]] | None = None,
    target: str | None = None,
    rejected: bool = False,
) -> CapturedRequest:
    """A capture of a fixture delivery, optionally with its body, headers or target changed."""
    d = DELIVERIES[name]
    pairs = headers if headers is not None else [(n, v) for n, v in d["headers"]]
    return CapturedRequest(
        id=1,
        received_at=0.0,
        remote="127.0.0.1",
        method=d["method"],
        target=target if target is not None else d["path"],
        http_version=(1, 1),
        raw_headers=tuple((n.encode("latin-1"), v.encode("latin-1")) for n, v in pairs),
        body=b"" if rejected else (body if body is not None else body_of(d)),
        rejected=rejected,
    )


def with_header(name: str, header: str, value: str | None) -> list[tuple[str, str]]:
    """The delivery's headers with one replaced (or removed when value is None)."""
    out = []
    for n, v in DELIVERIES[name]["headers"]:
        if n.lower() != header.lower():
            out.append((n, v))
        elif value is not None:
            out.append((n, value))
    return out


def twilio_public_url() -> str:
    """The public base URL, read from the Twilio vector's note (the full URL minus the target)."""
    d = DELIVERIES["twilio-doc-example"]
    full = re.search(r"https?://\S+", d["note"])
    assert full is not None
    assert full.group(0).endswith(d["path"])
    return full.group(0)[: -len(d["path"])]


def settings_for(name: str, **overrides: Any) -> SignatureSettings:
    sig = DELIVERIES[name]["signature"]
    public_url = twilio_public_url() if sig["scheme"] == "twilio" else None
    options: dict[str, Any] = {"secrets": {sig["scheme"]: sig["secret"]}, "public_url": public_url}
    options.update(overrides)
    return SignatureSettings(**options)


def signed_at(name: str) -> int:
    """The timestamp a fixture delivery was signed with."""
    d = DELIVERIES[name]
    header, pattern = _TIMESTAMP_PATTERNS[d["signature"]["scheme"]]
    value = dict((n.lower(), v) for n, v in d["headers"])[header.lower()]
    found = re.search(pattern, value)
    assert found is not None
    return int(found.group(1))


def fresh_now(name: str) -> float | None:
    """A `now` at which the delivery's timestamp is within tolerance (None if untimestamped)."""
    scheme = DELIVERIES[name]["signature"]["scheme"]
    return signed_at(name) + 5.0 if scheme in _TIMESTAMP_PATTERNS else None


def only(verdicts: list[Verdict]) -> Verdict:
    assert len(verdicts) == 1, verdicts
    return verdicts[0]


def scheme_of(name: str) -> str:
    return DELIVERIES[name]["signature"]["scheme"]


def resign(name: str, body: bytes, timestamp: int) -> tuple[list[tuple[str, str]], str | None]:
    """The delivery's headers re-signed for a new body at `timestamp` (and the Twilio URL)."""
    d = DELIVERIES[name]
    url = twilio_public_url() + d["path"] if scheme_of(name) == "twilio" else None
    headers = [(n, v) for n, v in d["headers"]]
    secret = d["signature"]["secret"]
    return sign(body, scheme_of(name), secret, headers, timestamp, url=url), url


def verdict_when_fresh(name: str) -> Verdict:
    """The verdict on a fixture delivery checked with its own secret, just after it was signed."""
    return only(verify(make_request(name), settings_for(name), now=fresh_now(name)))


def vectors_of(scheme: str) -> list[str]:
    """Names of the signed fixture deliveries of one scheme."""
    return [name for name in SIGNED if scheme_of(name) == scheme]
