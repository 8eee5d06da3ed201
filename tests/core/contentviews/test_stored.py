"""The body as stored (raw and hex): every byte accounted for, nothing tidied, nothing unsafe."""

from __future__ import annotations

import gzip
import re
import sys
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.contentviews.helpers import all_lines
from whisper_tui.core.contentviews import LONG_LINE, HexLines, body_view, stored
from whisper_tui.core.contentviews.stored import (
    BODY_MODES,
    RawLines,
    RawScan,
    next_mode,
    raw_display,
    stored_notes,
    view_as,
)
from whisper_tui.core.models import CapturedRequest

UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200b-\u200f\u2028-\u202e\ufeff]")
"""What must never reach the terminal from a raw line: controls, C1, lone surrogates,
zero-width and bidi characters, a BOM."""


def request(body: bytes, *headers: tuple[bytes, bytes], **changes: object) -> CapturedRequest:
    return CapturedRequest(1, 0.0, "127.0.0.1", "POST", "/h", (1, 1), headers, body, **changes)  # type: ignore[arg-type]


def raw(body: bytes) -> list[str]:
    lines = RawLines(body)
    lines.advance(10**9)
    return [lines[i] for i in range(len(lines))]


def test_modes_cycle_auto_raw_hex_and_back():
    assert BODY_MODES == ("auto", "raw", "hex")
    assert [next_mode(mode) for mode in BODY_MODES] == ["raw", "hex", "auto"]


# -- raw lines ---------------------------------------------------------------------------------


def test_whitespace_and_key_order_are_shown_as_sent():
    body = b'{ "b" :1,\t"a":   "x\\u00e9"  }\r\n  [2 ,1]\n'
    assert raw(body) == ['{ "b" :1,␉"a":   "x\\\\u00e9"  }␍␊', "  [2 ,1]␊"]


def test_a_body_without_a_final_newline_ends_without_a_mark():
    assert raw(b"a\nb") == ["a␊", "b"]
    assert raw(b"a\n\n") == ["a␊", "␊"]


def test_controls_become_pictures_and_escape_sequences_are_inert():
    line = raw(b"a\x1b[31mred\x1b]0;title\x07\x7f\x00")[0]
    assert line == "a␛[31mred␛]0;title␇␡␀"
    assert not UNSAFE.search(line)


def test_bytes_that_are_not_utf8_are_escapes_and_c1_controls_are_spelled():
    assert raw(b"\xff\xfe ok \xc2\x9b") == ["\\xff\\xfe ok \\u009b"]


def test_a_bom_zero_width_and_bidi_characters_are_spelled_out():
    body = "\ufeff{a\u200bb\u00a0c\u202ed}".encode()
    assert raw(body) == ["\\ufeff{a\\u200bb\\u00a0c\\u202ed}"]


def test_a_control_picture_sent_as_text_is_spelled_so_a_picture_always_means_a_byte():
    assert raw("x\u240a".encode()) == ["x\\u240a"]


def test_a_typed_backslash_is_doubled_so_every_backslash_shown_starts_an_escape():
    # The cold tester's body: a real 0xFF, a typed \xff and a typed ␍, then CRLF.
    body = b"real:\xff" + " lit:\\xff pic:\u240d end\r\n".encode()
    assert raw(body) == ["real:\\xff lit:\\\\xff pic:\\u240d end␍␊"]
    assert raw(b"C:\\dir\\") == ["C:\\\\dir\\\\"]  # ASCII lines too (the fast path)
    assert raw_display("\\\u00e9") == "\\\\\u00e9"


def test_a_joiner_and_a_skin_tone_are_spelled_not_merged():
    assert raw_display("👍\U0001f3fd a\u200db") == "👍\\U0001f3fd a\\u200db"


def test_long_lines_are_cut_between_characters_and_the_pieces_hold_every_byte():
    body = b"x" * (LONG_LINE - 1) + "é".encode() * 3 + b"\n"
    lines = RawLines(body)
    lines.advance(10)
    assert len(lines) == 2
    assert lines.original(0) == "x" * (LONG_LINE - 1)  # é would straddle the cut
    assert lines[1] == "ééé␊"


def test_lines_are_found_as_asked_not_all_at_once():
    lines = RawLines(b"line\n" * 1000)
    assert len(lines) == 0 and not lines.complete
    lines.advance(10)
    assert len(lines) == 10 and not lines.complete
    assert lines[500] == "line␊"  # reading ahead finds what it needs
    lines.advance(10**6)
    assert len(lines) == 1000 and lines.complete


def test_the_newest_line_counted_in_a_worker_is_whole_when_the_loop_reads_it():
    # The detail counts lines in a worker thread while the loop draws the newest ones (G).
    # A line's start was stored before its end and counted by its start: the loop could read
    # a line whose end was not there yet (IndexError, about one read in four). The GIL is
    # handed over every microsecond so the two interleave often; the body bounds the test.
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    torn: list[int] = []
    try:
        for _ in range(2):  # each round alone failed 20 times in 20 on the old order
            lines = RawLines(b"x\n" * 100_000)

            def count_all(lines: RawLines = lines) -> None:
                while not lines.advance(1024):  # COUNT_STEP, as the detail's worker does
                    pass

            worker = threading.Thread(target=count_all)
            worker.start()
            while worker.is_alive():
                if count := len(lines):
                    try:
                        lines[count - 1]
                    except IndexError:
                        torn.append(count - 1)
            worker.join()
            assert len(lines) == 100_000 and lines[99_999] == "x␊"
    finally:
        sys.setswitchinterval(before)
    assert torn == []


def test_display_stops_at_the_line_cap_and_says_so(monkeypatch):
    monkeypatch.setattr(stored, "MAX_LINES", 3)
    shown = raw(b"\n" * 10)
    assert shown[:3] == ["␊"] * 3
    assert shown[3].startswith("… display stops at")


def test_the_shared_character_table_stays_bounded_whatever_the_body_holds():
    # Every character met used to be remembered forever: all of Unicode grew it by 144 MB.
    body = "".join(map(chr, range(0x4E00, 0x4E00 + stored.RAW_TABLE_LIMIT + 5000))).encode()
    shown = raw(body)
    assert len(stored._RAW_TABLE) <= stored.RAW_TABLE_LIMIT
    assert "".join(shown) == body.decode()  # Han ideographs are shown as they are
    assert raw_display("\u4e00\x1b\ufeff") == "\u4e00\u241b\\ufeff"  # still right once emptied


@settings(max_examples=40)
@given(st.binary(max_size=300) | st.text(max_size=100).map(str.encode))
def test_raw_lines_account_for_every_byte_and_are_terminal_safe(body):
    lines = RawLines(body)
    lines.advance(10**9)
    rebuilt = b""
    for index in range(len(lines)):
        shown = lines[index]
        assert not UNSAFE.search(shown)
        rebuilt += lines.original(index).encode("utf-8", "surrogateescape")
        rebuilt += b"\n" if shown.endswith("␊") else b""
    assert rebuilt == body


# -- notes and views ---------------------------------------------------------------------------


def test_raw_notes_count_line_ends_and_say_what_is_missing_or_unusual():
    notes = stored_notes(request(b"\xef\xbb\xbfa\r\nb\r\nc\nd\xff"), "raw")
    assert notes == [
        "line ends: 2 CRLF + 1 LF",
        "no newline at the end",
        "starts with a UTF-8 BOM (\\ufeff)",
        "bytes not UTF-8 shown as \\xNN",
    ]
    assert stored_notes(request(b"plain\n"), "raw") == ["line ends: 1 LF"]
    assert stored_notes(request(b"plain\n"), "hex") == []


def test_a_big_bodys_line_ends_are_counted_as_its_lines_are_found_not_up_front(monkeypatch):
    monkeypatch.setattr(stored, "SCAN_AT_ONCE", 64)  # as a 32 MiB body is to the real sizes
    monkeypatch.setattr(stored, "SCAN_PER_LINE", 1)
    body = b"a\r\n\xff\n" * 100
    view = view_as(request(body, (b"Content-Encoding", b"br")), "raw")
    assert view.notes[:2] == ["still br-compressed (auto decodes)", stored.COUNTING_NOTE]
    view.lines.advance(10)
    assert stored.COUNTING_NOTE in view.notes and not view.lines.complete
    view.lines.advance(10**9)  # the view's notes are the lines' list, kept current
    assert view.lines.complete
    assert view.notes == stored_notes(request(body, (b"Content-Encoding", b"br")), "raw")
    assert view.notes[1:] == ["line ends: 100 CRLF + 100 LF", "bytes not UTF-8 shown as \\xNN"]


@settings(max_examples=60)
@given(
    st.lists(
        st.sampled_from(
            [b"\r", b"\n", b"\r\n", b"a", b"\xc3\xa9", b"\xf0\x9f\x98\x80", b"\xff", b"\x80"]
        )
    ),
    st.integers(1, 9),
)
def test_counting_in_pieces_agrees_with_the_whole_body(parts, piece):
    body = b"".join(parts)
    scan = RawScan(body)
    while not scan.advance(piece):
        pass
    assert (scan.crlf, scan.lf) == (body.count(b"\r\n"), body.count(b"\n"))
    try:
        body.decode("utf-8")
        assert scan.utf8
    except UnicodeDecodeError:
        assert not scan.utf8


def test_a_gzip_body_is_shown_compressed_as_stored_and_said_so():
    body = gzip.compress(b'{"event": "ping"}')
    captured = request(body, (b"Content-Encoding", b"gzip"), (b"Content-Type", b"application/json"))
    hexed = view_as(captured, "hex")
    assert hexed.kind == "hex" and isinstance(hexed.lines, HexLines)
    assert all_lines(hexed)[0].startswith("00000000  1f 8b 08")  # the gzip magic
    assert hexed.notes == ["still gzip-compressed (auto decodes)"]
    assert view_as(captured, "raw").notes[0] == "still gzip-compressed (auto decodes)"
    assert view_as(captured, "auto").kind == "json"  # auto still decodes it


def test_auto_is_the_content_type_view_and_an_empty_or_refused_body_looks_the_same_anywhere():
    json_body = request(b'{"a":1}', (b"Content-Type", b"application/json"))
    assert view_as(json_body, "auto").kind == body_view(json_body).kind == "json"
    assert view_as(json_body, "raw").kind == "raw"
    for mode in BODY_MODES:
        assert view_as(request(b""), mode).kind == "empty"
        refused = view_as(request(b"", rejected=True, declared_length=9), mode)
        assert refused.notes == ["body rejected (413): 9 bytes, not kept"]
