"""Changing a Line-API widget's scrollable size without laying out the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_virtual_size(widget: ScrollView, new: Size) -> None:
    """Set widget.virtual_size, skipping the screen relayout when no scrollbar appears or goes.

    Assigning virtual_size lays out the whole screen; during a burst of captures that runs
    several times a second on the loop the capture server shares. The layout is only needed
    when the content starts or stops overflowing (a scrollbar shows or hides).
    """
    old = widget.virtual_size
    if new == old:
        return
    region = widget.scrollable_content_region
    overflow_changed = (old.height > region.height) != (new.height > region.height) or (
        old.width > region.width
    ) != (new.width > region.width)
    if overflow_changed or not old.height:
        widget.virtual_size = new
        return
    widget.set_reactive(type(widget).virtual_size, new)
    widget._scroll_update(new)
    widget.refresh()
