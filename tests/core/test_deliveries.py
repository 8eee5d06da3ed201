"""Delivery ids: one rule per provider, then CloudEvents and Idempotency-Key."""

from __future__ import annotations

import json

import pytest

from tests.helpers import delivery_request, load_deliveries
from whisper_tui.core.deliveries import DeliveryId, delivery_id_of, may_find
from whisper_tui.core.models import CapturedRequest


def capture(request_id: int, headers: dict[str, str] | list[tuple[str, str]], body=b""):
    pairs = headers.items() if isinstance(headers, dict) else headers
    raw = tuple((n.encode("latin-1"), v.encode("latin-1")) for n, v in pairs)
    return CapturedRequest(request_id, 0.0, "127.0.0.1", "POST", "/hooks", (1, 1), raw, body)


def fixture(name: str) -> CapturedRequest:
    return delivery_request(next(d for d in load_deliveries() if d["name"] == name))


# -- the fixtures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "github-docs-vector",
            DeliveryId("72d3162e-cc78-11e3-81ab-4c9367dc0958", "X-GitHub-Delivery", "github"),
        ),
        (
            "github-push",
            DeliveryId("9f0e2a10-0000-4000-8000-000000000001", "X-GitHub-Delivery", "github"),
        ),
        ("stripe-payment-intent", DeliveryId("evt_3PzFixture", "body id", "stripe")),
        ("stripe-docs-selfcomputed", DeliveryId("evt_test", "body id", "stripe")),
        (
            "standard-webhooks-vector",
            DeliveryId("msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-id", "standard"),
        ),
        # A slash command is not an Events API event: Slack gives it no event_id.
        ("slack-slash-command-vector", None),
        # The fixture predates Shopify's id headers; Twilio's lacks its idempotency token.
        ("shopify-order-create", None),
        ("twilio-doc-example", None),
        # Paddle's SDK vector body is not an event ("hello-world").
        ("paddle-sdk-vector", None),
        ("form-multipart-upload", None),
        ("xml-callback", None),
        ("gzip-json", None),
    ],
)
def test_each_fixture_delivery_gets_the_id_its_provider_documents(name, expected):
    assert delivery_id_of(fixture(name)) == expected


# -- one rule per provider, by hand ---------------------------------------------------------


def test_github_reads_x_github_delivery_even_without_a_signature():
    request = capture(1, {"x-github-delivery": " 72d3 ", "X-GitHub-Event": "push"})
    assert delivery_id_of(request) == DeliveryId("72d3", "X-GitHub-Delivery", "github")


def test_svix_id_is_read_when_there_is_no_webhook_id():
    request = capture(1, {"svix-id": "msg_1", "svix-timestamp": "1", "svix-signature": "v1,x"})
    assert delivery_id_of(request) == DeliveryId("msg_1", "svix-id", "standard")


def test_webhook_id_wins_over_svix_id_as_the_signature_check_reads_it():
    request = capture(1, [("svix-id", "msg_svix"), ("Webhook-Id", "msg_std")])
    assert delivery_id_of(request) == DeliveryId("msg_std", "webhook-id", "standard")


def test_stripe_reads_the_top_level_evt_id_wherever_it_is_in_the_body():
    body = json.dumps({"object": "event", "data": {"object": {"id": "pi_1"}}, "id": "evt_9"})
    request = capture(1, {"Stripe-Signature": "t=1,v1=00"}, body.encode())
    assert delivery_id_of(request) == DeliveryId("evt_9", "body id", "stripe")


def test_stripe_ignores_a_nested_id_and_an_id_that_is_not_an_event():
    nested = b'{"data": {"id": "evt_nested"}}'
    assert delivery_id_of(capture(1, {"Stripe-Signature": "t=1"}, nested)) is None
    assert delivery_id_of(capture(1, {"Stripe-Signature": "t=1"}, b'{"id": "pi_1"}')) is None


def test_a_body_id_is_not_read_without_the_providers_header():
    # The body rule runs only when Stripe-Signature says Stripe sent it.
    assert (
        delivery_id_of(capture(1, {"Content-Type": "application/json"}, b'{"id":"evt_1"}')) is None
    )


def test_slack_events_api_event_id_is_read_and_a_retry_carries_the_same():
    body = json.dumps(
        {"token": "t", "team_id": "T1", "event": {"type": "app_mention"}, "event_id": "Ev08"}
    ).encode()
    first = capture(1, {"X-Slack-Signature": "v0=00", "X-Slack-Request-Timestamp": "1"}, body)
    retry = capture(
        2,
        {
            "X-Slack-Signature": "v0=11",
            "X-Slack-Request-Timestamp": "2",
            "X-Slack-Retry-Num": "1",
            "X-Slack-Retry-Reason": "http_timeout",
        },
        body,
    )
    expected = DeliveryId("Ev08", "body event_id", "slack")
    assert delivery_id_of(first) == expected == delivery_id_of(retry)


def test_shopify_prefers_the_event_id_and_falls_back_to_the_webhook_id():
    both = capture(1, {"X-Shopify-Webhook-Id": "wh-1", "X-Shopify-Event-Id": "ev-1"})
    assert delivery_id_of(both) == DeliveryId("ev-1", "X-Shopify-Event-Id", "shopify")
    older = capture(2, {"X-Shopify-Hmac-Sha256": "x", "X-Shopify-Webhook-Id": "wh-2"})
    assert delivery_id_of(older) == DeliveryId("wh-2", "X-Shopify-Webhook-Id", "shopify")


def test_paddle_reads_event_id_then_notification_id():
    body = b'{"event_id": "evt_01h", "event_type": "x", "notification_id": "ntf_01h"}'
    request = capture(1, {"Paddle-Signature": "ts=1;h1=00"}, body)
    assert delivery_id_of(request) == DeliveryId("evt_01h", "body event_id", "paddle")
    only = capture(2, {"Paddle-Signature": "ts=1;h1=00"}, b'{"notification_id": "ntf_2"}')
    assert delivery_id_of(only) == DeliveryId("ntf_2", "body notification_id", "paddle")


def test_twilio_reads_its_idempotency_token():
    request = capture(1, {"X-Twilio-Signature": "x", "I-Twilio-Idempotency-Token": "tok-1"})
    assert delivery_id_of(request) == DeliveryId("tok-1", "I-Twilio-Idempotency-Token", "twilio")


def test_cloudevents_binary_mode_pairs_source_and_id():
    request = capture(1, {"ce-specversion": "1.0", "ce-id": "A234", "ce-source": "/mycontext"})
    assert delivery_id_of(request) == DeliveryId(
        "/mycontext A234", "ce-source + ce-id", "cloudevents"
    )
    # The same id from another source is another event.
    other = capture(2, {"ce-id": "A234", "ce-source": "/other"})
    assert delivery_id_of(other).value != delivery_id_of(request).value
    assert delivery_id_of(capture(3, {"ce-id": "A234"})) is None


def test_cloudevents_structured_mode_reads_the_body():
    body = b'{"specversion": "1.0", "type": "t", "source": "/src", "id": "B1", "data": {}}'
    request = capture(1, {"Content-Type": "Application/CloudEvents+JSON; charset=utf-8"}, body)
    assert delivery_id_of(request) == DeliveryId("/src B1", "body source + id", "cloudevents")
    plain = capture(2, {"Content-Type": "application/json"}, body)
    assert delivery_id_of(plain) is None


def test_idempotency_key_is_the_last_resort():
    assert delivery_id_of(capture(1, {"Idempotency-Key": "k-1"})) == DeliveryId(
        "k-1", "Idempotency-Key", "idempotency-key"
    )
    both = capture(2, {"Idempotency-Key": "k-2", "X-GitHub-Delivery": "g-2"})
    assert delivery_id_of(both).source == "X-GitHub-Delivery"


def test_empty_and_absurdly_long_ids_are_no_ids():
    assert delivery_id_of(capture(1, {"X-GitHub-Delivery": "  "})) is None
    assert delivery_id_of(capture(2, {"Idempotency-Key": "k" * 300})) is None


def test_no_id_at_all():
    assert delivery_id_of(capture(1, {"Content-Type": "text/plain"}, b"hi")) is None


def test_headers_are_read_by_lowercase_name_whatever_the_layout():
    # Many distinct header layouts (the plan cache is emptied when full) still read right.
    for number in range(1, 1_500):
        request = capture(number, {f"X-Pad-{number}": "1", "X-GITHUB-DELIVERY": f"g{number}"})
        assert delivery_id_of(request) == DeliveryId(f"g{number}", "X-GitHub-Delivery", "github")


def test_a_header_name_holding_nul_is_read_as_itself():
    # Layouts are cached by their names joined with NUL; a name with a NUL in it (a loaded
    # file can carry one) must not borrow the plan of the two names it looks like.
    split = capture(1, [("X-Pad", "1"), ("X-GitHub-Delivery", "g1")])
    joined = capture(2, [("X-Pad\0X-GitHub-Delivery", "g2")])
    assert delivery_id_of(split).value == "g1"
    assert delivery_id_of(joined) is None
    assert delivery_id_of(capture(3, [])) is None


def test_may_find_says_no_only_where_no_rule_could_find_an_id():
    # --load's reading process builds a capture to find its id only where may_find says yes.
    structured = b'{"specversion": "1.0", "source": "/src", "id": "B1"}'
    requests = [fixture(d["name"]) for d in load_deliveries()] + [
        capture(1, {"Idempotency-Key": "k-1"}),
        capture(2, {"ce-id": "A234", "ce-source": "/s"}),
        capture(3, {"Content-Type": "application/CloudEvents+json"}, structured),
        capture(4, {"Content-Type": "application/json"}, structured),
        capture(5, {"Host": "example.test"}),
        capture(6, {}),
    ]
    for request in requests:
        if not may_find(request.raw_headers):
            assert delivery_id_of(request) is None
    assert [may_find(r.raw_headers) for r in requests[-6:]] == [True] * 3 + [False] * 3
    assert sum(map(may_find, (r.raw_headers for r in requests[:-6]))) >= 5
