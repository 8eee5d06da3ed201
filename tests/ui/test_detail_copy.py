"""`y` in the detail: the value on the top line or the current match's line is copied."""

from __future__ import annotations

import json

from tests.ui.test_detail import DetailApp, capture


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
