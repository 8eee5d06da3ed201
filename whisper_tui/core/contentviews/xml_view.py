"""XML (declared, or untyped text opening with <?xml), indented by its tags."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator

from whisper_tui.core.contentviews.decoding import DecodedBody, is_xml_type
from whisper_tui.core.contentviews.json_lines import MAX_INDENT_DEPTH
from whisper_tui.core.contentviews.lines import LazyLines, split_long
from whisper_tui.core.contentviews.view import BodyView, ContentView, drawn


def fit(body: DecodedBody) -> float:
    """Declared XML that is text, or untyped text that declares itself XML."""
    if body.text is None:
        return 0
    declared = is_xml_type(body.media_type)
    return 40 if declared or (not body.media_type and body.head.startswith("<?xml")) else 0


def render(body: DecodedBody) -> BodyView:
    """The document indented one tag a line, produced as it is needed."""
    assert body.text is not None
    return drawn(body, "xml", LazyLines(split_long(reindent_xml(body.text))), "xml")


_XML_TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^>]*>?|[^<]+", re.S)


def reindent_xml(text: str, indent: str = "  ") -> Iterator[str]:
    """Indent XML by its tags without parsing it, so truncated or odd XML still shows.

    Tokens are read lazily: the first screen of a 5 MB document needs a few hundred of them,
    and tokenizing all of it up front held the GIL for ~180 ms (the loop stalled with it).
    """
    stripped = (match.group().strip() for match in _XML_TOKEN.finditer(text))
    tokens = (token for token in stripped if token)
    ahead: deque[str] = deque()

    def peek(offset: int) -> str | None:
        while len(ahead) <= offset:
            token = next(tokens, None)
            if token is None:
                return None
            ahead.append(token)
        return ahead[offset]

    depth = 0
    while (token := peek(0)) is not None:
        ahead.popleft()
        opens = token.startswith("<") and not token.startswith(("</", "<?", "<!"))
        opens = opens and not token.endswith("/>")
        if token.startswith("</"):
            depth = max(depth - 1, 0)
        pad = indent * min(depth, MAX_INDENT_DEPTH)
        # <name>text</name> reads best on one line.
        inner, closing = (peek(0), peek(1)) if opens else (None, None)
        if (
            inner is not None
            and closing is not None
            and not inner.startswith("<")
            and closing.startswith("</")
        ):
            token = token + inner + closing
            ahead.popleft()
            ahead.popleft()
            opens = False
        elif opens:
            depth += 1
        for piece in token.split("\n"):
            yield pad + piece.strip()


VIEW = ContentView("xml", fit, render)
