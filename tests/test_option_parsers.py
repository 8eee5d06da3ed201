"""The options' parsers: text from a flag or the config file to a value, or one line why not."""

from __future__ import annotations

import re

import pytest

from whisper_tui.option_parsers import (
    THEMES,
    keymap_table,
    parse_body_limit,
    parse_count,
    parse_forward_url,
    parse_memory_limit,
    parse_port,
    parse_public_url,
    parse_seconds,
    parse_theme,
    parse_tolerance,
    secrets_table,
    tolerance_table,
)


@pytest.mark.parametrize(
    ("parse", "text", "value"),
    [
        (parse_port, "0", 0),
        (parse_port, "65535", 65535),
        (parse_count, "50_000", 50_000),
        (parse_count, "1,000", 1000),
        (parse_body_limit, "1", 1),
        (parse_body_limit, "32MiB", 32 * 1024 * 1024),
        (parse_memory_limit, "1", 1),
        (parse_memory_limit, "64MiB", 64 * 1024 * 1024),
        (parse_seconds, "0", 0.0),
        (parse_seconds, "2.5", 2.5),
        (parse_public_url, "https://abc.ngrok.app", "https://abc.ngrok.app"),
        (parse_forward_url, "http://localhost:3000", "http://localhost:3000"),
        (parse_forward_url, "", ""),  # an empty forward has always meant none
    ],
)
def test_parsers_read_good_text(parse, text, value):
    assert parse(text) == value


@pytest.mark.parametrize(
    ("parse", "text", "words"),
    [
        (parse_port, "http", "not a port number: 'http'"),
        (parse_port, "-1", "outside 0-65535"),
        (parse_count, "many", "not a whole number"),
        (parse_count, "0", "must be at least 1, got 0"),
        (parse_body_limit, "0", "must be at least 1 B, got '0' (every body would get 413)"),
        (parse_body_limit, "0.5", "must be at least 1 B, got '0.5'"),
        (parse_body_limit, "lots", "not a size: 'lots'"),
        (
            parse_memory_limit,
            "0",
            "must be at least 1 B, got '0' (only the newest capture would be kept)",
        ),
        (parse_memory_limit, "0.1", "must be at least 1 B, got '0.1'"),
        (parse_seconds, "soon", "not a number of seconds"),
        (parse_seconds, "-0.5", "must not be negative"),
        (parse_public_url, "abc.ngrok.app", "must start with http:// or https://"),
        (parse_forward_url, "http://", "URL has no host"),
    ],
)
def test_parsers_refuse_bad_text_in_one_line(parse, text, words):
    with pytest.raises(ValueError, match=re.escape(words)) as refused:
        parse(text)
    assert "\n" not in str(refused.value)


def test_a_tolerance_is_for_every_scheme_or_one_named_by_any_of_its_names():
    assert parse_tolerance("600") == ("", 600.0)
    assert parse_tolerance("svix=60") == ("standard", 60.0)
    assert tolerance_table(600) == (("", 600.0),)
    assert tolerance_table({"paddle": 60, "stripe": 1.5}) == (("paddle", 60.0), ("stripe", 1.5))
    with pytest.raises(ValueError, match="expected a number of seconds per scheme, got a string"):
        tolerance_table({"paddle": "soon"})
    with pytest.raises(ValueError, match="got true or false"):
        tolerance_table({"paddle": True})


def test_tables_are_read_pair_by_pair():
    assert secrets_table({"svix": "whsec_eHg="}) == (("standard", "whsec_eHg="),)
    both = secrets_table({"stripe": ["whsec_b", "whsec_a"], "github": "g"})
    assert both == (("stripe", "whsec_b"), ("stripe", "whsec_a"), ("github", "g"))
    assert keymap_table({"replay": "r", "export": "e"}) == (("export", "e"), ("replay", "r"))


def test_the_theme_names_are_textuals_own():
    # Kept here so the config check needs no Textual import before the port is bound.
    from textual.theme import BUILTIN_THEMES

    assert sorted(THEMES) == sorted(BUILTIN_THEMES)
    assert all(parse_theme(name) == name for name in BUILTIN_THEMES)


def test_an_unknown_theme_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match=r"^unknown theme 'nosuchtheme'; known: ansi-dark, "):
        parse_theme("nosuchtheme")


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"replay": 5}, "replay: expected keys as a string, got an integer"),
        ({"replay": ""}, "replay: '' is not a list of keys like \"r,ctrl+r\""),
        ({"replay": "r,,x"}, "replay: 'r,,x' is not a list of keys"),
        ({"replay": "ctrl+"}, "replay: 'ctrl+' is not a list of keys"),
    ],
)
def test_a_keymap_value_that_is_no_keys_is_refused(table, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        keymap_table(table)


def test_a_secret_that_is_not_a_string_is_refused_without_showing_it():
    with pytest.raises(
        ValueError, match=r"^github: expected the secret as a string, got an integer$"
    ):
        secrets_table({"github": 12345})


def test_a_refused_forward_url_is_echoed_with_its_password_masked():
    with pytest.raises(ValueError) as refused:
        parse_forward_url("ftp://admin:hunter2pass@127.0.0.1/")
    assert "hunter2pass" not in str(refused.value)
    assert "ftp://admin:***@127.0.0.1/" in str(refused.value)
