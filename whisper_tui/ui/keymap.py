"""The [keymap] in effect: the keymap an app applies, and the keys it leaves an action.

Plain Python: headless mode checks a [keymap] (keymap_conflicts.py) without importing Textual.
How a key is written for people is keys.py's.
"""

from __future__ import annotations

from collections.abc import Mapping

from whisper_tui.ui.action_types import Action


def keys_in_effect(action: Action, keymap: Mapping[str, str]) -> list[str]:
    """The keys that run `action` now: the keymap's for its id, else its defaults."""
    keys = keymap.get(action.id) or action.keys
    return [key.strip() for key in keys.split(",") if key.strip()]


def active_keymap(app: object) -> Mapping[str, str]:
    """The keymap an app applies (set_keymap). Textual keeps it in `App._keymap` and has no
    public getter; its binding chain reads the same attribute."""
    keymap: Mapping[str, str] = getattr(app, "_keymap", {})
    return keymap
