"""What an option is: where it can be given (flag, config key), how its text is read, what it fills.

The table of every option is `whisper_tui/options.py`; the parsers its entries name are in
`option_parsers.py`. This module holds the entry's shape and how a config-file value is checked
against the TOML types an option takes before its parser reads it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from whisper_tui.core.settings import Settings

Action = Literal["store", "store_true", "append"]


def as_text(text: str) -> str:
    """The parser of options whose value is the text itself."""
    return text


@dataclass(frozen=True, slots=True)
class Option:
    """One setting: where it can be given (flag, config key), how it is read, what it fills."""

    field: str
    """The Settings field it fills."""
    help: str | Callable[[], str]
    """Help text for --help (a function when it names something known only at run time)."""
    flag: str | None = None
    """The command-line flag, or None when only the config file sets it."""
    parse: Callable[[str], Any] = as_text
    """Text -> typed value, raising ValueError with a one-line message; flags and file share it."""
    config_key: str | None = None
    """The key in config.toml, or None when the file can't set it."""
    config_types: tuple[type, ...] = (str,)
    """The TOML types the file may give; the value is then read by `parse` like a flag's text."""
    from_table: Callable[[object], Any] | None = None
    """For a [table] in the file: reads the whole table instead of `parse`."""
    parse_in_file: Callable[[str, Path], Any] | None = None
    """For values naming files: reads a file's value with the file's directory, which its
    relative paths are relative to (as in most tools' config files); flags keep `parse`."""
    action: Action = "store"
    """argparse action: a value, a switch, or a repeatable value (a list in the file)."""
    group: str | None = None
    """The --help section it is listed under (None: the main list)."""
    metavar: str | None = None

    @property
    def name(self) -> str:
        """How messages name it: the flag, or the config key for file-only settings."""
        return self.flag or str(self.config_key)

    @property
    def default(self) -> Any:
        """The value when neither flag nor file gives one: the Settings field's default."""
        return _SETTINGS_DEFAULTS[self.field]

    def help_text(self) -> str:
        """The help text, resolved now."""
        return self.help() if callable(self.help) else self.help

    def from_config(self, value: object, directory: Path = Path()) -> Any:
        """The typed value for a config-file value (relative paths in it are `directory`'s);
        ValueError in one line when it is unusable."""
        if not _is_instance(value, self.config_types):
            expected = " or ".join(TOML_NAMES[kind] for kind in self.config_types)
            raise ValueError(f"expected {expected}, got {toml_name(value)}")
        if self.from_table is not None:
            return self.from_table(value)
        if self.action == "store_true":
            return value

        def parse(text: str) -> Any:
            if self.parse_in_file is not None:
                return self.parse_in_file(text, directory)
            return self.parse(text)

        if self.action == "append":
            assert isinstance(value, list)
            if not all(isinstance(item, str) for item in value):
                raise ValueError("every entry must be a string")
            return tuple(parse(item) for item in value)
        return parse(str(value))


_SETTINGS_DEFAULTS: dict[str, Any] = {
    field.name: field.default for field in dataclasses.fields(Settings)
}

TOML_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a table",
}


def toml_name(value: object) -> str:
    """How a TOML document would name `value`'s type: 'a string', 'true or false', ..."""
    # bool first: TOML's true is an int to isinstance.
    for kind in (bool, str, int, float, list, dict):
        if isinstance(value, kind):
            return TOML_NAMES[kind]
    return type(value).__name__


def _is_instance(value: object, kinds: tuple[type, ...]) -> bool:
    # TOML's true is a Python int too; it is only a bool where a bool is expected.
    if isinstance(value, bool) and bool not in kinds:
        return False
    return isinstance(value, kinds)
