"""`y` in the detail: the value on the top line or the current match's line is copied."""

from __future__ import annotations

import json

from tests.ui.test_detail import DetailApp, capture
from whisper_tui.ui.detail_copy import body_line_value, copied_note


async def test_y_copies_the_header_value_on_the_top_line_with_a_notification():
    app = DetailApp()
    async with app.run_test(size=(80, 8)) as pilot:
        request = capture(
            headers=((b"Content-Type", b"application/json"), (b"X-User", "Zoë".encode())),
            body=json.dumps({f"key{n}": n for n in range(20)}).encode(),  # room to scroll
        )
        app.show(request)
        await pilot.pause()
        app.detail.focus()
        row = [line.plain for line in app.detail._head.lines].index("X-User:       Zoë")
        app.detail.scroll_to(y=row, animate=False, immediate=True)
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == "Zoë"
        assert [n.message for n in app._notifications] == ["X-User: Zoë"]


async def test_y_copies_the_json_value_of_the_current_match_unquoted():
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show(capture(body=b'{"type":"invoice.paid","amount":4200,"note":"a\\u001bb"}'))
        await pilot.pause()
        app.detail.focus()
        app.detail.find("amount")
        app.detail.action_find_step(1)
        await pilot.press("y")
        assert app.clipboard == "4200"
        app.detail.find("note")
        app.detail.action_find_step(1)
        await pilot.press("y")
        await pilot.pause()
        # The value, but its ESC as the picture the screen shows: pasted, an ESC would act on
        # the terminal it lands in (a title change, a cleared screen).
        assert app.clipboard == "a␛b"
        assert "note (control characters as pictures): a␛b" in [
            n.message for n in app._notifications
        ]


def test_a_json_lines_value_is_unquoted_and_container_lines_have_none():
    assert body_line_value('  "type": "invoice.paid",', "json", "json") == ("type", "invoice.paid")
    assert body_line_value('  "amount": 4200,', "json", "json") == ("amount", "4200")
    assert body_line_value('    "a\\"b",', "json", "json") == ("value", 'a"b')
    assert body_line_value('  "items": [', "json", "json") is None
    assert body_line_value("  },", "json", "json") is None
    assert body_line_value('  "cut": "abc', "json", "json") == ("cut", '"abc')


def test_form_and_text_lines_copy_the_field_value_or_the_line():
    assert body_line_value("name = Zoë", "ini", "form") == ("name", "Zoë")
    assert body_line_value("  plain text  ", None, "text") == ("line", "plain text")
    assert body_line_value("   ", None, "text") is None


def test_the_copied_note_is_sanitized_and_cut_short():
    message, title = copied_note("X-Evil", "\x1b]52;c;x\x07" + "v" * 100)
    assert "\x1b" not in message and message.startswith("X-Evil: ␛]52;c;x␇")
    assert message.endswith("…") and len(message) <= len("X-Evil: ") + 60
    assert title == "Copied 109 characters"
