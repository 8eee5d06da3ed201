"""The structural JSON summary: paths, literals, caps."""

from __future__ import annotations

from whisper_tui.core.diff import (
    json_changes,
)


def test_json_changes_on_a_deep_structure_stops_at_the_depth_cap():
    before: dict = {}
    after: dict = {}
    for root in (before, after):
        node = root
        for _ in range(100_000):
            node["k"] = {}
            node = node["k"]
        node["leaf"] = root is after
    changes = json_changes(before, after)
    assert len(changes) == 1
    assert changes[0].path.count(".") == 255 and changes[0].before == "{...}"


def test_json_paths_quote_odd_keys():
    changes = json_changes({"a b": {"x.y": 1}}, {"a b": {"x.y": 2}}, "data")
    assert [c.text() for c in changes] == ['data["a b"]["x.y"]: 1 -> 2']
    assert [c.text() for c in json_changes(1, 2)] == ["body: 1 -> 2"]
