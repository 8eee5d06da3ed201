"""JSON exports: one document per capture, every byte recoverable."""

from __future__ import annotations

import base64
import json
import re

from tests.core.export.helpers import make_request
from whisper_tui.core.export import render_export
from whisper_tui.core.export.json_doc import FORMAT, to_json
from whisper_tui.core.portable import header_bytes


def test_json_text_body() -> None:
    req = make_request(
        headers=[(b"X-Dup", b"1"), (b"x-dup", b"\xe9"), (b"X-User", "Zoë Müller".encode())],
        body='{"k": "☃"}'.encode(),
    )
    doc = json.loads(to_json(req))
    assert doc["id"] == 7
    assert doc["received_at"] == "2023-11-14T22:13:20.250Z"
    assert doc["received_at_epoch"] == req.received_at
    assert (doc["method"], doc["target"], doc["http_version"]) == ("POST", "/hook", "HTTP/1.1")
    # UTF-8 values read as the sender meant them; a lone latin-1 byte is flagged, not garbled.
    assert doc["headers"] == [
        {"name": "X-Dup", "value": "1"},
        {"name": "x-dup", "value": "é", "encoding": "latin-1"},
        {"name": "X-User", "value": "Zoë Müller"},
    ]
    assert [header_bytes(h, flag="encoding") for h in doc["headers"]] == [*req.raw_headers]
    assert (doc["body"], doc["body_encoding"]) == ('{"k": "☃"}', "utf-8")
    assert doc["rejected"] is False and doc["declared_length"] is None


def test_json_binary_body_is_base64() -> None:
    body = bytes(range(256))
    doc = json.loads(to_json(make_request(body=body)))
    assert doc["body_encoding"] == "base64"
    assert base64.b64decode(doc["body"]) == body


def test_json_non_utf8_target_stays_encodable() -> None:
    target = b"/\xff".decode("utf-8", "surrogateescape")
    text = to_json(make_request(target=target))
    text.encode("utf-8")  # must not raise
    assert json.loads(text)["target"] == target


def test_json_is_one_document() -> None:
    text = to_json(make_request(body=b"x"))
    assert re.match(r"^\{.*\}$", text, re.S)


def test_one_capture_is_its_document_and_several_are_an_array() -> None:
    first, second = make_request(body=b"1"), make_request(body=b"\xff")
    assert render_export("json", [first], "http://h") == to_json(first).encode() + b"\n"
    both = render_export("json", [first, second], "http://h")
    assert json.loads(both) == [json.loads(to_json(first)), json.loads(to_json(second))]
    assert both.endswith(b"}\n]\n")  # indented like the single document
    assert render_export("json", [], "http://h") == b"[]\n"
    assert (FORMAT.label, FORMAT.extension) == ("JSON", "json")
