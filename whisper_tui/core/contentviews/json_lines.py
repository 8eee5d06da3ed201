"""JSON re-indented for display, every token kept exactly as sent (1.10 stays 1.10).

One implementation serves both readers: the JSON body view pulls lines lazily
(reindent_json: the first screen of a 5 MB body is ready at once) and the diff takes them
all (pretty_json_lines: a megabyte diffed whole). Both come from json_line_batches.

Most documents are read one display line per regex match, which is several times faster
than walking token by token. The token walker stays for input that is not line-shaped
JSON (a truncated or malformed body over the validation limit): from the first place the
line regex cannot take exactly as the walker would, the walker carries on, so the output
is the walker's for every input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain, islice
from typing import Any

from whisper_tui.core.contentviews.lines import LONG_LINE

MAX_INDENT_DEPTH = 40
"""Deeper nesting is shown without further indentation."""
BATCH = 512
"""Lines handed over at a time: a millisecond of work, and per-line costs amortized."""

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_SCALAR = r'[^\s{}\[\],:"]+'
# One match is one display line, and only where the walker would make the same line: an
# optional key, then a scalar, an opening bracket, an empty container or a closing bracket
# (never after a key), then a comma, or a closing bracket or the end next. An opening
# bracket must be followed by a real token that is not a comma or a closing bracket (an
# unterminated quote is skipped by the tokenizer, so it does not count).
_JSON_LINE = re.compile(
    rf"\s*(?:({_STRING})\s*:\s*)?"
    rf'(?:({_STRING}|{_SCALAR})|([{{\[])(?=\s*(?:[^\s}}\],"]|{_STRING}))'
    rf"|(\{{\s*\}}|\[\s*\])|(?(1)(?!)|([}}\]])))"
    r"\s*(,?)(?:(?<=,)|(?=[}\]])|\Z|(?<=[{\[]))"
)
# For text json.loads has accepted: the same lines without the guards, which never fail on
# valid JSON and cost about a sixth of the matching time (the diff re-indents megabytes
# whole). tests/core/contentviews/test_json_lines.py pins that both give the same lines.
_VALID_JSON_LINE = re.compile(
    rf"\s*(?:({_STRING})\s*:\s*)?"
    rf"(?:({_STRING}|{_SCALAR})|([{{\[])(?!\s*[}}\]])|(\{{\s*\}}|\[\s*\])|([}}\]]))"
    r"\s*(,?)"
)
_INDENTS = ["  " * depth for depth in range(MAX_INDENT_DEPTH + 1)]


def reindent_json(text: str, indent: str = "  ", *, valid: bool = False) -> Iterator[str]:
    """Yield JSON re-indented line by line, without re-encoding any token.

    valid=True says json.loads accepted the text, which makes it a little faster.
    """
    if indent != "  ":
        return _walk(text, 0, 0, indent)
    return chain.from_iterable(json_line_batches(text, valid=valid))


def pretty_json_lines(text: str) -> list[str]:
    """All of reindent_json's lines, long ones split as split_long does, for JSON that
    json.loads accepted (the diff parses both bodies first)."""
    lines: list[str] = []
    for batch in json_line_batches(text, valid=True):
        lines += batch
    return cut_long_lines(lines)


def cut_long_lines(lines: list[str]) -> list[str]:
    """Lines longer than LONG_LINE cut into LONG_LINE pieces, as split_long does; the same
    list when none is."""
    if lines and max(map(len, lines)) > LONG_LINE:
        lines = [
            line[start : start + LONG_LINE]
            for line in lines
            for start in range(0, max(len(line), 1), LONG_LINE)
        ]
    return lines


def json_line_batches(text: str, *, valid: bool = False) -> Iterator[list[str]]:
    """reindent_json's lines in lists of up to BATCH lines (valid: json.loads accepted it)."""
    # scanner().match matches only where the previous match ended, so the loop stops at the
    # first place the line regex cannot read; it never searches ahead as finditer would,
    # which could take quadratic time on hostile input. Match by match, not findall: one C
    # call over megabytes would hold the GIL (and the loop the server shares) meanwhile.
    pattern = _VALID_JSON_LINE if valid else _JSON_LINE
    scanner: Any = pattern.scanner(text)  # type: ignore[attr-defined]  # not in typeshed
    matches: Iterator[re.Match[str]] = iter(scanner.match, None)
    depth = 0
    pad = ""
    indents = _INDENTS
    top = MAX_INDENT_DEPTH
    found = None
    while True:
        lines: list[str] = []
        append = lines.append
        for found in islice(matches, BATCH):
            key, scalar, opening, empty, close, comma = found.groups()
            if scalar:
                append(f"{pad}{key}: {scalar}{comma}" if key else f"{pad}{scalar}{comma}")
            elif close:
                depth -= 1
                pad = indents[0 if depth < 0 else depth if depth < top else top]
                append(f"{pad}{close}{comma}")
            elif opening:
                append(f"{pad}{key}: {opening}" if key else pad + opening)
                depth += 1
                pad = indents[0 if depth < 0 else depth if depth < top else top]
            else:  # '{ }' is shown as '{}'
                empty = empty[0] + empty[-1]
                append(f"{pad}{key}: {empty}{comma}" if key else f"{pad}{empty}{comma}")
        if lines:
            yield lines
        if len(lines) < BATCH:
            break
    stopped = found.end() if found is not None else 0
    if stopped < len(text):
        rest = _walk(text, stopped, depth)
        while batch := list(islice(rest, BATCH)):
            yield batch


def _walk(text: str, start: int, depth: int, indent: str = "  ") -> Iterator[str]:
    """The token walker from text[start:], at the start of a line `depth` levels deep."""
    # finditer, not findall: one C call over megabytes would hold the GIL (and the loop the
    # server shares) for its whole run; token by token, the first screen is ready at once.
    tokens = (match.group() for match in _JSON_TOKEN.finditer(text, start))
    closing = {"{": "}", "[": "]"}
    line = indent * min(depth, MAX_INDENT_DEPTH)
    pending: str | None = None
    while True:
        if pending is not None:
            token, pending = pending, None
        else:
            read = next(tokens, None)
            if read is None:
                break
            token = read
        if token in closing:
            following = next(tokens, None)
            if following == closing[token]:
                line += token + following
                continue
            pending = following
            yield line + token
            depth += 1
            line = indent * min(depth, MAX_INDENT_DEPTH)
        elif token in ("}", "]"):
            if line.strip():
                yield line
            depth -= 1
            line = indent * min(depth, MAX_INDENT_DEPTH) + token
        elif token == ",":
            yield line + ","
            line = indent * min(depth, MAX_INDENT_DEPTH)
        elif token == ":":
            line += ": "
        else:
            line += token
    if line.strip():
        yield line
