"""Keys written for people, the help rows they make, and the README's key table."""

from __future__ import annotations

from pathlib import Path

import pytest

from whisper_tui.ui.action_types import Action
from whisper_tui.ui.keys import (
    HelpRow,
    again_says,
    display_key,
    help_rows,
    readme_key_table,
    row_keys,
)

README = Path(__file__).parents[2] / "README.md"


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("question_mark", "?"),
        ("slash", "/"),
        ("escape", "Esc"),
        ("ctrl+p", "Ctrl+P"),
        ("shift+tab", "Shift+Tab"),
        ("pagedown", "PgDn"),
        ("up", "↑"),
        ("G", "G"),
        ("r", "r"),
        ("full_stop", "."),
        ("delete", "Del"),
        ("f5", "F5"),
    ],
)
def test_display_key_writes_keys_as_people_do(key, shown):
    assert display_key(key) == shown


def test_the_two_ends_of_a_motion_line_up_their_alternatives():
    assert row_keys([("", ["↑", "k"]), (" ", ["↓", "j"])]) == "↑ ↓ / k j"
    assert row_keys([("", ["m"]), (" / ", ["M"])]) == "m / M"
    assert row_keys([("", ["Esc", "q"])]) == "Esc / q"
    # Unequal counts (after a remap): each action's keys stay together.
    assert row_keys([("", ["↑", "k"]), (" ", ["n"])]) == "↑ k / n"


def test_actions_sharing_a_row_join_their_text_and_actions_out_of_the_help_are_left_out():
    actions = [
        Action("a_up", "up", "Up", "list", "previous"),
        Action("a_down", "down", "Down", "list", "next", joins_row=" "),
        Action("a_hidden", "x", "Hidden", "list", "never shown", section=None),
        Action("a_mark", "m", "Mark", "app", "mark", section="List"),
        Action("a_quit", "q", "Quit", "app", "quit"),
    ]
    assert help_rows({}, actions) == [
        HelpRow("List", "↑ ↓", "previous / next"),
        HelpRow("List", "m", "mark"),
        HelpRow("Anywhere", "q", "quit"),
    ]


def test_the_readme_key_table_is_the_action_tables():
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("## Keys") + 2
    end = lines.index("", start)
    assert lines[start:end] == readme_key_table()


class Keyed:
    """Stands for an app: only its keymap is read (what set_keymap leaves in `_keymap`)."""

    def __init__(self, keymap: dict[str, str]) -> None:
        self._keymap = keymap


@pytest.mark.parametrize(
    ("keymap", "said"),
    [
        ({}, "Esc again discards them (or q outside a text field)"),
        ({"edit_replay_cancel": "ctrl+g"}, "Ctrl+G again discards them"),
        ({"edit_replay_cancel": "x"}, "x again discards them (outside a text field)"),
    ],
)
def test_again_names_every_key_of_the_action_and_where_a_typed_one_works(keymap, said):
    # The R editor's warning named Esc alone, where q discards the edits too.
    assert again_says(Keyed(keymap), "edit_replay_cancel", "discards them") == said
