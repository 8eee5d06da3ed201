"""HAR 1.2: structure, byte-exact round trips, atomic saving, and loading a browser's export."""

from __future__ import annotations

import ast
import asyncio
import base64
import json
import os
import stat
import string
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whisper_tui import __version__
from whisper_tui.core import har
from whisper_tui.core.har import HarError, from_har, load_har, save_har, to_har
from whisper_tui.core.har_attempts import attempt_records
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.replay import Sender
from whisper_tui.core.store import RequestStore
from whisper_tui.inbox import WebhookInbox

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "browser-export.har"
BASE = "http://127.0.0.1:8080"
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PURGE"]


def make_request(
    id: int = 1,
    *,
    method: str = "POST",
    target: str = "/hook",
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
    http_version: tuple[int, int] = (1, 1),
    received_at: float = 1_700_000_000.123456,
    rejected: bool = False,
    declared_length: int | None = None,
) -> CapturedRequest:
    return CapturedRequest(
        id=id,
        received_at=received_at,
        remote="192.0.2.7:40000",
        method=method,
        target=target,
        http_version=http_version,
        raw_headers=tuple(headers if headers is not None else [(b"Host", b"h")]),
        body=body,
        rejected=rejected,
        declared_length=declared_length,
    )


def assert_valid_har(doc: dict[str, Any]) -> None:
    """The fields HAR 1.2 requires, with their types."""
    log = doc["log"]
    assert log["version"] == "1.2"
    assert isinstance(log["creator"]["name"], str) and isinstance(log["creator"]["version"], str)
    for entry in log["entries"]:
        assert isinstance(entry["startedDateTime"], str)
        assert isinstance(entry["time"], int | float)
        req = entry["request"]
        for key, kind in [
            ("method", str),
            ("url", str),
            ("httpVersion", str),
            ("cookies", list),
            ("headers", list),
            ("queryString", list),
            ("headersSize", int),
            ("bodySize", int),
        ]:
            assert isinstance(req[key], kind), key
        assert req["url"].startswith(("http://", "https://"))
        for pair in req["headers"] + req["queryString"] + req["cookies"]:
            assert isinstance(pair["name"], str) and isinstance(pair["value"], str)
        if "postData" in req:
            assert isinstance(req["postData"]["mimeType"], str)
            assert isinstance(req["postData"]["text"], str)
        res = entry["response"]
        for key, kind in [
            ("status", int),
            ("statusText", str),
            ("httpVersion", str),
            ("cookies", list),
            ("headers", list),
            ("content", dict),
            ("redirectURL", str),
            ("headersSize", int),
            ("bodySize", int),
        ]:
            assert isinstance(res[key], kind), key
        assert isinstance(res["content"]["size"], int)
        assert isinstance(res["content"]["mimeType"], str)
        assert entry["cache"] == {}
        for key in ("send", "wait", "receive"):
            assert isinstance(entry["timings"][key], int | float)
        custom = set(entry) - {
            "pageref",
            "startedDateTime",
            "time",
            "request",
            "response",
            "cache",
            "timings",
            "serverIPAddress",
            "connection",
            "comment",
        }
        assert all(key.startswith("_") for key in custom), custom


def roundtrip(requests: list[CapturedRequest]) -> list[CapturedRequest]:
    """Through JSON text, as a file would hold it."""
    text = har.dumps_portable(to_har(requests, BASE))
    text.encode("utf-8")  # always writable
    return from_har(json.loads(text))


# -- writing -------------------------------------------------------------------------------------


def test_har_document_shape() -> None:
    req = make_request(
        target="/hook/a?x=1&y=two%20words&y=&flag",
        headers=[
            (b"Host", b"example.test"),
            (b"Content-Type", b"application/json"),
            (b"Cookie", b"a=1; b=two"),
            (b"X-Dup", b"1"),
            (b"x-dup", b"2"),
        ],
        body=b'{"ok": true}',
    )
    doc = to_har([req], BASE)
    assert_valid_har(doc)
    assert doc["log"]["creator"] == {"name": "whisper-tui", "version": __version__}
    (entry,) = doc["log"]["entries"]
    assert entry["startedDateTime"] == "2023-11-14T22:13:20.123Z"
    request = entry["request"]
    assert request["method"] == "POST"
    assert request["url"] == BASE + "/hook/a?x=1&y=two%20words&y=&flag"
    assert request["httpVersion"] == "HTTP/1.1"
    assert request["headers"] == [
        {"name": "Host", "value": "example.test"},
        {"name": "Content-Type", "value": "application/json"},
        {"name": "Cookie", "value": "a=1; b=two"},
        {"name": "X-Dup", "value": "1"},
        {"name": "x-dup", "value": "2"},
    ]
    assert request["cookies"] == [{"name": "a", "value": "1"}, {"name": "b", "value": "two"}]
    assert request["queryString"] == [
        {"name": "x", "value": "1"},
        {"name": "y", "value": "two words"},
        {"name": "y", "value": ""},
        {"name": "flag", "value": ""},
    ]
    assert request["postData"] == {"mimeType": "application/json", "text": '{"ok": true}'}
    assert (request["headersSize"], request["bodySize"]) == (-1, 12)
    assert entry["response"]["status"] == 200
    assert entry["timings"] == {"send": 0, "wait": 0, "receive": 0}
    assert entry["_whisper"] == {
        "id": 1,
        "receivedAt": req.received_at,
        "remote": req.remote,
        "target": req.target,
        "rejected": False,
        "declaredLength": None,
        "answered": 200,
        "headerText": "utf-8",
        "delivery": None,
    }


def test_utf8_header_values_are_written_as_text_and_load_exactly() -> None:
    req = make_request(headers=[(b"X-User", "Zoë Müller".encode()), (b"Cookie", "n=Zoë".encode())])
    doc = to_har([req], BASE)
    request = doc["log"]["entries"][0]["request"]
    assert request["headers"] == [
        {"name": "X-User", "value": "Zoë Müller"},
        {"name": "Cookie", "value": "n=Zoë"},
    ]
    assert request["cookies"] == [{"name": "n", "value": "Zoë"}]
    assert from_har(json.loads(json.dumps(doc)))[0].raw_headers == req.raw_headers


def test_a_header_that_is_not_utf8_is_flagged_and_loads_exactly() -> None:
    req = make_request(headers=[(b"X-Legacy", b"caf\xe9 \xff"), (b"X-Ok", b"plain")])
    doc = to_har([req], BASE)
    headers = doc["log"]["entries"][0]["request"]["headers"]
    assert headers == [
        {"name": "X-Legacy", "value": "café ÿ", "_encoding": "latin-1"},
        {"name": "X-Ok", "value": "plain"},
    ]
    assert from_har(json.loads(json.dumps(doc)))[0].raw_headers == req.raw_headers


def test_our_older_files_with_latin1_headers_still_load_exactly() -> None:
    # Before headerText, every header was written latin-1 decoded: 'Zoë' in UTF-8 read 'ZoÃ«'.
    req = make_request(headers=[(b"X-User", "Zoë".encode())])
    doc = to_har([req], BASE)
    entry = doc["log"]["entries"][0]
    del entry["_whisper"]["headerText"]
    entry["request"]["headers"] = [{"name": "X-User", "value": "Zoë".encode().decode("latin-1")}]
    assert from_har(doc)[0].raw_headers == req.raw_headers


def test_binary_body_is_base64_with_encoding_marker() -> None:
    body = bytes(range(256))
    doc = to_har([make_request(body=body)], BASE)
    post = doc["log"]["entries"][0]["request"]["postData"]
    assert post["_encoding"] == "base64"
    assert base64.b64decode(post["text"]) == body


def test_form_body_has_params_and_text() -> None:
    body = b"a=1&b=x+y&b=%C3%A9&c="
    req = make_request(
        headers=[(b"Content-Type", b"application/x-www-form-urlencoded; charset=utf-8")], body=body
    )
    post = to_har([req], BASE)["log"]["entries"][0]["request"]["postData"]
    assert post["text"] == body.decode()
    assert post["params"] == [
        {"name": "a", "value": "1"},
        {"name": "b", "value": "x y"},
        {"name": "b", "value": "é"},
        {"name": "c", "value": ""},
    ]


def test_empty_body_has_no_post_data() -> None:
    entry = to_har([make_request(method="GET")], BASE)["log"]["entries"][0]
    assert "postData" not in entry["request"]
    assert entry["request"]["bodySize"] == 0


def test_rejected_capture() -> None:
    req = make_request(
        headers=[(b"Content-Length", b"99999999")], rejected=True, declared_length=99999999
    )
    entry = to_har([req], BASE)["log"]["entries"][0]
    assert entry["response"]["status"] == 413
    assert entry["request"]["bodySize"] == 99999999
    assert roundtrip([req]) == [req]


def test_attempts_are_included_and_ignored_on_load() -> None:
    req = make_request(body=b"x")
    attempt = Attempt(
        target_url="http://localhost:3000/hook",
        started_at=1_700_000_001.5,
        status=500,
        reason="Internal Server Error",
        response_headers=((b"Content-Type", b"text/plain"),),
        response_body=b"\xffboom",
        latency=0.0425,
        sent_method="POST",
        sent_headers=((b"X-A", b"1"),),
        sent_body=b"x",
    )
    doc = to_har([req], BASE, attempts_for=lambda i: [attempt] if i == 1 else [])
    assert_valid_har(doc)
    (recorded,) = doc["log"]["entries"][0]["_attempts"]
    assert recorded["response"]["status"] == 500
    assert recorded["time"] == 42.5
    assert recorded["response"]["content"]["encoding"] == "base64"
    assert base64.b64decode(recorded["response"]["content"]["text"]) == b"\xffboom"
    assert from_har(json.loads(json.dumps(doc))) == [req]


def test_an_attempt_s_post_data_has_the_content_type_it_was_sent_with(tmp_path: Path) -> None:
    # A real replay to a real receiver: its sent headers say application/json, and so does
    # the HAR's postData.mimeType (it was always ""); loading still gives the attempt back.
    req = make_request(headers=[(b"Content-Type", b"application/json")], body=b'{"a":1}')
    with WebhookInbox() as inbox:

        async def replay() -> Attempt:
            sender = Sender()
            try:
                return await sender.send(req, inbox.url)
            finally:
                await sender.close()

        attempt = asyncio.run(replay())
        inbox.wait_for(count=1)
    assert attempt.status == 200 and attempt.sent_body == b'{"a":1}'
    path = tmp_path / "replayed.har"
    save_har(path, [req], BASE, attempts_for=lambda _: [attempt])
    [entry] = json.loads(path.read_text())["log"]["entries"]
    [recorded] = entry["_attempts"]
    assert recorded["request"]["postData"]["mimeType"] == "application/json"
    assert [Attempt(*r) for r in attempt_records(entry)] == [attempt]


# -- round trips ---------------------------------------------------------------------------------


def test_save_load_roundtrip_byte_exact(tmp_path: Path) -> None:
    requests = [
        make_request(
            1,
            method=method,
            target=f"/m/{method.lower()}?q=1&q=2&e=%2F&sp=a+b&raw=[x]",
            headers=[
                (b"hOsT", b"example.test"),
                (b"X-Dup", b"one"),
                (b"x-DUP", b"two"),
                (b"X-Latin1", b"caf\xe9 \xff"),
                (b"X-Utf8", "café ☃".encode()),
                (b"X-Empty", b""),
                (b"X-Dup", b"three"),
            ],
            body=body,
        )
        for method in METHODS
        for body in (b"", bytes(range(256)), b'{"k": "v\\n"}', "ünï ☃".encode())
    ]
    requests = [replace(r, id=i) for i, r in enumerate(requests, start=1)]
    path = tmp_path / "out.har"
    save_har(path, requests, BASE)
    loaded = load_har(path)
    assert loaded == requests
    assert_valid_har(json.loads(path.read_text("utf-8")))


def test_roundtrip_unusual_targets_and_versions() -> None:
    requests = [
        make_request(1, target="*", method="OPTIONS"),
        make_request(2, target="http://upstream.test/x?y=1"),
        make_request(3, target=b"/caf\xe9?\xff=1".decode("utf-8", "surrogateescape")),
        make_request(4, target="/trailing?", http_version=(1, 0)),
        make_request(5, target="/a/../b//c", http_version=(2, 0)),
    ]
    assert roundtrip(requests) == requests


_TOKEN = string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~"

capture_strategy = st.builds(
    CapturedRequest,
    id=st.integers(min_value=1, max_value=2**40),
    received_at=st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False),
    remote=st.text(max_size=30),
    method=st.one_of(st.sampled_from(METHODS), st.text(_TOKEN, min_size=1, max_size=12)),
    target=st.one_of(
        st.text(max_size=60).map(lambda t: "/" + t),
        st.binary(max_size=40).map(lambda b: "/" + b.decode("utf-8", "surrogateescape")),
    ),
    http_version=st.sampled_from([(1, 0), (1, 1), (2, 0)]),
    raw_headers=st.lists(
        st.tuples(
            st.one_of(st.text(_TOKEN, min_size=1, max_size=20).map(str.encode), st.binary()),
            st.one_of(st.binary(max_size=40), st.text(max_size=20).map(str.encode)),
        ),
        max_size=8,
    ).map(tuple),
    body=st.one_of(st.binary(max_size=300), st.text(max_size=100).map(str.encode)),
    rejected=st.booleans(),
    declared_length=st.one_of(st.none(), st.integers(min_value=0, max_value=2**40)),
    # What whisper-tui answered: answer mode, --respond rules (any status 100-599).
    answered_status=st.one_of(st.sampled_from([200, 410, 429, 500]), st.integers(100, 599)),
    # The rest of the answer: None (the usual ack), or a rule's, a 413's, a relayed one.
    answer=st.one_of(
        st.none(),
        st.tuples(
            st.text(max_size=20),
            st.lists(
                st.tuples(
                    st.text(_TOKEN, min_size=1, max_size=20).map(str.encode),
                    st.one_of(st.binary(max_size=30), st.text(max_size=20).map(str.encode)),
                ),
                max_size=4,
            ).map(tuple),
            st.one_of(st.binary(max_size=100), st.text(max_size=50).map(str.encode)),
        ),
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(capture_strategy, max_size=5, unique_by=lambda r: r.id))
def test_roundtrip_property(requests: list[CapturedRequest]) -> None:
    assert roundtrip(requests) == requests


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(capture_strategy, max_size=3, unique_by=lambda r: r.id))
def test_roundtrip_property_through_files(requests: list[CapturedRequest]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "captures.har"
        save_har(path, requests, BASE)
        assert load_har(path) == requests


@settings(max_examples=300, deadline=None)
@given(
    capture_strategy,
    st.sampled_from([BASE, "http://[::1]:9000/", "https://x.test"]),
    st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {"id": st.text(), "from": st.text(), "seen": st.integers(1), "first": st.integers(1)}
        ),
    ),
)
def test_the_fast_entry_line_is_the_dumped_entry(
    request: CapturedRequest, base: str, delivery: dict[str, Any] | None
) -> None:
    # --save writes every capture through the fast path; it must say what to_har says. The
    # second time its headers and target come from the fragment caches.
    entry = har._entry(request, base, None, lambda _: delivery)
    expected = har.dumps_portable(entry, indent=None).encode("utf-8")
    assert har.entry_bytes(request, base, delivery) == expected
    assert har.entry_bytes(request, base, delivery) == expected


# -- atomic saving -------------------------------------------------------------------------------


def test_save_leaves_no_temp_file_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "captures.har"
    save_har(path, [make_request(body=b"secret")], BASE)
    save_har(path, [make_request(body=b"newer")], BASE)  # replacing an existing file
    assert os.listdir(tmp_path) == ["captures.har"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_har(path)[0].body == b"newer"


def test_failed_save_keeps_old_file_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "captures.har"
    save_har(path, [make_request(body=b"old")], BASE)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(har.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_har(path, [make_request(body=b"new")], BASE)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["captures.har"]
    assert load_har(path)[0].body == b"old"


def test_save_accepts_str_path_and_generator(tmp_path: Path) -> None:
    path = str(tmp_path / "g.har")
    save_har(path, (make_request(i) for i in (1, 2)), BASE)
    assert [r.id for r in load_har(path)] == [1, 2]


# -- loading other HARs --------------------------------------------------------------------------


def test_load_browser_export() -> None:
    get, post, put = load_har(FIXTURE)

    assert (get.id, post.id, put.id) == (1, 2, 3)

    assert get.method == "GET"
    assert get.target == "/api/items?page=2&sort=price%20desc&tag=a&tag=b"
    assert get.http_version == (1, 1)
    assert get.raw_headers[0] == (b"Host", b"shop.example.com")
    assert (b"Cookie", b"session=abc123; theme=dark") in get.raw_headers
    assert len(get.raw_headers) == 5
    assert get.body == b""
    assert get.query_params == [("page", "2"), ("sort", "price desc"), ("tag", "a"), ("tag", "b")]
    assert get.received_at == pytest.approx(1709633730.5)
    assert get.remote == "" and not get.rejected

    assert post.method == "POST"
    assert post.target == "/checkout/confirm?step=pay"
    assert post.http_version == (2, 0)
    # HTTP/2 pseudo-headers are not header lines; the rest stay in order, duplicates kept.
    assert post.raw_headers == (
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"cookie", b"session=abc123"),
        (b"origin", b"https://shop.example.com"),
        (b"x-dup", b"first"),
        (b"x-dup", b"second"),
    )
    assert post.body == b"card=4111+1111&name=Zo%C3%AB+O%27Brien&tip="
    assert post.received_at == pytest.approx(1709633731.25)  # 11:15:31.25+01:00

    assert put.method == "PUT"
    assert put.target == "/api/cart/7"
    assert put.http_version == (2, 0)
    assert put.body == '{"qty": 2, "note": "café ☃"}'.encode()
    assert put.received_at == pytest.approx(1709633732.0)


def test_load_browser_export_then_save_is_our_format(tmp_path: Path) -> None:
    loaded = load_har(FIXTURE)
    path = tmp_path / "again.har"
    save_har(path, loaded, "https://shop.example.com")
    assert load_har(path) == loaded


def test_params_only_post_data_becomes_form_body() -> None:
    doc = {
        "log": {
            "version": "1.2",
            "creator": {"name": "x", "version": "1"},
            "entries": [
                {
                    "startedDateTime": "2024-01-01T00:00:00Z",
                    "request": {
                        "method": "POST",
                        "url": "https://a.test/f",
                        "httpVersion": "HTTP/1.1",
                        "headers": [],
                        "postData": {
                            "mimeType": "application/x-www-form-urlencoded",
                            "params": [{"name": "a", "value": "1 2"}, {"name": "b", "value": "&"}],
                        },
                    },
                }
            ],
        }
    }
    (req,) = from_har(doc)
    assert req.body == b"a=1+2&b=%26"
    assert req.target == "/f"


def test_missing_and_repeated_ids_get_free_numbers() -> None:
    # Entries are numbered as they are read (a big file streams in): an id is kept unless an
    # earlier entry holds it, and a missing or taken one gets the lowest number still free.
    entries = []
    for wanted in (5, None, 5, 2, None):
        entry = to_har([make_request(1)], BASE)["log"]["entries"][0]
        if wanted is None:
            del entry["_whisper"]
        else:
            entry["_whisper"]["id"] = wanted
        entries.append(entry)
    loaded = from_har({"log": {"version": "1.2", "entries": entries}})
    assert [r.id for r in loaded] == [5, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("HTTP/1.1", (1, 1)),
        ("http/1.0", (1, 0)),
        ("HTTP/2.0", (2, 0)),
        ("HTTP/2", (2, 0)),
        ("h2", (2, 0)),
        ("h3", (3, 0)),
        ("", (1, 1)),
        ("unknown", (1, 1)),
    ],
)
def test_http_versions(text: str, version: tuple[int, int]) -> None:
    entry = {"request": {"method": "GET", "url": "https://a.test/", "httpVersion": text}}
    (req,) = from_har({"log": {"entries": [entry]}})
    assert req.http_version == version


def test_load_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.har"
    text = json.dumps(to_har([make_request(body=b"x")], BASE))
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_har(path)[0].body == b"x"


@pytest.mark.parametrize(
    "content",
    [b"not json", b"[]", b'{"log": {}}', b'{"log": {"entries": [{"response": {}}]}}'],
)
def test_load_rejects_non_har(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.har"
    path.write_bytes(content)
    with pytest.raises(HarError):
        load_har(path)


def test_bad_base64_is_reported() -> None:
    entry = to_har([make_request(body=b"\xff")], BASE)["log"]["entries"][0]
    entry["request"]["postData"]["text"] = "!!!"
    with pytest.raises(HarError, match="base64"):
        from_har({"log": {"entries": [entry]}})


# -- no import cycle -------------------------------------------------------------------------------

CORE = Path(__file__).resolve().parents[2] / "whisper_tui" / "core"


def _core_imports() -> dict[str, set[str]]:
    """Each core module's imports of other core modules, read from the source."""
    names = {}
    for path in CORE.rglob("*.py"):
        parts = ["whisper_tui", *path.relative_to(CORE.parent).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name in names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    submodule = f"{node.module}.{alias.name}"
                    if submodule in names:
                        found.add(submodule)
                    elif node.module in names:
                        found.add(node.module)
        graph[name] = found
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles: list[list[str]] = []
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> None:
        path.append(name)
        for imported in sorted(graph[name]):
            if imported in path:
                cycles.append([*path[path.index(imported) :], imported])
            elif imported not in done:
                visit(imported)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        if name not in done:
            visit(name)
    return cycles


def test_no_core_module_imports_its_importer() -> None:
    # core/har.py and the export code used to import each other; the shared helpers now live
    # in core/portable.py. (A package's __init__ importing its own modules is not counted.)
    graph = _core_imports()
    assert "whisper_tui.core.export.har" in graph
    assert "whisper_tui.core.har" in graph["whisper_tui.core.export.har"]
    assert not any(
        name.startswith("whisper_tui.core.export") for name in graph["whisper_tui.core.har"]
    )
    assert _cycles(graph) == []


def test_the_cycle_check_would_see_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_loading_har_files_loads_no_export_format() -> None:
    script = (
        "import sys, whisper_tui.core.har; print(sorted(m for m in sys.modules if '.export' in m))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _github(request_id: int, guid: str) -> CapturedRequest:
    headers = ((b"X-GitHub-Delivery", guid.encode()),)
    return CapturedRequest(request_id, 1.0, "127.0.0.1", "POST", "/gh", (1, 1), headers, b"{}")


def test_each_entry_carries_its_delivery_from_the_view_given():
    store = RequestStore(max_requests=2)
    for request_id in (1, 2, 3):
        store.add(_github(request_id, "g"))
    entries = to_har(list(store), "http://h", deliveries_for=store.deliveries.json_view())
    delivered = [e["_whisper"]["delivery"] for e in entries["log"]["entries"]]
    # #1 was evicted: #2 and #3 are still the second and third arrivals of a delivery first
    # seen as #1, as the list shows them.
    assert delivered == [
        {"id": "g", "from": "X-GitHub-Delivery", "seen": 2, "first": 1},
        {"id": "g", "from": "X-GitHub-Delivery", "seen": 3, "first": 1},
    ]


def test_without_a_view_arrivals_are_numbered_within_the_file_and_no_id_is_null():
    plain = CapturedRequest(9, 1.0, "127.0.0.1", "GET", "/", (1, 1), (), b"")
    document = to_har([_github(4, "g"), plain, _github(7, "g")], "http://h")
    delivered = [e["_whisper"]["delivery"] for e in document["log"]["entries"]]
    assert delivered[1] is None
    assert (delivered[0]["seen"], delivered[2]["seen"], delivered[2]["first"]) == (1, 2, 4)


def test_the_answer_whisper_tui_gave_is_the_entrys_response_and_comes_back():
    answered = [
        CapturedRequest(n, 1.0, "", "POST", "/", (1, 1), (), b"{}", answered_status=status)
        for n, status in enumerate((200, 500, 429, 599), 1)
    ]
    document = to_har(answered, BASE)
    entries = document["log"]["entries"]
    assert [(e["response"]["status"], e["response"]["statusText"]) for e in entries] == [
        (200, "OK"),
        (500, "Internal Server Error"),
        (429, "Too Many Requests"),
        (599, ""),
    ]
    assert roundtrip(answered) == answered
    # Files written before the answer was: a rejected one was 413, the others 200.
    for entry in entries:
        del entry["_whisper"]["answered"]
    old = from_har(document)
    assert [r.answered_status for r in old] == [200, 200, 200, 200]
