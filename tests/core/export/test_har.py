"""The HAR export format: the document core.har writes, loadable again, attempts included."""

from __future__ import annotations

import json

from tests.core.export.helpers import make_request
from whisper_tui.core.delivery_index import DeliveryIndex
from whisper_tui.core.export import render_export
from whisper_tui.core.export.har import FORMAT
from whisper_tui.core.har import from_har, to_har
from whisper_tui.core.models import Attempt, CapturedRequest


def _capture(request_id: int, body: bytes) -> CapturedRequest:
    request = make_request(body=body)
    request.id = request_id
    return request


def test_the_export_is_the_har_document_and_loads_back_exactly() -> None:
    requests = [_capture(1, b'{"a": 1}'), _capture(2, bytes(range(256)))]
    output = render_export("har", requests, "http://127.0.0.1:8080")
    assert output.endswith(b"}\n")
    assert json.loads(output) == to_har(requests, "http://127.0.0.1:8080")
    assert from_har(json.loads(output)) == requests


def test_attempts_go_in_when_given() -> None:
    request = _capture(3, b"x")
    attempt = Attempt(target_url="http://t/hook", started_at=1_700_000_001.0, status=204)
    with_attempts = json.loads(render_export("har", [request], "http://h", lambda _: [attempt]))
    [entry] = with_attempts["log"]["entries"]
    assert [a["response"]["status"] for a in entry["_attempts"]] == [204]
    [plain] = json.loads(render_export("har", [request], "http://h"))["log"]["entries"]
    assert "_attempts" not in plain


def test_a_non_utf8_target_still_writes_as_utf8() -> None:
    request = make_request(target=b"/\xff".decode("utf-8", "surrogateescape"))
    output = render_export("har", [request], "http://h")
    assert from_har(json.loads(output.decode("utf-8")))[0].target == request.target
    assert (FORMAT.label, FORMAT.extension) == ("HAR 1.2", "har")


def test_arrivals_are_numbered_as_the_store_numbers_them_when_its_view_is_given() -> None:
    index = DeliveryIndex()
    retries = [
        make_request(headers=[(b"X-GitHub-Delivery", b"72d3162e")], body=b"{}") for _ in range(3)
    ]
    for number, request in enumerate(retries, start=1):
        request.id = number
        index.add(request)
    third = retries[2]
    numbered = json.loads(render_export("har", [third], "http://h", None, index.json_view()))
    [entry] = numbered["log"]["entries"]
    assert entry["_whisper"]["delivery"] == {
        "id": "72d3162e",
        "from": "X-GitHub-Delivery",
        "seen": 3,
        "first": 1,
    }
    # With no store to ask, among the captures exported: the third is the first there.
    [alone] = json.loads(render_export("har", [third], "http://h"))["log"]["entries"]
    assert (alone["_whisper"]["delivery"]["seen"], alone["_whisper"]["delivery"]["first"]) == (1, 3)
