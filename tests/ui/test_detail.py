"""The detail pane: request line, summary, query, headers, body and attempts of one capture."""

from __future__ import annotations

import gzip
import json

import aiohttp
import pytest
from textual.app import App, ComposeResult
from textual.color import Color

from tests.helpers import screen_text, wait_for_screen, wait_until, wait_until_settled
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.core.signatures import Verdict
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.clipboard import GuardedClipboard
from whisper_tui.ui.detail import INLINE_DECODE_LIMIT, RequestDetail, pair_lines, verdict_lines
from whisper_tui.ui.palette import ReadableThemes, contrast

pytestmark = pytest.mark.usefixtures("utc")

AT = 1_764_000_000.25  # 2025-11-24 16:00:00.250 UTC
BASE_URL = "http://127.0.0.1:9999"


def capture(
    target: str = "/hooks/stripe?live=1&tag=a",
    body: bytes = b'{"type":"invoice.paid","amount":4200}',
    headers: tuple[tuple[bytes, bytes], ...] = (
        (b"Content-Type", b"application/json"),
        (b"X-Dup", b"1"),
        (b"X-Dup", b"2"),
    ),
    request_id: int = 7,
    **changes: object,
) -> CapturedRequest:
    return CapturedRequest(
        request_id,
        AT,
        "10.0.0.5",
        "POST",
        target,
        (1, 1),
        headers,
        body,
        **changes,  # type: ignore[arg-type]
    )


class DetailApp(GuardedClipboard, ReadableThemes, App[None]):
    """Just the detail pane, over a real store (attempts are read from it), in the app's
    colours and with its clipboard guard."""

    def __init__(self) -> None:
        super().__init__()
        self.store = RequestStore()

    def compose(self) -> ComposeResult:
        yield RequestDetail(base_url=BASE_URL, attempts_for=self.store.attempts)

    @property
    def detail(self) -> RequestDetail:
        return self.query_one(RequestDetail)

    def show(self, request: CapturedRequest | None) -> None:
        if request is not None and self.store.get(request.id) is None:
            self.store.add(request)
        self.detail.show(request)


def lines(app: App) -> list[str]:
    return [line.rstrip() for line in screen_text(app).splitlines()]


# -- what one capture shows ---------------------------------------------------------------------


async def test_with_nothing_to_show_it_says_how_to_send_a_request():
    app = DetailApp()
    async with app.run_test(size=(120, 20)) as pilot:
        app.show(None)
        await wait_for_screen(
            pilot, app, "Waiting for requests…", "curl -H", "content-type:application/json"
        )
        assert f"{BASE_URL}/hooks/test" in screen_text(app)


async def test_the_request_line_and_summary_come_first():
    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        app.show(capture())
        await pilot.pause()
        shown = lines(app)
        assert shown[0] == "POST /hooks/stripe?live=1&tag=a HTTP/1.1"
        assert shown[1] == ("#7  2025-11-24 16:00:00.250  from 10.0.0.5  37 B  application/json")


async def test_query_parameters_and_headers_are_listed_in_order_with_counts():
    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        app.show(capture())
        await pilot.pause()
        shown = lines(app)
        query = shown.index("Query (2)")
        assert shown[query + 1 : query + 3] == ["live = 1", "tag =  a"]
        headers = shown.index("Headers (3)")
        assert shown[headers + 1 : headers + 4] == [
            "Content-Type: application/json",
            "X-Dup:        1",
            "X-Dup:        2",
        ]


async def test_a_target_without_a_query_has_no_query_section():
    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        app.show(capture(target="/plain"))
        await pilot.pause()
        assert "Headers (3)" in lines(app)
        assert not any(line.startswith("Query") for line in lines(app))


async def test_a_json_body_is_titled_with_its_size_and_kind_and_pretty_printed():
    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        app.show(capture())
        await pilot.pause()
        shown = lines(app)
        body = shown.index("Body  37 B  json (auto; v: raw, hex)")
        assert shown[body + 1 : body + 5] == [
            "{",
            '  "type": "invoice.paid",',
            '  "amount": 4200',
            "}",
        ]


async def test_an_empty_body_says_so():
    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        app.show(capture(body=b"", headers=()))
        await pilot.pause()
        shown = lines(app)
        assert "Headers (0)" in shown
        assert shown[shown.index("Body  0 B  empty") + 1] == "(empty)"


async def test_a_rejected_capture_says_it_was_answered_413_and_shows_the_announced_size():
    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        app.show(capture(body=b"", rejected=True, declared_length=5_000_000, answered_status=413))
        await wait_for_screen(pilot, app, "rejected with 413: body over the --max-body limit")
        assert "5.0 MB" in lines(app)[1]
        body = [line for line in lines(app) if line.startswith("Body")]
        assert body == ["Body  5.0 MB  not kept (over the --max-body limit)"]
        assert "(empty)" not in screen_text(app)


async def test_sender_markup_and_control_characters_are_shown_literally():
    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        app.show(
            capture(
                target="/[b]x[/b]?q=\x1b[2J",
                headers=((b"X-Markup", b"[red]boom[/red]\x07"),),
                body=b"[bold]hi[/bold] \x1b]0;t\x07",
            )
        )
        await pilot.pause()
        text = screen_text(app)
        assert "POST /[b]x[/b]?q=␛[2J HTTP/1.1" in text
        assert "X-Markup: [red]boom[/red]␇" in text
        assert "[bold]hi[/bold] ␛]0;t␇" in text


async def test_a_long_header_value_wraps_under_the_value_column():
    app = DetailApp()
    async with app.run_test(size=(60, 30)) as pilot:
        value = "v" * 150
        app.detail.wrap = True
        app.show(capture(headers=((b"X-Long", value.encode()), (b"A", b"b"))))
        await pilot.pause()
        shown = lines(app)
        first = shown.index(next(line for line in shown if line.startswith("X-Long: ")))
        column = len("X-Long: ")
        wrapped = [shown[first]]
        for line in shown[first + 1 :]:
            if not line.startswith(" " * column):
                break
            wrapped.append(line)
        assert len(wrapped) >= 3
        assert "".join(line[column:] for line in wrapped) == value
        assert shown[first + len(wrapped)] == "A:      b"


async def test_header_values_wrap_between_words_and_still_wrap_after_w():
    # Newcomer C at 80x24: 'Python-urllib/3.' / '11', 'application/x-ww' / 'w-form-urlencode'
    # / 'd'. w is the body's: header values wrap with it on or off.
    app = DetailApp()
    form = "application/x-www-form-urlencoded"
    headers = ((b"User-Agent", b"Python-urllib/3.11"), (b"Content-Type", form.encode()))
    async with app.run_test(size=(36, 30)) as pilot:
        app.show(capture(headers=headers))
        app.detail.focus()
        for wrap in (False, True):
            await pilot.pause()
            assert app.detail.wrap is wrap
            shown = lines(app)
            agent = next(i for i, line in enumerate(shown) if line.startswith("User-Agent:"))
            rows = [line.split(":", 1)[-1].strip() for line in shown[agent : agent + 4]]
            assert rows[0] == "Python-urllib/3.11" or rows[:2] == ["Python-urllib/", "3.11"]
            assert "application/x-www-" in rows and "form-urlencoded" in rows
            await pilot.press("w")


SIGNATURE = "t=1714265330,v1=" + "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"


async def test_on_a_fresh_start_at_80x24_a_signature_header_shows_whole_and_stays_put():
    # Wrap was off by default and w governed the headers: a Stripe-Signature was cut at the
    # pane's edge, and scrolling sideways to read it moved its name off the screen.
    app = WhisperApp(Settings(port=0))
    body = f"short\n{LONG_LINE}\n"
    headers = ((b"Content-Type", b"text/plain"), (b"Stripe-Signature", SIGNATURE.encode()))
    async with app.run_test(size=(80, 40)) as pilot:  # 80 wide; tall enough to read it all
        app.store.add(capture(body=body.encode(), headers=headers))
        await wait_for_screen(pilot, app, "Stripe-Signature:")
        assert not app.detail.wrap  # the body's default is kept
        for _ in range(2):  # before and after scrolling the body sideways
            shown = [line.split("▊")[-1][1:] for line in lines(app)]  # the detail's half
            start = next(i for i, line in enumerate(shown) if line.startswith("Stripe-Signature:"))
            rows = [shown[start][len("Stripe-Signature:") :]]
            rows += [row for row in shown[start + 1 : start + 6] if row.startswith("    ")]
            assert "".join(row.strip() for row in rows) == SIGNATURE
            app.detail.focus()
            # The body's long line scrolls (once the scrollbars are decided at a layout).
            await wait_until(pilot, lambda: app.detail.allow_horizontal_scroll)
            app.detail.scroll_to(x=40, animate=False, immediate=True)
            await pilot.pause()
            assert app.detail.scroll_x == 40


async def test_notes_above_the_body_flow_at_the_panes_width():
    # Ours, not the sender's: cut at the edge they read 'decoded gzip for display (72 B -> 56'.
    app = DetailApp()
    headers = ((b"Content-Type", b"text/plain"), (b"Content-Encoding", b"gzip"))
    async with app.run_test(size=(30, 30)) as pilot:
        app.show(capture(body=gzip.compress(b"hello " * 20), headers=headers))
        await wait_for_screen(pilot, app, "decoded gzip")
        assert not app.detail.wrap
        shown = lines(app)
        start = next(i for i, line in enumerate(shown) if line.startswith("decoded gzip"))
        note = [shown[start]]
        note += [line for line in shown[start + 1 : start + 3] if line.startswith("  ")]
        assert " ".join(line.strip() for line in note).endswith("B -> 120 B)")


async def test_showing_another_capture_replaces_everything_and_scrolls_to_the_top():
    app = DetailApp()
    async with app.run_test(size=(120, 20)) as pilot:
        long_body = json.dumps([{"n": n} for n in range(200)]).encode()
        app.show(capture(body=long_body, request_id=1))
        await pilot.pause()
        app.detail.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        app.show(capture(target="/second", body=b"{}", request_id=2))
        await pilot.pause()
        assert app.detail.scroll_y == 0
        assert lines(app)[0] == "POST /second HTTP/1.1"
        assert '"n"' not in screen_text(app)


# -- bodies, big and long -----------------------------------------------------------------------


async def test_a_long_body_scrolls_line_by_line_to_its_last_line():
    app = DetailApp()
    async with app.run_test(size=(120, 20)) as pilot:
        body = "\n".join(f"line {n}" for n in range(5_000)).encode()
        app.show(capture(body=body, headers=((b"Content-Type", b"text/plain"),)))
        detail = app.detail
        # Lines past the first screen are counted in slices; the height catches up.
        await wait_until(pilot, lambda: detail.virtual_size.height > 5_000)
        assert "line 4999" not in screen_text(app)
        detail.scroll_end(animate=False, immediate=True)
        await wait_for_screen(pilot, app, "line 4999")
        assert "line 0" not in lines(app)


async def test_a_big_body_is_decoded_off_the_loop_and_then_shown():
    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        big = json.dumps({"items": ["x" * 100] * 5_000, "last": True}).encode()
        assert len(big) > 256 * 1024
        app.show(capture(body=big))
        # Straight after show(), before the worker answers: the title says it is decoding.
        detail = app.detail
        head = [detail.render_line(y).text for y in range(detail.size.height)]
        assert any("Body  decoding" in line for line in head)
        await wait_for_screen(pilot, app, '"items": [', "json")
        text = screen_text(app)
        assert "decoding" not in text
        assert "Body  " in text


async def test_a_gzip_body_that_inflates_past_the_inline_limit_is_decoded_off_the_loop():
    # Small on the wire, big once inflated: the loop (which is also the capture server) once
    # inflated it whole because its wire size was small, a ~100 KB bomb up to the 64 MiB cap.
    def gzipped(text: bytes, request_id: int) -> CapturedRequest:
        headers = ((b"Content-Type", b"text/plain"), (b"Content-Encoding", b"gzip"))
        return capture(body=gzip.compress(text), headers=headers, request_id=request_id)

    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        detail = app.detail
        # Inflating to the limit exactly: decoded in show() itself, as before.
        at_limit = gzipped(b"at limit\n".ljust(INLINE_DECODE_LIMIT, b"a"), 1)
        app.show(at_limit)
        assert detail.body_view is not None
        size = f"({len(at_limit.body):,} B -> {INLINE_DECODE_LIMIT:,} B)"
        assert size in detail.body_view.notes[0]
        # One byte more: show() leaves it to the worker (its view comes in a message, which
        # the loop can't handle before show() returns), and the title says it is decoding.
        text = b"past limit\n".ljust(INLINE_DECODE_LIMIT + 1, b"a")
        past = gzipped(text, 2)
        assert len(past.body) < 4096
        app.show(past)
        assert detail.body_view is None
        head = [detail.render_line(y).text for y in range(detail.size.height)]
        assert any("Body  decoding" in line for line in head)
        note = f"decoded gzip for display ({len(past.body):,} B -> {len(text):,} B)"
        await wait_for_screen(pilot, app, "past limit", note)
        assert detail.body_view is not None and detail.body_view.notes[0] == note


# -- attempts -----------------------------------------------------------------------------------


def replayed(status: int, reason: str, body: bytes = b"", started: float = AT + 60, **changes):
    return Attempt(
        target_url="http://127.0.0.1:3000/hooks",
        started_at=started,
        status=status,
        reason=reason,
        response_headers=((b"Content-Type", b"application/json"),),
        response_body=body,
        latency=0.012,
        **changes,
    )


async def test_attempts_are_listed_latest_first_with_the_latest_answer_shown():
    app = DetailApp()
    async with app.run_test(size=(120, 40)) as pilot:
        request = capture()
        app.show(request)
        await pilot.pause()
        assert not any(line.startswith("Attempts") for line in lines(app))
        app.store.add_attempt(request.id, replayed(500, "Internal Server Error", b'{"e":1}'))
        app.store.add_attempt(
            request.id, replayed(201, "Created", b'{"ok":true}', started=AT + 120)
        )
        app.detail.refresh_attempts()
        await wait_for_screen(pilot, app, "Attempts (2, latest first)")
        shown = lines(app)
        first = shown.index("Attempts (2, latest first)")
        assert shown[first + 1] == (
            "replay → http://127.0.0.1:3000/hooks  201 Created  12 ms  16:02:00"
        )
        assert shown[first + 2] == "    answer: 11 B  application/json"
        assert shown[first + 3 : first + 6] == ["    {", '      "ok": true', "    }"]
        assert shown[first + 6] == (
            "replay → http://127.0.0.1:3000/hooks  500 Internal Server Error  12 ms  16:01:00"
        )
        assert '"e": 1' not in screen_text(app)  # only the latest answer's body


async def test_a_failed_attempt_shows_its_error_and_notes_are_shown_under_a_success():
    app = DetailApp()
    async with app.run_test(size=(120, 40)) as pilot:
        request = capture()
        app.show(request)
        app.store.add_attempt(
            request.id,
            Attempt(
                target_url="http://127.0.0.1:1/x",
                started_at=AT,
                kind="forward",
                error="Cannot connect to host 127.0.0.1:1 [Connection refused]",
            ),
        )
        app.store.add_attempt(
            request.id, replayed(200, "OK", notes=["re-signed with the stripe secret"])
        )
        app.detail.refresh_attempts()
        await wait_for_screen(pilot, app, "Attempts (2, latest first)")
        shown = lines(app)
        assert "    re-signed with the stripe secret" in shown
        failed = shown.index("forward → http://127.0.0.1:1/x  failed")
        assert shown[failed + 1] == ("    Cannot connect to host 127.0.0.1:1 [Connection refused]")


async def test_a_long_answer_is_cut_after_twelve_lines():
    app = DetailApp()
    async with app.run_test(size=(120, 60)) as pilot:
        request = capture()
        app.show(request)
        answer = json.dumps(list(range(40)), indent=0).encode()
        app.store.add_attempt(request.id, replayed(200, "OK", answer))
        app.detail.refresh_attempts()
        text = await wait_for_screen(pilot, app, "… (answer continues; export the attempt")
        assert "    10," in text
        assert "    11," not in text  # "[" then 0..10: twelve lines


# -- signatures ---------------------------------------------------------------------------------


def test_a_verified_signature_is_one_line():
    [line] = verdict_lines(Verdict("github", "verified", "", True), 80)
    assert line.plain == "signature: verified (github)"


def test_a_missing_secret_reads_not_checked():
    [line] = verdict_lines(Verdict("stripe", "no-secret", "no secret for stripe", None), 80)
    assert line.plain == "signature: not checked (stripe): no secret for stripe"


def test_a_failed_signatures_reason_wraps_at_words_under_an_indent():
    reason = "timestamp 1764000000 is 900 s old, over the tolerance 300 s " * 3
    shown = [t.plain for t in verdict_lines(Verdict("stripe", "failed", reason, True), 60)]
    assert shown[0].startswith("signature: failed (stripe): timestamp")
    assert len(shown) > 1
    assert all(line.startswith("    ") and len(line) <= 60 for line in shown[1:])
    assert " ".join(piece.strip() for piece in shown).endswith(reason.strip())
    assert "tolerance 300 s" in " ".join(shown)


def test_pair_lines_align_values_after_the_longest_name():
    shown = [t.plain for t in pair_lines([("a", "1"), ("long-name", "2")], 80, ":", "bold")]
    assert shown == ["a:         1", "long-name: 2"]


# -- in the app ---------------------------------------------------------------------------------


async def test_request_line_headers_and_body_fit_together_for_a_small_request():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(160, 45)) as pilot:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"http://127.0.0.1:{app.port}/small",
                data=b'{"a":1}',
                headers={"Content-Type": "application/json"},
            ),
        ):
            pass
        await wait_for_screen(
            pilot, app, "POST /small HTTP/1.1", "Headers (", "Content-Type:", '"a": 1'
        )


# -- long lines: sideways and wrapped ------------------------------------------------------------

LONG_LINE = ("The quick brown fox " * 15)[:292] + "END-OF-LINE-307"
assert len(LONG_LINE) == 307


def text_capture(body: str, **changes: object) -> CapturedRequest:
    return capture(body=body.encode(), headers=((b"Content-Type", b"text/plain"),), **changes)


@pytest.mark.parametrize(
    "body",
    [
        f"short\n{LONG_LINE}\nlast\n",
        json.dumps({"type": "invoice.paid", "description": LONG_LINE}),
    ],
    ids=["text", "json"],
)
async def test_a_307_character_body_line_is_read_to_its_end_with_right(body):
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        headers = ((b"Content-Type", b"application/json" if body[0] == "{" else b"text/plain"),)
        app.show(capture(body=body.encode(), headers=headers))
        await pilot.pause()
        app.detail.focus()
        assert "END-OF-LINE-307" not in screen_text(app)
        detail = app.detail
        # The body line, not the head, sets how far → goes; each press moves one column.
        assert detail.max_scroll_x >= 307 - detail.scrollable_content_region.width
        await pilot.press("l", "l", "right")
        assert detail.scroll_x == 3
        detail.scroll_to(x=detail.max_scroll_x - 2, animate=False, immediate=True)
        await pilot.press("l", "l", "l")
        await wait_for_screen(pilot, app, "END-OF-LINE-307")


async def test_wrap_shows_a_long_line_whole_without_sideways_scrolling():
    app = DetailApp()
    async with app.run_test(size=(80, 40)) as pilot:
        app.show(text_capture(f"short\n{LONG_LINE}\nlast\n"))
        await pilot.pause()
        app.detail.focus()
        await pilot.press("w")
        await wait_for_screen(pilot, app, "↪ ", "last")
        detail = app.detail
        assert detail.virtual_size.width <= detail.scrollable_content_region.width
        shown = lines(app)
        start = shown.index("short") + 1
        # Rows are compared without their spaces (a row may end in one the screen trims);
        # each after the first starts with the diff's continuation marker.
        rows = shown[start : shown.index("last")]
        assert len(rows) > 1 and not rows[0].startswith("↪")
        assert all(row.startswith("↪ ") for row in rows[1:])
        wrapped = rows[0] + "".join(row.removeprefix("↪ ") for row in rows[1:])
        assert wrapped.replace(" ", "") == LONG_LINE.replace(" ", "")
        await pilot.press("l")
        assert detail.scroll_x == 0
        await pilot.press("w")  # and back
        await wait_until(pilot, lambda: detail.virtual_size.width > 300)
        assert "END-OF-LINE-307" not in screen_text(app)


async def test_wrap_is_written_to_the_config_and_read_back_on_the_next_run():
    from whisper_tui.core.config import config_path, load_config
    from whisper_tui.options import config_values

    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        app.detail.focus()
        await pilot.press("w")
        await pilot.pause()
        assert app.detail.wrap
    data = load_config()
    assert data["wrap"] is True
    settings = Settings(**config_values(data, config_path()))
    again = WhisperApp(Settings(port=0, wrap=settings.wrap))
    async with again.run_test(size=(80, 24)) as pilot:
        assert again.detail.wrap
        again.store.add(text_capture(LONG_LINE))
        await wait_for_screen(pilot, again, "Body  307 B  text", "fox The quick br")
        assert again.detail.virtual_size.width <= again.detail.scrollable_content_region.width


async def test_wrapping_keeps_the_top_line_in_view():
    app = DetailApp()
    async with app.run_test(size=(80, 20)) as pilot:
        body = "\n".join(f"row {n} " + "x" * 150 for n in range(400))
        app.show(text_capture(body))
        await pilot.pause()
        app.detail.focus()
        app.detail.scroll_to(y=200, animate=False, immediate=True)
        await pilot.pause()
        top = lines(app)[0].split()[:2]
        await pilot.press("w")
        await wait_until(pilot, lambda: lines(app)[0].split()[:2] == top)


async def test_a_long_body_of_short_lines_has_no_horizontal_scrollbar_at_80x24():
    # Sized before the vertical scrollbar came, the rows were one cell too wide after it.
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        app.store.add(text_capture("\n".join(f"line {n}" for n in range(100))))
        await wait_for_screen(pilot, app, "line 3")
        await wait_until(pilot, lambda: app.detail.max_scroll_y > 0)  # all 100 lines counted
        await wait_until_settled(pilot)
        assert app.detail.max_scroll_x == 0
        assert not app.detail.show_horizontal_scrollbar


BINARY = bytes(range(0x7C)) * 3 + b"\xff\xfe"  # no '|', which the ASCII column is framed with


@pytest.mark.parametrize(
    ("size", "per_row"), [((80, 24), 4), ((60, 20), 8), ((200, 50), 16)], ids=str
)
@pytest.mark.parametrize("wrap", [True, False], ids=["wrap", "nowrap"])
async def test_hex_dump_rows_stay_whole_with_fewer_bytes_a_row_in_a_narrow_pane(
    size, per_row, wrap
):
    from whisper_tui.core.contentviews.lines import hex_line

    app = WhisperApp(Settings(port=0, wrap=wrap))
    async with app.run_test(size=size) as pilot:
        headers = ((b"Content-Type", b"application/octet-stream"),)
        app.store.add(capture(target="/bin", body=BINARY, headers=headers))
        await wait_for_screen(pilot, app, f"Body  {len(BINARY)} B  hex")
        app.detail.focus()
        seen: set[int] = set()
        for _ in range(60):  # a page at a time to the end; every row read whole on screen
            for line in lines(app):
                row = line.split("▊")[-1][1:]
                row = row[: row.rindex("|") + 1] if "|" in row else row  # not the scrollbar
                if row[:8].isalnum() and row[8:10] == "  ":
                    offset = int(row[:8], 16)
                    assert row == hex_line(BINARY, offset, per_row).rstrip(), (size, row)
                    seen.add(offset)
            if len(BINARY) - 1 - (len(BINARY) - 1) % per_row in seen:
                break
            await pilot.press("pagedown")
            await pilot.pause()
        assert seen == set(range(0, len(BINARY), per_row))
        assert app.detail.max_scroll_x == 0  # no sideways scrolling needed either


# -- what the sender got, and UTF-8 header values -----------------------------------------------


async def test_a_utf8_header_value_is_shown_as_utf8_and_bad_bytes_escaped():
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        headers = ((b"X-User", "Zoë Müller".encode()), (b"X-Bad", b"caf\xe9"))
        app.show(capture(headers=headers))
        await pilot.pause()
        shown = lines(app)
        assert "X-User: Zoë Müller" in shown
        assert "X-Bad:  caf\\xe9" in shown
        assert "ZoÃ«" not in screen_text(app)


async def test_the_detail_says_what_whisper_tui_answered_and_why():
    from whisper_tui.core.responses import ResponsePolicy, parse_rule

    policy = ResponsePolicy(rules=[parse_rule("POST /x 418")])
    app = DetailApp()
    async with app.run_test(size=(100, 24)) as pilot:
        app.detail.policy = policy
        app.show(capture(target="/x", answered_status=418, request_id=1))
        await wait_for_screen(pilot, app, "answered 418 by --respond rule 'POST /x 418'")
        app.show(capture(target="/y", answered_status=500, request_id=2))
        await wait_for_screen(pilot, app, "answered 500 (answer mode)")


async def test_the_answer_line_shows_the_latest_forwards_result():
    app = DetailApp()
    async with app.run_test(size=(120, 24)) as pilot:
        request = capture()
        app.show(request)
        app.store.add_attempt(request.id, replayed(502, "Bad Gateway", kind="forward"))
        app.detail.refresh_attempts()
        await wait_for_screen(pilot, app, "answered 200  ·  forward 502 Bad Gateway")


# -- colours ------------------------------------------------------------------------------------


def cell_colours(app: App, needle: str) -> tuple[Color, Color]:
    """(foreground, background) of the first cell of `needle` on screen."""
    from tests.helpers import segments_at

    for segment in segments_at(app, needle):
        style = segment.style
        return Color(*style.color.triplet), Color(*style.bgcolor.triplet)
    raise AssertionError(f"{needle!r} not on screen")


async def test_a_theme_change_redraws_the_body_and_the_answer_in_the_new_colours_at_once():
    app = DetailApp()
    async with app.run_test(size=(80, 30)) as pilot:
        app.theme = "textual-dark"
        body = json.dumps({"status": "paid"}, indent=1).encode()
        request = capture(body=body)
        app.store.add(request)
        app.store.add_attempt(request.id, replayed(201, "Created", b'{"answer": "queued"}'))
        app.show(request)
        await wait_for_screen(pilot, app, '"paid"', '"queued"')
        dark = [cell_colours(app, needle) for needle in ('"paid"', '"queued"')]
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        # Nothing else happened: no other capture shown, no scroll; the cached lines are gone.
        light = [cell_colours(app, needle) for needle in ('"paid"', '"queued"')]
        for (old, _), (new, ground) in zip(dark, light, strict=True):
            assert new != old
            assert ground == Color.parse(app.theme_variables["background"])
            assert contrast(new, ground) >= 4.5


async def test_with_wrap_remembered_the_first_capture_is_wrapped_at_the_panes_width():
    # The head was built before the vertical scrollbar came, then cut at the narrower width:
    # "signature: not checked (github): no" / "s" / "    ecret configured ...".
    app = WhisperApp(Settings(port=0, wrap=True))
    async with app.run_test(size=(80, 24)) as pilot:
        headers = (
            (b"Content-Type", b"application/json"),
            (b"X-GitHub-Event", b"push"),
            (b"X-GitHub-Delivery", b"abc-123"),
            (b"X-Hub-Signature-256", b"sha256=" + b"0123456789abcdef" * 4),
            *((f"X-Extra-{n}".encode(), b"value") for n in range(12)),
        )
        app.store.add(capture(target="/hooks/github", headers=headers))
        await wait_for_screen(pilot, app, "signature: not checked (github)")
        await pilot.pause()
        detail = app.detail
        assert detail.max_scroll_y > 0  # the scrollbar is there
        shown = [line.split("▊")[-1][1:].rstrip() for line in lines(app)]
        start = next(i for i, line in enumerate(shown) if line.startswith("signature:"))
        # To the row after it that is not indented (the scrollbar's thumb may be beside it).
        end = next(i for i in range(start + 1, len(shown)) if not shown[i].startswith("    "))
        rows = shown[start:end]
        assert all(row.startswith("    ") for row in rows[1:]), rows
        words = " ".join(row.strip() for row in rows)
        assert "no secret configured for github; pass one with --secret" in words


# -- g and G on a long body ---------------------------------------------------------------------


async def test_g_goes_to_the_top_at_once_not_through_the_body():
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show(text_capture("".join(f"line {n}\n" for n in range(2000))))
        await pilot.pause()
        app.detail.focus()
        await pilot.press("G")
        await wait_until(pilot, lambda: app.detail.scroll_y == app.detail.max_scroll_y > 1000)
        seen: list[float] = []
        app.detail.watch(app.detail, "scroll_y", lambda y: seen.append(y), init=False)
        await pilot.press("g")
        # Before: Textual's animation over a second drew the body's middle on the way up.
        assert seen == [0]


async def test_g_or_G_right_after_w_is_not_undone_by_ws_way_back():
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show(text_capture("".join(f"line {n}\n" for n in range(2000))))
        await pilot.pause()
        detail = app.detail
        detail.focus()
        for key in ("g", "G"):
            # w keeps the top line in view once its row is counted; here it is not yet.
            detail._goto = (1500, 0, True)
            await pilot.press(key)
            # Before: the pending way back stayed, and took the view to line 1500 after g.
            assert detail._goto is None
