"""One body line in, one highlighted and terminal-safe rich Text out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.color import Color

from whisper_tui.core.sanitize import printable
from whisper_tui.ui.highlight import MAX_HIGHLIGHT_CHARS, highlight_line
from whisper_tui.ui.palette import contrast

JSON_LINE = '  "amount_paid": 4200, "paid": true, "id": "in_1",'


def colours(text) -> set:
    return {span.style.color for span in text.spans if span.style.color}


def test_a_json_line_is_drawn_in_several_colours_with_its_text_unchanged():
    shown = highlight_line(JSON_LINE, "json")
    assert shown.plain == JSON_LINE
    assert len(colours(shown)) >= 3  # keys, numbers, keywords/strings differ


def test_the_key_and_the_number_get_different_colours():
    shown = highlight_line('"amount_paid": 4200', "json")
    style_at = {shown.plain[span.start : span.end]: span.style.color for span in shown.spans}
    assert style_at['"amount_paid"'] != style_at["4200"]


def test_dark_and_light_themes_colour_the_same_line_differently():
    assert colours(highlight_line(JSON_LINE, "json", dark=True)) != colours(
        highlight_line(JSON_LINE, "json", dark=False)
    )


def test_token_styles_carry_no_background_so_the_widgets_own_shows_through():
    for dark in (True, False):
        for span in highlight_line(JSON_LINE, "json", dark=dark).spans:
            assert span.style.bgcolor is None


LINES = {
    "json": JSON_LINE + ' "note": null, "n": -1.5e3',
    "xml": '<a href="x">text <!-- note --> &amp;</a>',
    "ini": "[section] key = value ; comment",
    "hexdump": '00000000  7b 22 61 22  |{"a"|',
}


@pytest.mark.parametrize(
    ("dark", "background"),
    # textual-dark, monokai, textual-light, solarized-light, rose-pine-dawn grounds.
    [
        (True, "#121212"),
        (True, "#272822"),
        (False, "#E0E0E0"),
        (False, "#FDF6E3"),
        (False, "#FAF4ED"),
    ],
)
@pytest.mark.parametrize("alias", LINES)
def test_on_a_given_background_every_token_reads_at_4_5_to_1(alias, dark, background):
    ground = Color.parse(background)
    shown = highlight_line(LINES[alias], alias, dark, background)
    assert shown.spans
    for span in shown.spans:
        if span.style.color is not None:
            color = Color(*span.style.color.triplet)
            assert contrast(color, ground) >= 4.5, shown.plain[span.start : span.end]


def test_readable_colours_keep_the_pygments_hue_where_it_already_reads():
    # monokai's strings (#e6db74) read at 12:1 on textual-dark: left exactly as they were.
    shown = highlight_line('"paid"', "json", True, "#121212")
    assert {span.style.color.triplet.hex for span in shown.spans} == {"#e6db74"}


@pytest.mark.parametrize("alias", [None, "", "no-such-lexer"])
def test_without_a_known_lexer_the_line_is_plain(alias):
    shown = highlight_line(JSON_LINE, alias)
    assert shown.plain == JSON_LINE
    assert shown.spans == []


def test_a_line_over_the_highlight_limit_is_plain_but_whole():
    line = '"k": ' + "1" * MAX_HIGHLIGHT_CHARS
    shown = highlight_line(line, "json")
    assert shown.plain == line
    assert shown.spans == []
    # One character shorter than the limit is still highlighted.
    assert highlight_line(line[:MAX_HIGHLIGHT_CHARS], "json").spans


def test_control_characters_become_placeholders_in_highlighted_and_plain_lines():
    line = '"x": "\x1b[2J\x07\x9b31m\u202e"'
    expected = '"x": "␛[2J␇\\x9b31m\\u202e"'
    assert highlight_line(line, "json").plain == expected
    assert highlight_line(line, None).plain == expected


def test_markup_in_a_line_is_text_not_style():
    shown = highlight_line("[bold red]boom[/bold red]", None)
    assert shown.plain == "[bold red]boom[/bold red]"
    assert shown.spans == []


def test_other_lexers_used_by_body_views_highlight_too():
    assert highlight_line("key = value", "ini").spans
    assert highlight_line("<a href='x'>y</a>", "xml").spans
    assert highlight_line('00000000  7b 22 61 22  |{"a"|', "hexdump").spans


# Left out, where highlighting differs from the plain line today: a tab (each token is made
# printable on its own, so a tab expands from the token's start, not the line's), a lone CR
# (pygments reads it as a newline: shown as ␊, not ␍) and a leading BOM (pygments drops it).
# Body views strip a line's trailing CR, so only a CR inside a line meets this.
lines = st.text(alphabet=st.characters(exclude_characters="\t\r\ufeff"), max_size=80)
ALIASES = ["json", "xml", "ini", "yaml", "html", "hexdump", "javascript", "graphql", None]


@given(lines, st.sampled_from(ALIASES), st.booleans())
def test_highlighting_only_adds_style_the_text_is_printable_of_the_line(line, alias, dark):
    assert highlight_line(line, alias, dark).plain == printable(line)


def token_colours(text) -> dict[str, str | None]:
    """Each non-blank token's text -> its colour's name (None: the terminal's own)."""
    return {
        text.plain[span.start : span.end]: span.style.color.name if span.style.color else None
        for span in text.spans
        if text.plain[span.start : span.end].strip()
    }


@pytest.mark.parametrize(
    ("dark", "key", "string", "number"),
    [(True, "cyan", "green", "bright_yellow"), (False, "blue", "red", "magenta")],
)
def test_on_the_terminals_own_background_tokens_take_its_16_colours(dark, key, string, number):
    shown = highlight_line('{"n": 1.5, "s": "x", "b": true}', "json", dark, ansi=True)
    colours = token_colours(shown)
    assert colours['"n"'] == key and colours['"x"'] == string and colours["1.5"] == number
    # Constants: no hue is left that reads on every common palette; the foreground, bold.
    assert colours["true"] is None
    bold = [span.style.bold for span in shown.spans if shown.plain[span.start : span.end] == "true"]
    assert bold and all(bold)
    assert colours.get("{") is None and colours.get(",") is None  # punctuation: the default
    assert all(
        span.style.color is None or span.style.color.is_system_defined for span in shown.spans
    )


def test_an_ansi_theme_background_asks_for_ansi_token_colours():
    from rich.style import Style

    from whisper_tui.ui.highlight import SyntaxColours

    assert SyntaxColours.on(True, Style(bgcolor="default")) == SyntaxColours(True, None, True)
    assert SyntaxColours.on(False, Style(bgcolor="#ffffff")) == SyntaxColours(False, "#ffffff")
