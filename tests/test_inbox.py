"""WebhookInbox on its own: a real server in a thread, used from plain synchronous code."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from tests.helpers import EVENT_LOOPS
from whisper_tui.core.settings import Settings
from whisper_tui.inbox import InboxTimeout, WebhookInbox


@pytest.fixture(params=EVENT_LOOPS)
def loop(request) -> str:
    """Each test runs the inbox's thread on asyncio's loop and on uvloop."""
    return request.param


def post(url: str, body: bytes = b"") -> int:
    with urllib.request.urlopen(urllib.request.Request(url, data=body)) as answer:
        return answer.status


def test_the_inbox_listens_on_loopback_and_stops_cleanly(loop):
    with WebhookInbox(Settings(port=0, loop=loop)) as inbox:
        host, port = inbox.url.removeprefix("http://").split(":")
        assert host == "127.0.0.1"
        assert post(inbox.url + "/x", b"1") == 200
        assert [c.target for c in inbox.captures] == ["/x"]
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", int(port)), timeout=1):
        pass


def test_matching_uses_the_filter_language_and_clear_forgets(loop):
    with WebhookInbox(Settings(port=0, loop=loop)) as inbox:
        post(inbox.url + "/hooks/a", b'{"type":"paid"}')
        post(inbox.url + "/other", b"nothing")
        assert [c.path for c in inbox.matching("body:paid")] == ["/hooks/a"]
        assert [c.path for c in inbox.matching("-path:/hooks/*")] == ["/other"]
        inbox.clear()
        assert inbox.captures == []


def test_a_timeout_is_an_assertion_that_lists_what_arrived(loop):
    with WebhookInbox(Settings(port=0, loop=loop)) as inbox:
        port = int(inbox.url.rsplit(":", 1)[1])
        raw = (
            b"POST /one HTTP/1.1\r\nHost: x\r\nContent-Type: text/\xe2\x80\xaetxt.exe\r\n"
            b"Content-Length: 3\r\n\r\nabc"
        )
        with socket.create_connection(("127.0.0.1", port)) as connection:
            connection.sendall(raw)
            assert connection.recv(100).startswith(b"HTTP/1.1 200")
        with pytest.raises(InboxTimeout) as failure:
            inbox.wait_for("method:PUT", timeout=0.1)
    message = str(failure.value)
    assert isinstance(failure.value, AssertionError)
    assert "0 matched, 1 arrived" in message
    assert "#1 POST /one 3 B text/" in message
    # Sender bytes that could reorder or drive the terminal (a bidi override, C1) are spelled
    # out, never printed raw.
    assert not {"\u202e", "\x80", "\x9b"} & set(message)


def test_a_bad_answer_rule_is_refused_in_one_line(loop):
    with (
        WebhookInbox(Settings(port=0, loop=loop)) as inbox,
        pytest.raises(ValueError, match="status"),
    ):
        inbox.respond("POST /x nine-hundred")


def test_header_values_read_as_text_and_the_bytes_stay_exact():
    with WebhookInbox() as inbox:
        host, port = inbox.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as conn:
            conn.sendall(
                b"POST /u HTTP/1.1\r\nHost: x\r\nX-User: "
                + "Zoë Müller".encode()
                + b"\r\nX-Legacy: caf\xe9\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            conn.recv(1024)
        [capture] = inbox.wait_for(count=1)
    assert capture.header("x-user") == "Zoë Müller"
    assert capture.header("X-Legacy") == "café"
    assert (b"X-Legacy", b"caf\xe9") in capture.raw_headers


def test_wait_for_with_a_term_that_can_never_match_raises_at_once():
    # 'status:abc' waited out its timeout and reported '0 matched': a typo read as no match.
    from whisper_tui.core.filter_terms import FilterError

    with WebhookInbox() as inbox:
        with pytest.raises(FilterError, match="status:abc: a status is a number"):
            inbox.wait_for("status:abc", timeout=2)


def test_wait_for_takes_provider_and_sig_judged_with_the_inbox_secrets():
    import hashlib
    import hmac

    secret = "gh-secret"
    with WebhookInbox(Settings(port=0, secrets=(("github", secret),))) as inbox:
        for body, key in ((b"{}", secret), (b"[]", "forged")):
            mac = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
            headers = {"X-Hub-Signature-256": f"sha256={mac}"}
            urllib.request.urlopen(urllib.request.Request(inbox.url, body, headers)).read()
        post(inbox.url + "/plain", b"x")
        [failed] = inbox.wait_for("provider:github sig:failed", timeout=5)
        assert failed.body == b"[]"
        assert [c.path for c in inbox.matching("sig:verified")] == ["/"]
        assert [c.path for c in inbox.matching("sig:none")] == ["/plain"]


def github_post(url: str, key: str, body: bytes) -> None:
    import hashlib
    import hmac

    mac = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Hub-Signature-256": f"sha256={mac}"}
    urllib.request.urlopen(urllib.request.Request(url, body, headers)).read()


def test_secrets_given_by_scheme_judge_the_captures_as_they_arrive():
    with WebhookInbox(secrets={"github": ["old", "gh-secret"]}) as inbox:
        github_post(inbox.url + "/good", "gh-secret", b"{}")
        github_post(inbox.url + "/forged", "forged", b"{}")
        [failed] = inbox.wait_for("sig:failed", timeout=5)
        [verified] = inbox.wait_for("sig:verified", timeout=5)
        assert (failed.path, verified.path) == ("/forged", "/good")


@pytest.mark.parametrize(
    ("secrets", "message"),
    [
        ({"nope": "x"}, "unknown signature scheme"),
        ({"github": ""}, "'github' needs a secret"),
        ({"github": []}, "'github' needs a secret"),
        ({"github": 12345}, "'github' needs a secret"),
        ({"standard": "whsec_not_base64!!"}, "standard: "),
    ],
)
def test_secrets_are_checked_as_secret_checks_them_without_showing_them(secrets, message):
    with pytest.raises(ValueError, match=message) as refused:
        WebhookInbox(secrets=secrets)
    assert "not_base64" not in str(refused.value) and "12345" not in str(refused.value)


def test_the_filter_says_how_to_give_the_inbox_a_secret():
    from whisper_tui.core.filter_terms import FilterError

    with WebhookInbox() as inbox, pytest.raises(FilterError, match=r"webhook_inbox\(secrets="):
        inbox.wait_for("sig:failed", timeout=1)


def test_a_verdict_with_one_secret_says_one_was_tried():
    # Capture.verify("github", secret) answered Verdict(..., secrets_tried=0) after trying it.
    with WebhookInbox() as inbox:
        github_post(inbox.url, "gh-secret", b"{}")
        [capture] = inbox.wait_for(timeout=5)
        assert capture.verify("github", "gh-secret").secrets_tried == 1
        assert capture.verify("github", "wrong").secrets_tried == 1
        assert capture.verify("github", ["wrong", "gh-secret", "spare"]).secrets_tried == 2
        assert capture.verify("github", ["wrong", "also wrong"]).secrets_tried == 2
