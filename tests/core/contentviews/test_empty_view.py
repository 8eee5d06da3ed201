"""The empty view: no body, or one that decodes to nothing, whatever its type says."""

from __future__ import annotations

import gzip

from whisper_tui.core.contentviews import view_for


def test_no_body_is_empty_whatever_the_type():
    for content_type in ("application/json", "multipart/form-data; boundary=x", ""):
        view = view_for(b"", content_type)
        assert (view.kind, len(view.lines), view.notes) == ("empty", 0, [])


def test_a_body_that_decodes_to_nothing_is_empty_with_the_decoding_note():
    view = view_for(gzip.compress(b""), "application/json", ["gzip"])
    assert view.kind == "empty"
    assert view.notes and "decoded gzip" in view.notes[0]
