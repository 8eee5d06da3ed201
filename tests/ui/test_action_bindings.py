"""What Textual gets from the action table: bindings with ids in the footer's order, the
palette's actions once each, the actions that only work on the main screen."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.helpers import app_with_captures as app_with
from whisper_tui.ui.action_bindings import bindings_for, main_screen_only
from whisper_tui.ui.actions import ACTIONS
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.detail import RequestDetail
from whisper_tui.ui.diff_screen import DiffScreen, DiffView
from whisper_tui.ui.export_screen import ExportScreen
from whisper_tui.ui.help_screen import HelpScreen
from whisper_tui.ui.replay_screens import EditReplayScreen, UrlPrompt
from whisper_tui.ui.request_list import RequestList
from whisper_tui.ui.scrolling import KeyScroll

BINDING_OWNERS = {
    "app": WhisperApp,
    "list": RequestList,
    "detail": RequestDetail,
    "diff_view": DiffView,
    "diff": DiffScreen,
    "help_screen": HelpScreen,
    "url_prompt": UrlPrompt,
    "edit_replay_screen": EditReplayScreen,
    "export_screen": ExportScreen,
    "scroll_box": KeyScroll,
}


@pytest.mark.parametrize("scope", BINDING_OWNERS)
def test_each_widget_and_screen_takes_its_bindings_from_the_table_each_with_an_id(scope):
    owner = BINDING_OWNERS[scope]
    declared = owner.__dict__["BINDINGS"]
    assert [b.id for b in declared] == [b.id for b in bindings_for(scope)]
    assert all(binding.id for binding in declared)


def test_the_footer_order_comes_first_and_hidden_bindings_follow():
    shown = [b.description for b in bindings_for("app") if b.show]
    assert shown == [
        "Quit",
        "Help",
        "Filter",
        "Replay",
        "Edit+replay",
        "Export",
        "Mark",
        "Diff",
        "Answer mode",
        "Switch pane",
    ]


def test_list_actions_only_work_on_the_main_screen():
    assert main_screen_only("replay") and main_screen_only("help")
    assert not main_screen_only("quit") and not main_screen_only("focus_next")


async def test_the_palette_lists_each_of_our_actions_exactly_once():
    app = app_with(0)
    async with app.run_test(size=(140, 40)):
        titles = Counter(command.title for command in app.get_system_commands(app.screen))
    ours = [action.palette for action in ACTIONS if action.palette]
    assert ours and all(titles[title] == 1 for title in ours)
    assert titles["Keys"] == 1  # ours; Textual's own key panel entry is not listed beside it


async def test_a_keymap_keeps_the_footers_order():
    # Textual moves a remapped binding to the end: replay = "r,ctrl+r" pushed r Replay off
    # the footer at 80 columns.
    from textual.widgets._footer import FooterKey

    from whisper_tui.core.settings import Settings
    from whisper_tui.ui.app import WhisperApp

    orders = []
    for keymap in ((), (("replay", "r,ctrl+r"), ("mark", "space"))):
        app = WhisperApp(Settings(port=0, keymap=keymap))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            orders.append([key.action for key in app.screen.query(FooterKey)])
    assert orders[0] and "replay" in orders[0]
    assert orders[1] == orders[0]


def test_the_help_a_screen_binds_itself_works_there():
    assert main_screen_only("help") and not main_screen_only("help", ("Diff",))
