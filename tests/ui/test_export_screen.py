"""`e` exports: the preview is literal, copy goes to the clipboard, save writes the bytes."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator

import pytest
from textual.content import Content
from textual.widgets import Input, RadioButton, RadioSet, Static

from tests.helpers import screen_text, send_raw, wait_for_list, wait_for_screen, wait_until
from whisper_tui.core.export import ExportFormat, formats, render_export, unregister
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.export_screen import ExportScreen, default_directory, preview_text

BODY = b'{"esc":"\\u001b[2J ok"}'
RAW = (
    b"POST /hooks/[b]x[/b]?a=1 HTTP/1.1\r\nHost: h\r\nX-Markup: [red]boom[/red]\r\n"
    b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(BODY)
) + BODY


async def test_export_previews_copies_and_saves(tmp_path):
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(170, 50)) as pilot:
        await send_raw(app.port, RAW)
        await wait_for_list(pilot, app, 1)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        # "[red]boom[/red]" shown literally in the preview (worked out in a worker).
        await wait_for_screen(pilot, app, "[red]boom[/red]", "curl")
        [request] = list(app.store)
        expected = render_export("curl", [request], app.base_url)
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: app.clipboard == expected.decode())
        target = tmp_path / "export.sh"
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, app, "saved")
        assert target.read_bytes() == expected
        await pilot.press("ctrl+s")  # never overwrites
        await wait_for_screen(pilot, app, "exists")
        assert target.read_bytes() == expected


# -- the format choices are the export registry -------------------------------------------------

DUMMY_MODULE = "tests.fixtures.addons.dummy_export"


@pytest.fixture
def dummy_format() -> Iterator[ExportFormat]:
    """The dummy format's module imported fresh (its import registers it), removed afterwards."""
    sys.modules.pop(DUMMY_MODULE, None)
    module = importlib.import_module(DUMMY_MODULE)
    try:
        yield module.FORMAT
    finally:
        unregister(module.FORMAT.key)
        sys.modules.pop(DUMMY_MODULE, None)


def format_buttons(app: WhisperApp) -> list[RadioButton]:
    return list(app.screen.query_one("#export-format", RadioSet).query(RadioButton))


async def open_export(pilot, app: WhisperApp) -> None:
    await send_raw(app.port, RAW)
    await wait_for_list(pilot, app, 1)
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
    await wait_until(pilot, lambda: app.screen.output is not None)


async def choose(pilot, app: WhisperApp, key: str) -> bytes:
    """Click the format's radio button and wait for its export to be built; returns it."""
    [button] = [b for b in format_buttons(app) if b.name == key]
    await pilot.click(button)
    await wait_until(pilot, lambda: app.screen.format == key and app.screen.output is not None)
    return app.screen.output


async def test_the_format_choices_are_the_registered_formats_in_order():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(170, 50)) as pilot:
        await open_export(pilot, app)
        buttons = format_buttons(app)
        assert [(b.name, str(b.label)) for b in buttons] == [(f.key, f.label) for f in formats()]
        assert [str(b.label) for b in buttons] == [
            "curl",
            "HTTPie",
            "pytest",
            "raw HTTP",
            "JSON",
            "HAR 1.2",
        ]
        assert buttons[0].value  # curl, as before
        [request] = list(app.store)
        output = await choose(pilot, app, "har")
        assert output == render_export("har", [request], app.base_url, app.store.attempts)
        assert app.screen.query_one("#export-path", Input).value.endswith("/whisper-1.har")
        assert '"version": "1.2"' in screen_text(app)


async def test_the_dialog_reopens_on_the_format_last_chosen_in_the_session():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(170, 50)) as pilot:
        await open_export(pilot, app)
        await choose(pilot, app, "httpie")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ExportScreen))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        await wait_until(pilot, lambda: app.screen.output is not None)
        assert app.screen.format == "httpie"
        assert [b.name for b in format_buttons(app) if b.value] == ["httpie"]
        [request] = list(app.store)
        assert app.screen.output == render_export("httpie", [request], app.base_url)


async def test_a_format_from_one_new_module_is_offered_and_previewed(tmp_path, dummy_format):
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(170, 50)) as pilot:
        await open_export(pilot, app)
        assert str(format_buttons(app)[-1].label) == "Dummy lines"
        output = await choose(pilot, app, "dummy")
        [request] = list(app.store)
        assert output == dummy_format.render([request], app.base_url, app.store.attempts)
        assert output.startswith(b"DUMMY POST http://127.0.0.1:")
        # What the preview shows is that output, line for line.
        preview = app.screen.query_one("#export-preview", Static).content
        assert isinstance(preview, Content)  # plain text, never markup
        assert preview.plain.rstrip("\n") == output.decode().rstrip("\n")
        assert output.decode().strip() in screen_text(app)
        path = app.screen.query_one("#export-path", Input)
        assert path.value.endswith("/whisper-1.dummy")  # the format's extension
        path.value = str(tmp_path / "out.dummy")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: (tmp_path / "out.dummy").exists())
        assert (tmp_path / "out.dummy").read_bytes() == output


# -- every control in view at 80x24, the room used at 200x50 --------------------------------------


def fully_visible(app: WhisperApp, selector: str) -> bool:
    widget = app.screen.query_one(selector)
    region = widget.region
    return region.height > 0 and app.screen.region.contains_region(region)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_file_name_buttons_and_result_line_are_in_view_and_reached_by_tab(size):
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=size) as pilot:
        await open_export(pilot, app)
        for selector in ("#export-path", "#export-save-button", "#export-copy-button"):
            assert fully_visible(app, selector), selector
        assert fully_visible(app, "#export-status")
        assert "bytes ready" in screen_text(app)
        reached = set()
        for _ in range(8):
            await pilot.press("tab")
            reached.add(app.focused.id if app.focused else None)
        assert {"export-path", "export-save-button", "export-copy-button"} <= reached
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ExportScreen))


async def test_the_preview_grows_with_the_terminal():
    heights = []
    for size in [(80, 24), (200, 50)]:
        app = WhisperApp(Settings(port=0))
        async with app.run_test(size=size) as pilot:
            await open_export(pilot, app)
            heights.append(app.screen.query_one("#export-preview-box").region.height)
    assert heights[0] >= 5 and heights[1] >= 30


async def test_j_k_g_g_scroll_the_focused_preview():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot, app)
        await choose(pilot, app, "har")
        box = app.screen.query_one("#export-preview-box")
        box.focus()
        await wait_until(pilot, lambda: box.max_scroll_y > 2)
        await pilot.press("j", "j", "k")
        await wait_until(pilot, lambda: box.scroll_y == 1)
        await pilot.press("G")
        await wait_until(pilot, lambda: box.scroll_y == box.max_scroll_y)
        await pilot.press("g")
        await wait_until(pilot, lambda: box.scroll_y == 0)
        assert isinstance(app.screen, ExportScreen)


def test_a_long_line_in_the_preview_says_how_much_is_cut():
    preview = preview_text(["x" * 1634, "short"])
    first, second, _ = preview.plain.split("\n")
    assert first == "x" * 400 + " … (+1,234 chars)"
    assert second == "short"


def test_exports_go_beside_the_save_file_or_else_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_directory(None) == str(tmp_path)
    assert default_directory(str(tmp_path / "sub" / "out.har")) == str(tmp_path / "sub")
    assert default_directory("out.har") == str(tmp_path)  # absolute, from a relative --save


async def test_the_default_file_name_is_an_absolute_path_beside_save(tmp_path):
    app = WhisperApp(Settings(port=0, save_path=str(tmp_path / "session.har")))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot, app)
        path = app.screen.query_one("#export-path", Input).value
        assert path == str(tmp_path / "whisper-1-curl.sh")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: (tmp_path / "whisper-1-curl.sh").exists())
        status = app.screen.query_one("#export-status", Static)
        assert str(status.content).endswith(f"bytes to {tmp_path / 'whisper-1-curl.sh'}")
        await wait_until(pilot, lambda: fully_visible(app, "#export-status"))  # wrapped, not cut
        assert status.region.height >= 2


async def test_suggested_names_never_collide_with_a_saved_export(tmp_path):
    # curl and HTTPie both write .sh: saving one, then the other, then the first again gives
    # three files and no "exists" error; the pytest export gets a name pytest collects.
    app = WhisperApp(Settings(port=0, save_path=str(tmp_path / "session.har")))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot, app)
        saved = []
        for key in ("httpie", "curl", "httpie", "pytest"):
            await choose(pilot, app, key)
            path = app.screen.query_one("#export-path", Input).value
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda path=path: os.path.exists(path))
            saved.append(os.path.basename(path))
        assert saved == [
            "whisper-1-httpie.sh",
            "whisper-1-curl.sh",
            "whisper-1-httpie-2.sh",
            "test_whisper_1.py",
        ]


async def test_a_har_export_numbers_a_retry_as_the_lists_repeat_marker_does():
    retry = (
        b"POST /hooks/github HTTP/1.1\r\nHost: h\r\nX-GitHub-Delivery: 72d3162e\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    )
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(170, 50)) as pilot:
        for _ in range(3):
            await send_raw(app.port, retry)
        await wait_for_list(pilot, app, 3)
        third = app.request_list.selected
        assert third is not None and app.request_list.arrival_of(third) == 3  # the list's ↻3
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        output = await choose(pilot, app, "har")
        [entry] = json.loads(output)["log"]["entries"]
        assert entry["_whisper"]["delivery"]["seen"] == 3
        assert entry["_whisper"]["delivery"]["first"] == 1


def dots(app: WhisperApp) -> list[str]:
    """Each format's row on screen: the glyph between its pill's caps (▐ ▌)."""
    rows = [screen_text(app).splitlines()[b.region.y] for b in format_buttons(app)]
    return [row[row.index("▐") + 1] for row in rows]


@pytest.mark.parametrize("colours", ["full", "none"])
async def test_only_the_chosen_format_has_a_dot_so_no_colour_is_needed_to_see_it(colours):
    # Issue 19: Textual draws every dot and tells them apart by hue and faintness; with
    # NO_COLOR the chosen one was only bold.
    app = WhisperApp(Settings(port=0), colours=colours)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_export(pilot, app)
        assert dots(app) == ["●", " ", " ", " ", " ", " "]
        await choose(pilot, app, "har")
        await pilot.pause()
        assert dots(app) == [" ", " ", " ", " ", " ", "●"]


async def test_the_curl_preview_keeps_each_line_whole_on_one_row():
    # Wrapped at spaces, a continuation backslash sat alone on a row of its own.
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        long_header = b"X-Hub-Signature-256: sha256=" + b"0123456789abcdef" * 4 + b"\r\n"
        await send_raw(app.port, RAW.replace(b"Host: h\r\n", b"Host: h\r\n" + long_header))
        await wait_for_list(pilot, app, 1)
        await pilot.press("e")
        await wait_until(pilot, lambda: "bytes ready" in screen_text(app))
        rows = [row.strip(" │▊▎▃") for row in screen_text(app).splitlines()]
        assert "\\" not in rows
        assert "  -H 'X-Hub-Signature-256: sha256=0123" in screen_text(app)
        assert any(row.startswith("curl ") and row.endswith("\\") for row in rows)


async def test_with_a_replay_target_curl_sends_to_it_and_whisper_tui_stays_a_choice():
    app = WhisperApp(Settings(port=0))
    app.replay_url = "http://127.0.0.1:3999"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot, app)
        assert b"http://127.0.0.1:3999/hooks/" in app.screen.output
        assert "to http://127.0.0.1:3999" in screen_text(app)
        own = app.screen.query_one("#export-target", RadioSet).query(RadioButton)[1]
        await pilot.click(own)
        await wait_until(
            pilot, lambda: app.screen.output and app.base_url.encode() in app.screen.output
        )
        # The replay target's origin, ended: whisper-tui's own port may start with 3999.
        assert b"127.0.0.1:3999/" not in app.screen.output
        # Records keep the URL the captures arrived at, whatever the choice.
        await pilot.click(own.parent.query(RadioButton)[0])
        har = json.loads(await choose(pilot, app, "har"))
        assert har["log"]["entries"][0]["request"]["url"].startswith(app.base_url)


async def test_without_a_replay_target_there_is_no_url_choice():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot, app)
        assert not app.screen.query("#export-target")
        assert app.base_url.encode() in app.screen.output


async def test_the_save_and_copy_buttons_name_their_keys_as_a_keymap_put_them():
    app = WhisperApp(
        Settings(port=0, keymap=(("export_save", "ctrl+o"), ("export_copy", "ctrl+k")))
    )
    async with app.run_test(size=(200, 50)) as pilot:
        await open_export(pilot, app)
        await wait_for_screen(pilot, app, "Save (Ctrl+O)", "Copy (Ctrl+K)")


async def test_a_replay_target_s_password_is_masked_on_screen_but_kept_in_the_command():
    # The command is meant to be run: copied or saved, it carries the credentials the user
    # gave; the dialog's choice and preview, on screen, do not.
    app = WhisperApp(Settings(port=0))
    app.replay_url = "http://admin:hunter2pass@127.0.0.1:3999"
    async with app.run_test(size=(100, 30)) as pilot:
        await open_export(pilot, app)
        assert b"http://admin:hunter2pass@127.0.0.1:3999/hooks/" in app.screen.output
        await wait_until(pilot, lambda: "admin:***@127.0.0.1:3999/hooks/" in screen_text(app))
        assert "to http://admin:***@127.0.0.1:3999" in screen_text(app)
        assert "hunter2pass" not in screen_text(app)


def highlighted(app: WhisperApp) -> str | None:
    """The format under the keyboard highlight (where Enter or Space chooses)."""
    found = [b.name for b in format_buttons(app) if b.has_class("-selected")]
    return found[0] if found else None


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_reopened_on_httpie_the_highlight_is_on_httpie_and_up_enter_picks_curl(size):
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=size) as pilot:
        await open_export(pilot, app)
        await choose(pilot, app, "httpie")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ExportScreen))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        await wait_until(pilot, lambda: app.screen.output is not None)
        await pilot.pause()
        assert highlighted(app) == "httpie"
        app.screen.query_one("#export-format", RadioSet).focus()
        await pilot.press("up", "enter")  # the format one above the chosen one: curl
        await wait_until(pilot, lambda: app.screen.format == "curl")
        assert [b.name for b in format_buttons(app) if b.value] == ["curl"]
        await pilot.press("down", "down")  # from curl on, not from where it was
        assert highlighted(app) == "pytest"


async def test_a_filter_matching_nothing_has_nothing_to_export_and_writes_no_file(tmp_path):
    """The dialog chose 'filtered (0)', said '1 bytes ready' and Ctrl+S wrote a 1-byte file."""
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, RAW)
        await wait_for_list(pilot, app, 1)
        await pilot.press("slash", *"nomatch", "enter")
        await wait_until(pilot, lambda: app.request_list.view.text == "nomatch")
        await wait_until(pilot, lambda: not len(app.request_list.view))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        await wait_for_screen(pilot, app, "nothing to export")
        target = tmp_path / "empty.sh"
        app.screen.query_one("#export-path", Input).value = str(target)
        for key in ("ctrl+s", "ctrl+y"):
            await pilot.press(key)
            await pilot.pause()
        assert not target.exists() and app.screen.output is None
        assert "nothing to export: filtered (0) holds no capture" in screen_text(app)
        assert "ready" not in screen_text(app)
