"""Webhook signature checks and re-signing for the common sender schemes."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from whisper_tui.core.models import CapturedRequest

SCHEMES: tuple[str, ...] = ("stripe", "github", "shopify", "slack", "standard", "paddle", "twilio")
"""Every scheme this module knows, in the order verdicts are reported."""

# Other names people reach for; they resolve to the scheme that does the same maths.
SCHEME_ALIASES: Mapping[str, str] = {"svix": "standard", "standard-webhooks": "standard"}

ENV_PREFIX = "WHISPER_SECRET_"

# Headers whose presence says a sender signed the request with that scheme.
_DETECT_HEADERS: Mapping[str, tuple[str, ...]] = {
    "stripe": ("stripe-signature",),
    "github": ("x-hub-signature-256", "x-hub-signature"),
    "shopify": ("x-shopify-hmac-sha256",),
    "slack": ("x-slack-signature",),
    "standard": ("webhook-signature", "svix-signature"),
    "paddle": ("paddle-signature",),
    "twilio": ("x-twilio-signature",),
}

_SHOWN_CHARS = 12
# Re-serialising a multi-megabyte body for a hint is not worth the pause it causes.
_HINT_BODY_LIMIT = 1_000_000


@dataclass(frozen=True, slots=True)
class Verdict:
    """What checking one scheme's signature on one request concluded."""

    scheme: str
    status: str
    """'verified', 'failed' or 'no-secret'."""
    reason: str
    """Human-readable and specific; '' when verified."""
    mac_valid: bool | None
    """True when the MAC matched (even if the timestamp is stale), None when not computed."""
    skew_seconds: float | None = None
    """now - signed timestamp (positive: signed in the past), for schemes that sign one."""

    @property
    def ok(self) -> bool:
        return self.status == "verified"

    def line(self) -> str:
        """One line for logs and the detail pane, e.g. 'signature: verified (github)'."""
        head = f"signature: {self.status} ({self.scheme})"
        return f"{head}: {self.reason}" if self.reason else head


@dataclass(frozen=True, slots=True)
class SignatureSettings:
    """Secrets and knobs for verification."""

    secrets: Mapping[str, str]
    """Scheme -> secret."""
    tolerance_seconds: float = 300.0
    public_url: str | None = None
    """Public base URL the sender posted to (e.g. https://example.com); Twilio signs it."""


# ---------------------------------------------------------------------------------------------
# Detection


def detect_schemes(request: CapturedRequest) -> list[str]:
    """Schemes whose signature headers are on the request, in SCHEMES order."""
    present = {name.lower() for name, _ in request.raw_headers}
    return [
        scheme
        for scheme in SCHEMES
        if any(h.encode("latin-1") in present for h in _DETECT_HEADERS[scheme])
    ]


# ---------------------------------------------------------------------------------------------
# Verification

Digests = Callable[[bytes, bytes], list[bytes]]
"""(key, body) -> the MACs a genuine sender could have produced."""


class _Malformed(Exception):
    """A signature header (or secret) that can't be checked; the message is user-facing."""


@dataclass(slots=True)
class _Check:
    """Everything needed to compare one scheme's MAC, gathered from headers and secret."""

    key: bytes
    digests: Digests
    candidates: list[tuple[str, bytes | None]]
    """(label shown to the user, decoded MAC or None when it didn't decode)."""
    what: str
    """What failed to match, e.g. 'no v1 signature in Stripe-Signature matched'."""
    encoding: str = "hex"
    """How candidates are written, to say why one didn't decode."""
    timestamp: int | None = None
    vary_body: bool = True
    alt_keys: list[tuple[str, bytes]] = field(default_factory=list)
    """(hint when it matches, other key a confused sender might have used)."""
    alt_digests: list[tuple[str, Digests]] = field(default_factory=list)
    """(hint when it matches, other message construction), e.g. http vs https for Twilio."""
    fail_notes: list[str] = field(default_factory=list)
    """Said whenever the MAC fails, e.g. the `stripe listen` caveat."""


def verify(
    request: CapturedRequest, settings: SignatureSettings, now: float | None = None
) -> list[Verdict]:
    """One verdict per scheme whose headers are present on the request."""
    when = time.time() if now is None else now
    return [_verify_one(request, scheme, settings, when) for scheme in detect_schemes(request)]


def _verify_one(
    request: CapturedRequest, scheme: str, settings: SignatureSettings, now: float
) -> Verdict:
    secret = settings.secrets.get(scheme)
    if not secret:
        return Verdict(
            scheme,
            "no-secret",
            f"no secret configured for {scheme}; pass one with --secret {scheme}=... "
            f"or set {ENV_PREFIX}{scheme.upper()}",
            None,
        )
    if request.rejected:
        return Verdict(
            scheme,
            "failed",
            "the body was over the size limit and not kept, so the signature can't be checked",
            None,
        )
    try:
        check = _BUILDERS[scheme](request, secret, settings)
    except _Malformed as exc:
        return Verdict(scheme, "failed", str(exc), None)
    if secret != secret.strip() and scheme != "standard":
        # Pasted secrets often drag a newline along; the standard key decoder already strips.
        check.alt_keys.append(
            (
                "the MAC matches once the secret's leading/trailing whitespace is removed",
                secret.strip().encode(),
            )
        )
    return _evaluate(scheme, check, request.body, secret, settings.tolerance_seconds, now)


def _evaluate(
    scheme: str, check: _Check, body: bytes, secret: str, tolerance: float, now: float
) -> Verdict:
    skew = None if check.timestamp is None else now - check.timestamp
    stale = skew is not None and abs(skew) > tolerance
    if _matches(check.candidates, check.digests(check.key, body)):
        if skew is not None and stale:
            return Verdict(
                scheme,
                "failed",
                f"MAC valid but timestamp is {_age(skew)} "
                f"({abs(skew):.0f} s; tolerance {tolerance:g} s)",
                True,
                skew,
            )
        return Verdict(scheme, "verified", "", True, skew)

    tried = ", ".join(
        label if mac is not None else f"{label} (not {check.encoding})"
        for label, mac in check.candidates
    )
    parts = [f"{check.what} (tried {tried})"]
    parts += _mismatch_hints(check, body)
    parts += _secret_kind_hints(scheme, secret)
    parts += check.fail_notes
    if skew is not None and stale:
        parts.append(f"the timestamp is also {_age(skew)} ({abs(skew):.0f} s)")
    return Verdict(scheme, "failed", "; ".join(parts), False, skew)


def _matches(candidates: list[tuple[str, bytes | None]], expected: list[bytes]) -> bool:
    found = False
    # Compare against every candidate rather than stopping early: constant-time per pair, and
    # which candidate matched is of no interest.
    for _, mac in candidates:
        if mac is None:
            continue
        for want in expected:
            found |= hmac.compare_digest(mac, want)
    return found


def _mismatch_hints(check: _Check, body: bytes) -> list[str]:
    """Explanations we could actually confirm by recomputing the MAC another way."""
    hints: list[str] = []
    if check.vary_body and len(body) <= _HINT_BODY_LIMIT:
        for description, kind, variant in _body_variants(body):
            if _matches(check.candidates, check.digests(check.key, variant)):
                hints.append(f"the MAC matches the body {description}: {kind}")
                break
    for description, key in check.alt_keys:
        if _matches(check.candidates, check.digests(key, body)):
            hints.append(description)
    for description, digests in check.alt_digests:
        if _matches(check.candidates, digests(check.key, body)):
            hints.append(description)
    return hints


_WHITESPACE = "the body's whitespace appears to have changed after signing"
_RESERIALIZED = "the body appears to have been re-serialized after signing"


def _body_variants(body: bytes) -> list[tuple[str, str, bytes]]:
    """(description, what happened, bytes) for edits proxies and frameworks commonly make."""
    out: list[tuple[str, str, bytes]] = []
    stripped = body.rstrip(b"\r\n")
    if stripped != body:
        out.append(("with its trailing newline removed", _WHITESPACE, stripped))
    else:
        out.append(("with a trailing newline added", _WHITESPACE, body + b"\n"))
    if b"\r\n" in body:
        out.append(("with CRLF line ends as LF", _WHITESPACE, body.replace(b"\r\n", b"\n")))
    elif b"\n" in body:
        out.append(("with LF line ends as CRLF", _WHITESPACE, body.replace(b"\n", b"\r\n")))
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return out
    forms = (
        ("re-serialized as compact JSON", {"separators": (",", ":"), "ensure_ascii": False}),
        ("re-serialized as compact ASCII JSON", {"separators": (",", ":")}),
        ("re-serialized as JSON with ', ' and ': '", {"ensure_ascii": False}),
        ("re-serialized as 2-space indented JSON", {"indent": 2, "ensure_ascii": False}),
    )
    seen = {body}
    for description, options in forms:
        variant = json.dumps(parsed, **options).encode()
        if variant not in seen:
            seen.add(variant)
            out.append((description, _RESERIALIZED, variant))
    return out


# (prefixes, schemes whose secrets look like this, what to call it). Tokens and API keys belong
# to no scheme: they are never the signing secret.
_SECRET_KINDS: tuple[tuple[tuple[str, ...], frozenset[str], str], ...] = (
    (("whsec_",), frozenset({"stripe", "standard"}), "a Stripe or Standard Webhooks secret"),
    (("sk_", "rk_", "pk_"), frozenset(), "a Stripe API key, not a webhook signing secret"),
    (("pdl_ntf_",), frozenset({"paddle"}), "a Paddle notification secret"),
    (("shpss_",), frozenset({"shopify"}), "a Shopify app secret"),
    (("shpat_",), frozenset(), "a Shopify access token, not the app secret"),
    (("xoxb-", "xoxp-", "xapp-"), frozenset(), "a Slack API token, not the signing secret"),
)


def _secret_kind_hints(scheme: str, secret: str) -> list[str]:
    """Say when the configured secret looks like something other than this scheme's."""
    s = secret.strip()
    hints = [
        f"the secret looks like {name}"
        for prefixes, owners, name in _SECRET_KINDS
        if s.startswith(prefixes) and scheme not in owners
    ]
    if scheme == "stripe" and not s.startswith("whsec_"):
        hints.append("Stripe signing secrets start with whsec_")
    return hints


# ---------------------------------------------------------------------------------------------
# Per-scheme header parsing


def _sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def _from_hex(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def _from_b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _timestamp(value: str, where: str) -> int:
    value = value.strip()
    if not value.isdigit():
        raise _Malformed(f"{where} is {value!r}, not a Unix timestamp in seconds")
    return int(value)


def _required(request: CapturedRequest, name: str) -> str:
    value = request.header(name)
    if value is None:
        raise _Malformed(f"{name} header is missing")
    if not value.strip():
        raise _Malformed(f"{name} header is empty")
    return value.strip()


def _standard_key(secret: str) -> bytes:
    text = secret.strip()
    text = text.removeprefix("whsec_")
    # Some dashboards show the secret without base64 padding; restore it before decoding.
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        prefix = "after whsec_ " if secret.strip().startswith("whsec_") else ""
        raise _Malformed(
            f"the secret is not valid base64 {prefix}(Standard Webhooks secrets are whsec_ "
            "followed by the base64 key)"
        ) from None


def _build_stripe(request: CapturedRequest, secret: str, _: SignatureSettings) -> _Check:
    # Repeated headers are one comma-separated list in HTTP, so parse them as such.
    value = ",".join(v.strip() for v in request.header_values("stripe-signature") if v.strip())
    if not value:
        raise _Malformed("Stripe-Signature header is empty")
    t: int | None = None
    candidates: list[tuple[str, bytes | None]] = []
    for item in value.split(","):
        name, sep, val = item.strip().partition("=")
        if not sep:
            raise _Malformed(f"Stripe-Signature item {_short(item)!r} is not key=value")
        if name == "t":
            t = _timestamp(val, "Stripe-Signature t=")
        elif name == "v1":
            candidates.append((f"v1={_short(val)}", _from_hex(val)))
    if t is None:
        raise _Malformed("Stripe-Signature has no t= timestamp")
    if not candidates:
        raise _Malformed(
            "Stripe-Signature has no v1= signature (v0 is Stripe's legacy test scheme, not checked)"
        )
    signed = f"{t}.".encode()
    alt_keys = []
    if secret.startswith("whsec_"):
        try:
            decoded = _standard_key(secret)
        except _Malformed:
            pass
        else:
            alt_keys.append(
                (
                    "the MAC matches when the secret is base64-decoded after whsec_ (the "
                    "Standard Webhooks way), so the sender is probably not Stripe",
                    decoded,
                )
            )
    return _Check(
        key=secret.encode(),
        digests=lambda key, body: [_sha256(key, signed + body)],
        candidates=candidates,
        what="no v1 signature in Stripe-Signature matched",
        timestamp=t,
        alt_keys=alt_keys,
        fail_notes=[
            "if the events come through `stripe listen`, use the whsec_ it prints, which "
            "differs from the Dashboard endpoint's secret"
        ],
    )


def _build_github(request: CapturedRequest, secret: str, _: SignatureSettings) -> _Check:
    value = request.header("x-hub-signature-256")
    header, algo, digestmod = "X-Hub-Signature-256", "sha256", hashlib.sha256
    if value is None:
        value = request.header("x-hub-signature") or ""
        header, algo, digestmod = "X-Hub-Signature", "sha1", hashlib.sha1
    value = value.strip()
    prefix = f"{algo}="
    if not value.startswith(prefix):
        raise _Malformed(f"{header} should be {prefix}<hex>, got {_short(value)!r}")
    hexpart = value[len(prefix) :]
    return _Check(
        key=secret.encode(),
        digests=lambda key, body: [hmac.new(key, body, digestmod).digest()],
        candidates=[(f"{prefix}{_short(hexpart)}", _from_hex(hexpart))],
        what=f"{header} does not match",
    )


def _build_shopify(request: CapturedRequest, secret: str, _: SignatureSettings) -> _Check:
    value = _required(request, "X-Shopify-Hmac-Sha256")
    return _Check(
        key=secret.encode(),
        digests=lambda key, body: [_sha256(key, body)],
        candidates=[(_short(value), _from_b64(value))],
        what="X-Shopify-Hmac-Sha256 does not match",
        encoding="base64",
    )


def _build_slack(request: CapturedRequest, secret: str, _: SignatureSettings) -> _Check:
    value = _required(request, "X-Slack-Signature")
    ts = _timestamp(_required(request, "X-Slack-Request-Timestamp"), "X-Slack-Request-Timestamp")
    if not value.startswith("v0="):
        raise _Malformed(f"X-Slack-Signature should be v0=<hex>, got {_short(value)!r}")
    hexpart = value[3:]
    signed = f"v0:{ts}:".encode()
    return _Check(
        key=secret.encode(),
        digests=lambda key, body: [_sha256(key, signed + body)],
        candidates=[(f"v0={_short(hexpart)}", _from_hex(hexpart))],
        what="X-Slack-Signature does not match",
        timestamp=ts,
    )


def _build_standard(request: CapturedRequest, secret: str, _: SignatureSettings) -> _Check:
    prefix = "webhook-" if request.header("webhook-signature") is not None else "svix-"
    sig = _required(request, f"{prefix}signature")
    msg_id = _required(request, f"{prefix}id")
    ts = _timestamp(_required(request, f"{prefix}timestamp"), f"{prefix}timestamp")
    key = _standard_key(secret)
    candidates: list[tuple[str, bytes | None]] = []
    versions: list[str] = []
    for token in sig.split():
        version, sep, mac = token.partition(",")
        if not sep:
            raise _Malformed(f"{prefix}signature entry {_short(token)!r} is not <version>,<base64>")
        if version == "v1":
            candidates.append((f"v1,{_short(mac)}", _from_b64(mac)))
        else:
            versions.append(version)
    if not candidates:
        others = f" (found {', '.join(sorted(set(versions)))}, not checked)" if versions else ""
        raise _Malformed(f"{prefix}signature has no v1,<base64> entry{others}")
    signed = f"{msg_id}.{ts}.".encode()
    return _Check(
        key=key,
        digests=lambda k, body: [_sha256(k, signed + body)],
        candidates=candidates,
        what=f"no v1 entry in {prefix}signature matched",
        encoding="base64",
        timestamp=ts,
        alt_keys=[
            (
                "the MAC matches when the whole secret string is the key (the Stripe way), "
                "not its base64 decoding",
                secret.encode(),
            )
        ],
    )


def _build_paddle(request: CapturedRequest, secret: str, _: SignatureSettings) -> _Check:
    value = _required(request, "Paddle-Signature")
    ts: int | None = None
    candidates: list[tuple[str, bytes | None]] = []
    for item in value.split(";"):
        name, sep, val = item.strip().partition("=")
        if not sep:
            raise _Malformed(f"Paddle-Signature item {_short(item)!r} is not key=value")
        if name == "ts":
            ts = _timestamp(val, "Paddle-Signature ts=")
        elif name == "h1":
            candidates.append((f"h1={_short(val)}", _from_hex(val)))
    if ts is None:
        raise _Malformed("Paddle-Signature has no ts= timestamp")
    if not candidates:
        raise _Malformed("Paddle-Signature has no h1= signature")
    signed = f"{ts}:".encode()
    return _Check(
        key=secret.encode(),
        digests=lambda key, body: [_sha256(key, signed + body)],
        candidates=candidates,
        what="no h1 signature in Paddle-Signature matched",
        timestamp=ts,
    )


def _twilio_message(url: str, method: str, content_type: str, body: bytes) -> bytes:
    """Twilio's string to sign: the full URL, then sorted form params as key+value."""
    text = url
    if method.upper() == "POST" and content_type == "application/x-www-form-urlencoded":
        pairs = parse_qsl(body.decode("utf-8", "surrogateescape"), keep_blank_values=True)
        by_name: dict[str, set[str]] = {}
        for name, value in pairs:
            by_name.setdefault(name, set()).add(value)
        # Matches Twilio's helper libraries: names sorted, each name's distinct values sorted.
        for name in sorted(by_name):
            for value in sorted(by_name[name]):
                text += name + value
    return text.encode("utf-8", "surrogateescape")


def _port_variants(url: str) -> list[str]:
    """The URL as given plus with the default port added or removed; Twilio accepts both."""
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    if default is None or parts.hostname is None:
        return [url]
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    userinfo = parts.netloc.rpartition("@")[0]
    userinfo = f"{userinfo}@" if userinfo else ""
    if parts.port is None:
        other = parts._replace(netloc=f"{userinfo}{host}:{default}")
    elif parts.port == default:
        other = parts._replace(netloc=f"{userinfo}{host}")
    else:
        return [url]
    return [url, urlunsplit(other)]


def _twilio_digests(url: str, request: CapturedRequest) -> Digests:
    urls = _port_variants(url)
    method, content_type = request.method, request.content_type

    def digests(key: bytes, body: bytes) -> list[bytes]:
        return [
            hmac.new(key, _twilio_message(u, method, content_type, body), hashlib.sha1).digest()
            for u in urls
        ]

    return digests


def _build_twilio(request: CapturedRequest, secret: str, settings: SignatureSettings) -> _Check:
    value = _required(request, "X-Twilio-Signature")
    candidates: list[tuple[str, bytes | None]] = [(_short(value), _from_b64(value))]
    key = secret.encode()
    if not settings.public_url:
        hint = ""
        host = request.header("host")
        if host:
            for guess_scheme in ("https", "http"):
                guess = f"{guess_scheme}://{host.strip()}{request.target}"
                if _matches(candidates, _twilio_digests(guess, request)(key, request.body)):
                    hint = (
                        f"; the MAC does match {guess_scheme}://{host.strip()} built from the "
                        "Host header, so that is probably the public URL"
                    )
                    break
        raise _Malformed(
            "no public URL configured: Twilio signs the full URL it posted to, so set the "
            f"public base URL (e.g. https://example.com) to check it{hint}"
        )
    for name, want in request.query_params:
        if name == "bodySHA256":
            got = hashlib.sha256(request.body).hexdigest()
            if not hmac.compare_digest(got.encode(), want.lower().encode()):
                raise _Malformed(
                    f"bodySHA256 in the URL ({_short(want)}) is not the SHA-256 of the body "
                    f"({_short(got)}): the body changed after signing"
                )
    base = settings.public_url.rstrip("/")
    url = base + request.target
    alt_digests: list[tuple[str, Digests]] = []
    parts = urlsplit(base)
    if parts.scheme in ("http", "https"):
        swapped = "http" if parts.scheme == "https" else "https"
        alt_url = urlunsplit(parts._replace(scheme=swapped)) + request.target
        alt_digests.append(
            (
                f"the MAC matches with {swapped}:// instead of {parts.scheme}://; fix the "
                "public URL's scheme",
                _twilio_digests(alt_url, request),
            )
        )
    return _Check(
        key=key,
        digests=_twilio_digests(url, request),
        candidates=candidates,
        what=f"X-Twilio-Signature does not match for URL {url}",
        encoding="base64",
        vary_body=False,
        alt_digests=alt_digests,
    )


_BUILDERS: Mapping[str, Callable[[CapturedRequest, str, SignatureSettings], _Check]] = {
    "stripe": _build_stripe,
    "github": _build_github,
    "shopify": _build_shopify,
    "slack": _build_slack,
    "standard": _build_standard,
    "paddle": _build_paddle,
    "twilio": _build_twilio,
}


# ---------------------------------------------------------------------------------------------
# Durations


def _age(skew: float) -> str:
    """'2y 3d old' or '4m 10s in the future' for a signed-timestamp skew."""
    return f"{format_duration(skew)} {'old' if skew >= 0 else 'in the future'}"


def format_duration(seconds: float) -> str:
    """Two largest units of a duration, e.g. '2y 3d', '5m 12s', '42s'."""
    remaining = int(abs(seconds))
    units = (("y", 365 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
    parts: list[str] = []
    for suffix, size in units:
        count, remaining = divmod(remaining, size)
        if count or parts:
            parts.append(f"{count}{suffix}")
        if len(parts) == 2:
            break
    if not parts:
        return "0s"
    # '3d 0h' reads worse than '3d'.
    return " ".join(p for i, p in enumerate(parts) if i == 0 or not p.startswith("0"))


# ---------------------------------------------------------------------------------------------
# Signing (for replays of edited requests)


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
    the headers unless `webhook_id` is given.
    """
    scheme = _canonical_scheme(scheme)
    ts = int(time.time()) if timestamp is None else int(timestamp)
    key = secret.encode()
    new: list[tuple[str, str]]
    if scheme == "stripe":
        mac = _sha256(key, f"{ts}.".encode() + request_body).hex()
        new = [("Stripe-Signature", f"t={ts},v1={mac}")]
    elif scheme == "github":
        new = [("X-Hub-Signature-256", "sha256=" + _sha256(key, request_body).hex())]
        if _find(headers, "X-Hub-Signature") is not None:
            # Keep the legacy SHA-1 header consistent rather than leaving a stale one behind.
            sha1 = hmac.new(key, request_body, hashlib.sha1).hexdigest()
            new.append(("X-Hub-Signature", f"sha1={sha1}"))
    elif scheme == "shopify":
        mac = base64.b64encode(_sha256(key, request_body)).decode()
        new = [("X-Shopify-Hmac-Sha256", mac)]
    elif scheme == "slack":
        mac = _sha256(key, f"v0:{ts}:".encode() + request_body).hex()
        new = [("X-Slack-Request-Timestamp", str(ts)), ("X-Slack-Signature", f"v0={mac}")]
    elif scheme == "standard":
        new = _sign_standard(request_body, secret, headers, ts, webhook_id)
    elif scheme == "paddle":
        mac = _sha256(key, f"{ts}:".encode() + request_body).hex()
        new = [("Paddle-Signature", f"ts={ts};h1={mac}")]
    else:
        new = [("X-Twilio-Signature", _sign_twilio(request_body, key, headers, url))]
    return _replace_headers(headers, new)


def _sign_standard(
    body: bytes, secret: str, headers: Sequence[tuple[str, str]], ts: int, webhook_id: str | None
) -> list[tuple[str, str]]:
    svix = _find(headers, "webhook-signature") is None and (
        _find(headers, "svix-signature") is not None or _find(headers, "svix-id") is not None
    )
    prefix = "svix-" if svix else "webhook-"
    msg_id = webhook_id or _find(headers, f"{prefix}id")
    if not msg_id:
        raise ValueError(f"standard signing needs a message id: no {prefix}id header given")
    try:
        key = _standard_key(secret)
    except _Malformed as exc:
        raise ValueError(str(exc)) from None
    mac = base64.b64encode(_sha256(key, f"{msg_id}.{ts}.".encode() + body)).decode()
    return [
        (f"{prefix}id", msg_id),
        (f"{prefix}timestamp", str(ts)),
        (f"{prefix}signature", f"v1,{mac}"),
    ]


def _sign_twilio(
    body: bytes, key: bytes, headers: Sequence[tuple[str, str]], url: str | None
) -> str:
    if not url:
        raise ValueError("twilio signing needs the full URL the request is posted to")
    content_type = (_find(headers, "content-type") or "").split(";", 1)[0].strip().lower()
    for name, want in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if name == "bodySHA256" and want.lower() != hashlib.sha256(body).hexdigest():
            raise ValueError("the URL's bodySHA256 is not the SHA-256 of the body; update it")
    message = _twilio_message(url, "POST", content_type, body)
    return base64.b64encode(hmac.new(key, message, hashlib.sha1).digest()).decode()


def _find(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    wanted = name.lower()
    return next((v for n, v in headers if n.lower() == wanted), None)


def _replace_headers(
    headers: Sequence[tuple[str, str]], new: list[tuple[str, str]]
) -> list[tuple[str, str]]:
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


# ---------------------------------------------------------------------------------------------
# Configuration helpers


def _canonical_scheme(name: str) -> str:
    low = name.strip().lower()
    low = SCHEME_ALIASES.get(low, low)
    if low not in SCHEMES:
        raise ValueError(f"unknown signature scheme {name.strip()!r}; known: {', '.join(SCHEMES)}")
    return low


def parse_secret_arg(text: str) -> tuple[str, str]:
    """'SCHEME=SECRET' (as given to --secret) -> (scheme, secret)."""
    scheme, sep, secret = text.partition("=")
    if not sep or not scheme.strip():
        # The text is not echoed: it may be a secret typed without its scheme.
        raise ValueError("--secret expects SCHEME=SECRET (e.g. github=mysecret)")
    if not secret:
        raise ValueError(f"empty secret for {scheme.strip()!r}; expected SCHEME=SECRET")
    return _canonical_scheme(scheme), secret


def secrets_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """Secrets from WHISPER_SECRET_<SCHEME> variables; empty values are ignored."""
    found: dict[str, str] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or not value:
            continue
        suffix = name[len(ENV_PREFIX) :]
        try:
            found[_canonical_scheme(suffix.replace("_", "-"))] = value
        except ValueError:
            raise ValueError(
                f"{name}: unknown signature scheme {suffix.lower()!r}; known: {', '.join(SCHEMES)}"
            ) from None
    return found
