"""The export format registry: built-ins found by module, in dialog order; others join and leave."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType

import pytest

from tests.core.export.helpers import make_request
from whisper_tui.core.export import (
    AttemptsFor,
    ExportFormat,
    formats,
    get_format,
    register,
    render_export,
    unregister,
)
from whisper_tui.core.models import Attempt, CapturedRequest

DUMMY_MODULE = "tests.fixtures.addons.dummy_export"
BUILTIN = [
    ("curl", "curl", "sh"),
    ("httpie", "HTTPie", "sh"),
    ("pytest", "pytest", "py"),
    ("raw", "raw HTTP", "http"),
    ("json", "JSON", "json"),
    ("har", "HAR 1.2", "har"),
]


@pytest.fixture
def dummy() -> Iterator[ModuleType]:
    """The dummy format's module, imported fresh (its import registers it), removed afterwards."""
    sys.modules.pop(DUMMY_MODULE, None)
    assert "dummy" not in [f.key for f in formats()]
    module = importlib.import_module(DUMMY_MODULE)
    try:
        yield module
    finally:
        unregister("dummy")
        sys.modules.pop(DUMMY_MODULE, None)


def _echo_render(
    requests: Sequence[CapturedRequest], base_url: str, attempts_for: AttemptsFor | None
) -> bytes:
    return f"{len(requests)} to {base_url}".encode()


def test_builtin_formats_are_found_in_the_dialogs_order() -> None:
    assert [(f.key, f.label, f.extension) for f in formats()] == BUILTIN


def test_each_builtin_format_is_its_own_module() -> None:
    modules = [get_format(key).render.__module__ for key, _, _ in BUILTIN]
    assert modules == [
        "whisper_tui.core.export.curl",
        "whisper_tui.core.export.httpie",
        "whisper_tui.core.export.pytest_test",
        "whisper_tui.core.export.raw_http",
        "whisper_tui.core.export.json_doc",
        "whisper_tui.core.export.har",
    ]


def test_render_export_uses_the_format_registered_under_the_key() -> None:
    request = make_request(body=b"x")
    for export_format in formats():
        expected = export_format.render([request], "http://h", None)
        assert render_export(export_format.key, [request], "http://h") == expected


def test_an_unknown_key_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown export format 'yaml'; known: curl, httpie"):
        render_export("yaml", [], "http://h")


def test_a_registered_format_joins_in_order_and_leaves_on_unregister() -> None:
    early = ExportFormat("early", "Early", "txt", _echo_render, order=15)
    assert register(early) is early
    try:
        assert [f.key for f in formats()] == [
            "curl",
            "early",
            "httpie",
            "pytest",
            "raw",
            "json",
            "har",
        ]
        assert render_export("early", [make_request()], "http://h") == b"1 to http://h"
    finally:
        assert unregister("early") is early
    assert [(f.key, f.label, f.extension) for f in formats()] == BUILTIN


def test_equal_orders_go_by_key() -> None:
    second = register(ExportFormat("zz", "Z", "z", _echo_render, order=50))
    try:
        assert [f.key for f in formats()][-2:] == ["har", "zz"]
    finally:
        unregister(second.key)


def test_registering_the_same_format_twice_is_harmless() -> None:
    again = register(get_format("curl"))
    assert again is get_format("curl")
    assert [f.key for f in formats()].count("curl") == 1


def test_a_second_format_cannot_take_a_key() -> None:
    impostor = ExportFormat("curl", "not curl", "sh", _echo_render)
    with pytest.raises(ValueError, match="'curl' is already registered"):
        register(impostor)
    assert get_format("curl").label == "curl"


def test_a_format_needs_a_key() -> None:
    with pytest.raises(ValueError, match="non-empty key"):
        register(ExportFormat("", "Nameless", "txt", _echo_render))


def test_unregistering_an_unknown_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        unregister("never-registered")


def test_a_format_is_a_frozen_value() -> None:
    with pytest.raises(AttributeError):
        get_format("curl").label = "changed"  # type: ignore[misc]


def test_the_dummy_module_registers_on_import_and_renders_through_the_registry(
    dummy: ModuleType,
) -> None:
    assert [f.key for f in formats()][-1] == "dummy"
    assert get_format("dummy") is dummy.FORMAT
    requests = [make_request(body=b"abc"), make_request(method="GET", target="/x?y=1")]
    attempts = {7: [Attempt(target_url="http://t", started_at=0.0)]}
    output = render_export("dummy", requests, "http://h", lambda i: attempts.get(i, []))
    assert output == (
        b"DUMMY POST http://h/hook body=3 attempts=1\nDUMMY GET http://h/x?y=1 body=0 attempts=1\n"
    )


def test_the_dummy_format_is_gone_once_unregistered(dummy: ModuleType) -> None:
    unregister("dummy")
    try:
        assert "dummy" not in [f.key for f in formats()]
        with pytest.raises(ValueError, match="unknown export format 'dummy'"):
            render_export("dummy", [], "http://h")
    finally:
        register(dummy.FORMAT)  # the fixture removes it again


def test_built_in_formats_suggest_file_names_of_their_own():
    # Two formats sharing an extension (curl and HTTPie: .sh) must not suggest one name, or
    # saving one after the other fails with "exists"; pytest collects only test_*.py.
    for what in ("7", "captures"):
        names = [f.file_name(what) for f in formats()]
        assert len(set(names)) == len(names), names
    [pytest_format] = [f for f in formats() if f.key == "pytest"]
    assert pytest_format.file_name("7") == "test_whisper_7.py"
    assert all(f.file_name("7").endswith("." + f.extension) for f in formats())
