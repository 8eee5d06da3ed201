"""Signature verdicts on screen: verified, failed with the reason, and the list marker."""

from __future__ import annotations

import aiohttp

from tests.helpers import delivery_body, load_deliveries, wait_for_screen
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp


def delivery(name: str) -> dict:
    [found] = [d for d in load_deliveries() if d["name"] == name]
    return found


async def send(app: WhisperApp, item: dict, body: bytes | None = None) -> None:
    async with aiohttp.ClientSession(skip_auto_headers=["Content-Type"]) as session:
        async with session.request(
            item["method"],
            f"http://127.0.0.1:{app.port}{item['path']}",
            data=delivery_body(item) if body is None else body,
            headers=[tuple(h) for h in item["headers"]],
        ) as response:
            assert response.status == 200


async def test_github_vector_verifies_and_a_changed_body_fails_with_the_reason():
    github = delivery("github-docs-vector")
    standard = delivery("standard-webhooks-vector")
    settings = Settings(
        port=0,
        secrets=(
            ("github", github["signature"]["secret"]),
            ("standard", standard["signature"]["secret"]),
        ),
    )
    app = WhisperApp(settings)
    async with app.run_test(size=(180, 45)) as pilot:
        await send(app, github)
        text = await wait_for_screen(pilot, app, "signature: verified (github)")
        assert "✓" in text

        await send(app, github, b"Hello, World?")
        text = await wait_for_screen(pilot, app, "signature: failed (github)")
        assert "signature: failed (github)" in text
        assert "does not match" in text
        assert "✗" in text

        await send(app, standard)
        text = await wait_for_screen(pilot, app, "signature: failed (standard)")
        assert "signature: failed (standard): MAC valid but timestamp" in text
        assert "old" in text and "accepts 300 s" in text


async def test_missing_secret_says_how_to_give_one_and_never_shows_secrets():
    github = delivery("github-docs-vector")
    app = WhisperApp(Settings(port=0, secrets=(("stripe", "whsec_do_not_show_me"),)))
    async with app.run_test(size=(180, 45)) as pilot:
        await send(app, github)
        text = await wait_for_screen(pilot, app, "signature: not checked (github)")
        assert "--secret" in text and "WHISPER_SECRET_GITHUB" in text
        assert "whsec_do_not_show_me" not in text
