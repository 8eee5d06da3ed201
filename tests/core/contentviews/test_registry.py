"""The body-view registry: built-ins found by the package, the best fit drawing each body, and
a view from outside (tests/fixtures/addons/dummy_view.py) joining by import alone."""

from __future__ import annotations

import gzip
import importlib
import json
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.contentviews.helpers import all_lines
from tests.helpers import delivery_request, load_deliveries, wait_for_screen
from whisper_tui.core.contentviews import (
    BodyView,
    ContentView,
    DecodedBody,
    ListLines,
    body_view,
    body_view_within,
    register,
    registered_views,
    unregister,
    view_for,
)
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp

DUMMY_MODULE = "tests.fixtures.addons.dummy_view"
BUILTIN = ["empty", "form", "hex", "json", "multipart", "text", "xml"]


@pytest.fixture
def dummy() -> Iterator[ModuleType]:
    """The dummy view's module, imported fresh (its import registers it), removed afterwards."""
    sys.modules.pop(DUMMY_MODULE, None)
    assert "dummy" not in [view.name for view in registered_views()]
    module = importlib.import_module(DUMMY_MODULE)
    try:
        yield module
    finally:
        unregister(module.VIEW)
        sys.modules.pop(DUMMY_MODULE, None)


def capture(body: bytes, content_type: str) -> CapturedRequest:
    return CapturedRequest(
        id=1,
        received_at=1_764_000_000.0,
        remote="127.0.0.1",
        method="POST",
        target="/hooks/dummy",
        http_version=(1, 1),
        raw_headers=((b"Content-Type", content_type.encode("latin-1")),),
        body=body,
    )


def test_builtin_views_are_found_by_the_package_one_module_each():
    views = registered_views()
    assert [view.name for view in views] == BUILTIN
    assert [view.render.__module__ for view in views] == [
        f"whisper_tui.core.contentviews.{name}_view" for name in BUILTIN
    ]


def test_fixture_deliveries_all_get_a_view():
    for delivery in load_deliveries():
        view = body_view(delivery_request(delivery))
        assert all_lines(view) or view.kind == "empty", delivery["name"]


def test_the_dummy_view_registers_on_import_and_draws_its_bodies(dummy):
    assert [view.name for view in registered_views()] == [*BUILTIN, "dummy"]
    view = body_view(capture(b"hello", "application/x-dummy"))
    assert (view.kind, all_lines(view)) == ("dummy", ["DUMMY VIEW: 5 bytes", "HELLO"])
    # Other bodies are untouched: the text view still draws text/plain.
    assert body_view(capture(b"hello", "text/plain")).kind == "text"


def test_unregistering_the_dummy_view_gives_its_bodies_back_to_text(dummy):
    unregister("dummy")
    assert body_view(capture(b"hello", "application/x-dummy")).kind == "text"


async def test_the_app_shows_a_capture_through_the_dummy_view(dummy):
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(160, 45)) as pilot:
        app.store.add(capture(b"quiet words", "application/x-dummy"))
        text = await wait_for_screen(pilot, app, "DUMMY VIEW: 11 bytes", "QUIET WORDS")
        assert "dummy" in text  # the detail's title names the view


def test_a_higher_fit_wins_and_a_declining_render_passes_to_the_next():
    calls: list[str] = []

    def declining(body: DecodedBody) -> BodyView | None:
        calls.append("declined")
        return None

    greedy = ContentView("greedy", lambda body: 1000, declining)
    register(greedy)
    try:
        view = view_for(b'{"a":1}', "application/json")
        assert calls == ["declined"] and view.kind == "json"
    finally:
        unregister(greedy)
    assert "greedy" not in [view.name for view in registered_views()]


def test_registering_a_name_again_replaces_the_view():
    first = ContentView("twin", lambda body: 500, lambda body: BodyView("one", ListLines([])))
    second = ContentView("twin", lambda body: 500, lambda body: BodyView("two", ListLines([])))
    register(first)
    register(second)
    try:
        assert [view.name for view in registered_views()].count("twin") == 1
        assert view_for(b"x", "text/plain").kind == "two"
    finally:
        unregister("twin")


# -- which view draws which body -------------------------------------------------------

CONTENT_TYPES = [
    "",
    "application/json",
    "application/vnd.api+json",
    "text/plain",
    "text/plain; charset=latin-1",
    "application/x-www-form-urlencoded",
    "application/xml",
    "application/atom+xml",
    "multipart/form-data; boundary=XX",
    "multipart/mixed",
    "text/html",
    "application/octet-stream",
]
BODY_PIECES = ['{"a": 1}', "[1, 2]", "<?xml?>", "<a>", "a=1&b=2", "--XX\r\n", "\x00", " ", "é", "x"]


def expected_kind(body: bytes, content_type: str) -> str:
    """The rules the views encode, written out once more as a plain if-chain."""
    media_type = content_type.split(";")[0].strip()
    if not body:
        return "empty"
    if media_type.startswith("multipart/") and "boundary=" in content_type:
        return "multipart"
    charset = "latin-1" if "latin-1" in content_type else "utf-8"
    text = body.decode(charset)
    if "\x00" in text:
        return "hex"
    stripped = text.lstrip()
    sniff_json = media_type in ("", "text/plain") and stripped[:1] in ("{", "[")
    if media_type.endswith("json") or sniff_json:
        try:
            json.loads(text)
            return "json"
        except ValueError:
            pass
    if media_type == "application/x-www-form-urlencoded":
        return "form"
    if media_type.endswith("xml") or (not media_type and stripped.startswith("<?xml")):
        return "xml"
    return "text"


@settings(max_examples=300)
@given(st.lists(st.sampled_from(BODY_PIECES), max_size=6), st.sampled_from(CONTENT_TYPES))
def test_the_best_fitting_view_draws_each_body(pieces, content_type):
    body = "".join(pieces).encode("utf-8")
    view = view_for(body, content_type)
    assert view.kind == expected_kind(body, content_type)
    lexers = {"json": "json", "form": "ini", "xml": "xml", "hex": "hexdump"}
    lexer = "html" if content_type == "text/html" and view.kind == "text" else None
    assert view.lexer == lexers.get(view.kind, lexer)


def gzipped(text: bytes) -> CapturedRequest:
    headers = ((b"Content-Type", b"text/plain"), (b"Content-Encoding", b"gzip"))
    return CapturedRequest(1, 0.0, "127.0.0.1", "POST", "/", (1, 1), headers, gzip.compress(text))


def test_a_body_is_viewed_within_a_limit_only_when_it_inflates_to_no_more():
    # The detail builds these views on the loop the server shares: a bomb answers None
    # (then it is a worker's) whatever its small wire size.
    limit = 64 * 1024
    fits = gzipped(b"fits\n".ljust(limit, b"a"))
    view = body_view_within(fits, limit)
    assert view is not None and all_lines(view) == all_lines(body_view(fits))
    assert view.notes == body_view(fits).notes
    bomb = gzipped(b"bomb\n".ljust(8 * 1024 * 1024, b"a"))
    assert len(bomb.body) < 16 * 1024
    assert body_view_within(bomb, limit) is None
    assert body_view_within(gzipped(b"fits\n".ljust(limit + 1, b"a")), limit) is None
    plain = CapturedRequest(1, 0.0, "127.0.0.1", "POST", "/", (1, 1), (), b"x" * limit)
    assert body_view_within(plain, limit) is not None
