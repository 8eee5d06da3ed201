"""A [keymap] that gives a key to a second action where both would work is refused.

Textual runs one binding per key press and picks it silently: `replay = "q"` took q from
quit, which stopped quitting without a word (no key but q and Ctrl+C may end the app, and
the help screen went on saying q quits). Plain Python, as the action table is: headless
mode checks the same file without importing Textual (tests/test_import_hygiene.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from whisper_tui.ui.action_types import Action, Scope, with_own_help
from whisper_tui.ui.keymap import keys_in_effect

MAIN_WINDOW: frozenset[Scope] = frozenset({"list", "detail", "find_bar"})
"""Scopes where the app's own keys work too: the focused widget's binding would win."""
QUIT_ACTIONS = ("quit", "help_quit", "quit_anywhere")
"""Their default keys (q, Ctrl+C, Ctrl+Q) always quit: no other action takes them, even
from a keymap that moved quit elsewhere."""


RENAMED = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
"""Textual's short names for a few characters' Unicode names (textual.keys; a test checks
binding_key against Textual's own conversion)."""
UNICODE_NAMES = {short: long for long, short in RENAMED.items()}
"""The other way round: slash -> solidus, for looking a key's name up in Unicode."""


MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED_KEYS = frozenset(
    {"escape", "enter", "return", "tab", "backspace", "space", "newline", "up", "down"}
    | {"left", "right", "home", "end", "insert", "delete", "pageup", "pagedown"}
    | {f"f{number}" for number in range(1, 25)}
)
"""Keys with a name of their own (textual.keys.Keys; a test checks every one is known here).
Other keys are a character, or a character's name (question_mark, slash)."""


def is_key(key: str) -> bool:
    """Whether Textual could ever run a binding on `key`: modifiers, then a character, a
    named key or a character's name. `body_view = "notakey!!"` was taken without a word and
    left the action with no key at all."""
    *modifiers, name = key.split("+")
    if not name or any(modifier not in MODIFIERS for modifier in modifiers):
        return False
    if len(name) > 1 and (name != name.lower() or " " in name):
        return False  # names are lower case, words joined by '_', as Textual writes them
    if len(name) == 1 or name in NAMED_KEYS:
        return len(name) > 1 or name.isprintable()
    unicode_name = UNICODE_NAMES.get(name, name)
    try:
        unicodedata.lookup(unicode_name.replace("_", " "))
    except KeyError:
        return False
    return True


def binding_key(key: str) -> str:
    """`key` as Textual binds it. A single character other than a letter or digit is bound
    by its Unicode name: `replay = "?"` takes question_mark, help's default key, though the
    two are spelled apart. Shift and a letter is the capital letter a terminal sends:
    `mark = "shift+r"` takes R, edit-and-replay's key."""
    modifier, plus, letter = key.partition("+")
    if modifier == "shift" and plus and len(letter) == 1 and letter.isalpha():
        return letter.upper()
    if len(key) != 1 or key.isalnum():
        return key
    if key == "\t":
        return "tab"
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:  # a control character without a name
        return key
    return RENAMED.get(name, name)


def _keys(action: Action, keymap: Mapping[str, str]) -> list[str]:
    return [binding_key(key) for key in keys_in_effect(action, keymap)]


def _meet(first: Action, second: Action) -> bool:
    """Whether a key bound to both could reach either: one scope, the app's keys beside a
    main-window widget's, or a priority key (Ctrl+C, Ctrl+Q, Ctrl+P), which wins anywhere."""
    scopes = {first.scope, second.scope}
    if len(scopes) == 1 or first.priority or second.priority:
        return True
    return "app" in scopes and bool(scopes & MAIN_WINDOW)


def unknown_key(keymap: Mapping[str, str]) -> str | None:
    """The first remapped key that is no key at all, said in one line; None when all are."""
    for action_id, keys in keymap.items():
        for key in (key.strip() for key in keys.split(",")):
            if key and not is_key(key):
                return (
                    f'keymap: {action_id} = "{keys}": {key!r} is not a key (keys are like '
                    '"r", "R", "ctrl+r", "f5", "pageup", "?" or "question_mark")'
                )
    return None


def keymap_conflict(keymap: Mapping[str, str], actions: Iterable[Action]) -> str | None:
    """The first remapped key that another action also has where both work, said in one
    line; None when there is none. Overlaps the defaults already have (Esc closing the find
    bar before it clears the filter) are by design and left alone."""
    # With the help's copies on the screens that bind it themselves (the diff, the dialogs):
    # checked only as the app's, `diff_sort_keys = "?"` left the diff without its help.
    table = list(with_own_help(tuple(actions)))
    effective = {action.id: _keys(action, keymap) for action in table}
    defaults = {action.id: _keys(action, {}) for action in table}
    quit_keys = {
        key for action in table if action.id in QUIT_ACTIONS for key in defaults[action.id]
    }
    for action in table:
        if action.id not in keymap:
            continue
        for key in effective[action.id]:
            if (
                action.id not in QUIT_ACTIONS
                and key in quit_keys
                and key not in defaults[action.id]  # the diff's and help's q close them
            ):
                keys = keymap[action.id]
                always = "(q, ctrl+c and ctrl+q always do)"
                return f'keymap: {action.id} = "{keys}" takes {key}, which quits {always}'
            for other in table:
                if other.id == action.id or key not in effective[other.id]:
                    continue
                if key in defaults[action.id] and key in defaults[other.id]:
                    continue
                if _meet(action, other):
                    keys = keymap[action.id]
                    return (
                        f'keymap: {action.id} = "{keys}" takes {key}, which {other.id} '
                        f"has; a key does one thing (give {other.id} another key too, or "
                        f"{action.id} a free one)"
                    )
    return None
