"""`e` exports: the preview is literal, copy goes to the clipboard, save writes the bytes."""

from __future__ import annotations

from tests.helpers import screen_text, send_raw, wait_for_list
from whisper_tui.core.export import render_export
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.export_screen import ExportScreen

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
        await pilot.pause(0.5)
        assert isinstance(app.screen, ExportScreen)
        text = screen_text(app)
        assert "[red]boom[/red]" in text  # shown literally in the preview
        assert "curl" in text
        await pilot.press("ctrl+y")
        await pilot.pause(0.1)
        [request] = list(app.store)
        expected = render_export("curl", [request], app.base_url)
        assert app.clipboard == expected.decode()
        target = tmp_path / "export.sh"
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert target.read_bytes() == expected
        assert "saved" in screen_text(app)
        await pilot.press("ctrl+s")  # never overwrites
        await pilot.pause(0.1)
        assert "exists" in screen_text(app)
