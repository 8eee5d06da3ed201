"""The option table: flags and config.toml keys declared once, read by the same parser."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from whisper_tui.cli import parse_settings
from whisper_tui.core.config import ConfigError, config_path
from whisper_tui.core.settings import Settings
from whisper_tui.options import CONFIG_KEYS, FLAGS, OPTIONS, config_values

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")

# One usable value of every config key, as a user would write it in config.toml.
GOOD_CONFIG = """\
host = "0.0.0.0"
port = 9000
max_body = "1MiB"
max_requests = 50
max_memory = "64MiB"
tolerance = 60
public_url = "https://example.test"
tunnel = "ssh:me@host.example"
forward = "http://127.0.0.1:3000"
relay_response = true
status = 503
delay = 1.5
respond = ["POST /hooks/* 500", "ANY /slow 200 2s"]
theme = "nord"
wrap = true
loop = "asyncio"

[secrets]
github = "s3cret"

[keymap]
replay = "r,ctrl+r"
"""


def readme_section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def error_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one line parse_settings prints when it refuses argv (it must exit with status 2)."""
    with pytest.raises(SystemExit) as exited:
        parse_settings(argv, environ={})
    assert exited.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("whisper-tui: error: ")
    return lines[0]


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_every_option_fills_one_settings_field_and_names_are_unique():
    fields = {field.name for field in dataclasses.fields(Settings)}
    assert all(option.field in fields for option in OPTIONS)
    assert len({option.field for option in OPTIONS}) == len(OPTIONS)
    assert len(FLAGS) == len([option for option in OPTIONS if option.flag])
    assert len(CONFIG_KEYS) == len([option for option in OPTIONS if option.config_key])
    assert all(option.flag or option.config_key for option in OPTIONS)


def test_an_options_default_is_its_settings_fields_default():
    defaults = Settings()
    for option in OPTIONS:
        assert option.default == getattr(defaults, option.field), option.name


def test_every_config_key_is_accepted_by_the_config_check():
    path = write_config(GOOD_CONFIG)
    assert set(config_values(tomllib.loads(GOOD_CONFIG), path)) == {
        option.field for option in CONFIG_KEYS.values()
    }
    settings = parse_settings([], environ={})
    assert (settings.host, settings.port, settings.max_body) == ("0.0.0.0", 9000, 1024 * 1024)
    assert (settings.max_requests, settings.max_bytes) == (50, 64 * 1024 * 1024)
    assert (settings.tolerances, settings.public_url) == ((("", 60.0),), "https://example.test")
    assert str(settings.tunnel) == "ssh:me@host.example"
    assert (settings.forward_url, settings.relay_response) == ("http://127.0.0.1:3000", True)
    assert (settings.answer_status, settings.answer_delay) == (503, 1.5)
    assert [rule.text() for rule in settings.rules] == ["POST /hooks/* 500", "* /slow 200 2s"]
    assert (settings.theme, settings.wrap, settings.loop) == ("nord", True, "asyncio")
    assert settings.secrets == (("github", "s3cret"),)
    assert settings.keymap == (("replay", "r,ctrl+r"),)


@pytest.mark.parametrize(
    ("flag", "text", "key", "toml"),
    [
        ("--max-requests", "0", "max_requests", "0"),
        ("--tolerance", "-5", "tolerance", "-5"),
        ("--port", "70000", "port", "70000"),
        ("--max-body", "lots", "max_body", '"lots"'),
        ("--max-memory", "1 parsec", "max_memory", '"1 parsec"'),
        ("--status", "99", "status", "99"),
        ("--delay", "5000", "delay", "5000"),
        ("--respond", "FOO /x 200", "respond", '["FOO /x 200"]'),
        ("--public-url", "ftp://x", "public_url", '"ftp://x"'),
        ("--forward", "ftp://x", "forward", '"ftp://x"'),
        ("--tunnel", "frp", "tunnel", '"frp"'),
        ("--tunnel", "ssh:-oProxyCommand=x", "tunnel", '"ssh:-oProxyCommand=x"'),
    ],
)
def test_a_bad_value_gets_the_same_message_from_a_flag_and_from_the_file(
    flag, text, key, toml, capsys
):
    from_flag = error_of([f"{flag}={text}"], capsys)
    path = write_config(f"{key} = {toml}\n")
    from_file = error_of([], capsys)
    flag_problem = from_flag.split(f"argument {flag}: ", 1)[1]
    file_problem = from_file.split(f"{path}: {key}: ", 1)[1]
    assert flag_problem == file_problem


def test_a_flag_overrides_the_file_and_the_file_overrides_the_default():
    write_config('port = 9000\nstatus = 503\nrespond = ["POST /a 500"]\nrelay_response = true\n')
    settings = parse_settings(
        ["--port", "7000", "--respond", "GET /b 404", "--forward", "http://127.0.0.1:1"],
        environ={},
    )
    assert settings.port == 7000
    assert settings.answer_status == 503
    assert [rule.text() for rule in settings.rules] == ["GET /b 404"]
    assert settings.relay_response is True
    assert settings.host == Settings().host


def test_a_value_of_the_wrong_toml_type_names_the_key_and_both_types():
    with pytest.raises(ConfigError, match=r"x\.toml: port: expected an integer, got a string$"):
        config_values({"port": "9000"}, Path("x.toml"))
    with pytest.raises(ConfigError, match="relay_response: expected true or false, got an integer"):
        config_values({"relay_response": 1}, Path("x.toml"))
    with pytest.raises(ConfigError, match="max_requests: expected an integer, got true or false"):
        config_values({"max_requests": True}, Path("x.toml"))
    with pytest.raises(ConfigError, match="respond: every entry must be a string"):
        config_values({"respond": [500]}, Path("x.toml"))


def test_a_relative_body_file_is_the_config_files_neighbour_and_a_flags_is_the_cwds(
    tmp_path, monkeypatch
):
    config = tmp_path / "elsewhere" / "whisper.toml"
    config.parent.mkdir()
    config.write_text('respond = ["POST /gone 410 body=@gone.json"]\n', encoding="utf-8")
    (config.parent / "gone.json").write_bytes(b'{"from": "beside the config"}')
    (tmp_path / "gone.json").write_bytes(b'{"from": "the working directory"}')
    monkeypatch.chdir(tmp_path)
    from_file = parse_settings(["--config", str(config)], environ={})
    assert [rule.body for rule in from_file.rules] == [b'{"from": "beside the config"}']
    flag = ["--config", str(config), "--respond", "POST /gone 410 body=@gone.json"]
    from_flag = parse_settings(flag, environ={})
    assert [rule.body for rule in from_flag.rules] == [b'{"from": "the working directory"}']
    # A relative --config is found from the cwd, and its rules' files beside it.
    relative = parse_settings(["--config", "elsewhere/whisper.toml"], environ={})
    assert [rule.body for rule in relative.rules] == [b'{"from": "beside the config"}']


def test_a_missing_body_file_in_the_config_names_where_it_was_looked_for(tmp_path, capsys):
    path = write_config('respond = ["POST /gone 410 body=@gone.json"]\n')
    line = error_of([], capsys)
    assert f"{path}: respond: rule " in line
    assert f"cannot read body file '{path.parent / 'gone.json'}'" in line


def test_an_unknown_key_lists_the_known_ones():
    with pytest.raises(ConfigError, match="unknown setting 'prot'; known: host, port, "):
        config_values({"prot": 1}, Path("x.toml"))


def test_keymap_ids_pass_through_for_the_cli_to_check_once_bound():
    values = config_values({"keymap": {"replay": "r", "no_such_action": "z"}}, Path("x.toml"))
    assert values["keymap"] == (("no_such_action", "z"), ("replay", "r"))


def test_readme_flags_table_names_every_flag_and_only_real_ones():
    rows = [line for line in readme_section("Flags").splitlines() if line.startswith("| `")]
    named = {flag for row in rows for flag in re.findall(r"--[a-z][a-z-]*", row.split("|")[1])}
    assert named == set(FLAGS)


def test_readme_flags_table_defaults_are_the_real_defaults():
    for row in readme_section("Flags").splitlines():
        cells = [cell.strip() for cell in row.split("|")[1:-1]]
        if not row.startswith("| `") or not cells[1]:
            continue
        option = FLAGS[cells[0].strip("`").split()[0]]
        assert option.parse(cells[1].strip("`")) == option.default, option.name


def test_readme_configuration_names_every_config_key_and_only_real_ones():
    section = readme_section("Configuration")
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    in_example = set(re.findall(r"^([a-z_]+) =", example.split("\n[", 1)[0], flags=re.M))
    in_example |= set(re.findall(r"^\[([a-z_]+)\]", example, flags=re.M))
    keys_paragraph = section.split("\nKeys: ", 1)[1].split("\n\n", 1)[0]
    listed = {name.strip("[]") for name in re.findall(r"`([a-z_\[\]]+)`", keys_paragraph)}
    assert in_example <= set(CONFIG_KEYS)
    assert listed == set(CONFIG_KEYS)


def test_tolerance_is_given_for_every_scheme_or_per_scheme_by_flag_or_file(capsys):
    flags = ["--tolerance", "600", "--tolerance", "paddle=60", "--tolerance", "SVIX=10"]
    settings = parse_settings(flags, environ={})
    assert settings.tolerances == (("", 600.0), ("paddle", 60.0), ("standard", 10.0))
    write_config("tolerance = {paddle = 60, stripe = 1.5}\n")
    from_file = parse_settings([], environ={})
    assert from_file.tolerances == (("paddle", 60.0), ("stripe", 1.5))
    assert "unknown signature scheme 'acme'" in error_of(["--tolerance", "acme=5"], capsys)
    write_config('tolerance = {paddle = "soon"}\n')
    assert "expected a number of seconds per scheme, got a string" in error_of([], capsys)


def test_several_secrets_per_scheme_keep_their_order_and_flags_replace_a_schemes_others():
    flags = [
        "--secret",
        "stripe=whsec_live",
        "--secret",
        "github=g",
        "--secret",
        "stripe=whsec_test",
    ]
    settings = parse_settings(flags, environ={})
    assert settings.secrets == (("github", "g"), ("stripe", "whsec_live"), ("stripe", "whsec_test"))
    write_config('[secrets]\nstripe = ["whsec_new", "whsec_old"]\ngithub = "g_file"\n')
    from_file = parse_settings([], environ={})
    assert from_file.secrets == (
        ("github", "g_file"),
        ("stripe", "whsec_new"),
        ("stripe", "whsec_old"),
    )
    # Per scheme, the environment replaces the file's secrets and a flag replaces both.
    environ = {"WHISPER_SECRET_STRIPE": "whsec_env", "WHISPER_SECRET_SLACK": "s_env"}
    from_env = parse_settings([], environ=environ)
    assert from_env.secrets == (("github", "g_file"), ("slack", "s_env"), ("stripe", "whsec_env"))
    flagged = parse_settings(["--secret", "stripe=whsec_flag"], environ=environ)
    assert dict(flagged.secrets)["stripe"] == "whsec_flag"
    assert [s for scheme, s in flagged.secrets if scheme == "stripe"] == ["whsec_flag"]


def test_a_secret_variable_lists_several_in_order_where_commas_are_safe():
    environ = {
        "WHISPER_SECRET_STRIPE": "whsec_live,whsec_test",
        "WHISPER_SECRET_GITHUB": "one, with a comma",
    }
    assert parse_settings([], environ=environ).secrets == (
        ("github", "one, with a comma"),
        ("stripe", "whsec_live"),
        ("stripe", "whsec_test"),
    )


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("stripe = []", "secrets: stripe: expected a secret or a list of secrets, got []"),
        ('stripe = ["whsec_a", 5]', "secrets: stripe: expected the secret as a string, got an"),
        (
            'stripe = ["whsec_a", ""]',
            "secrets: stripe: the 2nd of the list's 2 secrets is empty; remove it from the list",
        ),
    ],
)
def test_a_bad_list_of_secrets_is_a_one_line_error_that_shows_no_secret(capsys, toml, words):
    path = write_config(f"[secrets]\n{toml}\n")
    error = error_of([], capsys)
    assert error.startswith(f"whisper-tui: error: {path}: ") and words in error, error
    assert "whsec_a" not in error


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        (
            'github = ""',
            'secrets: github: the secret is empty (github = ""); give it, github = "SECRET", '
            "or remove the line (see whisper-tui --help)",
        ),
        ('Stripe = ""', 'secrets: Stripe: the secret is empty (Stripe = "")'),
        ('"a=b" = "whsec_a"', "secrets: unknown signature scheme 'a=b'; known: stripe, "),
    ],
)
def test_a_secrets_error_is_said_in_the_config_file_s_terms_not_the_flag_s(capsys, toml, words):
    # "secrets: empty secret for 'github'; expected SCHEME=SECRET" spoke --secret's syntax of
    # a TOML line, `github = ""` under [secrets]; a key holding '=' was split as a flag is.
    path = write_config(f"[secrets]\n{toml}\n")
    error = error_of([], capsys)
    assert error.startswith(f"whisper-tui: error: {path}: ") and words in error, error
    assert "SCHEME=SECRET" not in error and "whsec_a" not in error


def test_headless_help_names_every_signal_that_stops_it_cleanly():
    # The README says SIGHUP (the SSH session went away) stops it as SIGINT and SIGTERM do;
    # --help used to name only the two.
    from whisper_tui.stopping import HANGUP_AND_TERMINATE

    [headless] = [option for option in OPTIONS if option.flag == "--headless"]
    for stop in ("SIGINT", *(s.name for s in HANGUP_AND_TERMINATE)):
        assert stop in headless.help


def test_an_integer_max_body_or_max_memory_in_the_file_is_bytes():
    # 'max_body = 1024' was refused as 'expected a string'.
    values = config_values({"max_body": 1024, "max_memory": 1 << 20}, Path("x.toml"))
    assert (values["max_body"], values["max_bytes"]) == (1024, 1 << 20)
    with pytest.raises(ConfigError, match="max_body: expected a string or an integer, got true"):
        config_values({"max_body": True}, Path("x.toml"))


def test_relay_response_without_forward_names_the_files_keys_or_the_flags(capsys):
    # Set in the file it named flags the user never typed ('--relay-response needs --forward').
    path = write_config("relay_response = true\n")
    line = error_of([], capsys)
    assert f'{path}: relay_response = true needs forward = "URL" (or --forward URL)' in line
    assert "--relay-response" not in line
    path.unlink()
    assert "--relay-response needs --forward URL" in error_of(["--relay-response"], capsys)
