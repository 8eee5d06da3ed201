"""`v`: the body by content type (auto), or the bytes exactly as they arrived (raw, hex)."""

from __future__ import annotations

import gzip
import re

import pytest

from tests.helpers import (
    screen_text,
    send_raw,
    wait_for_list,
    wait_for_screen,
    wait_until,
    wait_until_settled,
)
from tests.hostile_helpers import post
from tests.ui.test_detail import capture
from whisper_tui.core.contentviews.stored import RawLines
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.action_registry import get_action
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.body_modes import body_hint, raw_line_value, raw_text
from whisper_tui.ui.keys import help_rows

pytestmark = pytest.mark.usefixtures("utc")

ODD_JSON = b'{ "b" :1,\t"a":  "x\\u00e9"  }\r\n'
HOSTILE = b"[bold]hi[/bold] \x1b[2J\x1b]0;title\x07 \x9b31m\xff end"


def body_lines(app: WhisperApp) -> list[str]:
    """The screen's detail rows from the body's title down (the list's column cut off)."""
    rows = [row.rstrip() for row in screen_text(app).splitlines()]
    start = next(index for index, row in enumerate(rows) if "Body  " in row)
    cut = rows[start].index("Body  ")
    return [row[cut:] for row in rows[start:]]


async def capture_one(pilot, app: WhisperApp, body: bytes, *headers: bytes) -> None:
    await send_raw(app.port, post(b"/hooks/x", body, *headers))
    await wait_for_list(pilot, app, len(app.store) or 1)
    app.detail.focus()
    await pilot.pause()


async def test_raw_shows_a_json_bodys_whitespace_key_order_and_line_end_exactly():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(120, 30)) as pilot:
        await capture_one(pilot, app, ODD_JSON, b"Content-Type: application/json")
        await wait_for_screen(pilot, app, "Body  30 B  json (auto; v: raw, hex)")
        await pilot.press("v")
        await wait_for_screen(pilot, app, "Body  30 B  raw (as stored; v: hex)")
        assert app._notifications and [n.message for n in app._notifications][-1] == (
            "body view: raw, the bytes as stored"
        )
        shown = body_lines(app)
        assert shown[1:3] == ["line ends: 1 CRLF", '{ "b" :1,␉"a":  "x\\\\u00e9"  }␍␊']


async def test_a_gzip_body_shows_its_compressed_bytes_in_hex_and_says_so():
    body = gzip.compress(b'{"event": "ping"}', mtime=0)
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(120, 30)) as pilot:
        await capture_one(
            pilot, app, body, b"Content-Encoding: gzip", b"Content-Type: application/json"
        )
        await wait_for_screen(pilot, app, '"event": "ping"')  # auto decodes it, as before
        await pilot.press("v", "v")
        await wait_for_screen(pilot, app, "hex (as stored; v: auto)")
        shown = body_lines(app)
        assert shown[1] == "still gzip-compressed (auto decodes)"
        assert shown[2].startswith("00000000  1f 8b 08 00")  # the gzip magic, as stored
        assert '"event"' not in screen_text(app)


async def test_hostile_bytes_are_inert_and_literal_in_raw():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(120, 30)) as pilot:
        await capture_one(pilot, app, HOSTILE, b"Content-Type: text/plain")
        await pilot.press("v")
        await wait_for_screen(pilot, app, "raw (as stored")
        assert body_lines(app)[3].startswith("[bold]hi[/bold] ␛[2J␛]0;title␇ \\x9b31m\\xff")
        assert not any(char in screen_text(app) for char in "\x1b\x07\x9b")


async def test_the_mode_holds_for_every_capture_until_v_changes_it_and_works_from_the_list():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(120, 30)) as pilot:
        await capture_one(pilot, app, b"one\n", b"Content-Type: text/plain")
        await pilot.press("v")
        await wait_for_screen(pilot, app, "one␊")
        await capture_one(pilot, app, b"two\n", b"Content-Type: text/plain")
        await wait_for_screen(pilot, app, "two␊")  # the newest, followed, in raw too
        app.request_list.focus()
        await pilot.press("v")  # v works with the list focused: hex
        await wait_for_screen(pilot, app, "00000000  74 77 6f 0a")
        await pilot.press("v")
        await wait_for_screen(pilot, app, "Body  4 B  text (auto; v: raw, hex)")
        assert "two␊" not in screen_text(app)


async def test_the_palette_and_the_help_offer_the_body_view():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(120, 30)) as pilot:
        await capture_one(pilot, app, b"x\n", b"Content-Type: text/plain")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Body view: auto / raw / hex" in titles
        command = next(c for c in app.get_system_commands(app.screen) if "Body view" in c.title)
        await command.callback()
        await wait_for_screen(pilot, app, "x␊")
    rows = [(row.section, row.keys, row.text) for row in help_rows({})]
    assert ("Anywhere", "v", get_action("body_view").help) in rows  # the list focused too


async def test_the_title_names_the_key_a_keymap_gave_the_body_view():
    app = WhisperApp(Settings(port=0, keymap=(("body_view", "ctrl+b"),)))
    async with app.run_test(size=(120, 30)) as pilot:
        await capture_one(pilot, app, b"x\n", b"Content-Type: text/plain")
        await wait_for_screen(pilot, app, "text (auto; Ctrl+B: raw, hex)")
        await pilot.press("ctrl+b")
        await wait_for_screen(pilot, app, "raw (as stored; Ctrl+B: hex)")


async def test_find_wrap_and_copy_work_in_raw():
    line = b"key = value with trailing  \r\n" + b"filler " * 30 + b"\n"
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await capture_one(pilot, app, line, b"Content-Type: text/plain")
        await pilot.press("v")
        await wait_for_screen(pilot, app, "raw (as stored")
        app.detail.find("trailing")
        await wait_until(pilot, lambda: app.detail.find_status == "1 match")
        app.detail.action_find_step(1)
        await pilot.press("y")
        assert app.clipboard == "key = value with trailing  "  # as sent: no marks, no CRLF
        app.detail.action_close_find()
        await pilot.press("w")  # wrap: the long line shows whole, its end mark last
        await wait_for_screen(pilot, app, "filler ␊")


async def test_wrap_in_raw_never_splits_an_escape_across_rows():
    # Four offsets of a run of escapes: at any width, the old wrap (every N cells) cut some.
    body = b"".join(b"a" * k + b"\xb2" * 20 + b"\\" * 5 + b"\n" for k in range(4))
    unit = re.compile(r"(?:\\(?:x[0-9a-f]{2}|\\)|[^\\])*")
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 40)) as pilot:  # 80 wide: the tester's width
        await capture_one(pilot, app, body, b"Content-Type: text/plain")
        await pilot.press("v", "w")
        await wait_for_screen(pilot, app, "aaa\\xb2")
        await wait_until_settled(pilot)
        rows = body_lines(app)[3:]
        shown = [row for row in rows if row and "\\" in row]
        assert all(unit.fullmatch(row) for row in shown), shown
        assert "".join(shown).count("\\xb2") == 80  # every escape shown, whole


async def test_a_5_mb_body_in_raw_finds_only_the_first_screens_lines_on_the_switch():
    store = RequestStore()
    store.add(capture(body=b"0123456789abcdef\n" * 300_000, request_id=1))  # 5.1 MB
    app = WhisperApp(Settings(port=8080), store=store, serve=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for_screen(pilot, app, "Body  5.1 MB")
        app.detail.cycle_body_mode()  # what v runs; the rest is found between frames
        lines = app.detail.body_view.lines
        assert isinstance(lines, RawLines) and len(lines) <= 1000
        assert app.detail.body_view.notes == ["line ends: counting …"]  # not counted up front
        await wait_for_screen(pilot, app, "0123456789abcdef␊")
        await wait_for_screen(pilot, app, "line ends: 300,000 LF")  # counted between frames


def test_raw_text_mutes_the_marks_and_shows_trailing_spaces():
    text = raw_text("a␉b  ␍␊")
    styles = {(span.start, span.end, str(span.style)) for span in text.spans}
    assert (1, 2, "wt.muted") in styles  # ␉
    assert {(3, 5, "wt.muted"), (3, 5, "reverse")} <= styles  # the trailing spaces
    assert (5, 6, "wt.muted") in styles and (6, 7, "wt.muted") in styles
    assert text.plain == "a␉b  ␍␊"


def test_the_hint_says_the_mode_and_what_the_key_leads_to():
    assert body_hint("auto") == "auto; v: raw, hex"
    assert body_hint("raw") == "as stored; v: hex"
    assert body_hint("hex") == "as stored; v: auto"


def test_y_on_a_raw_line_copies_it_as_sent_or_if_not_utf8_as_shown():
    lines = RawLines(b"a\tb\\x\r\n\n\xffz\\\r\n")
    lines.advance(10)
    assert raw_line_value(lines, 0) == ("line", "a\tb\\x")  # UTF-8: the text as sent
    assert raw_line_value(lines, 1) is None  # an empty line holds nothing to copy
    # Not UTF-8: the line as shown (no line end), never U+FFFD, which says nothing.
    assert raw_line_value(lines, 2) == ("line as shown (not UTF-8)", "\\xffz\\\\")
    assert raw_line_value(lines, 9) is None


def test_y_on_a_raw_line_with_control_or_invisible_characters_copies_it_as_shown():
    # As a line that is not UTF-8 is: what the screen shows, never an ESC for the terminal
    # the clipboard is pasted into; the label says why.
    lines = RawLines(b"esc \x1b[31mred\x1b[0m \\n\r\nbom\xef\xbb\xbf x\nc1 \xc2\x9b1m\n")
    lines.advance(10)
    assert raw_line_value(lines, 0) == (
        "line as shown (control characters)",
        "esc ␛[31mred␛[0m \\\\n",  # a backslash doubled, as on screen: \\ starts no escape
    )
    assert raw_line_value(lines, 1) == ("line as shown (invisible characters)", "bom\\ufeff x")
    assert raw_line_value(lines, 2) == ("line as shown (control characters)", "c1 \\u009b1m")


async def test_y_on_a_raw_line_holding_an_escape_copies_the_pictures_the_screen_shows():
    body = b"digits \\d+\r\ncolour \x1b[31mred\x1b[0m\r\n"
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await capture_one(pilot, app, body, b"Content-Type: text/plain")
        await pilot.press("v")
        await wait_for_screen(pilot, app, "colour ␛[31mred␛[0m␍␊")
        app.detail.find("colour")
        await wait_until(pilot, lambda: app.detail.find_status == "1 match")
        app.detail.action_find_step(1)
        await pilot.press("y")
        assert app.clipboard == "colour ␛[31mred␛[0m"
        assert "\x1b" not in app.clipboard
        toast = [n.message for n in app._notifications][-1]
        assert toast == "line as shown (control characters): colour ␛[31mred␛[0m"
        app.detail.find("digits")
        await wait_until(pilot, lambda: app.detail.find_status == "1 match")
        app.detail.action_find_step(1)
        await pilot.press("y")
        assert app.clipboard == "digits \\d+"  # plain text: as sent, one backslash


async def test_y_copies_what_the_screen_shows_for_a_line_that_is_not_utf8():
    body = b"ok:\xc3\xa9\r\nbad:\xff\xfe\xc3(\n"
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await capture_one(pilot, app, body, b"Content-Type: text/plain")
        await pilot.press("v")
        await wait_for_screen(pilot, app, "bad:\\xff\\xfe\\xc3(␊")
        app.detail.find("bad")
        await wait_until(pilot, lambda: app.detail.find_status == "1 match")
        app.detail.action_find_step(1)
        await pilot.press("y")
        assert app.clipboard == "bad:\\xff\\xfe\\xc3("  # as on screen, marks and all
        toast = [n.message for n in app._notifications][-1]
        assert toast == "line as shown (not UTF-8): bad:\\xff\\xfe\\xc3("  # as copied
        app.detail.find("ok:")
        await wait_until(pilot, lambda: app.detail.find_status == "1 match")
        app.detail.action_find_step(1)
        await pilot.press("y")
        assert app.clipboard == "ok:é"  # UTF-8: the text as sent


def test_raw_view_of_a_crlf_tab_body_at_80x24(snap_compare):
    store = RequestStore()
    app = WhisperApp(Settings(port=8080), store=store, serve=False)
    store.add(
        capture(
            target="/hooks/sign",
            body=b'{"id":1,\t"name": "Zo\xc3\xab"}\r\n  trailing  \r\n\xef\xbb\xbfend',
            headers=((b"Content-Type", b"application/json"),),
            request_id=1,
        )
    )

    async def raw_view(pilot) -> None:
        app = pilot.app
        toast = "body view: raw, the bytes as stored"
        await pilot.press("tab", "v")
        await wait_for_screen(pilot, app, "raw (as stored; v: hex)", toast)
        app.clear_notifications()  # the toast would hide the body it names
        await wait_until(pilot, lambda: toast not in screen_text(app))
        await wait_until_settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=raw_view)


async def test_w_with_the_list_focused_wraps_the_selected_capture_s_body():
    # Newcomer E: w with the list focused did nothing and said nothing.
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await capture_one(
            pilot, app, b'{"a": "' + b"x" * 200 + b'"}', b"Content-Type: application/json"
        )
        app.request_list.focus()
        await pilot.pause()
        assert app.focused is app.request_list and not app.detail.wrap
        await pilot.press("w")
        await wait_until(pilot, lambda: app.detail.wrap)
        assert app.focused is app.request_list  # the list keeps the focus
        await pilot.press("w")
        await wait_until(pilot, lambda: not app.detail.wrap)
