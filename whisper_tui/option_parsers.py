"""The options' parsers: a flag's text, or a config-file value, to the typed value.

Each raises ValueError with a one-line message, the same for a flag and for the config file
(the option table in `options.py` names which parser reads which option).
"""

from __future__ import annotations

from collections.abc import Callable

from whisper_tui.core.redaction import shown_url
from whisper_tui.core.signatures import get_scheme
from whisper_tui.core.signatures.checking import ordinal
from whisper_tui.core.signatures.secret_args import usable
from whisper_tui.core.sizes import parse_size
from whisper_tui.core.targets import validate_target
from whisper_tui.option_types import toml_name


def parse_port(text: str) -> int:
    """'8080' -> 8080; 0 picks a free port."""
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise ValueError(f"port {value} is outside 0-65535")
    return value


def parse_count(text: str) -> int:
    """A whole number of at least 1; '100_000' and '100,000' are read as 100000."""
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise ValueError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise ValueError(f"must be at least 1, got {value}")
    return value


def _at_least_a_byte(text: str, otherwise: str) -> int:
    """A size of at least 1 byte; under it, `otherwise` says what the value would do."""
    value = parse_size(text)
    if value < 1:
        raise ValueError(f"must be at least 1 B, got {text!r} ({otherwise})")
    return value


def parse_body_limit(text: str) -> int:
    """--max-body: 0 (or '0.5') is no cap but a refusal of every body: each would be
    answered 413, so it is taken for a mistake."""
    return _at_least_a_byte(text, "every body would get 413")


def parse_memory_limit(text: str) -> int:
    """--max-memory: under a byte the store would keep only the newest capture (it always
    keeps one), which no one asks for on purpose."""
    return _at_least_a_byte(text, "only the newest capture would be kept")


def parse_seconds(text: str) -> float:
    """A duration in seconds, not negative."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise ValueError("must not be negative")
    return value


def parse_tolerance(text: str) -> tuple[str, float]:
    """'600' -> ('', 600.0), every scheme; 'svix=60' -> ('standard', 60.0), one scheme."""
    name, sep, seconds = text.rpartition("=")
    if not sep:
        return "", parse_seconds(text)
    return get_scheme(name).name, parse_seconds(seconds.strip())


def tolerance_table(value: object) -> tuple[tuple[str, float], ...]:
    """`tolerance = 600` or `tolerance = {paddle = 60}` -> (scheme or '', seconds) pairs."""
    if not isinstance(value, dict):
        return (parse_tolerance(str(value)),)
    for seconds in value.values():
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise ValueError(f"expected a number of seconds per scheme, got {toml_name(seconds)}")
    return tuple(parse_tolerance(f"{name}={seconds}") for name, seconds in value.items())


def parse_forward_url(text: str) -> str:
    """An http(s) URL captures can be sent to ('' means none, as it always has)."""
    problem = validate_target(text) if text else None
    if problem:
        raise ValueError(f"{shown_url(text)!r}: {problem}")  # a password masked
    return text


def parse_public_url(text: str) -> str:
    """The base URL senders post to; it must say http:// or https://."""
    if text and not text.startswith(("http://", "https://")):
        raise ValueError(f"must start with http:// or https://, got {text!r}")
    return text


class TableProblems(ValueError):
    """A table's entries that can't be used, every one (one line each), not just the first."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


def _each_entry(table: dict[str, object], read: Callable[[str, object], None]) -> None:
    """`read(key, value)` for every entry; TableProblems with every entry's ValueError."""
    problems = []
    for key, given in table.items():
        try:
            read(key, given)
        except ValueError as problem:
            problems.append(str(problem))
    if problems:
        raise TableProblems(problems)


def secrets_table(value: object) -> tuple[tuple[str, str], ...]:
    """The [secrets] table -> (scheme, secret) pairs, a scheme's list in its order."""
    # [secrets] holds `scheme = "secret"` or `scheme = ["secret", "older secret"]` lines: each
    # secret is read as --secret scheme=secret would be. Values are never echoed: secrets.
    assert isinstance(value, dict)
    pairs: list[tuple[str, str]] = []

    def read(scheme: str, given: object) -> None:
        # Errors in the file's own terms (`github = "..."`), not --secret's SCHEME=SECRET.
        if isinstance(given, list):
            if not given:
                raise ValueError(f"{scheme}: expected a secret or a list of secrets, got []")
            secrets = given
        else:
            secrets = [given]
        name = get_scheme(scheme).name  # an unknown scheme: 'unknown signature scheme ...'
        count = len(secrets)
        for position, secret in enumerate(secrets, 1):
            if not isinstance(secret, str):
                raise ValueError(
                    f"{scheme}: expected the secret as a string, got {toml_name(secret)}"
                )
            if not secret and isinstance(given, list):
                raise ValueError(
                    f"{scheme}: the {ordinal(position)} of the list's {count} secrets is "
                    "empty; remove it from the list"
                )
            if not secret:
                raise ValueError(
                    f'{scheme}: the secret is empty ({scheme} = ""); give it, '
                    f'{scheme} = "SECRET", or remove the line'
                )
            usable(name, secret)  # 'standard: the secret is not valid base64 ...'
            pairs.append((name, secret))

    _each_entry(value, read)
    return tuple(pairs)


def keymap_table(value: object) -> tuple[tuple[str, str], ...]:
    """The [keymap] table -> (binding id, keys) pairs, sorted; each keys a string like "r,ctrl+r".

    Which binding ids exist is checked once the port is bound (cli.keymap_problem), against
    the action table (plain Python: headless mode checks it too without importing Textual).
    """
    assert isinstance(value, dict)

    def read(action_id: str, keys: object) -> None:
        if not isinstance(keys, str):
            raise ValueError(f"{action_id}: expected keys as a string, got {toml_name(keys)}")
        names = keys.split(",")
        if not keys.strip() or any(
            not name.strip() or name.strip().endswith("+") for name in names
        ):
            raise ValueError(f'{action_id}: {keys!r} is not a list of keys like "r,ctrl+r"')

    _each_entry(value, read)
    return tuple(sorted((str(key), str(keys)) for key, keys in value.items()))


THEMES = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)
"""Textual's built-in themes (tests/test_option_parsers.py compares them with Textual's own):
the config file's theme is checked against them before the port is bound, without importing
Textual (0.6 s); only a name not here asks Textual, in case a newer one has more."""


def parse_theme(text: str) -> str:
    """A Textual theme's name, as the palette writes it back to the config file."""
    if text in THEMES:
        return text
    from textual.theme import BUILTIN_THEMES  # a typo, or a theme newer than THEMES

    if text in BUILTIN_THEMES:
        return text
    raise ValueError(f"unknown theme {text!r}; known: {', '.join(sorted(BUILTIN_THEMES))}")
