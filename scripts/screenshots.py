"""Regenerate screenshots/*.svg from the running app.

The app runs headless (Textual's run_test) with its real server listening; the realistic
fixture deliveries are POSTed to it over HTTP, then keys are pressed and the screen saved.

    .venv/bin/python scripts/screenshots.py [--port 8080]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
from pathlib import Path

import aiohttp

from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp

ROOT = Path(__file__).resolve().parent.parent
DELIVERIES = ROOT / "tests" / "fixtures" / "deliveries.json"
OUT = ROOT / "screenshots"
SIZE = (200, 50)


async def send_deliveries(port: int) -> None:
    deliveries = json.loads(DELIVERIES.read_text())["deliveries"]
    async with aiohttp.ClientSession(
        skip_auto_headers=["User-Agent", "Content-Type", "Accept", "Accept-Encoding"]
    ) as session:
        for delivery in deliveries:
            body = delivery["body"]
            data = (
                base64.b64decode(body)
                if delivery.get("body_encoding") == "base64"
                else body.encode("utf-8")
            )
            # The fixture's own headers, in order (aiohttp adds Host and Content-Length).
            headers = [(name, value) for name, value in delivery["headers"]]
            url = f"http://127.0.0.1:{port}{delivery['path']}"
            async with session.request(delivery["method"], url, data=data, headers=headers):
                pass


async def main(port: int) -> None:
    OUT.mkdir(exist_ok=True)
    deliveries = json.loads(DELIVERIES.read_text())["deliveries"]
    github = next(d for d in deliveries if d["name"] == "github-docs-vector")
    # A demo secret from the fixture's public test vector, never a real one.
    settings = Settings(port=port, secrets=(("github", github["signature"]["secret"]),))
    app = WhisperApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await send_deliveries(app.port)
        await send_status_change(app.port)
        await pilot.pause(0.5)
        # The Stripe payment intent: JSON, headers and body together.
        await pilot.press("g", "j", "j")
        await pilot.pause(0.3)
        app.save_screenshot("split-pane.svg", str(OUT))
        # The GitHub docs vector, verified with its secret.
        await pilot.press("g")
        await pilot.pause(0.3)
        app.save_screenshot("signature.svg", str(OUT))
        # The last two deliveries differ in one nested value: diff them.
        await pilot.press("G", "d")
        await pilot.pause(1.0)
        app.save_screenshot("diff.svg", str(OUT))
        await pilot.press("escape")
        await pilot.press("question_mark")
        await pilot.pause(0.3)
        app.save_screenshot("help.svg", str(OUT))
    for name in ("split-pane.svg", "signature.svg", "diff.svg", "help.svg"):
        print(OUT / name)


async def send_status_change(port: int) -> None:
    """Two deliveries of the same event whose status changed, for the diff screenshot."""
    async with aiohttp.ClientSession(
        skip_auto_headers=["User-Agent", "Accept", "Accept-Encoding"]
    ) as session:
        for number, status in ((1, "requires_payment_method"), (2, "succeeded")):
            body = json.dumps(
                {
                    "id": f"evt_3PzStatus{number}",
                    "type": f"payment_intent.{'payment_failed' if number == 1 else 'succeeded'}",
                    "created": 1714265330 + number * 60,
                    "data": {
                        "object": {
                            "id": "pi_3PzFixture",
                            "amount": 2000,
                            "currency": "usd",
                            "status": status,
                            "metadata": {"order_id": "6735"},
                        }
                    },
                },
                indent=2,
            ).encode()
            headers = [
                ("Content-Type", "application/json; charset=utf-8"),
                ("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"),
                ("Stripe-Signature", f"t={1714265330 + number * 60},v1={'ab' * 32}"),
            ]
            url = f"http://127.0.0.1:{port}/hooks/stripe"
            async with session.post(url, data=body, headers=headers):
                pass


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    asyncio.run(main(parser.parse_args().port))
