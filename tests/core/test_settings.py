"""Settings: the plain frozen object the app reads, with the options' defaults."""

from __future__ import annotations

import dataclasses

import pytest

from whisper_tui.core.responses import parse_rule
from whisper_tui.core.settings import DEFAULT_HOST, DEFAULT_MAX_BODY, DEFAULT_PORT, Settings
from whisper_tui.core.store import DEFAULT_MAX_BYTES, DEFAULT_MAX_REQUESTS


def test_defaults_listen_on_this_machine_only_with_documented_limits():
    settings = Settings()
    assert (settings.host, settings.port) == (DEFAULT_HOST, DEFAULT_PORT) == ("127.0.0.1", 8080)
    assert settings.max_body == DEFAULT_MAX_BODY == 32 * 1024 * 1024
    assert (settings.max_requests, settings.max_bytes) == (DEFAULT_MAX_REQUESTS, DEFAULT_MAX_BYTES)
    assert settings.tolerances == ()  # each scheme then uses its provider SDK's default
    assert (settings.answer_status, settings.answer_delay, settings.rules) == (200, 0.0, ())
    assert settings.is_loopback


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().port = 1


def test_the_repr_never_shows_a_secret():
    settings = Settings(secrets=(("github", "hunter2"), ("stripe", "whsec_abc")))
    text = repr(settings)
    assert "hunter2" not in text and "whsec_abc" not in text
    assert "github=***" in text and "stripe=***" in text


def test_each_response_policy_is_a_fresh_one_from_status_delay_and_rules():
    settings = Settings(answer_status=503, answer_delay=2.0, rules=(parse_rule("POST /a 418"),))
    policy = settings.response_policy()
    assert policy.decide("POST", "/a") == (418, 0.0)
    assert policy.decide("GET", "/a") == (503, 2.0)
    policy.cycle_mode()
    policy.rules.clear()
    again = settings.response_policy()
    assert again.mode == "normal" and len(again.rules) == 1


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("::", False),
    ],
)
def test_is_loopback_says_whether_only_this_machine_can_send(host, loopback):
    assert Settings(host=host).is_loopback is loopback
