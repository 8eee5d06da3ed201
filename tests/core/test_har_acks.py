"""The usual ack our entries hold: read back without parsing its text, old files as they were."""

from __future__ import annotations

import json
from pathlib import Path

from whisper_tui.core.har import save_har
from whisper_tui.core.har_reader import load_har, open_har
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.sent_answers import usual_answer


def test_the_usual_ack_is_read_without_parsing_its_text_and_keeps_its_id_when_renumbered(
    tmp_path: Path,
) -> None:
    # Two entries with id 7 (e.g. files joined by hand): the second is numbered 1 on --load,
    # but its sender got {"ok":true,"id":7}, and its entry keeps saying so.
    path = tmp_path / "twice.har"
    save_har(path, [CapturedRequest(7, 1.0, "", "POST", "/", (1, 1), (), b"{}")] * 2, "http://h")
    with open_har(path) as reader:
        values = list(reader.entry_values())
    assert all("response" not in v for v in values)  # the usual response text was not parsed
    first, second = load_har(path)
    assert (first.id, first.answer) == (7, None)
    assert second.id == 1
    assert second.answer == usual_answer(200, 7)
    saved_again = tmp_path / "again.har"
    save_har(saved_again, [first, second], "http://h")
    entries = json.loads(saved_again.read_text())["log"]["entries"]
    assert [e["response"]["content"]["text"] for e in entries] == [
        '{"ok":true,"id":7}',
        '{"ok":true,"id":7}',
    ]


def test_a_file_from_before_answers_were_kept_loads_and_saves_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.har"
    save_har(path, [CapturedRequest(1, 1.0, "", "POST", "/", (1, 1), (), b"{}")], "http://h")
    entry = json.loads(path.read_text())["log"]["entries"][0]
    entry["response"].update(headers=[], content={"size": 0, "mimeType": ""}, bodySize=-1)
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    (capture,) = load_har(path)
    assert capture.answer == ("OK", (), b"")  # not known: not claimed to be the usual ack
    save_har(path, [capture], "http://h")
    response = json.loads(path.read_text())["log"]["entries"][0]["response"]
    assert (response["headers"], response["content"]) == ([], {"size": 0, "mimeType": ""})
