"""--host beyond loopback: the warning stays in view under the top bar, not printed before the
screen is drawn (where it was seen only after quitting)."""

from __future__ import annotations

import pytest

from tests.helpers import screen_text, wait_for_screen, wait_until_settled
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.exposure import ExposureNotice


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_a_host_beyond_loopback_shows_a_warning_line_under_the_top_bar(size):
    app = WhisperApp(Settings(host="0.0.0.0", port=0), serve=False)
    async with app.run_test(size=size) as pilot:
        text = await wait_for_screen(pilot, app, "⚠ listening on 0.0.0.0: captures")
        lines = text.splitlines()
        assert lines[1].startswith(" ⚠ listening on 0.0.0.0")
        assert app.screen.query_one(ExposureNotice).region.y == 1
        await pilot.press("j")  # still there after keys and refreshes
        await wait_until_settled(pilot)
        assert "⚠ listening on 0.0.0.0" in screen_text(app).splitlines()[1]


async def test_loopback_shows_no_warning_line():
    app = WhisperApp(Settings(port=0), serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, app, "listening on")
        await wait_until_settled(pilot)
        assert not app.screen.query(ExposureNotice)
        assert "⚠" not in screen_text(app)
