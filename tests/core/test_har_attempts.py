"""A capture's replays and forwards saved under `_attempts` come back from the file exactly."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.test_har import capture_strategy
from whisper_tui.core.har import save_har
from whisper_tui.core.har_attempts import attempt_record
from whisper_tui.core.har_reader import open_har
from whisper_tui.core.models import Attempt, CapturedRequest

BASE = "http://127.0.0.1:8080"

_raw_headers = st.lists(
    st.tuples(
        st.one_of(
            st.binary(min_size=1, max_size=12), st.text(min_size=1, max_size=12).map(str.encode)
        ),
        st.one_of(st.binary(max_size=30), st.text(max_size=20).map(str.encode)),
    ),
    max_size=4,
).map(tuple)

attempt_strategy = st.builds(
    Attempt,
    target_url=st.text(max_size=40).map(lambda t: "http://127.0.0.1:3000/" + t),
    started_at=st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False),
    kind=st.sampled_from(["replay", "forward", "probe"]),
    status=st.one_of(st.none(), st.integers(100, 599)),
    reason=st.text(max_size=20),
    response_headers=_raw_headers,
    response_body=st.one_of(st.binary(max_size=200), st.text(max_size=60).map(str.encode)),
    latency=st.one_of(st.none(), st.floats(min_value=0, max_value=60, allow_nan=False)),
    error=st.one_of(st.none(), st.text(max_size=40)),
    sent_method=st.sampled_from(["POST", "PUT", "GET", ""]),
    sent_headers=_raw_headers,
    sent_body=st.one_of(st.binary(max_size=200), st.text(max_size=60).map(str.encode)),
    notes=st.lists(st.text(max_size=30), max_size=3),
)


def read_back(path: Path) -> tuple[list[CapturedRequest], dict[int, list[Attempt]]]:
    """What --load reads: the captures and, by capture id, their attempts."""
    with open_har(path) as reader:
        captures = list(reader.captures())
        attempts = reader.take_attempts()
    return captures, {i: [Attempt(*record) for record in found] for i, found in attempts.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(capture_strategy, min_size=1, max_size=3, unique_by=lambda r: r.id),
    st.lists(st.lists(attempt_strategy, max_size=3), min_size=3, max_size=3),
)
def test_attempts_round_trip_through_a_file_exactly(
    captures: list[CapturedRequest], attempts: list[list[Attempt]]
) -> None:
    by_id = {capture.id: attempts[n] for n, capture in enumerate(captures)}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "captures.har"
        save_har(path, captures, BASE, attempts_for=lambda i: by_id[i])
        loaded, loaded_attempts = read_back(path)
    assert loaded == captures
    assert loaded_attempts == {i: found for i, found in by_id.items() if found}


def test_an_attempt_record_is_its_fields_in_order() -> None:
    attempt = Attempt("http://x/", 1.5, "forward", 201, notes=["n"])
    assert Attempt(*attempt_record(attempt)) == attempt
