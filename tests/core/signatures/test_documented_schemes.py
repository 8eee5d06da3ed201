"""GitHub and Shopify have no Python SDK: verdicts agree with their documented schemes.

GitHub ("Validating webhook deliveries"): `X-Hub-Signature-256: sha256=` + hex HMAC-SHA256 of
the raw body keyed by the secret; its worked example (secret "It's a Secret to Everybody",
body "Hello, World!") is the github-docs-vector fixture. Shopify ("Verify webhooks"):
`X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256 of the raw body keyed by the app secret. Both sign
bytes, so bodies here include binary ones; a receiver is the documented check, coded below.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from tests.core.signatures.sdk_cases import (
    SDK_CASES,
    TRICKY_BODIES,
    capture,
    forward_all,
    text_bodies,
    whisper_verdict,
)
from tests.core.signatures.vectors import DELIVERIES, body_of, make_request

secrets = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
bodies = st.one_of(text_bodies.map(str.encode), st.binary(max_size=200))


def github_header(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def shopify_header(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def github_accepts(body: bytes, header: str, secret: str) -> bool:
    return hmac.compare_digest(github_header(secret, body), header)


def shopify_accepts(body: bytes, header: str, secret: str) -> bool:
    return hmac.compare_digest(shopify_header(secret, body), header)


SCHEMES = {
    "github": ("X-Hub-Signature-256", github_header, github_accepts),
    "shopify": ("X-Shopify-Hmac-Sha256", shopify_header, shopify_accepts),
}


def test_github_s_worked_example_verifies() -> None:
    delivery = DELIVERIES["github-docs-vector"]
    secret = delivery["signature"]["secret"]
    assert secret == "It's a Secret to Everybody" and body_of(delivery) == b"Hello, World!"
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert github_header(secret, b"Hello, World!") == expected
    assert whisper_verdict(make_request("github-docs-vector"), "github", secret).ok


def test_the_shopify_vector_is_the_documented_base64_hmac() -> None:
    delivery = DELIVERIES["shopify-order-create"]
    secret = delivery["signature"]["secret"]
    header = dict(delivery["headers"])["X-Shopify-Hmac-Sha256"]
    assert shopify_accepts(body_of(delivery), header, secret)
    assert whisper_verdict(make_request("shopify-order-create"), "shopify", secret).ok


@SDK_CASES
@given(
    scheme=st.sampled_from(sorted(SCHEMES)),
    body=bodies,
    secret=secrets,
    other=secrets,
    wrong=st.booleans(),
    tampered=st.booleans(),
)
def test_whisper_agrees_with_the_documented_check(
    scheme: str, body: bytes, secret: str, other: str, wrong: bool, tampered: bool
) -> None:
    name, make_header, accepts = SCHEMES[scheme]
    header = make_header(secret, body)
    checked_with = other if wrong else secret
    arrived = body + b"\n" if tampered else body
    verdict = whisper_verdict(capture([(name, header)], arrived, at=0.0), scheme, checked_with)
    assert verdict.ok == accepts(arrived, header, checked_with), verdict


async def test_forwarded_github_and_shopify_deliveries_still_verify() -> None:
    secret = "forwarded-secret"
    cases = [
        (scheme, body)
        for scheme in sorted(SCHEMES)
        for body in (*(b.encode() for b in TRICKY_BODIES), b"\x00\xff\xfe binary \r\n")
    ]
    captures = []
    for scheme, body in cases:
        name, make_header, _ = SCHEMES[scheme]
        request = capture([(name, make_header(secret, body))], body, at=0.0)
        assert whisper_verdict(request, scheme, secret).ok
        captures.append(request)
    arrived = await forward_all(captures)
    assert len(arrived) == len(cases)
    for (scheme, _), copy in zip(cases, arrived, strict=True):
        name, _, accepts = SCHEMES[scheme]
        assert accepts(copy.body, copy.headers[name.lower()], secret)
