"""Twilio verdicts agree with the official `twilio` SDK's RequestValidator, both algorithms.

twilio/request_validator.py: `compute_signature(uri, params, algorithm)` signs; `validate(uri,
params, signature, algorithm=get_signature_algorithm(settings_header))` checks, HMAC-SHA1 by
default and HMAC-SHA256 when X-Twilio-Webhooks-Signature-Settings names it, with and without
the default port, and compares `bodySHA256` in the URL when the receiver passes a JSON body as
text. There is no timestamp, so no clock. The receiver checks the public URL it was posted to.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st
from multidict import MultiDict
from twilio.request_validator import RequestValidator, get_signature_algorithm

from tests.core.signatures.sdk_cases import (
    SDK_CASES,
    SIGNED_AT,
    capture,
    forward_all,
    json_bodies,
    unicode_text,
    whisper_verdict,
)

SETTINGS = "X-Twilio-Webhooks-Signature-Settings"
FORM = "application/x-www-form-urlencoded"
secrets = st.text("0123456789abcdef", min_size=32, max_size=32)
public_urls = st.sampled_from(
    ["https://pub.example", "https://pub.example:443", "http://pub.example:8080/base"]
)
paths = st.sampled_from(["/sms", "/hooks/voice?From=%2B1555&x=", "/a%20b/c?q=Zo%C3%AB"])
# What the settings header says: nothing (legacy SHA-1), or a SharedKey's algorithm.
settings_headers = st.sampled_from(
    [
        None,
        "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256",
        "algorithm=hmac_sha256, key=webhooks_sharedkey_2",
        "key=webhooks_sharedkey_3,algorithm=HMAC_SHA1",
        "key=webhooks_sharedkey_4",
    ]
)
form_params = st.lists(
    st.tuples(st.sampled_from(["Body", "From", "To", "MediaUrl0", "ä"]), unicode_text), max_size=5
)


def receiver_params(content_type: str, body: bytes, target: str) -> object:
    """What a receiving app hands the SDK: the parsed form, or a JSON body as text."""
    if "bodySHA256=" in target:
        return body.decode()
    return MultiDict(parse_qsl(body.decode(), keep_blank_values=True))


def twilio_accepts(url: str, params: object, headers: dict[str, str], token: str) -> bool:
    algorithm = get_signature_algorithm(headers.get(SETTINGS.lower()))
    signature = headers.get("x-twilio-signature", "")
    return RequestValidator(token).validate(url, params, signature, algorithm=algorithm)


def delivery(
    public_url: str, path: str, body: bytes, content_type: str, settings: str | None, token: str
) -> list[tuple[str, str]]:
    """Headers Twilio would send: signed by the SDK over the public URL (+ form params)."""
    url = public_url + path
    params = receiver_params(content_type, body, path)
    signature = RequestValidator(token).compute_signature(
        url,
        params if isinstance(params, MultiDict) else {},
        get_signature_algorithm(settings),
    )
    headers = [("Content-Type", content_type), ("X-Twilio-Signature", signature)]
    return headers + ([(SETTINGS, settings)] if settings is not None else [])


def agree(request, public_url: str, token: str) -> None:  # type: ignore[no-untyped-def]
    verdict = whisper_verdict(request, "twilio", token, public_url=public_url)
    headers = {name.lower(): value for name, value in request.headers}
    params = receiver_params(request.content_type, request.body, request.target)
    url = public_url + request.target
    assert verdict.ok == twilio_accepts(url, params, headers, token), verdict


@SDK_CASES
@given(
    public_url=public_urls,
    path=paths,
    params=form_params,
    signed_settings=settings_headers,
    sent_settings=settings_headers,
    token=secrets,
    other=secrets,
    wrong=st.booleans(),
)
def test_whisper_and_the_twilio_sdk_agree_on_form_posts(
    public_url: str,
    path: str,
    params: list[tuple[str, str]],
    signed_settings: str | None,
    sent_settings: str | None,
    token: str,
    other: str,
    wrong: bool,
) -> None:
    body = urlencode(params).encode()
    headers = delivery(public_url, path, body, FORM, signed_settings, token)
    # The header as sent may differ from the algorithm used to sign: both must then refuse.
    headers = [h for h in headers if h[0] != SETTINGS]
    if sent_settings is not None:
        headers.append((SETTINGS, sent_settings))
    request = capture(headers, body, at=SIGNED_AT, target=path)
    agree(request, public_url, other if wrong else token)


@SDK_CASES
@given(
    public_url=public_urls,
    body=json_bodies(),
    signed_settings=settings_headers,
    token=secrets,
    other=secrets,
    wrong=st.booleans(),
    tampered=st.booleans(),
)
def test_whisper_and_the_twilio_sdk_agree_on_json_bodies_pinned_by_body_sha256(
    public_url: str,
    body: str,
    signed_settings: str | None,
    token: str,
    other: str,
    wrong: bool,
    tampered: bool,
) -> None:
    raw = body.encode()
    path = f"/hooks/json?bodySHA256={hashlib.sha256(raw).hexdigest()}"
    headers = delivery(public_url, path, raw, "application/json", signed_settings, token)
    sent = raw + b" " if tampered else raw
    request = capture(headers, sent, at=SIGNED_AT, target=path)
    agree(request, public_url, other if wrong else token)


async def test_forwarded_twilio_deliveries_still_verify_with_the_sdk() -> None:
    token, public_url = "12345678901234567890123456789012", "https://pub.example"
    cases = [
        ("/sms", urlencode([("Body", "Zoë 1.10"), ("From", "+1555")]).encode(), FORM, None),
        ("/sms", b"Body=%F0%9F%8E%89&To=", FORM, "key=k,algorithm=HMAC_SHA256"),
    ]
    json_body = b'{"amount":1.10,"name":"Zo\xc3\xab"}'
    pinned = f"/json?bodySHA256={hashlib.sha256(json_body).hexdigest()}"
    cases.append((pinned, json_body, "application/json", "key=k,algorithm=HMAC_SHA256"))
    captures = []
    for path, body, content_type, settings in cases:
        headers = delivery(public_url, path, body, content_type, settings, token)
        request = capture(headers, body, at=SIGNED_AT, target=path)
        assert whisper_verdict(request, "twilio", token, public_url=public_url).ok
        captures.append(request)
    arrived = await forward_all(captures)
    assert len(arrived) == len(captures)
    for (_, _, content_type, _), copy in zip(cases, arrived, strict=True):
        params = receiver_params(content_type, copy.body, copy.target)
        assert twilio_accepts(public_url + copy.target, params, copy.headers, token)
