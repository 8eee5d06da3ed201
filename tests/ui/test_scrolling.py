"""Resizing a Line-API view: the screen is laid out again only when a scrollbar comes or goes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from whisper_tui.ui.scrolling import set_virtual_size

HEIGHT = 10


class Lines(ScrollView):
    """A Line-API view of numbered lines, as the request list and the detail are."""

    DEFAULT_CSS = f"Lines {{ height: {HEIGHT}; width: 40; }}"

    def render_line(self, y: int) -> Strip:
        return Strip.blank(self.scrollable_content_region.width)


class LinesApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Lines()


async def test_growing_an_empty_view_sets_its_size():
    app = LinesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(Lines)
        set_virtual_size(view, Size(40, 3))
        await pilot.pause()
        assert view.virtual_size == Size(40, 3)
        assert view.max_scroll_y == 0
        assert not view.show_vertical_scrollbar


async def test_growing_past_the_height_shows_the_scrollbar_and_scrolls_to_the_end():
    app = LinesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(Lines)
        set_virtual_size(view, Size(40, 3))
        await pilot.pause()
        set_virtual_size(view, Size(40, 100))
        await pilot.pause()
        assert view.show_vertical_scrollbar
        assert view.max_scroll_y == 100 - view.scrollable_content_region.height
        view.scroll_end(animate=False, immediate=True)
        assert view.scroll_y == view.max_scroll_y


async def test_growing_while_already_scrolling_skips_the_layout_but_still_scrolls_further():
    app = LinesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(Lines)
        set_virtual_size(view, Size(40, 100))
        await pilot.pause()
        height = view.scrollable_content_region.height
        set_virtual_size(view, Size(40, 5_000))
        # Textual's own flag for "lay the screen out again": not raised for this change.
        assert not view._layout_required
        assert view.virtual_size == Size(40, 5_000)
        assert view.max_scroll_y == 5_000 - height
        view.scroll_end(animate=False, immediate=True)
        assert view.scroll_y == 5_000 - height
        await pilot.pause()
        assert view.show_vertical_scrollbar


async def test_shrinking_until_everything_fits_lays_out_again_and_hides_the_scrollbar():
    app = LinesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(Lines)
        set_virtual_size(view, Size(40, 100))
        await pilot.pause()
        view.scroll_end(animate=False, immediate=True)
        set_virtual_size(view, Size(40, 4))
        assert view._layout_required
        await pilot.pause()
        assert not view.show_vertical_scrollbar
        assert view.max_scroll_y == 0
        assert view.scroll_y == 0


async def test_the_same_size_again_changes_nothing():
    app = LinesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(Lines)
        set_virtual_size(view, Size(40, 100))
        await pilot.pause()
        set_virtual_size(view, Size(40, 100))
        assert not view._layout_required
        assert not view._repaint_required
