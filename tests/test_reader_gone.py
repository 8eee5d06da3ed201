"""Output whose reader left: a real pipe with its read end closed."""

from __future__ import annotations

import os

from whisper_tui.reader_gone import READER_GONE, write_through


def test_a_stream_whose_reader_left_says_so_once_and_then_takes_writes_quietly():
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader left (`| head -n1` exited)
    with open(write_end, "w") as stream:
        assert write_through(stream, "first\n") is False
        # Now /dev/null: later lines and the flush at close raise nothing.
        assert write_through(stream, "second\n") is True


def test_a_stream_with_its_reader_gets_the_text_flushed():
    read_end, write_end = os.pipe()
    with open(write_end, "w") as stream, open(read_end) as reader:
        assert write_through(stream, "a line\n") is True
        assert reader.readline() == "a line\n"  # flushed, not left in the buffer


def test_the_exit_status_is_what_a_shell_reports_for_sigpipe():
    assert READER_GONE == 141
