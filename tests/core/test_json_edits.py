"""json_edits: send --set's edits of a recorded JSON body."""

from __future__ import annotations

import fnmatch
import gzip
import zlib

import pytest

from whisper_tui.core.body_coding import editable_body
from whisper_tui.core.json_edits import SetError, edited_body, parse_set
from whisper_tui.core.models import CapturedRequest


def test_an_argument_that_is_not_utf8_is_refused_saying_so():
    # Argument bytes that are not UTF-8 arrive as lone surrogates (0xff as U+DCFF).
    with pytest.raises(ValueError, match=r"^--set a=\\xff: not UTF-8 text; a JSON body"):
        parse_set("a=\udcff")


@pytest.mark.parametrize(
    ("body", "edit", "sent"),
    [
        # In place: the lone surrogate the user gave as a JSON escape goes out as one.
        (b'{\n  "a": "\\ud800",\n  "b": 1\n}', 'a="\\udc80"', b'{\n  "a": "\\udc80",\n  "b": 1\n}'),
        (b'{"a": 1}', 'k="\\ud800\u00e9"', b'{"a": 1,"k": "\\ud800\\u00e9"}'),
        # Re-serialized (a BOM): the body's own "\ud800" stays an escape; the rest compact.
        (b'\xef\xbb\xbf{"a": "\\ud800", "b": 1}', "b=2", b'{"a":"\\ud800","b":2}'),
    ],
)
def test_a_lone_surrogate_in_json_goes_out_as_the_escape_json_allows(body, edit, sent):
    # JSON may escape a lone surrogate ("\ud800"); UTF-8 can't carry it raw, so the edited
    # body could not be encoded and every such capture was 'not sent' with a codec's message.
    capture = CapturedRequest(1, 1.0, "127.0.0.1", "POST", "/a", (1, 1), (), body)
    assert edited_body(capture, [parse_set(edit)]) == sent


def gzip_capture(body: bytes, encoding: str = "gzip") -> CapturedRequest:
    headers = ((b"Content-Type", b"application/json"), (b"Content-Encoding", encoding.encode()))
    return CapturedRequest(1, 1.0, "127.0.0.1", "POST", "/a", (1, 1), headers, body)


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("x-gzip, identity", gzip.compress)],
)
def test_a_compressed_json_body_is_edited_decoded_and_encoded_again(encoding, compress):
    capture = gzip_capture(compress(b'{"a": 1, "b": [1,2]}'), encoding)
    sent = edited_body(capture, [parse_set("a=2")])
    # R's editor opens the sent body as the edit: one rule (body_coding) for both.
    assert editable_body(sent, [encoding]).text == '{"a": 2, "b": [1,2]}'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            gzip.compress(b"a=1&b=2"),
            "this one is not valid JSON (line 1 column 1: *), gzip decoded",
        ),
        (gzip.compress(b"{}")[:-6], "this one is gzip-compressed and gzip didn't decode (*"),
        (b"not gzip at all", "this one is gzip-compressed and gzip didn't decode (*"),
        (gzip.compress(b"\xff\xfe{}"), "this one is not valid JSON (not UTF-8 text), gzip decoded"),
    ],
    ids=["not-json", "cut-short", "not-gzip", "not-utf8"],  # gzip's bytes hold the time
)
def test_a_compressed_body_that_does_not_edit_says_it_is_compressed(body, message):
    with pytest.raises(SetError) as refused:
        edited_body(gzip_capture(body), [parse_set("a=2")])
    assert fnmatch.fnmatchcase(str(refused.value), "--set needs a JSON body*" + message)
