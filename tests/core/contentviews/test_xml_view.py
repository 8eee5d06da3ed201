"""The XML view: indented by tags, truncated documents too, no character lost."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from tests.core.contentviews.helpers import all_lines
from whisper_tui.core.contentviews import view_for
from whisper_tui.core.contentviews.xml_view import reindent_xml


def test_xml_is_indented_even_when_truncated():
    view = view_for(b"<?xml version='1.0'?><a><b>1</b><c><d/></c><e>cut", "application/xml")
    assert view.kind == "xml"
    assert all_lines(view) == [
        "<?xml version='1.0'?>",
        "<a>",
        "  <b>1</b>",
        "  <c>",
        "    <d/>",
        "  </c>",
        "  <e>",
        "    cut",
    ]


_XML_PIECES = st.sampled_from(
    [
        "<a>",
        "</a>",
        "<b x='1 2'>",
        "</b>",
        "<c/>",
        "<?xml version='1.0'?>",
        "<!-- note -->",
        "<![CDATA[<x> & y]]>",
        "text",
        " more text ",
        "\n",
        "  ",
        "&amp;",
        "<",
        ">",
        "<d",
    ]
)


@given(st.lists(_XML_PIECES, max_size=60))
def test_xml_indenting_keeps_every_character_in_order(pieces):
    # Whatever the markup (unbalanced, truncated, stray brackets), indenting only adds or
    # removes whitespace: the non-space characters come out exactly as they went in.
    text = "".join(pieces)
    out = "".join(reindent_xml(text))
    assert re.sub(r"\s", "", out) == re.sub(r"\s", "", text)
