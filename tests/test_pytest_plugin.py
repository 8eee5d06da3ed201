"""The `webhook_inbox` fixture as another project sees it: installed, found through pytest11."""

from __future__ import annotations

import textwrap
from pathlib import Path

GITHUB_SECRET = "It's a Secret to Everybody"


def run(pytester, source: str, *args: str):
    pytester.makepyfile(test_project=textwrap.dedent(source))
    # A subprocess, as in a project that installed whisper-tui: the plugin is found through
    # its entry point, not because this test suite imported it.
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_a_sync_test_sees_what_its_code_sent(pytester):
    result = run(
        pytester,
        """
        import json, urllib.request

        def test_signup_posts_a_webhook(webhook_inbox):
            body = json.dumps({"event": "user.created", "id": 7}).encode()
            request = urllib.request.Request(
                webhook_inbox.url + "/hooks/signup?src=test", data=body,
                headers={"Content-Type": "application/json", "X-Dup": "1"},
            )
            request.add_header("X-Dup", "1")
            with urllib.request.urlopen(request) as answer:
                assert answer.status == 200
            [delivery] = webhook_inbox.wait_for("method:POST path:/hooks/signup")
            assert delivery.method == "POST"
            assert delivery.target == "/hooks/signup?src=test"
            assert delivery.path == "/hooks/signup"
            assert delivery.body == body
            assert delivery.json() == {"event": "user.created", "id": 7}
            assert delivery.header("content-type") == "application/json"
            assert ("Content-Type", "application/json") in delivery.headers
        """,
    )
    result.assert_outcomes(passed=1)


def test_an_async_test_can_send_and_wait_on_its_own_loop(pytester):
    result = run(
        pytester,
        """
        import asyncio
        import aiohttp

        def test_async_sender(webhook_inbox):
            async def main():
                async with aiohttp.ClientSession() as client:
                    waiting = asyncio.ensure_future(webhook_inbox.wait_for_async("body:ping"))
                    await asyncio.sleep(0.05)
                    async with client.post(webhook_inbox.url + "/a", data=b"ping") as answer:
                        assert answer.status == 200
                    return await waiting
            [capture] = asyncio.run(main())
            assert capture.body == b"ping"
        """,
    )
    result.assert_outcomes(passed=1)


def test_waiting_for_what_never_comes_fails_with_what_did_arrive(pytester):
    result = run(
        pytester,
        """
        import urllib.request

        def test_never(webhook_inbox):
            urllib.request.urlopen(webhook_inbox.url + "/health?x=1").read()
            webhook_inbox.wait_for("path:/hooks/*", timeout=0.3)
        """,
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*waited 0.3 s for 1 capture(s) matching 'path:/hooks/*'*0 matched, 1 arrived:*",
            "*#1 GET /health?x=1 0 B - -> 200*",
        ]
    )


def test_respond_sets_the_answer_for_this_test_only(pytester):
    result = run(
        pytester,
        """
        import urllib.error, urllib.request

        def test_retries(webhook_inbox):
            webhook_inbox.respond("POST /hooks/* 503")
            try:
                urllib.request.urlopen(webhook_inbox.url + "/hooks/x", data=b"{}")
            except urllib.error.HTTPError as error:
                assert error.code == 503
            else:
                raise AssertionError("expected 503")
            assert urllib.request.urlopen(webhook_inbox.url + "/other", data=b"").status == 200
            first, second = webhook_inbox.wait_for(count=2)
            assert (first.status, second.status) == (503, 200)

        def test_next_test_starts_clean(webhook_inbox):
            assert webhook_inbox.captures == []
            assert urllib.request.urlopen(webhook_inbox.url + "/hooks/x", data=b"").status == 200
        """,
    )
    result.assert_outcomes(passed=2)


def test_verify_gives_the_verdict_and_its_reason(pytester):
    result = run(
        pytester,
        f"""
        import hashlib, hmac, urllib.request

        SECRET = {GITHUB_SECRET!r}

        def test_signed(webhook_inbox):
            body = b'{{"zen": "Design for failure."}}'
            good = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            for signature in (good, "sha256=" + "0" * 64):
                request = urllib.request.Request(
                    webhook_inbox.url + "/gh", data=body,
                    headers={{"X-Hub-Signature-256": signature}},
                )
                urllib.request.urlopen(request).read()
            urllib.request.urlopen(webhook_inbox.url + "/plain", data=b"").read()
            signed, forged, plain = webhook_inbox.wait_for(count=3)
            assert signed.verify("github", SECRET).ok
            verdict = forged.verify("github", SECRET)
            assert not verdict.ok and "does not match" in verdict.reason
            assert not signed.verify("github", "wrong secret").ok
            assert "no github signature" in plain.verify("github", SECRET).reason
        """,
    )
    result.assert_outcomes(passed=1)


def test_the_readme_example_passes_as_written(pytester):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## In your tests and CI", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert "def test_" in example
    pytester.makepyfile(test_readme=example)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
