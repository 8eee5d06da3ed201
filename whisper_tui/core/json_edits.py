"""`whisper-tui send --set JSON.PATH=VALUE`: a field of a recorded JSON body edited, the rest of
the body's bytes kept (json_spans places the value; a compressed body decoded and encoded again
as R does), and in words why an edit doesn't fit a body (the capture is then not sent)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from whisper_tui.core.body_coding import editable_body
from whisper_tui.core.contentviews.decoding import content_codings
from whisper_tui.core.json_spans import splice
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.portable import dumps_portable
from whisper_tui.core.sanitize import printable


@dataclass(frozen=True, slots=True)
class JsonEdit:
    """`--set data.object.amount=4200`: a dotted path (numbers index arrays) and a value."""

    path: tuple[str, ...]
    value: Any

    def apply(self, document: Any) -> None:
        """Set the value in `document`; a path that doesn't fit it raises SetError saying why."""
        node = document
        for depth, step in enumerate(self.path):
            here = ".".join(self.path[:depth]) or "the body"
            last = depth == len(self.path) - 1
            if isinstance(node, dict):
                if last:
                    node[step] = self.value  # a new field is fine: only its parent must exist
                elif step not in node:
                    raise self._error(f"{here} has no {step!r}")
                else:
                    node = node[step]
            elif isinstance(node, list):
                index = self._index(node, step, here)
                if last:
                    node[index] = self.value
                else:
                    node = node[index]
            else:
                raise self._error(f"{here} is {_json_kind(node)}, not an object or array")

    def _index(self, array: list[Any], step: str, here: str) -> int:
        span = f"0 to {len(array) - 1}" if array else "none"
        if not step.isdigit():
            raise self._error(f"{here} is an array; {step!r} is not an index ({span})")
        if int(step) >= len(array):
            raise self._error(f"{here} has {len(array)} items ({span}), no item {step}")
        return int(step)

    def _error(self, reason: str) -> SetError:
        return SetError(f"--set {'.'.join(self.path)}: {reason}")


class SetError(ValueError):
    """A --set that doesn't fit a capture's body, in words: it is not sent."""


def _json_kind(value: Any) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    return "null"


def json_body(capture: CapturedRequest, body: bytes | None = None, decoded: str = "") -> Any:
    """The capture's body (or `body`, its codings undone, named by `decoded`: 'gzip') parsed
    as JSON for --set, or SetError naming what it is instead."""
    body = capture.body if body is None else body
    try:
        return json.loads(body)
    except RecursionError:
        # Valid JSON nested deeper than Python's parser goes: a sender's data, not a bug.
        raise SetError(
            "--set needs a JSON body it can edit; this one is nested too deeply"
        ) from None
    except ValueError as error:
        content_type = capture.content_type
        if not body:
            what = "empty"
        elif content_type and "json" not in content_type:
            what = content_type
        elif isinstance(error, json.JSONDecodeError):
            where = f"line {error.lineno} column {error.colno}"
            what = f"not valid JSON ({where}: {error.msg[:1].lower()}{error.msg[1:]})"
        else:  # bytes that are not UTF-8 (or -16, -32)
            what = "not valid JSON (not UTF-8 text)"
        if decoded:
            what += f", {decoded} decoded"
        raise SetError(f"--set needs a JSON body; this one is {what}") from None


def edited_text(body: bytes, document: Any, edits: Sequence[JsonEdit]) -> str | None:
    """The body's text with only the edited values' characters changed (json_spans.splice),
    every other byte as sent; `document` (the parsed body) gets the edits too, raising
    SetError for one that doesn't fit. None when the text can't be edited in place (not
    UTF-8, a BOM, a path the scanner can't place): the caller re-serializes `document`."""
    try:
        text: str | None = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    for edit in edits:
        edit.apply(document)
        if text is not None:
            text = splice(text, edit.path, edit.value)
    # The scanner is checked against the parser: what goes out must read as the document.
    return text if text is not None and json.loads(text) == document else None


def parse_set(text: str) -> JsonEdit:
    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise ValueError(f"--set {text!r}: use JSON.PATH=VALUE, e.g. data.object.amount=4200")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Argument bytes that are not UTF-8 reach us as lone surrogates (surrogateescape):
        # a JSON body holds text, and no text is the byte 0xff. Guessing a character for it
        # would send what was not asked; a JSON escape says which character is meant.
        raise ValueError(
            f"--set {printable(text)}: not UTF-8 text; a JSON body holds text: type the "
            'characters in UTF-8, or as JSON escapes ("\\u00ff")'
        ) from None
    try:
        value = json.loads(raw)  # numbers, true/false/null, objects, "quoted strings"
    except json.JSONDecodeError:
        value = raw  # anything else is a plain string
    return JsonEdit(tuple(path.strip().split(".")), value)


def edited_body(capture: CapturedRequest, edits: Sequence[JsonEdit]) -> bytes:
    """The capture's JSON body with `edits` made (SetError for one that doesn't fit): only
    the values' characters changed where the text allows, else the edited document, compact.

    A compressed body (Content-Encoding gzip, deflate, br) is edited as R's editor edits it,
    by the same rule (body_coding.editable_body): decoded, edited, encoded again with the
    codings its header names; one that can't be (a broken stream, too big) is said so.
    """
    encodings = capture.header_values("content-encoding")
    if not content_codings(encodings):
        return _edited_json(capture, capture.body, edits).encode("utf-8")
    editable = editable_body(capture.body, encodings)
    named = ", ".join(content_codings(encodings))
    if editable.text is None and editable.note.startswith("binary"):  # decoded, not text
        raise SetError(
            f"--set needs a JSON body; this one is not valid JSON (not UTF-8 text), {named} decoded"
        )
    if editable.text is None:
        raise SetError(
            f"--set needs a JSON body it can edit; this one is {named}-compressed and "
            f"{editable.note}"
        )
    decoded = ", ".join(editable.codings)
    text = _edited_json(capture, editable.text.encode("utf-8"), edits, decoded)
    return editable.encode(text, encodings)


def _edited_json(
    capture: CapturedRequest, body: bytes, edits: Sequence[JsonEdit], decoded: str = ""
) -> str:
    document = json_body(capture, body, decoded)
    text = edited_text(body, document, edits)
    if text is None:  # not a body the scanner places edits in
        text = dumps_portable(document, indent=None, separators=(",", ":"))
    return text
