"""Colours from the theme, readable on it: WCAG contrast of everything the app draws.

The contrast test draws each screen (list, detail, attempts, diff, help, export) in every
built-in Textual theme, switching the theme on the running app as a user does with Ctrl+P (so
a cache left in the old theme's colours fails too), and measures every cell of the composed
screen: the colours a terminal would get, after Textual's filters, against the cell's own
background.

- Text (letters, digits, punctuation) must reach 4.5:1 (WCAG AA).
- Decorations must reach 3:1 (WCAG 1.4.11, graphical objects): the glyphs of the Box Drawing,
  Block Elements and Geometric Shapes blocks, which draw borders, focus bars, scrollbars,
  separators and radio dots.
- A glyph drawn in its own background colour draws nothing (an unfocused pane's bar keeps its
  place that way) and is skipped, as are spaces.

ANSI themes (ansi-dark, ansi-light) send colour numbers and the terminal's palette decides the
colours, so their cells are measured under several real palettes (terminal_palettes.py:
Textual's assumed ones, xterm's, GNOME Terminal's and Windows Terminal's defaults), dark ones
for ansi-dark and light ones for ansi-light: a cell must read under every one of them.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Awaitable, Callable, Collection
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.segment import Segment
from rich.terminal_theme import TerminalTheme
from rich.text import Text
from textual.app import App
from textual.color import Color
from textual.command import CommandList
from textual.widgets import Static

from tests.helpers import (
    delivery_request,
    load_deliveries,
    screen_strips,
    screen_text,
    wait_for_screen,
)
from tests.ui.terminal_palettes import palettes_for
from whisper_tui.core.models import Attempt
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.diff_layout import DIVIDER, NUMBER_WIDTH, half_widths
from whisper_tui.ui.diff_layout import locate as diff_row_at
from whisper_tui.ui.palette import (
    BLURRED_SELECTION_CONTRAST,
    DECORATION_CONTRAST,
    SELECTION_CONTRAST,
    TEXT_CONTRAST,
    TEXT_VARIABLES,
    contrast,
    readable,
    readable_variables,
    resolve,
    rich_styles,
)

pytestmark = pytest.mark.usefixtures("utc")

THEMES = list(App().available_themes)
SIZE = (110, 32)
AT = 1_764_250_000.0


# -- the arithmetic -------------------------------------------------------------------------------


def test_contrast_is_the_wcag_ratio():
    assert contrast(Color(0, 0, 0), Color(255, 255, 255)) == pytest.approx(21.0)
    assert contrast(Color(10, 20, 30), Color(10, 20, 30)) == pytest.approx(1.0)
    # WCAG's own example: #767676 is the lightest grey that reads at 4.5:1 on white.
    assert contrast(Color.parse("#767676"), Color(255, 255, 255)) == pytest.approx(4.54, abs=0.01)


def test_a_readable_colour_is_kept_and_an_unreadable_one_moved_just_far_enough():
    white = Color(255, 255, 255)
    assert readable(Color.parse("#202020"), [white]) == Color.parse("#202020")
    moved = readable(Color.parse("#FEA62B"), [white])  # textual's accent on white: 1.9:1
    assert contrast(moved, white) >= TEXT_CONTRAST
    assert contrast(moved, white) < TEXT_CONTRAST + 0.3  # not pushed all the way to black
    assert moved.r > moved.b  # still an orange


def test_resolve_reads_relative_and_translucent_values_over_their_ground():
    grey = Color.parse("#E0E0E0")
    assert resolve("#102030", grey) == Color.parse("#102030")
    assert resolve("#000000 50%", grey) == Color(112, 112, 112)
    muted = resolve("auto 60%", grey)
    assert muted is not None and contrast(muted, grey) < contrast(Color(0, 0, 0), grey)
    assert resolve("ansi_red", grey) is None


def in_palette(value: str, terminal: TerminalTheme) -> Color:
    """An ANSI colour variable ('ansi_bright_red', 'ansi_default') as `terminal` draws text."""
    name = value.split()[0].removeprefix("ansi_")
    return Color(*RichColor.parse(name).get_truecolor(terminal, foreground=True))


@pytest.mark.parametrize("theme", THEMES)
def test_every_text_variable_reads_on_the_backgrounds(theme):
    """Also for every theme a user registers: the variables, not the themes, are fixed. An
    ANSI theme's, under each of the common palettes of its darkness."""
    app = App()
    app.theme = theme
    dark = app.current_theme.dark
    variables = readable_variables(app.get_css_variables(), dark)
    background = resolve(variables["background"], Color(0, 0, 0))
    if background is None:
        for name, terminal in palettes_for(dark).items():
            ground = Color(*terminal.background_color)
            for variable in (*TEXT_VARIABLES, "text-muted", "footer-key-foreground"):
                shown = in_palette(variables[variable], terminal)
                assert contrast(shown, ground) >= TEXT_CONTRAST, (name, variable)
            for variable in ("wt-focus", "border", "border-blurred"):
                shown = in_palette(variables[variable], terminal)
                assert contrast(shown, ground) >= DECORATION_CONTRAST, (name, variable)
        return
    grounds = [background, *(resolve(variables[n], background) for n in ("surface", "panel"))]
    for name in (*TEXT_VARIABLES, "text-muted"):
        color = Color.parse(variables[name])
        assert min(contrast(color, ground) for ground in grounds) >= TEXT_CONTRAST, name
    focus = Color.parse(variables["wt-focus"])
    assert min(contrast(focus, ground) for ground in grounds) >= DECORATION_CONTRAST


def test_named_styles_follow_the_theme():
    light, dark = App(), App()
    light.theme, dark.theme = "textual-light", "textual-dark"
    ok_light = rich_styles(readable_variables(light.get_css_variables())).styles["wt.ok"]
    ok_dark = rich_styles(readable_variables(dark.get_css_variables())).styles["wt.ok"]
    assert ok_light.color != ok_dark.color
    assert ok_light.bold and ok_dark.bold


# -- every screen, every theme ---------------------------------------------------------------------


def is_decoration(character: str) -> bool:
    """Box Drawing, Block Elements and Geometric Shapes: borders, bars, scrollbars, dots."""
    return 0x2500 <= ord(character) <= 0x25FF


def cell_colours(terminal: TerminalTheme, segment: Segment) -> tuple[Color, Color]:
    """(foreground, background) as a terminal with the palette `terminal` shows them."""
    style = segment.style
    fg = style.color if style else None
    bg = style.bgcolor if style else None
    front = fg.get_truecolor(terminal, foreground=True) if fg else terminal.foreground_color
    back = bg.get_truecolor(terminal, foreground=False) if bg else terminal.background_color
    foreground, background = Color(*front), Color(*back)
    if style and style.dim:
        # Left to the terminal (ANSI themes): faint is about half way to the background.
        foreground = foreground.blend(background, 0.5)
    if style and style.reverse:
        foreground, background = background, foreground
    return foreground, background


def unreadable_cells(
    app: App,
    theme: str,
    screen: str,
    terminal: TerminalTheme | None = None,
    skip_rows: Collection[int] = range(0),
) -> list[str]:
    """Every run of cells below its contrast minimum, described for the failure message;
    ANSI colours as `terminal` draws them (by default Textual's assumed palette)."""
    terminal = terminal or app.ansi_theme
    failures = []
    for y, strip in enumerate(screen_strips(app)):
        if y in skip_rows:
            continue
        for segment in strip:
            if segment.control or not segment.text.strip():
                continue
            foreground, background = cell_colours(terminal, segment)
            if foreground == background:
                continue
            ratio = contrast(foreground, background)
            for kind, minimum in (("text", TEXT_CONTRAST), ("decoration", DECORATION_CONTRAST)):
                shown = "".join(
                    c for c in segment.text if c != " " and is_decoration(c) == (kind != "text")
                )
                if shown and ratio < minimum:
                    failures.append(
                        f"{theme} {screen} row {y}: {kind} {shown[:24]!r} {ratio:.2f}:1 "
                        f"({foreground.hex} on {background.hex})"
                    )
    return failures


def fixture_store() -> RequestStore:
    """The realistic deliveries, then every other method, a rejected body, failed answers."""
    store = RequestStore()
    deliveries = load_deliveries()
    for number, delivery in enumerate(deliveries, start=1):
        store.add(delivery_request(delivery, number, at=AT + number * 7.25))
    first = delivery_request(deliveries[0], 0, at=AT)
    extra = [
        {"method": "GET", "target": "/health?verbose=1", "answered_status": 500},
        {"method": "PUT", "target": "/items/1", "answered_status": 404},
        {"method": "DELETE", "target": "/items/1", "answered_status": 302},
        {"method": "PATCH", "target": "/items/1"},
        {"method": "OPTIONS", "target": "/", "rejected": True, "declared_length": 99_999_999},
    ]
    for number, changes in enumerate(extra, start=len(deliveries) + 1):
        store.add(replace(first, id=number, received_at=AT + number * 7.25, **changes))
    return store


def with_attempts(store: RequestStore, request_id: int) -> None:
    """A failed forward, a replay answered 201 with JSON, one answered 500 with notes."""
    json_headers = ((b"Content-Type", b"application/json"),)
    for attempt in (
        Attempt("http://127.0.0.1:9/hooks", AT + 60, kind="forward", error="connection refused"),
        Attempt(
            "http://127.0.0.1:3000/hooks",
            AT + 70,
            status=500,
            reason="Internal Server Error",
            notes=["re-signed for the new target"],
            response_headers=json_headers,
            response_body=b'{"error": "boom", "retry": true}',
            latency=0.5,
        ),
        Attempt(
            "http://127.0.0.1:3000/hooks",
            AT + 80,
            status=201,
            reason="Created",
            response_headers=json_headers,
            response_body=b'{"ok": true, "id": 42, "note": null, "amount": 12.5}',
            latency=0.012,
        ),
    ):
        store.add_attempt(request_id, attempt)


# -- the selected row ------------------------------------------------------------------------------

Cell = tuple[str, Color, Color, Segment]
Shown = Callable[[Segment], tuple[Color, Color]]


def cells_of(strip, shown: Shown) -> list[Cell]:
    """A screen row as (character, foreground, background, segment), one a cell."""
    return [
        (character, *shown(segment), segment)
        for segment in strip
        if not segment.control
        for character in segment.text
    ]


def ground_of(cells: list[Cell]) -> Color:
    """The background most of `cells` are drawn on."""
    counted: dict[Color, int] = {}
    for _, _, background, _ in cells:
        counted[background] = counted.get(background, 0) + 1
    return max(counted, key=counted.__getitem__)


def selection_failures(app: WhisperApp, label: str, shown: Shown) -> list[str]:
    """The list's selected row against its neighbour, and on the diff screen the cursor row's
    line numbers against another row's: their grounds must stand SELECTION_CONTRAST apart
    while the list (the diff) has focus, BLURRED_SELECTION_CONTRAST while it hasn't; a method
    bold on the other rows is bold on the selected one. Cells as `shown` gives their colours
    (a terminal palette; the 256 colours' conversion)."""
    strips = screen_strips(app)
    if app.screen is not app.screen_stack[0]:
        view = app.screen.query_one("#diff-view")
        if not view.items:
            return []
        start = view._starts[view.cursor] - round(view.scroll_y)
        other = next(
            y
            for y in range(view.scrollable_content_region.height)
            if diff_row_at(view._starts, y + round(view.scroll_y))[0] != view.cursor
        )
        region = view.scrollable_content_region
        right = half_widths(view._width)[0] + len(DIVIDER)
        found = []
        for x in (0, right):
            edge = region.x + x
            rows = [cells_of(strips[region.y + y], shown) for y in (start, other)]
            rows = [row[edge : edge + NUMBER_WIDTH] for row in rows]
            ratio = contrast(ground_of(rows[0]), ground_of(rows[1]))
            if ratio < SELECTION_CONTRAST:
                found.append(f"{label}: the diff's cursor at column {x}: {ratio:.2f}:1")
        return found
    listing = app.request_list
    region = listing.scrollable_content_region
    y = listing.cursor - round(listing.scroll_y)
    neighbour = y - 1 if y > 0 else y + 1
    rows = [
        cells_of(strips[region.y + at], shown)[region.x : region.right] for at in (y, neighbour)
    ]
    focused = app.focused is listing
    minimum = SELECTION_CONTRAST if focused else BLURRED_SELECTION_CONTRAST
    ratio = contrast(ground_of(rows[0]), ground_of(rows[1]))
    found = []
    if ratio < minimum:
        state = "focused" if focused else "unfocused"
        found.append(f"{label}: the selected row ({state}) {ratio:.2f}:1 from its neighbour")
    bold = [
        {bool(c[3].style and c[3].style.bold) for c in row if c[3].text.strip() in METHODS}
        for row in rows
    ]
    if bold[1] == {True} and bold[0] != {True}:
        found.append(f"{label}: the selected row's method is not bold")
    return found


METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"}


Walk = Callable[[object, WhisperApp], Awaitable[None]]


async def on_list(pilot, app) -> None:
    await pilot.press("g", "j", "j", "m", "j")
    await wait_for_screen(pilot, app, "Stripe-Signature")


async def on_detail(pilot, app) -> None:
    await on_list(pilot, app)
    await pilot.press("tab", "f", *"evt", "enter")  # find: matches and the current match
    await wait_for_screen(pilot, app, "match 1 of")


async def on_attempts(pilot, app) -> None:
    await on_list(pilot, app)
    with_attempts(app.store, app.request_list.view[app.request_list.cursor].id)
    app.detail.refresh_attempts()
    await wait_for_screen(pilot, app, "Attempts (3", '"amount": 12.5')


async def on_diff(pilot, app) -> None:
    await on_list(pilot, app)
    await pilot.press("d")
    await wait_for_screen(pilot, app, "older #", "│")


async def on_help(pilot, app) -> None:
    await on_list(pilot, app)
    await pilot.press("question_mark")
    await wait_for_screen(pilot, app, "whisper-tui keys")


async def on_export(pilot, app) -> None:
    await on_list(pilot, app)
    await pilot.press("e")
    await wait_for_screen(pilot, app, "curl")


async def on_editor(pilot, app) -> None:
    # Its fields' titles were drawn in the border's colour: 3.1-3.5:1 where out of focus.
    await on_list(pilot, app)
    await pilot.press("R")
    await wait_for_screen(pilot, app, "Edit and replay", "Path and query")


SELECTED = ("list", "detail", "diff")
"""Screens whose selection is measured: the list focused, the list unfocused (the detail
has the focus), the diff's cursor."""

SCREENS: dict[str, Walk] = {
    "list": on_list,
    "detail": on_detail,
    "attempts": on_attempts,
    "diff": on_diff,
    "help": on_help,
    "export": on_export,
    "editor": on_editor,
}


@pytest.mark.parametrize("screen", SCREENS)
async def test_every_cell_reads_in_every_theme(screen, monkeypatch):
    monkeypatch.chdir("/")
    app = WhisperApp(Settings(port=8080), store=fixture_store(), serve=False)
    failures: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await SCREENS[screen](pilot, app)
        for theme in THEMES:
            app.theme = theme
            # The CSS refresh and the theme signal run on the next turns of the loop.
            await pilot.pause()
            await pilot.pause()
            # The R editor's body too: it was left out, monokai's dark block in light themes.
            if not app.current_theme.ansi:
                failures += unreadable_cells(app, theme, screen)
                if screen in SELECTED:
                    shown = partial(cell_colours, app.ansi_theme)
                    failures += selection_failures(app, f"{theme} {screen}", shown)
                continue
            for name, palette in palettes_for(app.current_theme.dark).items():
                failures += unreadable_cells(app, f"{theme} in {name}", screen, palette)
                if screen in SELECTED:
                    shown = partial(cell_colours, palette)
                    failures += selection_failures(app, f"{theme} in {name} {screen}", shown)
    assert not failures, f"{len(failures)} unreadable:\n" + "\n".join(failures[:40])


async def test_the_check_catches_unreadable_text_and_faint_decorations():
    """The measuring itself: the old hard-coded diff tint under textual-light's text fails,
    a 3.5:1 border passes as a decoration but not as text, and invisible glyphs are skipped."""

    class Sample(App):
        def compose(self):
            yield Static(Text("removed", style="#1f1f1f on #3c1f1f"))
            yield Static(Text("╭──╮", style="#949494 on #ffffff"))  # 3.0:1
            yield Static(Text("ok", style="#949494 on #ffffff"))
            yield Static(Text("▊hidden▊", style="#ffffff on #ffffff"))

    app = Sample()
    async with app.run_test(size=(20, 4)):
        failures = unreadable_cells(app, "sample", "sample")
    assert [f.split(":", 1)[1].split(" (")[0] for f in failures] == [
        " text 'removed' 1.11:1",
        " text 'ok' 3.03:1",
    ]


# -- no colour anywhere else -----------------------------------------------------------------------

UI = Path(__file__).resolve().parents[2] / "whisper_tui" / "ui"
COLOUR = r"(?:#[0-9a-fA-F]{3,8}\b|\b(?:red|green|yellow|blue|cyan|magenta|white|black)\b)"


def style_strings(path: Path) -> list[str]:
    """String literals in a module that read as a style: attributes, then a colour."""
    style = re.compile(rf"^(?:(?:bold|italic|dim|underline|reverse|not|on)\s+)*{COLOUR}")
    found = []
    with path.open("rb") as source:
        for token in tokenize.tokenize(source.readline):
            if token.type == tokenize.STRING:
                # f-strings are read with their braces: a colour in one is still seen.
                text = re.sub(r"^[rbfRBF]+", "", token.string).strip("\"'")
                if style.match(text.strip()):
                    found.append(f"{path.name}:{token.start[0]}: {text!r}")
    return found


def test_no_colour_is_written_into_the_ui_but_through_the_theme():
    """Colours come from theme variables ($text-success, wt-*) and the named styles palette.py
    derives from them; ansi_colours.py alone names the ANSI colours of ANSI themes."""
    found = [
        hit
        for path in sorted(UI.glob("*.py"))
        if path.name not in ("palette.py", "ansi_colours.py")
        for hit in style_strings(path)
    ]
    css = (UI / "app.tcss").read_text()
    declarations = re.findall(rf"^\s*[a-z-]+\s*:[^;]*{COLOUR}[^;]*;", css, re.MULTILINE)
    assert not found and not declarations, found + declarations


def test_the_source_check_finds_a_hard_coded_style(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text('A = "bold red"\nB = "wt.error"\nC = "on #3c1f1f"\nD = "reddish text"\n')
    assert style_strings(module) == ["sample.py:1: 'bold red'", "sample.py:3: 'on #3c1f1f'"]


async def test_the_command_palettes_search_field_and_help_lines_read_in_every_theme():
    # The line under the highlighted title was drawn faint: 2.9:1 in nord, 3.6:1 in
    # textual-light, and the search field's grey example 2.6:1. Those rows are measured
    # (the highlighted title itself is not yet readable in five themes, and the frame round
    # the palette is Textual's faint shading). Opened in each theme: an open palette keeps
    # the colours it opened in.
    app = WhisperApp(Settings(port=8080), store=fixture_store(), serve=False)
    failures: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await on_list(pilot, app)
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            await pilot.press("ctrl+p")
            await wait_for_screen(pilot, app, "Search for commands", "The body by content type")
            lines = screen_text(app).splitlines()
            wanted = [
                y
                for y, line in enumerate(lines)
                if "Search for commands" in line or "The body by content type" in line
            ]
            assert len(wanted) == 2, wanted
            outside = set(range(len(lines))) - set(wanted)
            palettes = palettes_for(app.current_theme.dark) if app.current_theme.ansi else {}
            for name, palette in palettes.items() or [(None, None)]:
                where = f"{theme} in {name}" if name else theme
                found = unreadable_cells(app, where, "palette", palette, outside)
                # The 🔎 emoji is drawn in its own colours.
                failures += [line for line in found if "🔎" not in line]
            await pilot.press("escape")
            await pilot.pause()
    assert not failures, f"{len(failures)} unreadable:\n" + "\n".join(failures[:40])


async def test_the_command_palettes_frame_stands_out_from_the_screen_behind_in_every_theme():
    # Textual frames it with hkey lines in black at 50%: on a dark theme's ground, nothing.
    app = WhisperApp(Settings(port=8080), store=fixture_store(), serve=False)
    failures: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await on_list(pilot, app)
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            await pilot.press("ctrl+p")
            await wait_for_screen(pilot, app, "Search for commands", "The body by content type")
            field = app.screen.query_one("#--input").region
            listed = app.screen.query_one("CommandList").region
            frame = {field.y, listed.bottom - 1}  # the line above the field, under the list
            rows = set(range(SIZE[1])) - frame
            palettes = palettes_for(app.current_theme.dark) if app.current_theme.ansi else {}
            for name, palette in palettes.items() or [(None, None)]:
                where = f"{theme} in {name}" if name else theme
                found = unreadable_cells(app, where, "palette frame", palette, rows)
                failures += [line for line in found if "decoration" in line]
            await pilot.press("escape")
            await pilot.pause()
    assert not failures, f"{len(failures)} faint:\n" + "\n".join(failures[:40])


# -- every selection's ground ----------------------------------------------------------------------


def as_256(color: Color) -> Color:
    """`color` as Rich writes it to a 256-colour terminal, in the xterm palette's RGB."""
    shown = RichColor.from_rgb(color.r, color.g, color.b).downgrade(ColorSystem.EIGHT_BIT)
    return Color(*shown.get_truecolor())


@pytest.mark.parametrize("theme", [name for name in THEMES if not App.get_theme(App(), name).ansi])
def test_every_selection_ground_stands_out_from_its_rows_in_truecolour_and_at_256(theme):
    """The list's cursor, focused and not, on the screen's background; the palette's and the
    radio sets' (Textual's block cursor), focused and not, on a dialog's surface. The text on
    Textual's block cursors reads on them (the list's own: test_every_cell_reads...)."""
    app = App()
    app.theme = theme
    variables = readable_variables(app.get_css_variables(), app.current_theme.dark)
    background = Color.parse(variables["background"])
    surface = Color.parse(variables["surface"])
    failures = []
    for name, ground, minimum, text in (
        ("wt-cursor", background, SELECTION_CONTRAST, None),
        ("wt-cursor-blurred", background, BLURRED_SELECTION_CONTRAST, None),
        ("block-cursor-background", surface, SELECTION_CONTRAST, "block-cursor-foreground"),
        (
            "block-cursor-blurred-background",
            surface,
            BLURRED_SELECTION_CONTRAST,
            "block-cursor-blurred-foreground",
        ),
    ):
        selected = Color.parse(variables[name])
        for system, ratio in (
            ("truecolour", contrast(selected, ground)),
            ("256", contrast(as_256(selected), as_256(ground))),
        ):
            if ratio < minimum:
                failures.append(f"{name} {system} {ratio:.2f}:1")
        shown = resolve(variables[text], selected) if text else None
        if shown is not None and contrast(shown, selected) < TEXT_CONTRAST:
            failures.append(f"{text} on {name}")
    assert not failures, failures


async def test_the_palette_s_highlighted_command_stands_out(monkeypatch):
    """Textual draws the palette's highlight as a blurred list's (its input has the focus):
    textual-light's was 1.65:1 from the other commands. Drawn as a focused list's, it takes
    block-cursor-background (every theme's: the test above)."""
    monkeypatch.chdir("/")
    settings = Settings(port=8080, theme="textual-light")
    app = WhisperApp(settings, store=fixture_store(), serve=False)
    async with app.run_test(size=SIZE) as pilot:
        await on_list(pilot, app)
        await pilot.press("ctrl+p", *"replay")
        await wait_for_screen(pilot, app, "Edit and replay")
        listing = app.screen.query_one(CommandList)
        region = listing.content_region
        strips = screen_strips(app)
        shown = partial(cell_colours, app.ansi_theme)
        rows = [cells_of(strips[y], shown) for y in range(region.y, region.bottom)]
        grounds = [ground_of(row[region.x : region.right]) for row in rows]
        assert listing.highlighted == 0  # the first command, on the list's first line
        rest = max(set(grounds), key=grounds.count)
        assert contrast(grounds[0], rest) >= SELECTION_CONTRAST
