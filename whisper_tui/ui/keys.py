"""How keys are written for people: the help screen's rows and the README's key table, both
built from the action table with the keys in effect."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from textual.keys import key_to_character

from whisper_tui.ui.action_registry import all_actions, get_action
from whisper_tui.ui.action_types import Action
from whisper_tui.ui.keymap import active_keymap, keys_in_effect

_NAMES = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "slash": "/",
    "space": "Space",
    "backspace": "Backspace",
    "delete": "Del",
    "insert": "Ins",
}
_MODIFIERS = {"ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "meta": "Meta", "super": "Super"}


def display_key(key: str) -> str:
    """A Textual key name as a person writes it: `question_mark` -> `?`, `ctrl+p` -> `Ctrl+P`."""
    *modifiers, name = key.split("+")
    if name in _NAMES:
        shown = _NAMES[name]
    elif len(name) == 1:
        shown = name.upper() if modifiers else name
    else:
        character = key_to_character(name)
        # Names like "escape" or "delete" also map to characters, unprintable ones.
        shown = character if character and character.isprintable() else name.capitalize()
    return "+".join([*(_MODIFIERS.get(m, m.capitalize()) for m in modifiers), shown])


def key_name(action_id: str, keymap: Mapping[str, str]) -> str:
    """The first key in effect for an action, as a person writes it ('T', or 'Ctrl+T' once a
    keymap moved it there)."""
    return display_key(keys_in_effect(get_action(action_id), keymap)[0])


def name_keys(text: str, keymap: Mapping[str, str]) -> str:
    """`text` with each `{action_id}` written as that action's key in effect: help texts
    that name another action's key ('{replay_target} changes it') follow a [keymap]."""
    return re.sub(r"\{(\w+)\}", lambda match: key_name(match[1], keymap), text)


def hint(app: object, text: str) -> str:
    """A hint for `app`'s screen, its `{action_id}`s written as the keys in effect there:
    '{url_cancel} cancels' reads 'Esc cancels', or 'Ctrl+G cancels' after a [keymap]."""
    return name_keys(text, active_keymap(app))


def again_says(app: object, action_id: str, does: str) -> str:
    """'Esc again discards them (or q outside a text field)': every key in effect for an
    action on `app`'s screen, pressed again, does `does`; a key a text field would type (q)
    works only outside one. The first key alone ('Esc') hid that q discards as well."""
    keys = keys_in_effect(get_action(action_id), active_keymap(app))
    typed = " or ".join(display_key(key) for key in keys if is_typed_in_a_field(key))
    anywhere = " or ".join(display_key(key) for key in keys if not is_typed_in_a_field(key))
    if not typed:
        return f"{anywhere} again {does}"
    if not anywhere:
        return f"{typed} again {does} (outside a text field)"
    return f"{anywhere} again {does} (or {typed} outside a text field)"


def is_typed_in_a_field(key: str) -> bool:
    """Whether a text field takes `key` as text (q, ?, Space), so its binding never sees it."""
    character = key if len(key) == 1 else key_to_character(key)
    return "+" not in key and bool(character) and character.isprintable()


@dataclass(frozen=True)
class HelpRow:
    """One line of the key reference: where, which keys, what they do."""

    section: str
    keys: str
    text: str


def row_keys(parts: list[tuple[str, list[str]]]) -> str:
    """The keys of a row's actions, given as (joiner, keys) with the first joiner unused.

    When every action has as many keys, the alternatives line up: up `up,k` and down
    `down,j` joined by " " read `↑ ↓ / k j`. Otherwise each action's keys stay together.
    """
    counts = {len(keys) for _, keys in parts}
    if len(counts) == 1:
        alternatives = []
        for index in range(counts.pop()):
            text = parts[0][1][index]
            for joiner, keys in parts[1:]:
                text += joiner + keys[index]
            alternatives.append(text)
        return " / ".join(alternatives)
    return " / ".join(" ".join(keys) for _, keys in parts)


def help_rows(
    keymap: Mapping[str, str],
    actions: Iterable[Action] | None = None,
    show_key: Callable[[str], str] = display_key,
) -> list[HelpRow]:
    """The key reference, grouped by section, with the keys `keymap` leaves in effect."""
    grouped: dict[str, list[tuple[list[tuple[str, list[str]]], list[str]]]] = {}
    for action in all_actions() if actions is None else actions:
        section = action.help_section
        if section is None:
            continue
        keys = [show_key(key) for key in keys_in_effect(action, keymap)]
        rows = grouped.setdefault(section, [])
        if action.joins_row is not None and rows:
            parts, texts = rows[-1]
            parts.append((action.joins_row, keys))
        else:
            parts, texts = [("", keys)], []
            rows.append((parts, texts))
        if action.help:
            texts.append(name_keys(action.help, keymap))
    return [
        HelpRow(section, row_keys(parts), " / ".join(texts))
        for section, rows in grouped.items()
        for parts, texts in rows
    ]


def readme_key_table(actions: Iterable[Action] | None = None) -> list[str]:
    """The README's "Keys" table (default keys), line by line."""
    lines = ["| where | keys | what |", "|---|---|---|"]
    for row in help_rows({}, actions, show_key=lambda key: f"`{display_key(key)}`"):
        lines.append(f"| {row.section.lower()} | {row.keys} | {row.text} |")
    return lines
