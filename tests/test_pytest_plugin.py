"""The `webhook_inbox` fixture as another project sees it: installed, found through pytest11.

The project's test files (below, and the README's example) run in ONE pytest subprocess per
module, not one each: a subprocess spends seconds importing pytest and its plugins, and six of
them were a minute of the suite on a loaded machine. Each test here still checks its own file's
outcomes (from the run's JUnit report), and running the files one after another in one process
also checks that each test's inbox starts clean after another file's.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import pytest

GITHUB_SECRET = "It's a Secret to Everybody"
README = Path(__file__).resolve().parent.parent / "README.md"

PROJECT: dict[str, str] = {}
"""The other project's test files: name -> source, filled in below each test that reads one."""


@dataclass
class ProjectRun:
    outcomes: dict[str, dict[str, str]]
    """file -> test name -> passed / failed / skipped / error."""
    output: pytest.LineMatcher


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> ProjectRun:
    where = tmp_path_factory.mktemp("project")
    for name, source in PROJECT.items():
        (where / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    # A subprocess, as in a project that installed whisper-tui: the plugin is found through
    # its entry point, not because this test suite imported it. Outside this repository, so
    # its pyproject (addopts, pythonpath) is not read; PYTEST_ADDOPTS is not passed on.
    # As pytester did: HOME is the project's folder. The config dir and secrets are set here:
    # a module-scoped fixture runs before the autouse private_config_dir of conftest.py.
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "PYTEST_ADDOPTS" and not k.startswith("WHISPER_SECRET_")
    }
    env.update(HOME=str(where), WHISPER_TUI_CONFIG_DIR=str(where / "config"))
    report = where / "report.xml"
    # --strict-markers: the webhook_inbox marker is registered, as a project may require.
    flags = ["-p", "no:cacheprovider", "-rA", "--strict-markers", f"--junitxml={report}"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *flags],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.exists(), done.stdout + done.stderr
    outcomes: dict[str, dict[str, str]] = {name: {} for name in PROJECT}
    for case in ElementTree.parse(report).iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        module = case.get("classname", "").split(".")[0]  # a test class's: module.Class
        outcomes[module][case.get("name", "")] = (
            {"failure": "failed"}.get(kinds[0], kinds[0]) if kinds else "passed"
        )
    return ProjectRun(outcomes, pytest.LineMatcher((done.stdout + done.stderr).splitlines()))


PROJECT["test_project_a_sync_test_sees_what_its_code_sent"] = """
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
        """


def test_a_sync_test_sees_what_its_code_sent(project):
    assert project.outcomes["test_project_a_sync_test_sees_what_its_code_sent"] == {
        "test_signup_posts_a_webhook": "passed"
    }


PROJECT["test_project_an_async_test_can_send_and_wait_on_its_own_loop"] = """
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
        """


def test_an_async_test_can_send_and_wait_on_its_own_loop(project):
    assert project.outcomes["test_project_an_async_test_can_send_and_wait_on_its_own_loop"] == {
        "test_async_sender": "passed"
    }


PROJECT["test_project_waiting_for_what_never_comes_fails_with_what_did_arrive"] = """
        import urllib.request

        def test_never(webhook_inbox):
            urllib.request.urlopen(webhook_inbox.url + "/health?x=1").read()
            webhook_inbox.wait_for("path:/hooks/*", timeout=0.3)
        """


def test_waiting_for_what_never_comes_fails_with_what_did_arrive(project):
    assert project.outcomes[
        "test_project_waiting_for_what_never_comes_fails_with_what_did_arrive"
    ] == {"test_never": "failed"}
    project.output.fnmatch_lines(
        [
            "*waited 0.3 s for 1 capture(s) matching 'path:/hooks/*'*0 matched, 1 arrived:*",
            "*#1 GET /health?x=1 0 B - -> 200*",
        ]
    )


PROJECT["test_project_a_filter_typo_shows_the_test_s_line_and_the_message"] = """
        def test_typo(webhook_inbox):
            webhook_inbox.wait_for("foo:bar", timeout=0.3)
        """


def test_a_filter_typo_shows_the_test_s_line_and_the_message(project):
    # The fixture's own frames (inbox.py, core/filter_*.py) are hidden, as pytest's helpers'
    # are: what is left is the user's line and what is wrong with it.
    assert project.outcomes["test_project_a_filter_typo_shows_the_test_s_line_and_the_message"] == {
        "test_typo": "failed"
    }
    project.output.fnmatch_lines(
        [
            '>*webhook_inbox.wait_for("foo:bar", timeout=0.3)',
            "E*FilterError: no field 'foo' in 'foo:bar': fields are method, path, *",
        ]
    )
    project.output.no_fnmatch_line("*whisper_tui/inbox.py*")
    project.output.no_fnmatch_line("*whisper_tui/core/filter*.py*")


PROJECT["test_project_respond_sets_the_answer_for_this_test_only"] = """
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
        """


def test_respond_sets_the_answer_for_this_test_only(project):
    assert project.outcomes["test_project_respond_sets_the_answer_for_this_test_only"] == {
        "test_retries": "passed",
        "test_next_test_starts_clean": "passed",
    }


PROJECT["test_project_verify_gives_the_verdict_and_its_reason"] = f"""
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
        """


def test_verify_gives_the_verdict_and_its_reason(project):
    assert project.outcomes["test_project_verify_gives_the_verdict_and_its_reason"] == {
        "test_signed": "passed"
    }


PROJECT["test_project_the_marker_gives_the_inbox_its_signing_secrets"] = f"""
        import hashlib, hmac, urllib.request
        import pytest

        SECRET = {GITHUB_SECRET!r}

        def send(webhook_inbox, key, body):
            mac = "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
            request = urllib.request.Request(
                webhook_inbox.url + "/gh", data=body, headers={{"X-Hub-Signature-256": mac}}
            )
            urllib.request.urlopen(request).read()

        @pytest.mark.webhook_inbox(secrets={{"github": ["old secret", SECRET]}})
        def test_marked(webhook_inbox):
            send(webhook_inbox, SECRET, b"{{}}")
            send(webhook_inbox, "forged", b"[]")
            [forged] = webhook_inbox.wait_for("sig:failed", timeout=5)
            [signed] = webhook_inbox.wait_for("sig:verified", timeout=5)
            assert (forged.body, signed.body) == (b"[]", b"{{}}")

        @pytest.mark.webhook_inbox(secrets={{"github": SECRET}})
        class TestClass:
            def test_the_class_marker_counts(self, webhook_inbox):
                send(webhook_inbox, SECRET, b"{{}}")
                webhook_inbox.wait_for("sig:verified", timeout=5)

        def test_unmarked_says_how_to_give_one(webhook_inbox):
            webhook_inbox.wait_for("sig:failed", timeout=0.3)

        @pytest.mark.webhook_inbox(secrets={{"standard": "whsec_not_base64!!"}})
        def test_an_unusable_secret_fails_in_one_line(webhook_inbox):
            pass
        """


def test_the_marker_gives_the_inbox_its_signing_secrets(project):
    # `wait_for("sig:failed")` failed with "no secret is configured" and the fixture had no
    # way to take one. The project runs with --strict-markers: the marker is registered.
    assert project.outcomes["test_project_the_marker_gives_the_inbox_its_signing_secrets"] == {
        "test_marked": "passed",
        "test_the_class_marker_counts": "passed",
        "test_unmarked_says_how_to_give_one": "failed",
        "test_an_unusable_secret_fails_in_one_line": "error",
    }
    project.output.fnmatch_lines(
        [
            "E*sig:failed: no secret is configured*give the inbox its secrets: "
            "@pytest.mark.webhook_inbox(secrets=*"
        ]
    )
    project.output.fnmatch_lines(["*@pytest.mark.webhook_inbox: standard: *"])
    project.output.no_fnmatch_line("*whsec_not_base64!!*")


PROJECT["test_project_a_misgiven_marker_never_shows_its_arguments"] = """
        import pytest

        @pytest.mark.webhook_inbox({"github": "TOPSECRET-positional"})
        def test_secrets_given_without_the_keyword(webhook_inbox):
            pass

        @pytest.mark.webhook_inbox("TOPSECRET-a", "TOPSECRET-b", github="TOPSECRET-keyword")
        def test_a_keyword_for_a_scheme(webhook_inbox):
            pass
        """


def test_a_misgiven_marker_never_shows_its_arguments(project):
    # The secrets dict given without `secrets=` was echoed (repr) in the one-line error, and
    # so in CI logs. Positional arguments are counted, keyword arguments named, never shown.
    assert project.outcomes["test_project_a_misgiven_marker_never_shows_its_arguments"] == {
        "test_secrets_given_without_the_keyword": "error",
        "test_a_keyword_for_a_scheme": "error",
    }
    project.output.fnmatch_lines(
        ["*@pytest.mark.webhook_inbox takes only secrets={...}, not 1 positional argument"]
    )
    project.output.fnmatch_lines(
        ["*@pytest.mark.webhook_inbox takes only secrets={...}, not 2 positional arguments, github"]
    )
    project.output.no_fnmatch_line("*TOPSECRET*")


def test_pytest_fixtures_shows_how_to_give_the_inbox_secrets():
    # `pytest --fixtures` prints a fixture's docstring up to its first blank line.
    from whisper_tui.pytest_plugin import webhook_inbox

    first_paragraph = inspect.getdoc(webhook_inbox).split("\n\n")[0]
    assert "@pytest.mark.webhook_inbox(secrets={" in first_paragraph


PROJECT["test_readme"] = (
    README.read_text(encoding="utf-8")
    .split("## In your tests and CI", 1)[1]
    .split("```python\n", 1)[1]
    .split("```", 1)[0]
)


def test_the_readme_example_passes_as_written(project):
    assert "def test_" in PROJECT["test_readme"]
    assert list(project.outcomes["test_readme"].values()) == ["passed"]
