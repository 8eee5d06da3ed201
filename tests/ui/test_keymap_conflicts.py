"""A [keymap] that gives one key two actions where both work is refused, in one line."""

from __future__ import annotations

import pytest

from whisper_tui.ui.action_registry import all_actions
from whisper_tui.ui.keymap_conflicts import binding_key, is_key, keymap_conflict, unknown_key


def conflict(**keymap: str) -> str | None:
    return keymap_conflict(keymap, all_actions())


def test_the_default_keys_restated_or_swapped_are_no_conflict():
    assert conflict() is None
    assert conflict(**{action.id: action.keys for action in all_actions()}) is None
    assert conflict(replay="e", export="r") is None
    assert conflict(replay="r,ctrl+r") is None
    # The diff's and the help screen's q close them, as by default.
    assert conflict(diff_back="escape,q", help_close="q") is None


@pytest.mark.parametrize("key", ["q", "ctrl+c", "ctrl+q"])
def test_no_action_takes_a_quit_key(key):
    assert conflict(replay=key) == f'keymap: replay = "{key}" takes {key}, which quits' + (
        " (q, ctrl+c and ctrl+q always do)"
    )
    # Not even once quit itself has moved, nor in the detail, where it would win over quit.
    assert conflict(quit="ctrl+x", export=key) is not None
    assert conflict(detail_find=key) is not None


def test_a_key_another_action_has_where_both_work_is_refused():
    assert conflict(export="r") == (
        'keymap: export = "r" takes r, which replay has; a key does one thing '
        "(give replay another key too, or export a free one)"
    )
    # The detail's keys beside the app's: the focused detail's would win.
    assert conflict(detail_wrap="m") is not None
    assert conflict(mark="w") is not None
    # Ctrl+P (priority) wins in every screen, dialogs included.
    assert conflict(export_copy="ctrl+p") is not None


def test_the_help_key_the_diff_and_the_dialogs_bind_themselves_is_checked_there():
    # The diff and the dialogs bind their own copy of help's key (the app's never reaches
    # them): checked only as the app's, `diff_sort_keys = "?"` was taken and ? sorted the
    # diff, the help unreachable there.
    assert conflict(diff_sort_keys="?") == (
        'keymap: diff_sort_keys = "?" takes question_mark, which help has; a key does one '
        "thing (give help another key too, or diff_sort_keys a free one)"
    )
    assert conflict(help="s") == (
        'keymap: help = "s" takes s, which diff_sort_keys has; a key does one thing '
        "(give diff_sort_keys another key too, or help a free one)"
    )
    assert conflict(help="ctrl+y") is not None  # the export dialog's copy
    assert conflict(edit_replay_send="f1", help="f1") is not None
    # Moved together with help, or to a key free there too, it is no conflict.
    assert conflict(help="f1") is None
    assert conflict(help="f1", diff_sort_keys="?") is None


def test_keys_that_never_meet_may_be_the_same():
    # The list's and the detail's keys never meet: one of them has the focus.
    assert conflict(list_first="y") is None
    # The diff's keys are not the detail's.
    assert conflict(diff_sort_keys="w") is None


@pytest.mark.parametrize(
    ("key", "taken_from"), [("?", "help"), ("/", "filter"), ("[", "previous_arrival")]
)
def test_a_key_spelled_as_its_character_conflicts_with_its_name(key, taken_from):
    # Textual binds '?' as question_mark, help's default key: spelled apart, the same key.
    said = conflict(replay=key)
    assert said is not None and said.startswith(f'keymap: replay = "{key}" takes ')
    assert f"which {taken_from} has" in said


def test_binding_key_names_characters_as_textual_binds_them():
    # Textual itself is the oracle for its conversion (the module must not import it).
    from textual.keys import _character_to_key

    for code in range(32, 127):
        character = chr(code)
        assert binding_key(character) == _character_to_key(character), character
    assert binding_key("\t") == _character_to_key("\t") == "tab"
    assert binding_key("ctrl+c") == "ctrl+c" and binding_key("f1") == "f1"


def test_every_key_textual_names_is_a_key_and_made_up_ones_are_not():
    from textual.keys import Keys

    for key in Keys:
        if not key.value.startswith("<") and key.value != "ctrl-at":  # internal markers
            assert is_key(key.value), key.value
    for key in ("r", "R", "?", "question_mark", "left_square_bracket", "slash", "ctrl+shift+x"):
        assert is_key(key), key
    for key in ("notakey!!", "ctrl+", "foo+r", "pgdn", "question mark", ""):
        assert not is_key(key), key
    said = unknown_key({"body_view": "v,notakey!!"})
    assert said is not None and said.startswith('keymap: body_view = "v,notakey!!": ')
    assert unknown_key({"body_view": "v,ctrl+b"}) is None


def test_shift_and_a_letter_is_the_capital_a_terminal_sends():
    # Textual gets R (not shift+r) when Shift+R is pressed: 'shift+r' took edit_replay's key.
    assert binding_key("shift+r") == "R"
    said = conflict(mark="b,shift+r")
    assert said is not None and "takes R, which edit_replay has" in said


def test_every_default_key_is_a_key():
    for action in all_actions():
        for key in action.keys.split(","):
            assert is_key(key.strip()), (action.id, key)
