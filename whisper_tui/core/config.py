"""User settings in a TOML file in the platform's config directory; flags override it.

This module finds, reads and writes the file; which keys it may hold and how their values are
read is the option table's (whisper_tui/options.py), shared with the command line.

# ~/.config/whisper-tui/config.toml
port = 9000
forward = "http://127.0.0.1:3000"
theme = "nord"                       # written by the app when you pick a theme
wrap = true                          # written by the app when you press w in the detail
respond = ["POST /hooks/stripe* 500"]

[secrets]                            # never shown, never exported
github = "..."
stripe = ["whsec_...", "whsec_..."]  # several: any one verifies; the first re-signs

[keymap]                             # binding id = keys (see the help screen for ids)
replay = "r,ctrl+r"
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tomllib
from pathlib import Path
from typing import Any

from whisper_tui.core.file_targets import file_replacing, write_target


class ConfigError(ValueError):
    """The config file can't be used; the message names the file and the problem (one line
    per problem: `problems` has each, with its key)."""

    def __init__(
        self,
        message: str,
        key: str | None = None,
        problems: list[tuple[str, str | None]] | None = None,
    ) -> None:
        super().__init__(message)
        self.key = key
        """The setting or table at fault (`keymap`), so the error can say where it is explained."""
        self.problems = problems or [(message, key)]
        """Every problem found, (one-line message, key), in the file's order."""


def config_dir() -> Path:
    """$XDG_CONFIG_HOME/whisper-tui, ~/Library/Application Support/whisper-tui, %APPDATA%."""
    if override := os.environ.get("WHISPER_TUI_CONFIG_DIR"):
        return Path(override)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "whisper-tui"
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "whisper-tui"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "whisper-tui"


def config_path() -> Path:
    """The default settings file: config.toml in config_dir()."""
    return config_dir() / "config.toml"


def load_config(path: Path | None = None, *, must_exist: bool = False) -> dict[str, Any]:
    """The file's TOML data ({} when there is none); ConfigError, in one line, when unusable.

    The default file is optional; a file the user named (`must_exist`) is not: a typo in
    --config would otherwise run silently without the settings they meant.
    """
    path = path or config_path()
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if must_exist:
            raise ConfigError(f"cannot read {path}: no such file") from None
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None


def save_setting(key: str, value: str | bool, path: Path | None = None) -> None:
    """Set one top-level string or true/false setting, keeping the rest of the file as the
    user wrote it, and its mode: a new file is 0600 (it may come to hold secrets), a file
    that exists keeps the permissions its owner gave it."""
    path = path or config_path()
    target = write_target(path)  # a FIFO or device is refused before a read could block on it
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:  # not there yet
        mode = None
    # A JSON string is a valid TOML basic string; JSON's true/false are TOML's.
    line = f"{key} = {json.dumps(value)}\n"
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        lines = []
    # Top-level keys must come before the first [table]; replace in place or insert there.
    first_table = next((i for i, text in enumerate(lines) if text.lstrip().startswith("[")), None)
    top = lines[:first_table] if first_table is not None else lines
    for index, text in enumerate(top):
        if text.split("=", 1)[0].strip() == key:
            lines[index] = line
            break
    else:
        insert_at = first_table if first_table is not None else len(lines)
        if insert_at and not lines[insert_at - 1].endswith("\n"):
            lines[insert_at - 1] += "\n"
        lines.insert(insert_at, line)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One rule for every file written (file_targets): a linked config.toml (a dotfiles
    # manager's) is written through and stays linked; a FIFO or device there is refused.
    with file_replacing(path) as (fd, _), os.fdopen(fd, "w", encoding="utf-8") as out:
        if mode is not None and hasattr(os, "fchmod"):
            os.fchmod(fd, mode)  # the new file replaces the old one: it keeps the old's mode
        out.write("".join(lines))


def is_default_config(path: str | os.PathLike[str] | None) -> bool:
    """Whether `path` (--config's, or None) is the default settings file, the one the app
    writes preferences to; a file named with --config (a team's, checked in) is never written."""
    if path is None:
        return True
    try:
        return Path(path).resolve() == config_path().resolve()
    except OSError:
        return False
