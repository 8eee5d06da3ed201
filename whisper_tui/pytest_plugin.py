"""pytest plugin (registered through the `pytest11` entry point): the `webhook_inbox` fixture.

    def test_signup_sends_a_webhook(webhook_inbox):
        trigger_signup(webhook_url=webhook_inbox.url + "/hooks/signup")
        [delivery] = webhook_inbox.wait_for("method:POST path:/hooks/signup")
        assert delivery.json()["event"] == "user.created"

Each test gets its own capture server on a free 127.0.0.1 port (no TUI), stopped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from whisper_tui.inbox import WebhookInbox


@pytest.fixture
def webhook_inbox() -> Iterator[WebhookInbox]:
    """A capture server for this test: `.url`, `.wait_for(query, count, timeout)`, `.respond()`."""
    # Imported here, not at the top: every pytest run of a project that has whisper-tui
    # installed loads this plugin, and only tests that use the fixture should pay for aiohttp.
    from whisper_tui.inbox import WebhookInbox

    with WebhookInbox() as inbox:
        yield inbox
