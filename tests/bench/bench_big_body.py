"""Selecting a capture with a 5 MB JSON body: first highlighted screen, and the loop kept free.

.venv/bin/python tests/bench/bench_big_body.py [--quick]

In-process (App.run_test, headless, 200x50, with the CLI's process tuning): three
captures (small, 5 MB JSON, small), the cursor on the newest; `k` selects the big one. The
detail's render_line is wrapped to note when it first returns a highlighted line of that
body (the compositor drawing the first screen), and a task sleeping 5 ms in a loop records
how late the loop wakes until the body's lines are all counted. `k`/`j` alternate so the big
body is selected afresh each time.

On a pty (the app in its own process, TUI live): the same three captures sent over HTTP,
then the time from writing the key to the pty until the body's first key appears in the
app's output, while a thread sends a small POST every 5 ms on one connection: the slowest
answer during the selection is how long a webhook sender waited on the shared loop.
"""

from __future__ import annotations

import asyncio
import http.client
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common
from tests.bench.common import MARKER, LoopMonitor, Row, big_json, median, ms
from tests.bench.load import SMALL_BODY
from tests.bench.pty_screen import pty_app
from tests.bench.tui_process import free_port, wait_listening
from tests.hostile_helpers import gzip_json_array

BIG_SIZE = 5_000_000
BOMB_SIZE = 96 * 1024 * 1024
"""The gzip JSON bomb's inflated size: past the 64 MiB display cap, ~100 KB on the wire."""
TARGET_BOMB_BLOCK = 1.0
"""What tests/ui/test_hostile_ui.py's bomb test once asserted of webhook answers meanwhile."""
TARGET_FIRST_SCREEN = 0.100
TARGET_BLOCK = 0.050


def capture(store, body: bytes, path: str, headers: tuple[tuple[bytes, bytes], ...] = ()):
    from whisper_tui.core.models import CapturedRequest

    return CapturedRequest(
        id=store.next_id(),
        received_at=time.time(),
        remote="127.0.0.1",
        method="POST",
        target=path,
        http_version=(1, 1),
        raw_headers=(
            (b"Host", b"127.0.0.1:8080"),
            (b"Content-Type", b"application/json"),
            (b"Content-Length", str(len(body)).encode()),
            *headers,
        ),
        body=body,
    )


def highlighted(strip) -> bool:
    """More than one foreground colour on a line: the highlighter styled its tokens."""
    colors = {segment.style.color for segment in strip if segment.style and segment.text.strip()}
    return len(colors) > 1


async def in_process(
    body: bytes, selections: int, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> tuple[list[float], list[float], int]:
    """(seconds to first highlighted body line, max loop lateness, body lines) per selection.

    `headers`: the big capture's besides Content-Type (Content-Encoding for the gzip bomb)."""
    from whisper_tui.core.listening import bind_socket
    from whisper_tui.core.settings import Settings
    from whisper_tui.tuning import tune_process
    from whisper_tui.ui.app import WhisperApp

    # As the CLI starts it: the collector tuned, the startup heap frozen once it is drawn.
    # Without them a full collection walks this harness's and Textual's objects too (~50 ms).
    tune_process()
    sock = bind_socket("127.0.0.1", 0)
    app = WhisperApp(Settings(port=0), sock=sock, freeze_heap=True)
    firsts: list[float] = []
    blocks: list[float] = []
    lines = 0
    async with app.run_test(size=(200, 50)) as pilot:
        store = app.store
        store.add(capture(store, SMALL_BODY, "/hooks/small"))
        big = capture(store, body, "/hooks/big", headers)
        store.add(big)
        store.add(capture(store, SMALL_BODY, "/hooks/newest"))
        await pilot.pause(0.5)
        detail = app.detail
        original = detail.render_line
        seen: dict[str, float | None] = {"at": None}

        def watched(y: int):
            strip = original(y)
            if (
                seen["at"] is None
                and detail.request is big
                and detail.body_view is not None
                and round(detail.scroll_y) + y >= len(detail._head.lines)
                and highlighted(strip)
            ):
                seen["at"] = time.perf_counter()
            return strip

        detail.render_line = watched  # type: ignore[method-assign]
        # From the newest: k selects the big one; then k (away) and j (back) in turn.
        keys = ["k"] + ["k", "j"] * (selections - 1)
        for key in keys:
            selecting_big = (app.request_list.cursor == 2 and key == "k") or key == "j"
            seen["at"] = None
            monitor = LoopMonitor().start()
            start = time.perf_counter()
            await pilot.press(key)
            if selecting_big:
                # A body shown as sent (the bomb: JSON too big to indent) is never coloured.
                deadline = start + (10 if not headers else 0)
                while seen["at"] is None and time.perf_counter() < deadline:
                    await asyncio.sleep(0.001)
                while detail.body_view is None and time.perf_counter() < start + 30:
                    await asyncio.sleep(0.001)
                view = detail.body_view
                while view is not None and not view.lines.complete:
                    await asyncio.sleep(0.005)
                await asyncio.sleep(0.3)  # the last progress message and its redraw
                late = await monitor.stop()
                if seen["at"] is not None:
                    firsts.append(seen["at"] - start)
                blocks.append(late)
                lines = len(view.lines) if view is not None else 0
            else:
                await monitor.stop()
                await pilot.pause(0.2)
    sock.close()
    return firsts, blocks, lines


class Prober(threading.Thread):
    """Small POSTs every 5 ms on one connection; the slowest answer while it runs."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.running = True
        self.slowest = 0.0
        self.sent = 0

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json"}
        while self.running:
            start = time.perf_counter()
            connection.request("POST", "/probe", body=SMALL_BODY, headers=headers)
            connection.getresponse().read()
            self.slowest = max(self.slowest, time.perf_counter() - start)
            self.sent += 1
            time.sleep(0.005)
        connection.close()

    def stop(self) -> float:
        self.running = False
        self.join(10)
        return self.slowest


def post(port: int, path: str, body: bytes) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    connection.getresponse().read()
    connection.close()


def on_pty(body: bytes, selections: int) -> tuple[list[float | None], list[float]]:
    """(seconds from key to the body's first key on screen, slowest probe answer) each time."""
    port = free_port()
    shown: list[float | None] = []
    slowest: list[float] = []
    with pty_app("--port", str(port)) as app:
        wait_listening(port)
        app.wait_idle(0.3, timeout=10)
        post(port, "/hooks/small", SMALL_BODY)
        post(port, "/hooks/big", body)
        post(port, "/hooks/newest", SMALL_BODY)
        app.wait_total(3)
        app.wait_idle(0.5, timeout=10)
        pattern = MARKER.encode()
        # To the oldest first: with the cursor off the newest, the probes' captures never
        # move the selection. Then j selects the big body, k goes back, and so on.
        app.press(b"g", window=0.3)
        app.wait_idle(0.3, timeout=10)
        for _ in range(selections):
            prober = Prober(port)
            prober.start()
            time.sleep(0.05)
            shown.append(app.press_until(b"j", pattern, timeout=10))
            time.sleep(1.0)  # the worker counts the rest of the lines meanwhile
            slowest.append(prober.stop())
            app.wait_idle(0.3, timeout=10)
            app.press(b"k", window=0.3)
            app.wait_idle(0.3, timeout=10)
        app.quit(timeout=30)
    return shown, slowest


def run(quick: bool = False, selections: int | None = None) -> list[Row]:
    selections = selections or (3 if quick else 5)
    body = big_json(BIG_SIZE)
    firsts, blocks, lines = asyncio.run(in_process(body, selections))
    bomb = gzip_json_array(BOMB_SIZE)
    _, bomb_blocks, _ = asyncio.run(in_process(bomb, selections, ((b"Content-Encoding", b"gzip"),)))
    bomb_block = max(bomb_blocks) if bomb_blocks else None
    pty_shown, pty_slowest = on_pty(body, selections)
    first = median(firsts) if firsts else None
    block = max(blocks) if blocks else None
    pty_done = [s for s in pty_shown if s is not None]
    pty_first = median(pty_done) if pty_done else None
    print(
        f"  big body: in-process first highlighted line {', '.join(ms(f) for f in firsts)}; "
        f"loop late {', '.join(ms(b) for b in blocks)}; pty {', '.join(ms(s) for s in pty_shown)}"
        f"; probe slowest {', '.join(ms(s) for s in pty_slowest)}; gzip bomb loop late "
        f"{', '.join(ms(b) for b in bomb_blocks)}",
        flush=True,
    )
    size = f"{len(body) / 1e6:.1f} MB JSON"
    return [
        Row(
            f"{size} selected: first highlighted screen",
            ms(first),
            target=f"<= {TARGET_FIRST_SCREEN * 1000:.0f} ms",
            met=None if first is None else first <= TARGET_FIRST_SCREEN,
            notes=[
                f"big body: in-process (run_test, headless), key to the compositor drawing "
                f"the first highlighted body line, median of {len(firsts)} of {selections} "
                f"selections; body re-indented to {lines:,} lines"
            ],
        ),
        Row(
            f"{size} selected: loop blocked (in-process)",
            ms(block),
            target=f"<= {TARGET_BLOCK * 1000:.0f} ms",
            met=None if block is None else block <= TARGET_BLOCK,
            notes=[
                "big body: worst lateness of a 5 ms sleep on the app's loop, from the key "
                "until every line is counted, over all selections"
            ],
        ),
        Row(
            f"{size} selected via pty: key to body on screen",
            ms(pty_first),
            target=f"<= {TARGET_FIRST_SCREEN * 1000:.0f} ms",
            met=None
            if pty_first is None
            else pty_first <= TARGET_FIRST_SCREEN and len(pty_done) == selections,
            notes=[
                f"big body: app in its own process on a pty; key written until the body's "
                f"first key is in the output, median of {selections} "
                f"({selections - len(pty_done)} timed out)"
            ],
        ),
        Row(
            f"{size} selected via pty: slowest webhook answer",
            ms(max(pty_slowest) if pty_slowest else None),
            target=f"<= {TARGET_BLOCK * 1000:.0f} ms",
            met=bool(pty_slowest) and max(pty_slowest) <= TARGET_BLOCK,
            notes=[
                "big body: a POST every 5 ms on one connection during each selection (key "
                "to 1 s after): the slowest answer, i.e. how long the shared loop kept a "
                "sender waiting"
            ],
        ),
        Row(
            f"gzip JSON bomb ({len(bomb) / 1e3:.0f} KB -> {BOMB_SIZE / 2**20:.0f} MiB) selected: "
            "loop blocked (in-process)",
            ms(bomb_block),
            target=f"<= {TARGET_BOMB_BLOCK * 1000:.0f} ms",
            met=None if bomb_block is None else bomb_block <= TARGET_BOMB_BLOCK,
            notes=[
                "gzip bomb: as the big body's in-process row, the capture a gzip JSON bomb "
                "small on the wire (inflated up to the display cap in the detail's worker: "
                "past the inline limit once decoded), worst lateness over all selections"
            ],
        ),
    ]


if __name__ == "__main__":
    common.run_standalone(run)
