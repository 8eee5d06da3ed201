"""Frames between the app and its child processes: what is written is read back exactly,
and a pipe cut short ends the reading instead of giving half a message."""

from __future__ import annotations

import contextlib
import io
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whisper_tui.core.child_pipe import (
    FLAT,
    LENGTH,
    PIPE_SIZE,
    FrameSender,
    read_frame,
    read_frame_data,
    widen,
    write_frame,
)

MARSHALABLE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(),
    lambda inner: st.tuples(inner, inner) | st.lists(inner, max_size=4).map(tuple),
    max_leaves=20,
)


@pytest.mark.parametrize("version", [None, FLAT], ids=["default", "flat"])
@given(messages=st.lists(st.tuples(MARSHALABLE, MARSHALABLE), max_size=5))
def test_frames_are_read_back_exactly_and_in_order(version, messages):
    pipe = io.BytesIO()
    for message in messages:
        if version is None:
            write_frame(pipe, message)
        else:
            write_frame(pipe, message, version)
    pipe.seek(0)
    assert [read_frame(pipe) for _ in messages] == messages
    assert read_frame(pipe) is None  # the end


def test_a_flat_frame_repeats_what_the_default_writes_once():
    # FLAT is marshal's format without references: an object met twice is written twice
    # (what --save's hand-over trades for half the CPU), and still read back equal.
    shared = "x" * 1000
    message = ("batch", [shared, shared, shared])
    flat, default = io.BytesIO(), io.BytesIO()
    write_frame(flat, message, FLAT)
    write_frame(default, message)
    assert len(flat.getvalue()) > 3000 > len(default.getvalue())
    flat.seek(0)
    assert read_frame(flat) == message


def test_a_frame_cut_short_is_no_frame():
    whole = io.BytesIO()
    write_frame(whole, ("batch", b"\xff" * 100, "lone \udc80 surrogate"))
    data = whole.getvalue()
    for cut in (0, LENGTH - 1, LENGTH, len(data) - 1):
        assert read_frame_data(io.BytesIO(data[:cut])) is None
    assert read_frame_data(io.BytesIO(data)) is not None


def test_a_pipe_is_widened_where_the_system_allows_it():
    reading, writing = os.pipe()
    try:
        with os.fdopen(writing, "wb") as out:
            widen(out)
            try:
                import fcntl

                size = fcntl.fcntl(writing, fcntl.F_GETPIPE_SZ)
            except (ImportError, AttributeError):
                return  # no way to ask (not Linux): nothing to check
            assert size == PIPE_SIZE
    finally:
        os.close(reading)


def test_a_sender_goes_on_while_nobody_reads_and_its_frames_come_in_order():
    # More than a pipe holds (64 KiB unwidened): write_frame would block in the first sends.
    reading, writing = os.pipe()
    messages = [("batch", n, b"\x00" * 50_000) for n in range(8)]
    with os.fdopen(writing, "wb") as out, os.fdopen(reading, "rb") as source:
        sender = FrameSender(out)
        for message in messages:
            sender.send(message)  # returns at once: a thread writes
        received = [read_frame(source) for _ in messages]
        sender.close()
    assert received == messages


def test_a_reader_gone_is_told_to_the_sender():
    reading, writing = os.pipe()
    os.close(reading)
    out = os.fdopen(writing, "wb")
    sender = FrameSender(out)
    with pytest.raises(BrokenPipeError):
        for n in range(100):
            sender.send(("batch", n, b"x" * 100_000))
        sender.close()
    with contextlib.suppress(BrokenPipeError):
        out.close()
