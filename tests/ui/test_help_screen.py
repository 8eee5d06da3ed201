"""The `?` screen lists the keys in effect: a [keymap] remap shows there, not the default."""

from __future__ import annotations

import pytest
from rich.console import Console
from textual.widgets import Static

from tests.helpers import (
    app_with_captures,
    numbered_capture,
    screen_text,
    wait_for_list,
    wait_until,
)
from whisper_tui.core.settings import Settings
from whisper_tui.ui.action_registry import all_actions
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.help_screen import HelpScreen, closing_hint, keys_table
from whisper_tui.ui.keymap import keys_in_effect


def table_lines(keymap: dict[str, str]) -> list[str]:
    console = Console(width=120, record=True, color_system=None)
    console.print(keys_table(keymap))
    return [line.rstrip() for line in console.export_text().splitlines()]


def row_for(lines: list[str], text: str) -> str:
    [row] = [line for line in lines if text in line]
    return row


def test_the_table_groups_rows_by_section_with_the_default_keys():
    lines = table_lines({})
    assert row_for(lines, "this help").split() == ["Anywhere", "?", "this", "help"]
    assert row_for(lines, "mark or unmark").split()[:3] == ["m", "/", "M"]
    assert row_for(lines, "previous / next capture").split()[:6] == [
        "List",
        "↑",
        "↓",
        "/",
        "k",
        "j",
    ]
    assert "Ctrl+P" in row_for(lines, "command palette")
    assert "q / Ctrl+C" in row_for(lines, "quit")
    # A blank line between sections, none inside one.
    detail = lines.index(row_for(lines, "scroll a line"))
    assert lines[detail - 1] == ""


def test_a_remap_shows_the_new_keys_instead_of_the_defaults():
    lines = table_lines({"replay": "ctrl+r", "list_down": "n", "diff_expand": "x,enter"})
    replay = row_for(lines, "replay the selected capture")
    assert "Ctrl+R" in replay and " r " not in replay
    # One end of a pair remapped: each action's keys stay together.
    assert "↑ k / n" in row_for(lines, "previous / next capture")
    assert "x / Enter" in row_for(lines, "expand the folded")


def test_the_closing_hint_names_the_close_keys_in_effect():
    assert closing_hint({}) == "Esc, q or ? closes this screen."
    assert closing_hint({"help_close": "escape,x"}) == "Esc or x closes this screen."
    assert closing_hint({"help_close": "f1"}) == "F1 closes this screen."


async def test_the_help_screen_shows_ctrl_r_for_replay_after_a_keymap_remap():
    app = WhisperApp(Settings(port=0, keymap=(("replay", "ctrl+r"),)), serve=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        row = row_for(screen_text(app).splitlines(), "replay the selected capture")
        assert "Ctrl+R" in row


async def test_a_remapped_close_key_closes_the_help():
    app = WhisperApp(Settings(port=0, keymap=(("help_close", "escape,x"),)), serve=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        hint = app.screen.query_one("#help-hint", Static)
        assert str(hint.content) == "Esc or x closes this screen."
        await pilot.press("x")
        await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))


def test_help_texts_name_other_actions_keys_as_remapped():
    keymap = {"replay": "ctrl+r", "probe": "P", "replay_target": "ctrl+t", "edit_replay": "E"}
    lines = table_lines(keymap)
    # R edits and sets the same target (its send becomes r's): T's row says they share it.
    assert "of Ctrl+R, P and the exports, which E shares" in row_for(lines, "replay target of")
    assert "Ctrl+T changes it" in row_for(lines, "replay the selected capture")
    defaults = table_lines({})
    assert "of r, I and the exports, which R shares" in row_for(defaults, "replay target of")
    assert "T changes it" in row_for(defaults, "replay the selected capture")


async def test_the_palette_and_the_top_bar_name_the_keys_in_effect():
    keymap = (("replay", "ctrl+r"), ("undo_delete", "ctrl+u"), ("list_last", "ctrl+e"))
    app = WhisperApp(Settings(port=0, keymap=keymap), serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        helps = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert (
            helps["Change replay target"] == "Edit where Ctrl+R, R, I and curl/HTTPie exports send"
        )
        assert helps["Clear all captures"] == "Delete every capture (Ctrl+U undoes)"
        for number in range(3):
            app.store.add(numbered_capture(number + 1))
        await pilot.press("up")
        await wait_until(pilot, lambda: "Ctrl+E to follow" in screen_text(app).splitlines()[0])


async def keys_reaching(app, pilot, widget, *, finding: bool) -> set[tuple[str, str]]:
    """(key, action id) for each key that runs an action of the table with `widget` focused,
    as Textual resolves it (nearest binding first, disabled ones passed over)."""
    widget.focus()
    if finding:  # the detail's find keys (Enter, n, N, Esc) only act while a find is on
        app.detail.find("n")
    await pilot.pause()
    ids = {action.id: action for action in all_actions()}
    reached = set()
    for key, active in app.screen.active_bindings.items():
        binding = active.binding
        if binding.id in ids:
            reached.add((key, binding.id))
        # The screen's own Tab runs the app's focus_next: the same action, without our id.
        for action in ids.values():
            if action.scope == "app" and binding.action == f"app.{action.runs}":
                reached.add((key, action.id))
    return reached


async def test_each_key_is_listed_under_where_it_works():
    # m / M, d, [ ] and v work whichever pane has the focus, yet were listed under one pane.
    app = app_with_captures(3)
    async with app.run_test(size=(120, 40)) as pilot:
        in_list = await keys_reaching(app, pilot, app.request_list, finding=False)
        in_detail = await keys_reaching(app, pilot, app.detail, finding=False)
        in_detail |= await keys_reaching(app, pilot, app.detail, finding=True)
        # Pressed, they act: m and M from the detail, v from the list.
        app.detail.focus()
        await pilot.press("m")
        await wait_until(pilot, lambda: len(app.request_list.marked) == 1)
        await pilot.press("M")
        await wait_until(pilot, lambda: not app.request_list.marked)
        app.request_list.focus()
        mode = app.detail.body_mode
        await pilot.press("v")
        await wait_until(pilot, lambda: app.detail.body_mode != mode)
    wrong = []
    for action in all_actions():
        if action.help_section not in ("Anywhere", "List", "Detail"):
            continue
        for key in keys_in_effect(action, {}):
            where = {"List": (key, action.id) in in_list, "Detail": (key, action.id) in in_detail}
            truth = (
                "Anywhere"
                if all(where.values())
                else next((n for n, y in where.items() if y), "nowhere")
            )
            if action.help_section != truth:
                wrong.append(f"{key} ({action.id}) under {action.help_section}, works: {truth}")
    assert not wrong


async def test_j_k_g_g_scroll_the_help_as_they_move_the_list():
    # ↓ PgDn Home End scrolled it; j and k, pressed by every mitmproxy hand, did nothing.
    app = WhisperApp(Settings(port=0), serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        box = app.screen.query_one("#help-keys")
        await wait_until(pilot, lambda: box.max_scroll_y > 2)
        await pilot.press("j", "j")
        await wait_until(pilot, lambda: box.scroll_y == 2)
        await pilot.press("k")
        await wait_until(pilot, lambda: box.scroll_y == 1)
        await pilot.press("G")
        await wait_until(pilot, lambda: box.scroll_y == box.max_scroll_y)
        await pilot.press("g")
        await wait_until(pilot, lambda: box.scroll_y == 0)
        assert isinstance(app.screen, HelpScreen)


# -- ? on every screen: help, or a character typed into a text field ----------------------------


CASES = {
    "diff": (("m", "up", "d"), "DiffScreen", None),
    "export": (("e",), "ExportScreen", None),
    "export-preview": (("e",), "ExportScreen", "#export-preview-box"),
    "export-path": (("e",), "ExportScreen", "#export-path"),
    "export-button": (("e",), "ExportScreen", "#export-copy-button"),
    "edit-replay-button": (("R",), "EditReplayScreen", "#edit-send"),
    "edit-replay-method": (("R",), "EditReplayScreen", "#edit-method"),
    "edit-replay-headers": (("R",), "EditReplayScreen", "#edit-headers"),
    "probe": (("I",), "ProbePrompt", None),  # a count: ? can't be typed there, so help
    "url-prompt": (("r",), "UrlPrompt", None),
}


def field_text(widget: object) -> str | None:
    from textual.widgets import Input, TextArea

    if isinstance(widget, Input):
        return widget.value
    return widget.text if isinstance(widget, TextArea) else None


@pytest.mark.parametrize("case", list(CASES))
async def test_question_mark_opens_the_help_or_is_typed_into_a_text_field(case):
    # On the diff (and a dialog with a button, a choice or the preview focused) ? did nothing.
    from whisper_tui.core.store import RequestStore

    keys, screen, focus = CASES[case]
    store = RequestStore()
    for number in (1, 2):
        store.add(numbered_capture(number))
    target = "http://127.0.0.1:9/hooks" if case != "url-prompt" else None
    app = WhisperApp(Settings(port=0, forward_url=target), store=store, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_list(pilot, app, 2)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await wait_until(pilot, lambda: type(app.screen).__name__ == screen)
        if focus is not None:
            app.screen.query_one(focus).focus()
            await pilot.pause()
        focused = app.focused
        before = field_text(focused) if case != "probe" else None
        await pilot.press("question_mark")
        await pilot.pause()
        if before is not None:  # a text field: typed there
            assert field_text(focused) != before and "?" in (field_text(focused) or "")
            assert type(app.screen).__name__ == screen
        else:
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
            await pilot.press("escape")  # and back to where it was opened
            await wait_until(pilot, lambda: type(app.screen).__name__ == screen)


async def test_on_the_diff_the_help_shows_the_diffs_keys_first():
    app = app_with_captures(2)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_list(pilot, app, 2)
        for key in ("m", "up", "d", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = screen_text(app)
        assert "next / previous change" in shown
        assert shown.index("next / previous change") < shown.index("this help")
