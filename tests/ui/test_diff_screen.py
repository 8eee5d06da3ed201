"""Diffing two deliveries in the TUI: mark, select, d; aligned rows, summary, keys."""

from __future__ import annotations

import json

import pytest
from rich.cells import cell_len

from tests.helpers import (
    delivery_request,
    load_deliveries,
    screen_text,
    send_raw,
    wait_for_list,
    wait_for_screen,
    wait_until,
    wait_until_settled,
)
from whisper_tui.core.diff import Folded
from whisper_tui.core.models import CapturedRequest, RawHeaders
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.diff_layout import half_lines
from whisper_tui.ui.diff_screen import DiffScreen


def event(status: str, order: str = "6735") -> bytes:
    return json.dumps(
        {
            "id": "evt_1",
            "type": "payment_intent.updated",
            "data": {
                "object": {
                    "id": "pi_1",
                    "amount": 2000,
                    "status": status,
                    "metadata": {"order": order},
                }
            },
            "livemode": False,
        },
        separators=(",", ":"),
    ).encode()


def raw(body: bytes, request_id: str, path: str = "/hooks/stripe") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
        f"X-Request-Id: {request_id}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def test_mark_select_d_puts_the_two_values_on_one_row_with_the_path_in_the_summary():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(180, 50)) as pilot:
        await send_raw(app.port, raw(event("pending"), "a1"))
        await send_raw(app.port, raw(event("paid"), "b2"))
        await wait_for_list(pilot, app, 2)
        await pilot.press("k", "m", "j", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        text = await wait_for_screen(pilot, app, 'data.object.status: "pending" -> "paid"')
        rows = text.splitlines()
        [status_row] = [r for r in rows if '"status"' in r]
        assert '"pending"' in status_row and '"paid"' in status_row
        # Unchanged keys stand on one row each, aligned: same text on both sides.
        for key in ('"amount": 2000', '"order": "6735"', '"livemode": false'):
            [row] = [r for r in rows if key in r]
            assert row.count(key) == 2
        assert 'header X-Request-Id: "a1" -> "b2"' in text
        await pilot.press("v")
        text = await wait_for_screen(pilot, app, "2 volatile headers hidden")
        assert "X-Request-Id" not in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, DiffScreen))


async def test_d_without_marks_compares_with_the_previous_delivery_to_the_same_route():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(180, 50)) as pilot:
        await send_raw(app.port, raw(event("pending", "1"), "x"))
        await send_raw(app.port, raw(b'{"other":true}', "y", "/hooks/github"))
        await send_raw(app.port, raw(event("pending", "2"), "z"))
        await wait_for_list(pilot, app, 3)
        await pilot.press("d")
        text = await wait_for_screen(pilot, app, 'data.object.metadata.order: "1" -> "2"')
        assert "older #1" in text and "newer #3" in text


async def test_reordered_keys_compare_equal_after_s():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(180, 50)) as pilot:
        await send_raw(app.port, raw(b'{"a":1,"b":{"c":2,"d":3}}', "same"))
        await send_raw(app.port, raw(b'{"b":{"d":3,"c":2},"a":1}', "same"))
        await wait_for_list(pilot, app, 2)
        await pilot.press("d")
        await wait_for_screen(pilot, app, "older #1")
        await pilot.press("s")
        text = await wait_for_screen(pilot, app, "keys sorted")
        assert "identical" in text


async def test_n_and_p_jump_between_changes():
    first = {f"k{i}": i for i in range(60)}
    second = dict(first, k5=-5, k50=-50)
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(180, 40)) as pilot:
        await send_raw(app.port, raw(json.dumps(first).encode(), "r"))
        await send_raw(app.port, raw(json.dumps(second).encode(), "r"))
        await wait_for_list(pilot, app, 2)
        await pilot.press("d")
        await wait_for_screen(pilot, app, "k5: 5 -> -5")
        view = app.screen.query_one("#diff-view")
        positions = [view.cursor]
        for _ in range(2):
            await pilot.press("n")
            await wait_until(pilot, lambda: view.cursor > positions[-1])
            positions.append(view.cursor)
        await pilot.press("n")
        await wait_until_settled(pilot)
        assert view.cursor == positions[2]  # the last change stops the walk
        row = view.items[view.cursor]
        assert '"k50": -50' in (row.right or "")
        await pilot.press("p")
        await wait_until(pilot, lambda: view.cursor == positions[1])


def test_diff_screen_snapshot(snap_compare, utc):
    store = posts_stored(
        "/hooks/stripe",
        *(
            (
                ((b"Content-Type", b"application/json"), (b"X-Request-Id", f"r{n}".encode())),
                event(s),
            )
            for n, s in ((1, "pending"), (2, "paid"))
        ),
    )
    app = WhisperApp(Settings(port=8080), store=store, serve=False)

    assert snap_compare(app, terminal_size=(160, 40), run_before=open_diff)


# -- wide characters, the mouse, small screens (issue 19) ----------------------------------------

CJK_OLDER = {"name": "山田太郎", "note": "東京都渋谷区の配送センターに到着しました" * 2, "e": "🎉"}
CJK_NEWER = {
    "name": "山田花子",
    "note": "大阪府大阪市の配送センターを出発しました" * 2,
    "e": "🎉🎊",
}


def posts_stored(target: str, *posts: tuple[RawHeaders, bytes]) -> RequestStore:
    """A store of HTTP/1.1 POSTs to `target` with these headers and bodies, numbered from 1,
    one second apart."""
    store = RequestStore()
    for number, (headers, body) in enumerate(posts, start=1):
        store.add(
            CapturedRequest(
                number, 1_764_250_000.0 + number, "127.0.0.1", "POST", target, (1, 1), headers, body
            )
        )
    return store


def store_of(*bodies: dict) -> RequestStore:
    json_type = ((b"Content-Type", b"application/json"),)
    return posts_stored(
        "/hooks/orders",
        *((json_type, json.dumps(b, ensure_ascii=False, indent=1).encode()) for b in bodies),
    )


async def open_diff(pilot) -> None:
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DiffScreen))
    await wait_until_settled(pilot)  # the diff is worked out in a worker


async def test_cjk_and_emoji_rows_keep_the_divider_in_one_column():
    app = WhisperApp(Settings(port=8080), store=store_of(CJK_OLDER, CJK_NEWER), serve=False)
    async with app.run_test(size=(81, 30)) as pilot:
        await open_diff(pilot)
        await wait_for_screen(pilot, app, "山田花子")
        view = app.screen.query_one("#diff-view")
        width = view.scrollable_content_region.width
        columns = set()
        for y in range(view.scrollable_content_region.height):
            strip = view.render_line(y)
            assert strip.cell_length == width
            text = strip.text
            if "│" in text:
                columns.add(cell_len(text[: text.index("│")]))
        wide = [view.render_line(y).text for y in range(20)]
        assert any("渋谷区" in row for row in wide) and any("🎊" in row for row in wide)
        assert columns == {(width - 1) // 2}


async def test_skin_tones_keep_the_divider_in_place_and_a_change_of_tone_is_seen():
    # Shown without the modifier (tmux 3.3 draws '👍🏽' in 4 cells, Rich counts 2); where
    # the tone is all that changed, the row and the summary spell it out.
    older = {"who": "👍🏽 ok", "hand": "👋🏿"}
    newer = {"who": "👍🏾 ok", "hand": "👋🏿"}
    app = WhisperApp(Settings(port=8080), store=store_of(older, newer), serve=False)
    async with app.run_test(size=(81, 30)) as pilot:
        await open_diff(pilot)
        await wait_for_screen(pilot, app, "\\U0001f3fd", "\\U0001f3fe")
        view = app.screen.query_one("#diff-view")
        rows = [view.render_line(y).text for y in range(view.scrollable_content_region.height)]
        changed = [row for row in rows if "who" in row]
        assert changed and "\\U0001f3fd" in changed[0] and "\\U0001f3fe" in changed[0]
        hand = [row for row in rows if "hand" in row]
        assert hand and "👋" in hand[0] and "\U0001f3ff" not in hand[0]
        columns = {cell_len(row[: row.index("│")]) for row in rows if "│" in row}
        assert columns == {40}


async def test_a_click_places_the_cursor_and_a_click_on_a_fold_opens_it():
    first = {f"k{i}": i for i in range(40)}
    app = WhisperApp(Settings(port=8080), store=store_of(first, dict(first, k30=-30)), serve=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_diff(pilot)
        view = app.screen.query_one("#diff-view")
        await wait_until(pilot, lambda: any(isinstance(i, Folded) for i in view.items))
        region = view.content_region
        await pilot.click(offset=(region.x + 3, region.y + 1))
        assert view.cursor == round(view.scroll_y) + 1
        fold = next(n for n, item in enumerate(view.items) if isinstance(item, Folded))
        folded_rows = len(view.items)
        view.scroll_to(y=max(fold - 2, 0), animate=False, immediate=True)
        await pilot.pause()
        await pilot.click(offset=(region.x + 3, region.y + fold - round(view.scroll_y)))
        assert view.cursor == fold
        assert len(view.items) > folded_rows
        assert not any(isinstance(i, Folded) for i in view.items[fold : fold + 2])


async def test_at_40x15_the_summary_leaves_the_rows_most_of_the_screen():
    many = {f"key{i}": i for i in range(30)}
    other = {f"key{i}": -i for i in range(30)}
    app = WhisperApp(Settings(port=8080), store=store_of(many, other), serve=False)
    async with app.run_test(size=(40, 15)) as pilot:
        await open_diff(pilot)
        await wait_for_screen(pilot, app, "key1")
        summary = app.screen.query_one("#diff-summary-box").region
        view = app.screen.query_one("#diff-view").region
        assert summary.height <= 15 // 4 + 1
        assert view.height >= 15 // 2 and view.width == 40
        # Rows are cut to the width: no horizontal scrollbar takes one of the few rows.
        assert not app.screen.query_one("#diff-view").show_horizontal_scrollbar


def test_a_cjk_diff_snapshot(snap_compare, utc):
    app = WhisperApp(Settings(port=8080), store=store_of(CJK_OLDER, CJK_NEWER), serve=False)
    assert snap_compare(app, terminal_size=(100, 30), run_before=open_diff)


@pytest.mark.parametrize("kind", ["changed", "deleted", "inserted"])
def test_changed_lines_carry_minus_and_plus_marks_not_only_colour(kind):
    [left] = [line.plain for line in half_lines('"status": "pending"', 8, 30, "left", [], kind)]
    [right] = [line.plain for line in half_lines('"status": "paid"', 8, 30, "right", [], kind)]
    assert left.startswith('   8 -"status"')
    assert right.startswith('   8 +"status"')
    assert len(left) == len(right) == 30


def test_equal_lines_and_gaps_carry_no_mark():
    assert half_lines("{", 1, 20, "left", [], "equal")[0].plain.startswith("   1  {")
    assert [line.plain for line in half_lines(None, None, 20, "right", [], "deleted")] == [" " * 20]


# -- long lines wrap in each half (users read diffs at 80x24 over SSH) ---------------------------

SIGNATURE = "t=1714265330,v1=6c53645ddbab28a3d8edb63f3a90bf96af64bebcf734783a2fe04afc42bedddf"
DESCRIPTION = "Invoice for the monthly subscription of the Pro plan, billed to the customer"


def long_lines_store() -> RequestStore:
    posts = []
    for tail in ("aaaa", "bbbb"):
        body = {"id": "evt_1", "description": f"{DESCRIPTION}, ref {tail}", "amount": 2000}
        headers = (
            (b"Content-Type", b"application/json"),
            (b"Stripe-Signature", f"{SIGNATURE},v0=dead{tail}".encode()),
        )
        posts.append((headers, json.dumps(body, indent=2).encode()))
    return posts_stored("/hooks/stripe", *posts)


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (200, 50)], ids=str)
async def test_a_change_at_the_end_of_a_long_line_is_seen_in_the_rows_beside_its_counterpart(size):
    app = WhisperApp(Settings(port=8080), store=long_lines_store(), serve=False)
    async with app.run_test(size=size) as pilot:
        await open_diff(pilot)
        view = app.screen.query_one("#diff-view")
        await wait_until(pilot, lambda: view.items)
        width = view.scrollable_content_region.width
        screen: dict[int, str] = {}
        for _ in range(10):  # a page at a time, to the end
            for y in range(view.scrollable_content_region.height):
                screen[round(view.scroll_y) + y] = view.render_line(y).text
            if view.scroll_y >= view.max_scroll_y:
                break
            await pilot.press("pagedown")
            await pilot.pause()
        shown = [screen[line] for line in sorted(screen)]
        # The tails of the signature and of the description, each beside the other side's.
        for old, new in (("deadaaaa", "deadbbbb"), ('aaaa"', 'bbbb"')):
            [row] = [line for line in shown if old in line]
            divider = row.index("│")
            assert old in row[:divider] and new in row[divider:]
        assert all(cell_len(line) == width for line in shown)


def test_long_lines_wrap_in_each_half_snapshot(snap_compare, utc):
    app = WhisperApp(Settings(port=8080), store=long_lines_store(), serve=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_diff)


async def test_a_change_deep_in_a_row_taller_than_the_screen_is_scrolled_into_view():
    blob = "QmFzZTY0" * 600  # 4,800 characters: ~150 lines a half at 80 columns
    store = store_of({"blob": blob + "aaaa", "n": 1}, {"blob": blob + "bbbb", "n": 1})
    app = WhisperApp(Settings(port=8080), store=store, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_diff(pilot)
        view = app.screen.query_one("#diff-view")
        await wait_until(pilot, lambda: view.items)
        await pilot.pause()
        shown = [view.render_line(y).text for y in range(view.scrollable_content_region.height)]
        [row] = [line for line in shown if "aaaa" in line]
        assert "bbbb" in row


async def test_at_80x24_a_long_signature_change_shows_its_old_and_new_value():
    fixtures = {delivery["name"]: delivery for delivery in load_deliveries()}
    store = RequestStore()
    store.add(delivery_request(fixtures["stripe-payment-intent"], 1))
    store.add(delivery_request(fixtures["stripe-docs-selfcomputed"], 2, at=1_764_000_001.0))
    app = WhisperApp(Settings(port=8080), store=store, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_diff(pilot)
        summary = app.screen.query_one("#diff-summary")
        lines = [summary.render_line(y).text for y in range(summary.size.height)]
        assert "header Stripe-Signature:" in lines
        [old] = [line for line in lines if line.startswith('  - "t=1714265330,v1=6c53')]
        [new] = [line for line in lines if line.startswith('  + "t=1614265330,v1=00cd')]
        assert old.rstrip().endswith('v0=deadbeef"') and new.rstrip().endswith('4e20ba"')


async def test_at_80x24_the_diff_footer_shows_every_key_whole():
    # Six keys' labels ran past 80 columns: the footer ended 's Sort k', v not shown at all.
    from whisper_tui.ui.actions import ACTIONS

    app = WhisperApp(Settings(port=8080), store=store_of({"a": 1}, {"a": 2}), serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_diff(pilot)
        footer = screen_text(app).splitlines()[-1]
        shown = [a.label for a in ACTIONS if a.scope in ("diff", "diff_view") and a.footer]
        assert len(shown) == 6
        missing = [label for label in shown if f" {label} " not in footer + " "]
        assert not missing, footer
