"""Twilio: `X-Twilio-Signature: <base64>`, HMAC-SHA1 of the full public URL + sorted form params.

The URL is the one Twilio posted to, which the capture can't see: it needs the public base URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures.common import find_header, from_b64, matches, required, short
from whisper_tui.core.signatures.registry import register
from whisper_tui.core.signatures.scheme import (
    Check,
    Digests,
    Malformed,
    Scheme,
    SignatureSettings,
    SigningInput,
)


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


def _digests_for(url: str, request: CapturedRequest) -> Digests:
    urls = port_variants(url)
    method, content_type = request.method, request.content_type

    def digests(key: bytes, body: bytes) -> list[bytes]:
        return [
            hmac.new(key, twilio_message(u, method, content_type, body), hashlib.sha1).digest()
            for u in urls
        ]

    return digests


def build_check(request: CapturedRequest, secret: str, settings: SignatureSettings) -> Check:
    """The MAC over public URL + target; Malformed without a public URL or on a bad bodySHA256."""
    value = required(request, "X-Twilio-Signature")
    candidates: list[tuple[str, bytes | None]] = [(short(value), from_b64(value))]
    key = secret.encode()
    if not settings.public_url:
        hint = _host_hint(request, candidates, key)
        raise Malformed(
            "no public URL configured: Twilio signs the full URL it posted to, so set the "
            f"public base URL (e.g. https://example.com) to check it{hint}"
        )
    for name, want in request.query_params:
        if name == "bodySHA256":
            got = hashlib.sha256(request.body).hexdigest()
            if not hmac.compare_digest(got.encode(), want.lower().encode()):
                raise Malformed(
                    f"bodySHA256 in the URL ({short(want)}) is not the SHA-256 of the body "
                    f"({short(got)}): the body changed after signing"
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
                _digests_for(alt_url, request),
            )
        )
    return Check(
        key=key,
        digests=_digests_for(url, request),
        candidates=candidates,
        what=f"X-Twilio-Signature does not match for URL {url}",
        encoding="base64",
        vary_body=False,
        alt_digests=alt_digests,
    )


def _host_hint(
    request: CapturedRequest, candidates: list[tuple[str, bytes | None]], key: bytes
) -> str:
    """'; the MAC does match ...' when a URL built from the Host header verifies, else ''."""
    host = request.header("host")
    if not host:
        return ""
    for guess_scheme in ("https", "http"):
        guess = f"{guess_scheme}://{host.strip()}{request.target}"
        if matches(candidates, _digests_for(guess, request)(key, request.body)):
            return (
                f"; the MAC does match {guess_scheme}://{host.strip()} built from the "
                "Host header, so that is probably the public URL"
            )
    return ""


def sign(given: SigningInput) -> list[tuple[str, str]]:
    """A fresh X-Twilio-Signature for the full URL the request will be posted to."""
    url, body = given.url, given.body
    if not url:
        raise ValueError("twilio signing needs the full URL the request is posted to")
    content_type = (find_header(given.headers, "content-type") or "").split(";", 1)[0]
    content_type = content_type.strip().lower()
    for name, want in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if name == "bodySHA256" and want.lower() != hashlib.sha256(body).hexdigest():
            raise ValueError("the URL's bodySHA256 is not the SHA-256 of the body; update it")
    message = twilio_message(url, "POST", content_type, body)
    mac = hmac.new(given.secret.encode(), message, hashlib.sha1).digest()
    return [("X-Twilio-Signature", base64.b64encode(mac).decode())]


SCHEME = register(
    Scheme(
        name="twilio",
        order=70,
        detect_headers=("x-twilio-signature",),
        build_check=build_check,
        sign=sign,
    )
)
