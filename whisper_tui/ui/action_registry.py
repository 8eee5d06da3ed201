"""Actions other modules add to the table, and every action by id.

A module outside the table adds an app-wide action with `register(action, handler)`: from then
on it is bound, in the palette and in the help of every app started. `all_actions` and
`get_action` read the table and these together. Plain Python, as the table is: headless mode
checks a [keymap]'s ids without importing Textual (tests/test_import_hygiene.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from whisper_tui.ui.action_types import CONTRIBUTED, Action
from whisper_tui.ui.actions import ACTIONS

Handler = Callable[[Any], object]
"""Runs a contributed action; it gets the app."""

_contributed: dict[str, tuple[Action, Handler]] = {}


def register(action: Action, handler: Handler) -> Action:
    """Add an app-wide action from another module: bound, in the palette and in the help of
    every app started from now on. `handler(app)` runs it. Returns the action as registered."""
    if action.scope != "app":
        raise ValueError(f"{action.id}: only app-wide actions can be registered")
    if any(known.id == action.id for known in all_actions()):
        raise ValueError(f"{action.id}: an action with this id exists")
    registered = replace(action, action=f"{CONTRIBUTED}({action.id!r})")
    _contributed[action.id] = (registered, handler)
    return registered


def unregister(action_id: str) -> None:
    """Remove a registered action (apps started afterwards no longer have it)."""
    _contributed.pop(action_id, None)


def run_contributed(action_id: str, app: object) -> None:
    """Run a registered action's handler on `app` (nothing if it was unregistered)."""
    if (entry := _contributed.get(action_id)) is not None:
        entry[1](app)


def contributed(action_id: str) -> Action | None:
    """The registered action with this id, if there is one."""
    entry = _contributed.get(action_id)
    return entry[0] if entry is not None else None


def contributed_actions() -> tuple[Action, ...]:
    """The registered actions, in the order they were registered."""
    return tuple(action for action, _ in _contributed.values())


def all_actions() -> tuple[Action, ...]:
    """The built-in actions, then those registered, in the help screen's order."""
    return ACTIONS + contributed_actions()


def get_action(action_id: str) -> Action:
    """The action with this id (KeyError if none)."""
    for action in all_actions():
        if action.id == action_id:
            return action
    raise KeyError(action_id)
