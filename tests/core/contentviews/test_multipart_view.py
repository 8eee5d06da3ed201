"""The multipart view: text parts as text, binary parts as hex."""

from __future__ import annotations

from tests.core.contentviews.helpers import all_lines
from tests.helpers import delivery_request, load_deliveries
from whisper_tui.core.contentviews import body_view


def test_multipart_shows_text_parts_and_hex_for_binary_parts():
    [delivery] = [d for d in load_deliveries() if d["name"] == "form-multipart-upload"]
    view = body_view(delivery_request(delivery))
    assert view.kind == "multipart"
    text = "\n".join(all_lines(view))
    assert "part 1" in text and "Content-Disposition" in text
