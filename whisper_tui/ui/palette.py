"""Every colour the app draws, taken from the theme's variables and made readable on it.

Themes pick their colours for looks, not contrast: textual-light's accent is 1.5:1 on its
background, monokai's dim text 2:1. The theme's variables are passed through `readable_variables`
(the app's get_css_variables), which moves a colour toward black or white just far enough to
reach WCAG contrast on the backgrounds it is drawn on: 4.5:1 for text, 3:1 for decorations
(borders, scrollbar thumbs, focus bars). The app's own styles are then named (`wt.ok`,
`wt.muted`, ...) and resolved from those variables by the console's style theme, so rich
`Text` built anywhere follows the theme and is redrawn in the new one when it changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import cast

from rich._palettes import EIGHT_BIT_PALETTE
from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.style import Style
from rich.theme import Theme as RichTheme
from textual.app import App
from textual.color import Color

from whisper_tui.ui.ansi_colours import ansi_diff_styles, ansi_variables, falls_back

TEXT_CONTRAST = 4.5
"""WCAG AA for body text."""
DECORATION_CONTRAST = 3.0
"""WCAG AA for graphical objects and component boundaries (1.4.11)."""
FIELD_TINT = 0.05
"""A focused input or radio set tints its ground with 5% of the foreground (Textual's CSS)."""


BLACK = Color(0, 0, 0)
WHITE = Color(255, 255, 255)

SELECTION_CONTRAST = 3.0
BLURRED_SELECTION_CONTRAST = 2.0
"""The selected row's ground against the rows around it: 3:1 while its list has focus (WCAG
2.4.13's focus indicator: 3:1 between the selected and unselected state of the same cells),
2:1 while the focus is elsewhere. A fixed tint could not promise it: 30% of textual-light's
orange accent over its grey was 1.15:1 (1.06:1 at 256 colours). The list's cursor, the
diff's, the palette's and the radio sets' all take their ground from `selection_ground`."""


# -- contrast -------------------------------------------------------------------------------------


def _channel(value: int) -> float:
    value_ = value / 255
    return value_ / 12.92 if value_ <= 0.03928 else ((value_ + 0.055) / 1.055) ** 2.4


def luminance(color: Color) -> float:
    """WCAG relative luminance (alpha ignored)."""
    return 0.2126 * _channel(color.r) + 0.7152 * _channel(color.g) + 0.0722 * _channel(color.b)


def contrast(first: Color, second: Color) -> float:
    """WCAG contrast ratio, 1 to 21."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def worst_contrast(color: Color, backgrounds: Iterable[Color]) -> float:
    return min((contrast(color, background) for background in backgrounds), default=21.0)


def readable(color: Color, backgrounds: Iterable[Color], minimum: float = TEXT_CONTRAST) -> Color:
    """`color`, moved toward black or white just far enough to reach `minimum` on every one
    of `backgrounds` (the theme's hue is kept as far as it can be)."""
    grounds = list(backgrounds)
    color = color.with_alpha(1.0)
    if worst_contrast(color, grounds) >= minimum:
        return color
    target = WHITE if worst_contrast(WHITE, grounds) >= worst_contrast(BLACK, grounds) else BLACK
    low, high = 0.0, 1.0
    for _ in range(16):
        middle = (low + high) / 2
        if worst_contrast(color.blend(target, middle), grounds) >= minimum:
            high = middle
        else:
            low = middle
    # Rounding to whole channels can lose a hair of contrast: step on until it holds.
    for step in range(101):
        moved = color.blend(target, min(high + step / 100, 1.0))
        if worst_contrast(moved, grounds) >= minimum:
            return moved
    return target


def in_256(color: Color) -> Color:
    """`color` as a 256-colour terminal shows it: the xterm palette's colour Rich picks."""
    shown = RichColor.from_rgb(color.r, color.g, color.b).downgrade(ColorSystem.EIGHT_BIT)
    number = shown.number or 0
    return Color(*EIGHT_BIT_PALETTE[number]) if number >= 16 else color


def stands_out(color: Color, grounds: Iterable[Color], minimum: float) -> bool:
    """Whether `color` stands at `minimum` from each of `grounds`, in truecolour and as the
    256-colour palette's colours (Rich converts a cell's ground and each row's on its own)."""
    return all(
        contrast(color, ground) >= minimum and contrast(in_256(color), in_256(ground)) >= minimum
        for ground in grounds
    )


def selection_ground(
    hue: Color, grounds: Iterable[Color], minimum: float, amount: float = 1.0
) -> Color:
    """The ground of a selected row: `hue` over the first of `grounds` by `amount`, by more if
    that does not stand at `minimum` from every one of them, and where even the whole hue
    can't (textual-light's orange on its grey), the hue moved toward black or white."""
    grounds = list(grounds)
    start = grounds[0].blend(hue.with_alpha(1.0), amount)
    for step in range(21):
        tint = start.blend(hue.with_alpha(1.0), step / 20)
        if stands_out(tint, grounds, minimum):
            return tint
    target = WHITE if worst_contrast(WHITE, grounds) >= worst_contrast(BLACK, grounds) else BLACK
    for step in range(1, 51):
        moved = hue.with_alpha(1.0).blend(target, step / 50)
        if stands_out(moved, grounds, minimum):
            return moved
    return target


def readable_text(style: Style) -> Style:
    """`style` with its truecolour text moved, where needed, to read at 4.5:1 on its own
    background (a selected row's: the theme's text colours are chosen for the rows around it)."""
    color, ground = style.color, style.bgcolor
    if style.reverse or color is None or ground is None:
        return style
    if color.triplet is None or ground.triplet is None:
        return style  # ANSI colours: the terminal's palette decides
    text, under = Color(*color.triplet), Color(*ground.triplet)
    if contrast(text, under) >= TEXT_CONTRAST:
        return style
    return style + Style(color=readable(text, [under]).hex)


# -- theme variables ------------------------------------------------------------------------------


def resolve(value: str, under: Color) -> Color | None:
    """A CSS colour value ('#RRGGBB', 'auto 60%', '#RRGGBB 50%') as drawn over `under`;
    None for ANSI colours, whose look only the terminal knows."""
    words = value.split()
    if not words or words[0].startswith("ansi_"):
        return None
    alpha = 1.0
    if len(words) > 1 and words[-1].endswith("%"):
        alpha = float(words[-1][:-1]) / 100
    try:
        color = under.get_contrast_text(alpha) if words[0] == "auto" else Color.parse(words[0])
    except Exception:  # an unparsable value is left to Textual's own error
        return None
    if words[0] != "auto":
        color = color.multiply_alpha(alpha)
    return under + color


TEXT_VARIABLES = (
    "foreground",
    "text-primary",
    "text-secondary",
    "text-accent",
    "text-success",
    "text-warning",
    "text-error",
)
"""Hex text colours used on the backgrounds below; each is made readable on all of them."""


def readable_variables(variables: Mapping[str, str], dark: bool = True) -> dict[str, str]:
    """The theme's variables with the colours text and decorations are drawn in made readable,
    plus the `wt-*` variables app.tcss uses. An ANSI theme (`dark` or light) gets the ANSI
    colours that read on common terminal palettes (ansi_colours.py)."""
    out = dict(variables)
    background = resolve(variables.get("background", ""), BLACK)
    if background is None:
        return ansi_variables(out, dark)
    surface = resolve(variables.get("surface", ""), background) or background
    panel = resolve(variables.get("panel", ""), background) or background
    accent = resolve(variables.get("accent", ""), background) or background
    # Text on a selected row is made readable there (readable_text), not here: a ground that
    # stands out would push every text colour of the theme toward white or black.
    out["wt-cursor"] = selection_ground(accent, [background], SELECTION_CONTRAST, 0.3).hex
    out["wt-cursor-blurred"] = selection_ground(
        accent, [background], BLURRED_SELECTION_CONTRAST, 0.15
    ).hex
    grounds = [background, surface, panel]
    for _ in range(2):
        # A focused input or radio set tints its ground with 5% of the foreground, which
        # may itself move here: a second pass reads on the tint of the moved one.
        foreground = resolve(out.get("foreground", ""), background) or background
        grounds = [background, surface, panel, surface.blend(foreground, 0.05)]
        for name in TEXT_VARIABLES:
            color = resolve(out.get(name, ""), background)
            if color is not None:
                out[name] = readable(color, grounds).hex
    muted = resolve(variables.get("text-muted", ""), background)
    foreground = Color.parse(out["foreground"])
    # Muted text is the foreground faded toward the background, but never below 4.5:1; on a
    # focused field's tinted ground too (its grey example, its title: 4.45:1 in textual-light).
    faded = muted or foreground.blend(background, 0.4)
    focused_field = surface.blend(foreground, FIELD_TINT)
    out["text-muted"] = readable(faded, [*grounds, focused_field]).hex
    out["wt-focus"] = readable(accent, [background, surface, panel], DECORATION_CONTRAST).hex
    _readable_decorations(out, background, surface, panel)
    _readable_footer(out, background)
    _readable_block_cursor(out, surface)
    return out


def _readable_decorations(
    out: dict[str, str], background: Color, surface: Color, panel: Color
) -> None:
    tinted = surface.blend(Color.parse(out["foreground"]), FIELD_TINT)
    grounds = [background, surface, panel, tinted]
    for name in ("border", "border-blurred"):
        color = resolve(out.get(name, ""), background)
        if color is not None:
            out[name] = readable(color, grounds, DECORATION_CONTRAST).hex
    track = resolve(out.get("scrollbar-background", ""), background) or background
    for name in ("scrollbar", "scrollbar-hover", "scrollbar-active"):
        thumb = resolve(out.get(name, ""), track)
        if thumb is not None:
            out[name] = readable(thumb, [track], DECORATION_CONTRAST).hex


def _readable_footer(out: dict[str, str], background: Color) -> None:
    footer = resolve(out.get("footer-background", ""), background) or background
    for name, ground in (
        ("footer-key-foreground", "footer-key-background"),
        ("footer-description-foreground", "footer-description-background"),
    ):
        under = resolve(out.get(ground, ""), footer) or footer
        color = resolve(out.get(name, ""), under)
        if color is not None:
            out[name] = readable(color, [under, footer]).hex
    rule = resolve(out.get("border-blurred", ""), footer) or footer
    out["wt-footer-rule"] = readable(rule, [footer], DECORATION_CONTRAST).hex


def _readable_block_cursor(out: dict[str, str], surface: Color) -> None:
    """The selected item of a focused option list or radio set (the palette's list, whose
    input keeps the focus, is drawn so too: app.tcss), and of a blurred one: grounds that stand
    out from the dialog's, text readable on them."""
    tinted = surface.blend(Color.parse(out["foreground"]), 0.05)  # a focused radio set's ground
    grounds = [surface, tinted]
    darker = resolve(out.get("panel-darken-1", ""), surface)  # the palette's, in dark themes
    if darker is not None:
        grounds.append(darker)
    for ground, text, minimum in (
        ("block-cursor-background", "block-cursor-foreground", SELECTION_CONTRAST),
        (
            "block-cursor-blurred-background",
            "block-cursor-blurred-foreground",
            BLURRED_SELECTION_CONTRAST,
        ),
    ):
        hue = resolve(out.get(ground, ""), surface)
        if hue is None:
            continue
        cursor = selection_ground(hue, grounds, minimum)
        out[ground] = cursor.hex
        color = resolve(out.get(text, ""), cursor) or Color.parse(out["foreground"])
        if contrast(color, cursor) < TEXT_CONTRAST:
            out[text] = readable(color, [cursor]).hex


class ReadableThemes:
    """For an App: the theme's variables made readable; the app's named styles (`wt.ok`,
    `wt.muted`, ...) follow them, so rich Text drawn after a theme change is in its colours."""

    def get_css_variables(self) -> dict[str, str]:
        app = cast(App[object], self)
        dark = app.current_theme.dark
        variables = readable_variables(super().get_css_variables(), dark)  # type: ignore[misc]
        app.theme_variables = variables
        # Set in App.__init__ before the first call: one entry of ours on the console's stack.
        if getattr(app, "_named_styles_pushed", False):
            app.console.pop_theme()
        app.console.push_theme(rich_styles(variables, dark))
        app._named_styles_pushed = True  # type: ignore[attr-defined]
        return variables


# -- the app's named styles -----------------------------------------------------------------------


def _color(variables: Mapping[str, str], name: str) -> str | None:
    value = variables.get(name, "")
    if value.startswith("ansi_"):
        # 'ansi_red' is Textual's name; rich knows it as 'red' ('ansi_default 50%' as nothing).
        word = value.split()[0][len("ansi_") :]
        return None if word == "default" or " " in value else word
    color = resolve(value, BLACK)
    return color.hex if color is not None else None


STYLE_COLOURS = {
    # name: (theme variable, rich attributes)
    "wt.muted": ("text-muted", ""),
    "wt.ok": ("text-success", "bold"),
    "wt.warn": ("text-warning", "bold"),
    "wt.error": ("text-error", "bold"),
    "wt.error.text": ("text-error", ""),
    "wt.note": ("text-warning", "italic"),
    "wt.added": ("text-success", ""),
    "wt.removed": ("text-error", ""),
    "wt.changed": ("text-warning", ""),
    "wt.name": ("text-primary", "bold"),
    "wt.param": ("text-success", "bold"),
    "wt.key": ("text-accent", "bold"),
    "wt.mark": ("text-secondary", "bold"),
    "wt.method.get": ("text-success", "bold"),
    "wt.method.post": ("text-warning", "bold"),
    "wt.method.put": ("text-primary", "bold"),
    "wt.method.patch": ("text-secondary", "bold"),
    "wt.method.delete": ("text-error", "bold"),
    "wt.method.other": ("text-accent", "bold"),
}


def rich_styles(variables: Mapping[str, str], dark: bool = True) -> RichTheme:
    """The app's named styles (`wt.ok`, `wt.muted`, ...) in the colours of `variables` (of a
    `dark` or light theme)."""
    ansi = variables.get("text-muted", "").startswith("ansi_")
    styles: dict[str, Style] = {}
    for name, (variable, attributes) in STYLE_COLOURS.items():
        styles[name] = Style.parse(attributes) + Style(color=_color(variables, variable))
        if ansi and falls_back(variables, variable) and name != "wt.muted":
            # No hue of this role reads on every common palette: the terminal's foreground,
            # set apart by weight.
            styles[name] += Style(bold=True)
    styles["wt.cursor"] = _cursor_style(variables)
    styles["wt.match"] = _match_style(variables, "warning")
    styles["wt.match.current"] = _match_style(variables, "error") + Style(bold=True)
    styles.update(ansi_diff_styles(dark) if ansi else diff_styles(variables))
    return RichTheme(styles, inherit=False)


DIFF_TINT = 0.25
DIFF_STRONG_TINT = 0.5
"""How much of the theme's error/success hue tints a changed row (and its changed characters)."""


def _tint(background: Color, hue: Color, amount: float, texts: list[Color]) -> Color:
    """`hue` over `background` by `amount`, less if one of `texts` could not be made to read
    at 4.5:1 on both the tint and the background."""
    while amount > 0.05:
        grounds = [background, background.blend(hue, amount)]
        if all(worst_contrast(readable(text, grounds), grounds) >= TEXT_CONTRAST for text in texts):
            break
        amount -= 0.05
    return background.blend(hue, amount)


def diff_styles(variables: Mapping[str, str]) -> dict[str, Style]:
    """Removed rows tinted with the theme's error hue, added rows with its success hue; the
    text on them, and the muted text of volatile rows, readable on every tint."""
    background = resolve(variables.get("background", ""), BLACK)
    removed = resolve(variables.get("error", ""), background) if background else None
    added = resolve(variables.get("success", ""), background) if background else None
    if background is None or removed is None or added is None:
        return ansi_diff_styles(dark=True)  # an ANSI theme (rich_styles knows which)
    foreground = Color.parse(variables["foreground"])
    muted = resolve(variables.get("text-muted", ""), background) or foreground
    texts = [foreground, muted]
    tints = {
        "deleted": _tint(background, removed, DIFF_TINT, texts),
        "inserted": _tint(background, added, DIFF_TINT, texts),
        "deleted-strong": _tint(background, removed, DIFF_STRONG_TINT, texts),
        "inserted-strong": _tint(background, added, DIFF_STRONG_TINT, texts),
    }
    grounds = list(tints.values())
    text = readable(foreground, grounds)
    styles = {
        f"wt.{name}": Style(color=text.hex, bgcolor=tint.hex, bold=name.endswith("strong"))
        for name, tint in tints.items()
    }
    styles["wt.volatile"] = Style(color=readable(muted, [background, *grounds]).hex)
    return styles


def _cursor_style(variables: Mapping[str, str]) -> Style:
    """A cursor drawn in text (the diff's gutter): the list's cursor ground, the muted text
    readable on it, bold; reverse video where the terminal's palette decides the colours."""
    ground = resolve(variables.get("wt-cursor", ""), BLACK)
    muted = resolve(variables.get("text-muted", ""), BLACK)
    if ground is None or muted is None:
        return Style(reverse=True, bold=True)
    return Style(color=readable(muted, [ground]).hex, bgcolor=ground.hex, bold=True)


def _match_style(variables: Mapping[str, str], hue: str) -> Style:
    """Find matches: the theme's hue as the background, the foreground readable on it."""
    background = resolve(variables.get("background", ""), BLACK)
    tint = resolve(variables.get(hue, ""), background) if background is not None else None
    if background is None or tint is None:
        return Style(reverse=True)
    ground = background.blend(tint, 0.6 if hue == "warning" else 0.9)
    text = readable(Color.parse(variables["foreground"]), [ground])
    return Style(color=text.hex, bgcolor=ground.hex)


def status_style(status: int) -> str:
    """The named style for an HTTP status shown as an answer: 2xx ok, 3xx warn, else error."""
    return "wt.ok" if status < 300 else "wt.warn" if status < 400 else "wt.error"
