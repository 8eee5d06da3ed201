"""A compressed body in the R editor: decoded to edit, an edit encoded again as its header says;
codings that can't be written again leave it not editable, with the reason."""

from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whisper_tui.core.body_coding import EDIT_CAP, editable_body
from whisper_tui.core.sizes import format_size

EVENT = '{"type":"invoice.paid","amount":4200}'


def raw_deflate(data: bytes) -> bytes:
    deflater = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return deflater.compress(data) + deflater.flush()


def test_a_gzip_body_opens_decoded_and_says_an_edit_is_re_encoded():
    stored = gzip.compress(EVENT.encode())
    body = editable_body(stored, ["gzip"])
    assert body.text == EVENT
    assert body.note == f"gzip decoded ({len(stored)} B stored); re-encoded with gzip if edited"


@given(st.text())
def test_an_edit_of_a_gzip_body_is_sent_as_gzip_of_its_utf8(text):
    body = editable_body(gzip.compress(EVENT.encode()), ["gzip"])
    assert gzip.decompress(body.encode(text, ["gzip"])) == text.encode()


@pytest.mark.parametrize(
    ("compress", "decompress"),
    [
        (zlib.compress, zlib.decompress),
        (raw_deflate, lambda data: zlib.decompress(data, -zlib.MAX_WBITS)),
    ],
)
def test_deflate_is_written_again_with_or_without_the_zlib_header_as_it_came(compress, decompress):
    body = editable_body(compress(EVENT.encode()), ["Deflate"])
    assert body.text == EVENT
    assert decompress(body.encode("edited", ["deflate"])) == b"edited"


def test_stacked_codings_are_undone_last_first_and_applied_again_in_order():
    stored = gzip.compress(zlib.compress(EVENT.encode()))
    body = editable_body(stored, ["deflate, identity", "gzip"])
    assert body.text == EVENT
    sent = body.encode("x", ["deflate", "gzip"])
    assert zlib.decompress(gzip.decompress(sent)) == b"x"


def test_the_body_follows_a_content_encoding_edited_in_the_headers_too():
    body = editable_body(gzip.compress(EVENT.encode()), ["gzip"])
    assert body.encode("plain now", []) == b"plain now"  # the header was deleted
    with pytest.raises(ValueError, match="can't be encoded with zstd"):
        body.encode("x", ["zstd"])


# mtime=0: the stored bytes are in the tests' ids, which every xdist worker must collect alike.
@pytest.mark.parametrize(
    ("stored", "codings", "reason"),
    [
        (b"\x28\xb5\x2f\xfd\x00", ["zstd"], "zstd can't be re-encoded here"),
        (b"not gzip", ["gzip"], "gzip didn't decode ("),
        (
            gzip.compress(b"a", mtime=0) + gzip.compress(b"b", mtime=0),
            ["gzip"],
            "bytes after the stream's end",
        ),
        (gzip.compress(b"a", mtime=0)[:-6], ["gzip"], "the stream is cut short"),
        (gzip.compress(bytes(range(256)), mtime=0), ["gzip"], "binary (gzip decoded)"),
        (b"\xff\xfe", [], "binary"),
    ],
)
def test_a_body_that_cant_be_decoded_and_written_again_is_not_editable_and_says_why(
    stored, codings, reason
):
    body = editable_body(stored, codings)
    assert body.text is None and body.codings == ()
    assert body.note.startswith(reason) or reason in body.note


def test_a_plain_body_opens_as_its_text_with_nothing_to_say():
    body = editable_body(EVENT.encode(), ["identity"])
    assert (body.text, body.codings, body.note) == (EVENT, (), "")


def test_a_body_past_the_edit_cap_once_decoded_is_not_inflated_further_nor_editable():
    # It is undone on the loop the capture server shares, and goes into a text box: a small
    # gzip body (a bomb) must not be inflated to the detail's 64 MiB there.
    fits = gzip.compress(b"a" * EDIT_CAP, mtime=0)
    assert editable_body(fits, ["gzip"]).text == "a" * EDIT_CAP
    bomb = gzip.compress(b"a" * (EDIT_CAP + 1), mtime=0)
    body = editable_body(bomb, ["gzip"])
    assert body.text is None and body.codings == ()
    assert body.note == f"over {format_size(EDIT_CAP)} decoded, too big to edit"


def test_a_raw_deflate_body_just_past_the_edit_cap_is_too_big_not_cut_short():
    # All its input taken, the output full and no end seen: more would come past the cap
    # (the editor said 'the stream is cut short' for a whole stream 1 B over it).
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    stored = packer.compress(b"a" * (EDIT_CAP + 1)) + packer.flush()
    body = editable_body(stored, ["deflate"])
    assert body.note == f"over {format_size(EDIT_CAP)} decoded, too big to edit"
