"""The TOML config file: defaults for flags, secrets, theme remembered, errors in one line."""

from __future__ import annotations

import stat
import subprocess
import sys
import tomllib

import pytest

from whisper_tui.cli import parse_settings
from whisper_tui.core.config import (
    ConfigError,
    config_path,
    is_default_config,
    load_config,
    save_setting,
)
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp

CONFIG = """\
# my settings
port = 9123
respond = ["POST /hooks/stripe* 500"]

[secrets]
github = "from-config"

[keymap]
replay = "r,ctrl+r"
"""


def test_config_gives_defaults_and_flags_override(monkeypatch):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(CONFIG)
    settings = parse_settings([], environ={})
    assert settings.port == 9123
    assert [rule.text() for rule in settings.rules] == ["POST /hooks/stripe* 500"]
    assert settings.secrets == (("github", "from-config"),)
    assert settings.keymap == (("replay", "r,ctrl+r"),)
    settings = parse_settings(
        ["--port", "7000", "--secret", "github=flag"], environ={"WHISPER_SECRET_STRIPE": "env"}
    )
    assert settings.port == 7000
    assert dict(settings.secrets) == {"github": "flag", "stripe": "env"}


def test_save_setting_keeps_the_users_file_and_comments():
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG)
    save_setting("theme", "nord")
    save_setting("theme", "gruvbox")
    text = path.read_text()
    assert text.startswith("# my settings\n")
    assert text.count("theme =") == 1
    data = tomllib.loads(text)
    assert data["theme"] == "gruvbox" and data["secrets"] == {"github": "from-config"}
    assert load_config()["port"] == 9123


def test_a_broken_config_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("port = [")
    result = subprocess.run(
        [sys.executable, "-m", "whisper_tui", "--config", str(bad)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not valid TOML" in result.stderr


async def test_theme_from_config_is_applied_and_a_new_choice_is_remembered():
    app = WhisperApp(Settings(port=0, theme="nord"))
    async with app.run_test(size=(120, 30)) as pilot:
        assert app.theme == "nord"
        app.theme = "gruvbox"
        await pilot.pause(0.2)
    assert load_config()["theme"] == "gruvbox"


async def test_palette_lists_every_action():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(120, 30)):
        titles = {command.title for command in app.get_system_commands(app.screen)}
    for title in ("Replay", "Edit and replay", "Export", "Filter", "Cycle answer mode", "Keys"):
        assert title in titles


def test_the_default_file_may_be_missing_but_a_named_one_must_exist(tmp_path):
    assert load_config() == {}
    assert load_config(tmp_path / "none.toml") == {}
    with pytest.raises(ConfigError, match=r"cannot read .*none\.toml: no such file"):
        load_config(tmp_path / "none.toml", must_exist=True)


def test_load_config_returns_the_files_toml_data(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    assert load_config(path, must_exist=True) == tomllib.loads(CONFIG)


def test_unreadable_or_invalid_files_are_one_line_errors(tmp_path):
    not_utf8 = tmp_path / "latin1.toml"
    not_utf8.write_bytes(b'theme = "caf\xe9"\n')
    with pytest.raises(ConfigError, match="cannot read") as unreadable:
        load_config(not_utf8)
    broken = tmp_path / "broken.toml"
    broken.write_text("port = [")
    with pytest.raises(ConfigError, match="is not valid TOML") as invalid:
        load_config(broken)
    for error in (unreadable, invalid):
        assert "\n" not in str(error.value)


def test_save_setting_creates_the_file_and_puts_keys_before_the_first_table(tmp_path):
    path = tmp_path / "new" / "config.toml"
    save_setting("theme", "nord", path)
    assert load_config(path) == {"theme": "nord"}
    path.write_text('[keymap]\nreplay = "r"\n')
    save_setting("theme", 'say "hi"', path)
    assert path.read_text().startswith('theme = "say \\"hi\\""\n[keymap]')
    assert load_config(path) == {"theme": 'say "hi"', "keymap": {"replay": "r"}}


def test_save_setting_writes_true_and_false_as_toml_booleans(tmp_path):
    path = tmp_path / "config.toml"
    save_setting("wrap", True, path)
    assert load_config(path) == {"wrap": True}
    save_setting("wrap", False, path)
    assert load_config(path) == {"wrap": False}
    assert path.read_text() == "wrap = false\n"


@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_save_setting_never_changes_the_mode_of_a_file_that_exists(mode, tmp_path):
    # A 0644 config.toml became 0600 at the first w or theme pick (each save is a new file
    # renamed over the old one, made 0600 for the secrets a config may hold).
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG)
    path.chmod(mode)
    save_setting("wrap", True)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert load_config()["wrap"] is True
    new = tmp_path / "config.toml"  # a file it creates is its owner's alone, as before
    save_setting("theme", "nord", new)
    assert stat.S_IMODE(new.stat().st_mode) == 0o600


def test_only_the_default_config_file_is_one_the_app_writes_preferences_to(tmp_path):
    assert is_default_config(None)
    assert is_default_config(config_path())
    assert not is_default_config(tmp_path / "team.toml")
