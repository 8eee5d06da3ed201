"""Slack: `X-Slack-Signature: v0=<hex>` over 'v0:<X-Slack-Request-Timestamp>:' + body."""

from __future__ import annotations

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures.common import (
    delivery_value,
    from_hex,
    json_top_level_strings,
    required,
    sha256,
    short,
    timestamp,
)
from whisper_tui.core.signatures.registry import register
from whisper_tui.core.signatures.scheme import (
    Check,
    Headers,
    Malformed,
    Scheme,
    SecretKind,
    SignatureSettings,
    SigningInput,
)


def build_check(request: CapturedRequest, secret: str, _: SignatureSettings) -> Check:
    """The v0 MAC and the timestamp header it signs."""
    value = required(request, "X-Slack-Signature")
    ts = timestamp(required(request, "X-Slack-Request-Timestamp"), "X-Slack-Request-Timestamp")
    if not value.startswith("v0="):
        raise Malformed(f"X-Slack-Signature should be v0=<hex>, got {short(value)!r}")
    hexpart = value[3:]
    signed = f"v0:{ts}:".encode()
    return Check(
        key=secret.encode(),
        digests=lambda key, body: [sha256(key, signed + body)],
        candidates=[(f"v0={short(hexpart)}", from_hex(hexpart))],
        what="X-Slack-Signature does not match",
        timestamp=ts,
    )


def sign(given: SigningInput) -> list[tuple[str, str]]:
    """A fresh timestamp header and the v0 signature over it."""
    ts = given.timestamp
    mac = sha256(given.secret.encode(), f"v0:{ts}:".encode() + given.body).hex()
    return [("X-Slack-Request-Timestamp", str(ts)), ("X-Slack-Signature", f"v0={mac}")]


def delivery_id(request: CapturedRequest, headers: Headers) -> tuple[str, str] | None:
    """The Events API's `event_id` in the JSON body; retries repeat it (and add
    X-Slack-Retry-Num / X-Slack-Retry-Reason). Slash commands and interactions carry none."""
    # https://api.slack.com/apis/events-api#retries: the outer event's event_id identifies the
    # event across workspaces; a retry re-sends the same event with X-Slack-Retry-Num and
    # X-Slack-Retry-Reason added.
    value = delivery_value(json_top_level_strings(request.body, "event_id").get("event_id"))
    return (value, "body event_id") if value else None


SCHEME = register(
    Scheme(
        name="slack",
        order=40,
        detect_headers=("x-slack-signature",),
        build_check=build_check,
        sign=sign,
        secret_kinds=(
            SecretKind(
                ("xoxb-", "xoxp-", "xapp-"),
                "a Slack API token, not the signing secret",
                signing=False,
            ),
        ),
        has_timestamp=True,
        # slack_sdk/signature/__init__.py: `abs(self.clock.now() - int(timestamp)) > 60 * 5`.
        default_tolerance=300.0,
        tolerance_source="Slack's SDK",
        utf8_body=True,
        delivery_id=delivery_id,
    )
)
