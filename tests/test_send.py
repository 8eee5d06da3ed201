"""`whisper-tui send`: recorded deliveries sent again, judged by real receivers.

The receivers are real: scripts/echo_app.py (answers with the SHA-256 of what it got) and a
WebhookInbox (which captures exactly and checks signatures with the same verifiers as the TUI).
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.children import sigint_as_in_a_terminal
from tests.helpers import delivery_body, load_deliveries
from tests.ports import listening_port, refused_port
from whisper_tui.core.har import save_har
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures import register, unregister
from whisper_tui.core.signatures.scheme import Check, Scheme, SigningInput
from whisper_tui.inbox import WebhookInbox
from whisper_tui.send import Plan, parse_expect, send_all

ROOT = Path(__file__).resolve().parent.parent
SECRET = "It's a Secret to Everybody"
BODIES = [
    b'{"action":"opened","amount":1.10,"name":"Zo\xc3\xab"}',
    b"\x00\x01binary\xff\xfe",
    b"",
]


def send(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "whisper_tui", "send", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.fixture
def recorded(tmp_path) -> Path:
    """A HAR of three deliveries recorded by a real capture: JSON, binary and empty."""
    har = tmp_path / "recorded.har"
    with WebhookInbox() as inbox:
        for n, body in enumerate(BODIES):
            request = urllib.request.Request(
                f"{inbox.url}/hooks/{n}?try=1",
                data=body,
                method="POST",
                headers={"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=0"},
            )
            urllib.request.urlopen(request).read()
        captures = [c.request for c in inbox.wait_for(count=3)]
        save_har(har, captures, inbox.url)
    return har


@pytest.fixture
def echo_app():
    process = subprocess.Popen(
        [sys.executable, "scripts/echo_app.py", "--port", "0", "--status", "200"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    port = listening_port(process.pid)
    yield f"http://127.0.0.1:{port}", process
    process.terminate()
    process.wait(timeout=5)


def test_send_delivers_byte_identical_bodies_to_the_recorded_paths(recorded, echo_app):
    url, process = echo_app
    result = send(str(recorded), "--to", url, "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["url"] for r in records] == [f"{url}/hooks/{n}?try=1" for n in range(3)]
    assert [r["status"] for r in records] == [200, 200, 200]
    assert all(r["ok"] for r in records)
    process.terminate()
    echoed = [line for line in process.stdout.read().splitlines() if "/hooks/" in line]
    expected = [
        f"POST /hooks/{n}?try=1 {len(body)} bytes sha256={hashlib.sha256(body).hexdigest()}"
        for n, body in enumerate(BODIES)
    ]
    assert echoed == expected


def test_sign_and_set_send_a_copy_that_verifies(recorded):
    with WebhookInbox() as inbox:
        result = send(
            str(recorded),
            "--to",
            inbox.url,
            "--only",
            "path:/hooks/0",
            "--set",
            "amount=4200",
            "--set",
            'name="Zoë Müller"',
            "--sign",
            f"github={SECRET}",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        [copy] = inbox.wait_for(count=1)
    assert copy.json() == {"action": "opened", "amount": 4200, "name": "Zoë Müller"}
    verdict = copy.verify("github", SECRET)
    assert verdict.ok, verdict.reason
    expected = "sha256=" + hmac.new(SECRET.encode(), copy.body, hashlib.sha256).hexdigest()
    assert copy.header("X-Hub-Signature-256") == expected
    assert "edited amount, name; signed (github)" in result.stdout
    assert result.stderr.strip() == "whisper-tui send: 1 of 1 answered 2xx"


def test_set_changes_only_the_fields_bytes_in_a_pretty_printed_body(tmp_path):
    # A 529 B pretty-printed Stripe event went out as one compact line; the rest of its
    # bytes (indentation, key order, spacing) must stay as the provider sent them.
    [stripe] = [d for d in load_deliveries() if d["name"] == "stripe-payment-intent"]
    body = delivery_body(stripe)
    har = tmp_path / "stripe.har"
    with WebhookInbox() as inbox:
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(f"{inbox.url}/hooks/stripe", body, headers)
        urllib.request.urlopen(request).read()
        save_har(har, [c.request for c in inbox.wait_for(count=1)], inbox.url)
    with WebhookInbox() as inbox:
        edits = ["--set", "data.object.amount=4200", "--set", 'data.object.note="new"']
        result = send(str(har), "--to", inbox.url, *edits)
        assert result.returncode == 0, result.stdout + result.stderr
        [copy] = inbox.wait_for(count=1)
    expected = body.replace(b'"amount": 2000', b'"amount": 4200').replace(
        b'"order_id": "6735"\n      }\n', b'"order_id": "6735"\n      },\n      "note": "new"\n'
    )
    assert copy.body == expected


def test_set_edits_a_gzip_body_decoded_and_sends_it_gzip_as_r_does(tmp_path):
    # "--set needs a JSON body; this one is not valid JSON (not UTF-8 text)" for a gzip JSON
    # body, which R's editor decodes to edit: --set now does what R does, by its rule.
    text = b'{\n  "data": {"amount": 2000},\n  "id": "evt_1"\n}'
    har = tmp_path / "gzip.har"
    with WebhookInbox() as inbox:
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        request = urllib.request.Request(f"{inbox.url}/hooks/gz", gzip.compress(text), headers)
        urllib.request.urlopen(request).read()
        save_har(har, [c.request for c in inbox.wait_for(count=1)], inbox.url)
    with WebhookInbox() as inbox:
        result = send(str(har), "--to", inbox.url, "--set", "data.amount=4200")
        assert result.returncode == 0, result.stdout + result.stderr
        [copy] = inbox.wait_for(count=1)
    assert copy.header("content-encoding") == "gzip"
    assert gzip.decompress(copy.body) == text.replace(b"2000", b"4200")  # the rest as sent
    assert "(edited data.amount (re-encoded with gzip))" in result.stdout


def test_a_set_of_argument_bytes_that_are_not_utf8_is_a_usage_error(tmp_path):
    # Byte 0xff on the command line reaches Python as the lone surrogate U+DCFF; JSON text
    # can't hold that byte, and a body key "\udcff" is not what the user typed either (a
    # VALUE of such bytes: tests/core/test_json_edits.py).
    argument = os.fsdecode(b"\xff.x=1")
    result = send(str(tmp_path / "none.har"), "--to", "http://127.0.0.1:9", "--set", argument)
    assert result.returncode == 2
    assert result.stderr == (
        "whisper-tui send: error: --set \\xff.x=1: not UTF-8 text; a JSON body holds "
        'text: type the characters in UTF-8, or as JSON escapes ("\\u00ff") '
        "(see whisper-tui send --help)\n"
    )
    assert result.stdout == ""


def test_an_answer_outside_expect_exits_1_and_says_which(recorded):
    with WebhookInbox() as inbox:
        inbox.respond("POST /hooks/1 500")
        url = inbox.url
        result = send(str(recorded), "--to", url)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["ok", "FAIL", "ok"]
    assert " 500 " in lines[1] and lines[1].endswith(f"POST {url}/hooks/1?try=1")
    assert "2 of 3 answered 2xx" in result.stderr
    with WebhookInbox() as inbox:
        inbox.respond("ANY /* 500")
        assert send(str(recorded), "--to", inbox.url, "--expect", "5xx").returncode == 0


def test_an_unreachable_target_is_a_failed_send_not_a_traceback(recorded):
    with refused_port() as port:
        result = send(str(recorded), "--to", f"http://127.0.0.1:{port}")
    assert result.returncode == 1
    assert "connection refused" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "ftp://x"], "--to 'ftp://x'"),
        (["--to", "http://127.0.0.1:9", "--expect", "2yy"], "--expect '2yy'"),
        (["--to", "http://127.0.0.1:9", "--sign", "nope=1"], "--sign: unknown signature scheme"),
        (["--to", "http://127.0.0.1:9", "--sign", "stripe"], "--sign: expected SCHEME=SECRET"),
        (["--to", "http://127.0.0.1:9", "--sign", "stripe="], "--sign: empty secret"),
        (
            ["--to", "http://127.0.0.1:9", "--sign", "stripe=whsec_a", "--sign", "stripe=whsec_b"],
            "--sign stripe given twice; requests are signed with one",
        ),
        (["--to", "http://127.0.0.1:9", "--set", "=1"], "--set '=1'"),
        (["--to", "http://127.0.0.1:9", "--only", '"open'], "unbalanced quotes"),
        (["--to", "http://127.0.0.1:9", "--only", "status:abc"], "a status is a number"),
        (["--to", "http://127.0.0.1:9", "--only", "foo:bar"], "no field 'foo' in 'foo:bar'"),
        # sig: checks with the --sign secrets; with none, verified/failed could never match.
        (["--to", "http://127.0.0.1:9", "--only", "sig:failed"], "sig:failed: no secret is"),
        (["--to", "http://127.0.0.1:9", "--only", "provider:slak"], "provider:slak: one of"),
        # Each names the one that is wrong (one message used to cover both).
        (["--to", "http://127.0.0.1:9", "--delay", "-1"], "--delay -1: must be 0 or more"),
        (["--to", "http://127.0.0.1:9", "--timeout", "0"], "--timeout 0: must be more than 0"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(recorded, args, message):
    result = send(str(recorded), *args)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("whisper-tui send: error: ") and message in line


def test_send_help_gives_the_exit_statuses_and_the_readme_names_every_send_flag():
    from whisper_tui.send import build_parser

    help_text = " ".join(send("--help").stdout.split())
    for status in ("0 every answer matched", "1 any did not", "2 a usage error", "3 the file"):
        assert status in help_text
    assert "141 stdout's reader left" in help_text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("To send recorded deliveries", 1)[1].split("\n## ", 1)[0]
    flags = [f for a in build_parser()._actions for f in a.option_strings if f.startswith("--")]
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", section))
    missing = [f for f in flags if f != "--help" and f not in named]
    assert not missing, f"send flags the README's send section never names: {missing}"


def test_a_missing_file_is_a_usage_error(tmp_path):
    result = send(str(tmp_path / "nope.har"), "--to", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert "cannot load" in result.stderr and "No such file" in result.stderr


def test_progress_goes_to_stderr_for_long_files(tmp_path):
    with WebhookInbox() as inbox:
        for n in range(3):
            urllib.request.urlopen(f"{inbox.url}/p/{n}", data=b"x").read()
        captures = [c.request for c in inbox.wait_for(count=3)]
    har = tmp_path / "many.har"
    save_har(har, captures * 70, "http://127.0.0.1:1")
    with WebhookInbox() as target:
        result = send(str(har), "--to", target.url, "--json")
        assert len(target.wait_for(count=210)) == 210
    assert result.returncode == 0
    assert "100/210 sent" in result.stderr and "200/210 sent" in result.stderr
    assert len(result.stdout.splitlines()) == 210
    assert os.path.getsize(har) > 0


@pytest.mark.parametrize("as_json", [True, False])
def test_a_reader_that_leaves_stops_the_sends_quietly_with_141(tmp_path, as_json):
    # `send ... | head -n2`: once head has its lines and exits, the next write finds no
    # reader. Like `yes | head -n2` it stops there with 141 (128 + SIGPIPE), no traceback,
    # and no summary claiming how many were answered. --delay spaces the sends so head is
    # gone long before the file's end.
    with WebhookInbox() as inbox:
        urllib.request.urlopen(f"{inbox.url}/p", data=b"x").read()
        captures = [c.request for c in inbox.wait_for(count=1)]
    har = tmp_path / "many.har"
    save_har(har, captures * 40, "http://127.0.0.1:1")
    status = tmp_path / "status"
    with WebhookInbox() as target:
        flags = "--delay 0.05" + (" --json" if as_json else "")
        command = (
            f"{shlex.quote(sys.executable)} -m whisper_tui send {shlex.quote(str(har))}"
            f" --to {target.url} {flags} | head -n2; echo ${{PIPESTATUS[0]}} > {status}"
        )
        result = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
        delivered = len(target.captures)
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr == ""
    assert status.read_text().strip() == "141"
    assert 2 <= delivered < 40


def cut_after(har: Path, entries: int) -> None:
    """Cut `har` in the middle of the entry after the first `entries`, as a crash mid-save does."""
    data = har.read_bytes()
    start = data.index(b'"request"')
    for _ in range(entries):
        start = data.index(b'"request"', start + 1)
    har.write_bytes(data[: start + 30])


def cut_start(har: Path) -> int:
    """Where the cut (last) entry of a file `cut_after` cut starts: its `{`."""
    data = har.read_bytes()
    return data.rindex(b"{", 0, data.rindex(b'"request"'))


def test_a_file_cut_short_sends_what_came_before_says_where_and_exits_3(recorded):
    cut_after(recorded, 2)
    with WebhookInbox() as inbox:
        result = send(str(recorded), "--to", inbox.url)
        arrived = inbox.wait_for(count=2)
    assert result.returncode == 3, result.stderr
    assert [c.request.target for c in arrived] == ["/hooks/0?try=1", "/hooks/1?try=1"]
    assert [c.body for c in arrived] == BODIES[:2]
    assert [line.split()[:2] for line in result.stdout.splitlines()] == [["ok", "#1"], ["ok", "#2"]]
    first, last = result.stderr.splitlines()
    # The same words as --load's line, before any send: the cut entry is the 3rd (numbered
    # as the sends are, from 1), and the byte is where it starts (it said 'entry 2' and a
    # byte inside the 2nd, which was whole and sent).
    third = cut_start(recorded)
    assert first.startswith(f"whisper-tui send: {recorded}: entry 3 (near byte {third:,}): ")
    assert first.endswith("the file ends before it does (cut short, e.g. by a crash mid-save)")
    assert last == "whisper-tui send: 2 of 2 answered 2xx (the file was incomplete: see above)"


def test_a_failed_send_outranks_a_cut_file(recorded):
    cut_after(recorded, 2)
    with WebhookInbox() as inbox:
        inbox.respond("POST /hooks/1 500")
        result = send(str(recorded), "--to", inbox.url, "--json")
    assert result.returncode == 1
    assert [json.loads(line)["ok"] for line in result.stdout.splitlines()] == [True, False]
    [line] = result.stderr.splitlines()  # --json: no summary, the cut still said
    assert "cut short" in line


def test_a_file_cut_before_its_first_entry_sends_nothing_and_exits_3(recorded):
    cut_after(recorded, 0)
    with refused_port() as port:  # nothing is sent, and nothing would be answered
        result = send(str(recorded), "--to", f"http://127.0.0.1:{port}")
    assert result.returncode == 3
    assert result.stdout == ""
    # Not 'no entries match' (no --only was given) nor 'entry 0'.
    nothing = "whisper-tui send: nothing to send (no whole entry in the file)"
    assert result.stderr.splitlines()[1:] == [nothing]
    assert f"entry 1 (near byte {cut_start(recorded):,}): " in result.stderr


def test_lines_number_each_send_by_its_entry_in_the_file(recorded):
    # With --only the lines read #1, #2 for entries 2 and 3: numbers the file never showed.
    with WebhookInbox() as inbox:
        only = ["--only=-path:/hooks/0"]
        plain = send(str(recorded), "--to", inbox.url, *only)
        as_json = send(str(recorded), "--to", inbox.url, *only, "--json")
    assert [line.split()[:2] for line in plain.stdout.splitlines()] == [["ok", "#2"], ["ok", "#3"]]
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [(r["index"], r["entry"]) for r in records] == [(1, 2), (2, 3)]
    nothing = send(str(recorded), "--to", "http://127.0.0.1:9", "--only", "path:/nowhere")
    assert nothing.returncode == 1
    assert nothing.stderr == "whisper-tui send: nothing to send (no entries match --only)\n"


def test_a_file_that_is_not_har_stays_a_usage_error(tmp_path):
    path = tmp_path / "notes.har"
    path.write_text("[1, 2, 3]")
    result = send(str(path), "--to", "http://127.0.0.1:9")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"whisper-tui send: error: cannot load {path}: not a HAR document")


MULTIPART = (
    b"--b0undary\r\n"
    b'Content-Disposition: form-data; name="logo"; filename="logo.png"\r\n'
    b"Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\r\n--b0undary--\r\n"
)


@pytest.fixture
def unlike_bodies(tmp_path) -> Path:
    """A HAR of bodies --set can't edit as asked: JSON without `data`, a string where an object
    would be, an array too short, multipart with a PNG, an empty body, broken JSON."""
    har = tmp_path / "unlike.har"
    bodies = [
        ("/hooks/stripe", "application/json", b'{"type":"invoice.paid"}'),
        ("/hooks/string", "application/json", b'{"data":"plain"}'),
        ("/hooks/list", "application/json", b'{"data":[1,2]}'),
        ("/upload", "multipart/form-data; boundary=b0undary", MULTIPART),
        ("/empty", "application/json", b""),
        ("/broken", "application/json", b'{"data": '),
    ]
    with WebhookInbox() as inbox:
        for path, kind, body in bodies:
            request = urllib.request.Request(
                inbox.url + path, data=body, method="POST", headers={"Content-Type": kind}
            )
            urllib.request.urlopen(request).read()
        captures = [c.request for c in inbox.wait_for(count=len(bodies))]
        save_har(har, captures, inbox.url)
    return har


def test_a_set_that_does_not_fit_the_body_says_why_in_words(unlike_bodies):
    # One line a user understands per capture; never a Python exception's text ('data').
    with WebhookInbox() as inbox:
        result = send(str(unlike_bodies), "--to", inbox.url, "--set", "data.object.amount=4200")
        assert inbox.wait_for(count=0) == []
    assert result.returncode == 1
    reasons = [
        line.split(" not sent: ", 1)[1].rsplit(" POST ", 1)[0]
        for line in result.stdout.splitlines()
    ]
    assert reasons == [
        "--set data.object.amount: the body has no 'data'",
        "--set data.object.amount: data is a string, not an object or array",
        "--set data.object.amount: data is an array; 'object' is not an index (0 to 1)",
        "--set needs a JSON body; this one is multipart/form-data",
        "--set needs a JSON body; this one is empty",
        "--set needs a JSON body; this one is not valid JSON (line 1 column 10: expecting value)",
    ]


def test_a_set_into_json_nested_too_deeply_is_not_sent_and_says_why(tmp_path):
    # Python's json parser raises RecursionError (not a ValueError) past ~1,000 levels.
    deep = b"[" * 100_000 + b"]" * 100_000
    har = tmp_path / "deep.har"
    with WebhookInbox() as inbox:
        request = urllib.request.Request(
            inbox.url + "/deep",
            data=deep,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request).read()
        save_har(har, [c.request for c in inbox.wait_for(count=1)], inbox.url)
    with WebhookInbox() as inbox:
        result = send(str(har), "--to", inbox.url, "--set", "a=1")
        assert inbox.wait_for(count=0) == []
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert (
        "not sent: --set needs a JSON body it can edit; this one is nested too deeply"
        in result.stdout
    )


def test_a_set_into_an_array_names_the_indexes_there_are(unlike_bodies):
    with WebhookInbox() as inbox:
        result = send(
            str(unlike_bodies), "--to", inbox.url, "--only", "path:/hooks/list", "--set", "data.5=1"
        )
    assert "not sent: --set data.5: data has 2 items (0 to 1), no item 5" in result.stdout
    with WebhookInbox() as inbox:
        result = send(
            str(unlike_bodies), "--to", inbox.url, "--only", "path:/hooks/list", "--set", "data.1=7"
        )
        [copy] = inbox.wait_for(count=1)
    assert result.returncode == 0 and copy.json() == {"data": [1, 7]}


async def test_a_bug_while_preparing_a_send_is_raised_not_told_as_not_sent():
    # Only prepared()'s ValueErrors (a --set that doesn't fit, a signature that can't be
    # made) are a capture 'not sent'; here a plug-in scheme's signer has a bug.
    def buggy_sign(given: SigningInput) -> list[tuple[str, str]]:
        return [("X-Acme-Signature", given.headers[99][1])]  # IndexError: a bug

    def no_check(*_: object) -> Check:
        raise AssertionError("not called")

    register(Scheme("acmebug", 99, ("x-acme-bug",), no_check, sign=buggy_sign))
    capture = CapturedRequest(1, 1_764_000_000.0, "127.0.0.1", "POST", "/a", (1, 1), (), b"{}")
    plan = Plan(
        [capture], "http://127.0.0.1:9", {"acmebug": "s"}, [], 0.0, parse_expect("2xx"), False, 1.0
    )
    out = io.StringIO()
    try:
        with pytest.raises(IndexError):
            await send_all(plan, out, io.StringIO())
    finally:
        unregister("acmebug")
    assert "not sent" not in out.getvalue()


def test_a_to_url_s_password_is_masked_in_text_and_json_lines():
    from whisper_tui.core.models import Attempt
    from whisper_tui.send import json_record, text_line

    capture = CapturedRequest(1, 1.0, "127.0.0.1", "POST", "/a", (1, 1), (), b"")
    attempt = Attempt("http://admin:hunter2pass@127.0.0.1:3000/a", 0.0, status=200, latency=0.01)
    line = text_line(1, capture, attempt, True)
    record = json.loads(json_record(1, capture, attempt, True))
    assert line.endswith(" POST http://admin:***@127.0.0.1:3000/a") and "hunter2pass" not in line
    assert record["url"] == "http://admin:***@127.0.0.1:3000/a"


def test_ctrl_c_stops_the_sends_says_what_was_sent_and_exits_130(tmp_path):
    with WebhookInbox() as inbox:
        for n in range(5):
            urllib.request.urlopen(f"{inbox.url}/c/{n}", data=b"{}").read()
        captures = [c.request for c in inbox.wait_for(count=5)]
    har = tmp_path / "five.har"
    save_har(har, captures, "http://127.0.0.1:1")
    with WebhookInbox() as target:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "whisper_tui",
                "send",
                str(har),
                "--to",
                target.url,
                "--delay",
                "60",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            preexec_fn=sigint_as_in_a_terminal,
        )
        try:
            first = process.stdout.readline()  # sent; the next waits out its delay
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert first.startswith("ok   #1 200 ")
    assert out == ""
    assert process.returncode == 130
    assert err.splitlines() == [
        "whisper-tui send: 1 of 1 sent answered 2xx; stopped by Ctrl-C, 4 of 5 not sent"
    ]


@pytest.mark.parametrize("as_json", [False, True])
def test_a_sign_secret_is_masked_in_send_s_lines_text_and_json(tmp_path, as_json):
    # README "Secrets in output": send's lines never show a configured secret. A path that
    # holds the --sign secret printed it whole, in both forms.
    secret = "supersecretvalue123"
    with WebhookInbox() as inbox:
        urllib.request.urlopen(f"{inbox.url}/hooks/{secret}", data=b"{}").read()
        captures = [c.request for c in inbox.wait_for(count=1)]
    har = tmp_path / "one.har"
    save_har(har, captures, "http://127.0.0.1:1")
    with WebhookInbox() as target:
        args = ["send", str(har), "--to", target.url, "--sign", f"github={secret}"]
        done = subprocess.run(
            [sys.executable, "-m", "whisper_tui", *args, *(["--json"] if as_json else [])],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        arrived = target.wait_for(count=1)[0].request
    assert done.returncode == 0, done.stderr
    assert arrived.target == f"/hooks/{secret}"  # sent as recorded; only the line is masked
    assert secret not in done.stdout + done.stderr and "/hooks/***" in done.stdout
    if as_json:
        assert json.loads(done.stdout)["url"].endswith("/hooks/***")


def test_only_takes_provider_and_sig_judged_with_the_sign_secrets(tmp_path):
    from whisper_tui.send import make_plan

    def github(request_id: int, body: bytes, secret: str) -> CapturedRequest:
        mac = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers = ((b"X-Hub-Signature-256", f"sha256={mac}".encode()),)
        return CapturedRequest(request_id, 0.0, "127.0.0.1", "POST", "/gh", (1, 1), headers, body)

    plain = CapturedRequest(3, 0.0, "127.0.0.1", "POST", "/plain", (1, 1), (), b"x")
    har = tmp_path / "mixed.har"
    save_har(har, [github(1, b"{}", SECRET), github(2, b"[]", "forged"), plain], "http://h")
    to = ["--to", "http://127.0.0.1:9"]

    def sent(*args: str) -> list[str]:
        return [c.target for c in make_plan([str(har), *to, *args]).captures]

    assert sent("--only", "provider:github") == ["/gh", "/gh"]
    assert sent("--only", "sig:none") == ["/plain"]
    assert sent("--only", "sig:unchecked") == ["/gh", "/gh"]  # no --sign: nothing checked
    failed = make_plan([str(har), *to, "--only", "sig:failed", "--sign", f"github={SECRET}"])
    assert [c.body for c in failed.captures] == [b"[]"]
