"""The `?` screen lists the keys in effect: a [keymap] remap shows there, not the default."""

from __future__ import annotations

from rich.console import Console
from textual.widgets import Static

from tests.helpers import numbered_capture, screen_text, wait_until
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.help_screen import HelpScreen, closing_hint, keys_table


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
    assert row_for(lines, "mark or unmark").split()[:4] == ["List", "m", "/", "M"]
    assert row_for(lines, "previous / next capture").split()[:5] == ["↑", "↓", "/", "k", "j"]
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
    lines = table_lines({"replay": "ctrl+r", "probe": "P", "replay_target": "ctrl+t"})
    assert "of Ctrl+R, P and the exports" in row_for(lines, "change the replay target")
    assert "Ctrl+T changes it" in row_for(lines, "replay the selected capture")
    defaults = table_lines({})
    assert "of r, I and the exports" in row_for(defaults, "change the replay target")
    assert "T changes it" in row_for(defaults, "replay the selected capture")


async def test_the_palette_and_the_top_bar_name_the_keys_in_effect():
    keymap = (("replay", "ctrl+r"), ("undo_delete", "ctrl+u"), ("list_last", "ctrl+e"))
    app = WhisperApp(Settings(port=0, keymap=keymap), serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        helps = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert helps["Change replay target"] == "Edit where Ctrl+R, I and curl/HTTPie exports send"
        assert helps["Clear all captures"] == "Delete every capture (Ctrl+U undoes)"
        for number in range(3):
            app.store.add(numbered_capture(number + 1))
        await pilot.press("up")
        await wait_until(pilot, lambda: "Ctrl+E to follow" in screen_text(app).splitlines()[0])
