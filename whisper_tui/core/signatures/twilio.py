"""Twilio: `X-Twilio-Signature: <base64>`, an HMAC of the full public URL + sorted form params.

The URL is the one Twilio posted to, which the capture can't see: it needs the public base URL.
The HMAC is SHA-1 keyed by the Auth Token (legacy), or what `X-Twilio-Webhooks-Signature-Settings:
key=...,algorithm=HMAC_SHA256` names (a SharedKey), as twilio's `get_signature_algorithm` reads it
(twilio/request_validator.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Sequence
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures.common import (
    delivery_value,
    find_header,
    from_b64,
    key_bytes,
    matches,
    required,
    short,
)
from whisper_tui.core.signatures.registry import register
from whisper_tui.core.signatures.scheme import (
    Check,
    Digests,
    Headers,
    Malformed,
    Scheme,
    SignatureSettings,
    SigningInput,
)

SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
HashFunction = Callable[..., "hashlib._Hash"]
ALGORITHMS: dict[str, HashFunction] = {"HMAC_SHA1": hashlib.sha1, "HMAC_SHA256": hashlib.sha256}
"""The algorithms twilio's RequestValidator supports, by the name the settings header uses."""


def signature_algorithm(settings_header: str | None) -> str:
    """The algorithm the settings header names (upper-cased); HMAC_SHA1 when it names none.

    Read as twilio's `get_signature_algorithm` does: the first non-empty `algorithm=` part.
    """
    for part in (settings_header or "").split(","):
        name, sep, value = part.partition("=")
        if sep and name.strip() == "algorithm" and value.strip():
            return value.strip().upper()
    return "HMAC_SHA1"


def _hash_for(algorithm: str) -> HashFunction:
    found = ALGORITHMS.get(algorithm)
    if found is None:
        raise Malformed(
            f"{SETTINGS_HEADER} names algorithm {short(algorithm)!r}, which Twilio's SDK does "
            f"not verify (it knows {', '.join(ALGORITHMS)})"
        )
    return found


def twilio_message(url: str, method: str, content_type: str, body: bytes) -> bytes:
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


def port_variants(url: str) -> list[str]:
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


def _digests_for(url: str, request: CapturedRequest, hash_function: HashFunction) -> Digests:
    urls = port_variants(url)
    method, content_type = request.method, request.content_type

    def digests(key: bytes, body: bytes) -> list[bytes]:
        return [
            hmac.new(key, twilio_message(u, method, content_type, body), hash_function).digest()
            for u in urls
        ]

    return digests


def build_check(request: CapturedRequest, secret: str, settings: SignatureSettings) -> Check:
    """The MAC over public URL + target; Malformed without a public URL or on a bad bodySHA256."""
    value = required(request, "X-Twilio-Signature")
    candidates: list[tuple[str, bytes | None]] = [(short(value), from_b64(value))]
    key = key_bytes(secret)
    algorithm = signature_algorithm(request.header(SETTINGS_HEADER))
    hash_function = _hash_for(algorithm)
    if not settings.public_url:
        hint = _host_hint(request, candidates, key, hash_function)
        raise Malformed(
            "no public URL configured: Twilio signs the full URL it posted to, so give the "
            f"public base URL (--public-url https://example.com, or --tunnel) to check it{hint}"
        )
    # twilio's SDK compares the first bodySHA256 with the body's lowercase hex digest, exactly.
    want = next((v for n, v in request.query_params if n == "bodySHA256"), None)
    if want is not None:
        got = hashlib.sha256(request.body).hexdigest()
        if not hmac.compare_digest(got.encode(), want.encode()):
            raise Malformed(
                f"bodySHA256 in the URL ({short(want)}) is not the SHA-256 of the body "
                f"({short(got)}, lowercase hex): the body changed after signing"
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
                _digests_for(alt_url, request, hash_function),
            )
        )
    for other, other_hash in ALGORITHMS.items():
        if other != algorithm:
            said = (
                f"{SETTINGS_HEADER} says {algorithm}"
                if algorithm != "HMAC_SHA1"
                else (f"there is no {SETTINGS_HEADER} header naming it")
            )
            alt_digests.append(
                (
                    f"the MAC matches with {other}, but {said}",
                    _digests_for(url, request, other_hash),
                )
            )
    source = (
        f"as {SETTINGS_HEADER} says" if request.header(SETTINGS_HEADER) else "the legacy default"
    )
    return Check(
        key=key,
        digests=_digests_for(url, request, hash_function),
        candidates=candidates,
        what=f"X-Twilio-Signature does not match for URL {url} with {algorithm} ({source})",
        encoding="base64",
        vary_body=False,
        alt_digests=alt_digests,
    )


def _host_hint(
    request: CapturedRequest,
    candidates: list[tuple[str, bytes | None]],
    key: bytes,
    hash_function: HashFunction,
) -> str:
    """'; the MAC does match ...' when a URL built from the Host header verifies, else ''."""
    host = request.header("host")
    if not host:
        return ""
    for guess_scheme in ("https", "http"):
        guess = f"{guess_scheme}://{host.strip()}{request.target}"
        digests = _digests_for(guess, request, hash_function)
        if matches(candidates, digests(key, request.body)):
            return (
                f"; the MAC does match {guess_scheme}://{host.strip()} built from the "
                "Host header, so that is probably the public URL"
            )
    return ""


def sign(given: SigningInput) -> list[tuple[str, str]]:
    """A fresh X-Twilio-Signature for the full URL the request will be posted to.

    Signed with the algorithm the request's settings header names (HMAC-SHA1 without one).
    """
    url, body = given.url, given.body
    if not url:
        raise ValueError("twilio signing needs the full URL the request is posted to")
    try:
        hash_function = _hash_for(signature_algorithm(find_header(given.headers, SETTINGS_HEADER)))
    except Malformed as exc:
        raise ValueError(str(exc)) from None
    content_type = _content_type(given.headers)
    for name, want in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if name == "bodySHA256" and want != hashlib.sha256(body).hexdigest():
            raise ValueError(
                "the URL's bodySHA256 is not the SHA-256 of the edited body; update it in the URL"
            )
    message = twilio_message(url, "POST", content_type, body)
    mac = hmac.new(key_bytes(given.secret), message, hash_function).digest()
    return [("X-Twilio-Signature", base64.b64encode(mac).decode())]


def _content_type(headers: Sequence[tuple[str, str]]) -> str:
    value = (find_header(headers, "content-type") or "").split(";", 1)[0]
    return value.strip().lower()


def delivery_id(request: CapturedRequest, headers: Headers) -> tuple[str, str] | None:
    """I-Twilio-Idempotency-Token: one per webhook request, repeated by its retries."""
    # https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides documents the
    # retries (rc, rp); the I-Twilio-Idempotency-Token header each callback carries, repeated
    # by its retries, is what receivers deduplicate on (public handlers read it). Not verified
    # against a live Twilio request here.
    value = delivery_value(headers.get(b"i-twilio-idempotency-token"))
    return (value, "I-Twilio-Idempotency-Token") if value else None


SCHEME = register(
    Scheme(
        name="twilio",
        order=70,
        detect_headers=("x-twilio-signature",),
        build_check=build_check,
        sign=sign,
        # The account's Auth Token: hex, generated by Twilio.
        comma_free_secrets=True,
        signs_url=True,
        # Twilio signs no timestamp: there is no tolerance to apply.
        delivery_id=delivery_id,
        delivery_headers=("i-twilio-idempotency-token",),
    )
)
