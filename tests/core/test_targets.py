"""Where replays and forwards go: URLs built from a base and a target, checked, never ourselves."""

import pytest

from whisper_tui.core.models import Attempt
from whisper_tui.core.targets import is_own_target, target_url, unreachable, validate_target


@pytest.mark.parametrize(
    ("base", "target", "expected"),
    [
        ("http://localhost:3000", "/hooks/x?a=1", "http://localhost:3000/hooks/x?a=1"),
        ("http://h/base/", "/x", "http://h/base/x"),
        ("http://h/base", "/x", "http://h/base/x"),
        ("http://h", "/", "http://h/"),
        ("http://h/base/", "/", "http://h/base/"),
        ("https://h:8443/in?token=s", "/x?a=1", "https://h:8443/in/x?token=s&a=1"),
        ("http://h", "/a%2Fb/../c?q=%7e%20&q=2", "http://h/a%2Fb/../c?q=%7e%20&q=2"),
        ("http://h", "//double//slash", "http://h//double//slash"),
        ("http://h/b", "*", "http://h/b"),
        ("http://h", "http://proxy.example/p?q", "http://h/p?q"),
    ],
)
def test_target_url_appends_the_captured_path_and_query_unchanged(base, target, expected):
    assert target_url(base, target) == expected


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://localhost:3000", None),
        ("https://example.com/x?y", None),
        ("ftp://example.com/", "not an http(s) URL"),
        ("file:///etc/passwd", "not an http(s) URL"),
        ("localhost:3000", "not an http(s) URL"),
        ("http:///path", "URL has no host"),
        ("http://h:99999/", "invalid URL"),
        ("http://h/a b", "URL contains spaces"),
        ("http://[::1", "invalid URL"),
    ],
)
def test_validate_target_accepts_only_http_urls(url, error):
    result = validate_target(url)
    if error is None:
        assert result is None
    else:
        assert result is not None and result.startswith(error)


@pytest.mark.parametrize(
    ("url", "own", "expected"),
    [
        ("http://127.0.0.1:8080/x", {("127.0.0.1", 8080)}, True),
        ("http://localhost:8080", {("127.0.0.1", 8080)}, True),
        ("http://[::1]:8080", {("::1", 8080)}, True),
        ("http://localhost:8080", {("0.0.0.0", 8080)}, True),
        ("http://127.0.0.5:8080", {("0.0.0.0", 8080)}, True),
        ("http://[::ffff:127.0.0.1]:8080", {("::", 8080)}, True),
        ("http://0.0.0.0:8080", {("127.0.0.1", 8080)}, True),
        ("http://LOCALHOST.:80", {("127.0.0.1", 80)}, True),
        ("http://192.0.2.7:8080", {("192.0.2.7", 8080)}, True),
        ("http://127.0.0.1:3000", {("127.0.0.1", 8080)}, False),
        ("http://192.0.2.7:8080", {("127.0.0.1", 8080)}, False),
        ("http://example.com:8080", {("0.0.0.0", 8080)}, False),
        ("https://localhost", {("127.0.0.1", 443)}, True),
        ("http://localhost", set(), False),
    ],
)
def test_is_own_target_recognises_our_listening_addresses_without_dns(url, own, expected):
    assert is_own_target(url, own) is expected


def test_unreachable_is_a_failure_of_where_it_went_not_of_what_it_carried():
    def failed(error: str | None, status: int | None = None) -> Attempt:
        return Attempt("http://h", 0.0, error=error, status=status)

    assert unreachable(failed("connection refused to 127.0.0.1:9"))
    assert unreachable(failed("cannot resolve host nonexistent.invalid"))
    assert unreachable(failed("refusing to send to whisper-tui's own address 127.0.0.1:8080"))
    assert not unreachable(failed("the body was not kept (it was over the size limit)"))
    assert not unreachable(failed("invalid header name 'a b'"))
    assert not unreachable(failed(None, 500))
