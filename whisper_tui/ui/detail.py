"""The selected capture: request line, query, headers, then the body, as one virtual document.

Only the lines on screen are highlighted (and cached). Bodies above a threshold are decoded
and formatted in a thread worker so the shared loop (which is also the capture server) never
waits on a 5 MB payload.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import work
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from whisper_tui.core.contentviews import BodyView, body_view, view_for
from whisper_tui.core.models import Attempt, CapturedRequest, first_header, header_values
from whisper_tui.core.sanitize import printable
from whisper_tui.core.signatures import Verdict
from whisper_tui.core.sizes import format_size
from whisper_tui.core.verdicts import Verdicts
from whisper_tui.ui.actions import bindings_for
from whisper_tui.ui.highlight import highlight_line
from whisper_tui.ui.request_list import METHOD_STYLES
from whisper_tui.ui.scrolling import set_virtual_size

INLINE_DECODE_LIMIT = 256 * 1024
"""Bodies up to this size are decoded on the spot; bigger ones in a worker thread."""
FIRST_SCREEN_LINES = 400
COUNT_EVERY = 0.02
COUNT_BUDGET = 0.003
"""Seconds of line counting per slice on the loop (every COUNT_EVERY)."""
COUNT_STEP = 200
LINE_CACHE_SIZE = 2048
MAX_NAME_WIDTH = 32


class RequestDetail(ScrollView, can_focus=True):
    """Everything about one capture, top to bottom, highlighted lazily."""

    BINDINGS = bindings_for("detail")

    class BodyProgress(Message):
        """A worker produced more body lines (or finished) for the shown capture."""

        def __init__(self, request_id: int, view: BodyView | None) -> None:
            self.request_id = request_id
            self.view = view
            super().__init__()

    def __init__(
        self,
        verdicts: Verdicts | None = None,
        base_url: str = "",
        attempts_for: Callable[[int], list[Attempt]] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.attempts_for = attempts_for
        self._attempt_count = 0
        self.verdicts = verdicts
        self.base_url = base_url
        self.request: CapturedRequest | None = None
        self._head: list[Text] = []
        self._view: BodyView | None = None
        self._cache: LRUCache[int, Strip] = LRUCache(LINE_CACHE_SIZE)
        self._counter: Timer | None = None
        self._base_style: Style | None = None
        self._sized_at = 0.0

    # -- content ---------------------------------------------------------------------------

    def show(self, request: CapturedRequest | None) -> None:
        """Display a capture (None shows the waiting message)."""
        if request is self.request and self._head:
            return
        self.request = request
        self._cache.clear()
        self._view = None
        self.scroll_to(0, 0, animate=False, immediate=True)
        if request is not None:
            if len(request.body) <= INLINE_DECODE_LIMIT:
                self._set_view(body_view(request))
            else:
                self._decode_in_worker(request)
        self._rebuild()

    @property
    def body_view(self) -> BodyView | None:
        return self._view

    def _set_view(self, view: BodyView) -> None:
        self._view = view
        if not view.lines.advance(FIRST_SCREEN_LINES):
            self._count_rest()

    @work(thread=True, exclusive=True, group="detail-body", description="decode body")
    def _decode_in_worker(self, request: CapturedRequest) -> None:
        # Decoding (content-encoding, charset) is C work that releases the GIL; only the
        # first screen of lines is produced here, the rest is counted on the loop in slices.
        view = body_view(request)
        view.lines.advance(FIRST_SCREEN_LINES)
        self.post_message(self.BodyProgress(request.id, view))

    def _count_rest(self) -> None:
        """Produce the remaining lines a few milliseconds at a time on the loop.

        A worker thread would hold the GIL for hundreds of milliseconds of pure Python and
        stall the loop the server shares; short slices between frames never do.
        """
        if self._counter is not None:
            self._counter.stop()
        self._counter = self.set_interval(COUNT_EVERY, self._count_slice)

    def _count_slice(self) -> None:
        view = self._view
        if view is None or view.lines.complete:
            if self._counter is not None:
                self._counter.stop()
                self._counter = None
            self._update_size()
            return
        deadline = time.perf_counter() + COUNT_BUDGET
        while time.perf_counter() < deadline:
            if view.lines.advance(COUNT_STEP):
                break
        now = time.monotonic()
        if view.lines.complete or now - self._sized_at > 0.25:
            self._sized_at = now
            self._update_size()

    def on_request_detail_body_progress(self, message: BodyProgress) -> None:
        if self.request is None or message.request_id != self.request.id:
            return
        if message.view is not None:
            self._view = message.view
            self._rebuild()
            if not message.view.lines.complete:
                self._count_rest()

    def _rebuild(self) -> None:
        verdicts = (
            self.verdicts.for_request(self.request) if self.verdicts and self.request else None
        )
        width = max(self.scrollable_content_region.width, 20)
        attempts = self.attempts_for(self.request.id) if self.attempts_for and self.request else []
        self._attempt_count = len(attempts)
        self._head = head_lines(self.request, self._view, width, verdicts, self.base_url, attempts)
        self._cache.clear()
        self._update_size()
        self.refresh()

    def _update_size(self) -> None:
        body_lines = len(self._view.lines) if self._view else 0
        height = len(self._head) + body_lines
        width = max(self.size.width, max((t.cell_len for t in self._head), default=0))
        set_virtual_size(self, Size(width, height))
        self.refresh()

    def on_resize(self) -> None:
        self._rebuild()

    def refresh_attempts(self) -> None:
        """Redraw if the shown capture gained attempts (a replay or forward finished)."""
        if self.request is None or self.attempts_for is None:
            return
        if len(self.attempts_for(self.request.id)) != self._attempt_count:
            self._rebuild()

    # -- rendering -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        strip = self._cache.get(index)
        if strip is None:
            text = self._line_text(index)
            if text is None:
                return Strip.blank(width, self._style())
            strip = Strip(list(text.render(self.app.console)), text.cell_len)
            self._cache.set(index, strip)
        scroll_x = round(self.scroll_x)
        line = strip.crop(scroll_x, scroll_x + width).extend_cell_length(width)
        return line.apply_style(self._style())

    def _style(self) -> Style:
        # rich_style walks the DOM (~0.2 ms); once per style change, not once per line.
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None

    def _line_text(self, index: int) -> Text | None:
        if index < len(self._head):
            return self._head[index]
        if self._view is None:
            return None
        body_index = index - len(self._head)
        if body_index >= len(self._view.lines):
            return None
        return highlight_line(
            self._view.lines[body_index], self._view.lexer, self.app.current_theme.dark
        )


def head_lines(
    request: CapturedRequest | None,
    view: BodyView | None,
    width: int,
    verdicts: list[Verdict] | None = None,
    base_url: str = "http://127.0.0.1:8080",
    attempts: list[Attempt] | None = None,
) -> list[Text]:
    """Request line, summary, signatures, query, headers and the body's title, as Text."""
    if request is None:
        example = "curl -H 'Content-Type: application/json' -d '{\"hello\":\"world\"}' "
        return [
            Text(""),
            Text("  Waiting for requests…", "bold"),
            Text(""),
            Text(f"  Send one with:  {example}{base_url}/hooks/test", "dim"),
        ]
    lines: list[Text] = []
    request_line = Text(no_wrap=True, end="")
    request_line.append(printable(request.method), METHOD_STYLES.get(request.method, "bold"))
    request_line.append(" ")
    request_line.append(printable(request.target), "bold")
    request_line.append(" ")
    request_line.append(request.version_text, "dim")
    lines.append(request_line)

    received = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(request.received_at))
    millis = int((request.received_at % 1) * 1000)
    summary = f"#{request.id}  {received}.{millis:03d}  from {printable(request.remote)}"
    summary += f"  {format_size(request.size)}"
    if request.content_type:
        summary += f"  {printable(request.content_type)}"
    lines.append(Text(summary, "dim", no_wrap=True, end=""))
    if request.rejected:
        lines.append(Text("rejected with 413: body over the --max-body limit", "bold red", end=""))

    if verdicts:
        lines.append(Text(""))
        for verdict in verdicts:
            lines.extend(verdict_lines(verdict, width))

    if attempts:
        lines.append(Text(""))
        lines.append(section_title(f"Attempts ({len(attempts)}, latest first)"))
        for number, attempt in enumerate(reversed(attempts)):
            lines.extend(attempt_lines(attempt, width, with_body=number == 0))

    params = request.query_params
    if params:
        lines.append(Text(""))
        lines.append(section_title(f"Query ({len(params)})"))
        lines.extend(pair_lines(params, width, " =", "bold green"))

    lines.append(Text(""))
    lines.append(section_title(f"Headers ({len(request.raw_headers)})"))
    lines.extend(pair_lines(request.headers, width, ":", "bold cyan"))

    lines.append(Text(""))
    title = section_title("Body")
    if view is None:
        title.append(f"  decoding {format_size(len(request.body))}…", "dim")
    else:
        title.append(f"  {format_size(request.size)}  {view.kind}", "dim")
    lines.append(title)
    if view is not None:
        lines.extend(Text(printable(note), "italic yellow", end="") for note in view.notes)
        if view.kind == "empty" and not view.notes:
            lines.append(Text("(empty)", "dim", end=""))
    return lines


ATTEMPT_BODY_LINES = 12


def attempt_lines(attempt: Attempt, width: int, with_body: bool) -> list[Text]:
    """'replay -> URL  201 Created  12 ms', then (for the latest) the answer's body."""
    line = Text(no_wrap=True, end="")
    line.append(f"{attempt.kind} ", "bold")
    line.append("→ ", "dim")
    line.append(printable(attempt.target_url))
    line.append("  ")
    if attempt.error:
        line.append("failed", "bold red")
        lines = [line]
        lines.extend(
            Text("    " + piece, "red", no_wrap=True, end="")
            for piece in textwrap.wrap(printable(attempt.error), max(width - 4, 24))
        )
        return lines
    status = attempt.status or 0
    style = "bold green" if status < 300 else "bold yellow" if status < 400 else "bold red"
    line.append(f"{status} {printable(attempt.reason)}", style)
    if attempt.latency is not None:
        line.append(f"  {attempt.latency * 1000:.0f} ms", "dim")
    clock = time.strftime("%H:%M:%S", time.localtime(attempt.started_at))
    line.append(f"  {clock}", "dim")
    lines = [line]
    for note in attempt.notes:
        lines.append(Text("    " + printable(note), "italic yellow", no_wrap=True, end=""))
    if not with_body:
        return lines
    content_type = first_header(attempt.response_headers, "content-type") or ""
    answer = view_for(
        attempt.response_body,
        content_type,
        header_values(attempt.response_headers, "content-encoding"),
    )
    kind = content_type or answer.kind
    lines.append(
        Text(f"    answer: {len(attempt.response_body):,} B  {printable(kind)}", "dim", end="")
    )
    answer.lines.advance(ATTEMPT_BODY_LINES + 1)
    shown = min(len(answer.lines), ATTEMPT_BODY_LINES)
    for index in range(shown):
        text = Text("    ", end="")
        text.append_text(highlight_line(answer.lines[index], answer.lexer))
        lines.append(text)
    if len(answer.lines) > shown or not answer.lines.complete:
        lines.append(Text("    … (answer continues; export the attempt to see it all)", "dim"))
    return lines


VERDICT_STYLES = {"verified": "bold green", "failed": "bold red", "no-secret": "bold yellow"}


def verdict_lines(verdict: Verdict, width: int) -> list[Text]:
    """'signature: verified (github)' or 'signature: failed (stripe): <reason>', wrapped."""
    line = Text(no_wrap=True, end="")
    line.append("signature: ", "bold")
    word = "not checked" if verdict.status == "no-secret" else verdict.status
    line.append(word, VERDICT_STYLES.get(verdict.status, "bold"))
    line.append(f" ({verdict.scheme})")
    if not verdict.reason:
        return [line]
    line.append(": ")
    indent = 4
    # Wrap at word boundaries so figures like "tolerance 300 s" stay readable.
    pieces = textwrap.wrap(
        printable(verdict.reason),
        width=max(width - indent, 24),
        initial_indent=" " * (line.cell_len - indent),
        break_on_hyphens=False,
    )
    line.append(pieces[0].lstrip() if pieces else "")
    lines = [line]
    lines.extend(Text(" " * indent + piece, no_wrap=True, end="") for piece in pieces[1:])
    return lines


def section_title(label: str) -> Text:
    return Text(label, "bold underline", no_wrap=True, end="")


def pair_lines(
    pairs: list[tuple[str, str]], width: int, separator: str, name_style: str
) -> list[Text]:
    """Aligned 'name: value' lines; long values wrap under the value column."""
    name_width = min(max((len(name) for name, _ in pairs), default=0), MAX_NAME_WIDTH)
    value_width = max(width - name_width - 4, 16)
    lines: list[Text] = []
    for name, value in pairs:
        shown_name = printable(name)
        shown_value = printable(value)
        chunks = [
            shown_value[start : start + value_width]
            for start in range(0, max(len(shown_value), 1), value_width)
        ]
        for number, chunk in enumerate(chunks):
            line = Text(no_wrap=True, end="")
            if number == 0:
                line.append(shown_name, name_style)
                line.append(separator, "dim")
                line.append(" " * (max(name_width - len(shown_name), 0) + 1))
            else:
                line.append(" " * (max(name_width, len(shown_name)) + 1 + len(separator)))
            line.append(chunk)
            lines.append(line)
    return lines
