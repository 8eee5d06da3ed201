"""Snapshot tests: the screens as a user sees them, from realistic deliveries."""

from __future__ import annotations

import pytest

from tests.helpers import delivery_request, load_deliveries
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp

SIZE = (160, 42)


pytestmark = pytest.mark.usefixtures("utc")


def fixture_app() -> WhisperApp:
    store = RequestStore()
    for number, delivery in enumerate(load_deliveries(), start=1):
        store.add(delivery_request(delivery, number, at=1_764_250_000.0 + number * 7.25))
    return WhisperApp(Settings(port=8080), store=store, serve=False)


def test_split_pane_on_the_newest_capture(snap_compare):
    assert snap_compare(fixture_app(), terminal_size=SIZE)


def test_split_pane_on_a_stripe_json_delivery(snap_compare):
    async def walk(pilot):
        await pilot.press("g", "j", "j")
        await pilot.pause(0.1)

    assert snap_compare(fixture_app(), terminal_size=SIZE, run_before=walk)


def test_help_screen(snap_compare):
    assert snap_compare(fixture_app(), terminal_size=SIZE, press=["question_mark"])
