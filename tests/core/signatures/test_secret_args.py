"""Secrets from --secret SCHEME=SECRET and WHISPER_SECRET_<SCHEME>."""

from __future__ import annotations

import re

import pytest

from whisper_tui.core.signatures import (
    parse_secret_arg,
    secrets_from_env,
)


def test_parse_secret_arg_splits_scheme_and_secret() -> None:
    assert parse_secret_arg("github=s3cret") == ("github", "s3cret")
    assert parse_secret_arg("Stripe=whsec_abc==") == ("stripe", "whsec_abc==")
    assert parse_secret_arg("svix=whsec_abc") == ("standard", "whsec_abc")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("github", "expected SCHEME=SECRET"),
        ("=s3cret", "expected SCHEME=SECRET"),
        ("github=", "empty secret"),
        ("acme=s3cret", "unknown signature scheme 'acme'; known: stripe, github"),
        # Accepted before, then 'can't be used' at every delivery; the secret is not echoed.
        ("standard=not_base64!!", "standard: the secret is not valid base64 (Standard"),
        ("svix=whsec_***", "standard: the secret is not valid base64 after whsec_"),
    ],
)
def test_parse_secret_arg_rejects_bad_input_in_one_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        parse_secret_arg(text)
    assert "\n" not in str(info.value)


def test_secrets_from_env_reads_whisper_secret_variables() -> None:
    environ = {
        "WHISPER_SECRET_GITHUB": "gh",
        "WHISPER_SECRET_STANDARD": "whsec_abc",
        "WHISPER_SECRET_SLACK": "",
        "HOME": "/root",
    }
    assert secrets_from_env(environ) == {"github": ("gh",), "standard": ("whsec_abc",)}


def test_secrets_from_env_rejects_an_unknown_scheme_by_variable_name() -> None:
    with pytest.raises(ValueError, match="WHISPER_SECRET_GITLAB: unknown signature scheme"):
        secrets_from_env({"WHISPER_SECRET_GITLAB": "x"})


def test_secrets_from_env_refuses_a_secret_its_scheme_cannot_use_without_echoing_it() -> None:
    with pytest.raises(ValueError) as info:
        secrets_from_env({"WHISPER_SECRET_SVIX": "whsec_n0t-base64!"})
    said = str(info.value)
    assert said.startswith("WHISPER_SECRET_SVIX: standard: the secret is not valid base64")
    assert "n0t-base64" not in said


def test_two_variables_naming_one_scheme_are_refused_not_one_dropped() -> None:
    both = {"WHISPER_SECRET_SVIX": "whsec_ZGVm", "WHISPER_SECRET_STANDARD": "whsec_YWJj"}
    with pytest.raises(ValueError) as info:
        secrets_from_env(both)
    said = str(info.value)
    assert said.startswith("WHISPER_SECRET_SVIX and WHISPER_SECRET_STANDARD both give the standard")
    assert "ZGVm" not in said and "YWJj" not in said


def test_a_variable_lists_several_secrets_at_commas_where_the_provider_makes_them() -> None:
    # Stripe's and Standard Webhooks' secrets are generated (whsec_ and letters, digits or
    # base64): no comma in any. A GitHub secret is any text: its variable is one secret, whole.
    environ = {
        "WHISPER_SECRET_STRIPE": "whsec_live,whsec_test",
        "WHISPER_SECRET_SVIX": "whsec_ZGVm,whsec_YWJj,whsec_Z2hp",
        "WHISPER_SECRET_GITHUB": "It's, a Secret, to Everybody",
    }
    assert secrets_from_env(environ) == {
        "stripe": ("whsec_live", "whsec_test"),
        "standard": ("whsec_ZGVm", "whsec_YWJj", "whsec_Z2hp"),
        "github": ("It's, a Secret, to Everybody",),
    }


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"WHISPER_SECRET_STRIPE": "whsec_live,,whsec_test"},
            "WHISPER_SECRET_STRIPE: an empty secret (the 2nd of 3, separated by commas); "
            "remove the extra comma",
        ),
        (
            {"WHISPER_SECRET_SVIX": "whsec_ZGVm,whsec_n0t-base64!"},
            "WHISPER_SECRET_SVIX: standard: the secret is not valid base64 after whsec_ "
            "(Standard Webhooks secrets are whsec_ followed by the base64 key) "
            "(the 2nd of 2, separated by commas)",
        ),
    ],
)
def test_a_listed_secret_that_is_empty_or_unusable_is_named_by_position_not_value(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError) as info:
        secrets_from_env(environ)
    said = str(info.value)
    assert said == message
    for secret in next(iter(environ.values())).split(","):
        assert not secret or secret not in said
