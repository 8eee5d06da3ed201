"""Reading HAR files into captures: read_har keeps what precedes a cut, load_har refuses it,
entries that are no request skipped and noted, open_har's one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.test_har_scan import capture, read, saved_bytes
from tests.helpers import numbered_capture
from whisper_tui.core.har import save_har
from whisper_tui.core.har_reader import HarError, load_har, open_har, read_har


def test_read_har_keeps_what_precedes_a_cut_where_load_har_refuses(tmp_path: Path) -> None:
    path = tmp_path / "cut.har"
    data = saved_bytes(tmp_path, [capture(n) for n in range(1, 4)])
    path.write_bytes(data[: data.index(b"/hooks/3") + 5])
    captures, problem = read_har(path)
    assert [c.id for c in captures] == [1, 2]
    third = data.rindex(b'{"startedDateTime"', 0, data.index(b"/hooks/3"))
    assert problem is not None and problem.startswith(f"entry 3 (near byte {third:,}): ")
    assert "cut short" in problem
    with pytest.raises(HarError, match="cut short"):
        load_har(path)
    path.write_bytes(b"[]")
    with pytest.raises(HarError, match="not a HAR document"):
        read_har(path)


def test_an_entry_without_a_request_is_skipped_and_noted_once(tmp_path: Path) -> None:
    entries = [{"request": {"url": "http://a/1"}}, {"response": {}}, {"nope": 1}]
    entries.append({"request": {"url": "http://a/4"}})
    captures, problem = read(json.dumps({"log": {"entries": entries}}).encode())
    assert [c.target for c in captures] == ["/1", "/4"]
    assert problem == "entry 2: no request object (skipped); 2 entries skipped in all"


def test_open_har_says_in_one_line_why_a_file_cannot_be_read(tmp_path):
    with pytest.raises(HarError, match=r"^No such file or directory$"):
        open_har(tmp_path / "missing.har")
    not_har = tmp_path / "notes.txt"
    not_har.write_text("just some notes\n")
    with pytest.raises(HarError) as raised:
        open_har(not_har)
    assert "\n" not in str(raised.value)
    saved = tmp_path / "one.har"
    save_har(saved, [numbered_capture(1)], "http://127.0.0.1:8080")
    with open_har(saved) as reader:
        assert [capture.id for capture in reader.captures()] == [1]
    assert reader._source.closed
