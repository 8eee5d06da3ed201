"""Output whose reader left: a real pipe with its read end closed."""

from __future__ import annotations

import asyncio
import os

from whisper_tui.reader_gone import READER_GONE, ReaderWatch, write_through


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


def test_a_watched_pipe_tells_the_loop_when_its_reader_leaves_without_a_write():
    read_end, write_end = os.pipe()

    async def main() -> None:
        gone = asyncio.Event()
        with open(write_end, "w") as stream:
            watch = ReaderWatch(stream, asyncio.get_running_loop(), gone.set)
            try:
                os.close(read_end)  # `head -n1` exits; nothing is written after
                await asyncio.wait_for(gone.wait(), 10)
            finally:
                watch.close()

    asyncio.run(main())


def test_a_watch_closed_while_the_reader_stays_tells_nothing():
    read_end, write_end = os.pipe()
    told = []

    async def main() -> None:
        with open(write_end, "w") as stream:
            ReaderWatch(stream, asyncio.get_running_loop(), lambda: told.append(1)).close()
        os.close(read_end)  # after close(): no longer watched
        await asyncio.sleep(0)

    asyncio.run(main())
    assert told == []


def test_a_regular_file_has_no_reader_to_watch(tmp_path):
    async def main() -> None:
        with open(tmp_path / "out", "w") as stream:
            watch = ReaderWatch(stream, asyncio.get_running_loop(), lambda: None)
            assert watch._thread is None
            watch.close()

    asyncio.run(main())
