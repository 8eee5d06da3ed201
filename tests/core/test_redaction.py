"""Secrets are masked in anything printed, in every form an error message might quote."""

from __future__ import annotations

import base64
import io

from hypothesis import given
from hypothesis import strategies as st

from whisper_tui.core.redaction import (
    MASK,
    RedactingStream,
    Redactor,
    secret_forms,
    short_secret_warnings,
    shown_text,
    shown_url,
    url_password,
)

KEY = b"\x01\x02raw key bytes\xff"
SECRET = "whsec_" + base64.b64encode(KEY).decode()


def test_every_form_of_a_prefixed_key_is_masked():
    redactor = Redactor([SECRET])
    text = f"bad {SECRET}; bare {SECRET[6:]}; bytes {KEY!r}; hex {KEY.hex()}"
    shown = redactor.redact(text)
    assert SECRET[6:] not in shown
    assert repr(KEY)[2:-1] not in shown
    assert KEY.hex() not in shown
    assert shown.count(MASK) == 4


def test_plain_secrets_are_masked_and_short_ones_are_ignored():
    redactor = Redactor(["It's a Secret to Everybody", "ab"])
    assert redactor.redact("x It's a Secret to Everybody y ab") == "x *** y ab"
    assert secret_forms("ab") == set()
    assert not Redactor([])


@given(st.text(), st.text(min_size=4))
def test_no_secret_survives_redaction(prefix, secret):
    shown = Redactor([secret]).redact(prefix + secret + prefix)
    assert secret not in shown or MASK in secret


def test_a_redacting_stream_masks_what_is_written_and_behaves_like_the_stream():
    target = io.StringIO()
    stream = RedactingStream(target, Redactor(["hunter2hunter2"]))
    assert stream.write("password=hunter2hunter2\n") == len("password=hunter2hunter2\n")
    stream.flush()
    assert target.getvalue() == "password=***\n"
    assert stream.isatty() is False


def test_a_crash_report_is_the_traceback_with_secrets_masked():
    secret = "hunter2hunter2"
    try:
        raise ValueError(f"bad key {secret}")
    except ValueError as error:
        report = Redactor([secret]).crash_report(error)
    assert "Traceback (most recent call last)" in report
    assert "ValueError: bad key ***" in report and secret not in report


def test_values_are_masked_in_strings_never_in_keys_numbers_or_structure():
    # Masking the serialized text turned `"size":12345` into `"size":***` (invalid JSON) and
    # every `{"name": ..., "value": ...}` into `{"***": ...}` for secrets 'name' and 'value'.
    redactor = Redactor(["12345", "name", "value"])
    record = {"size": 12345, "headers": [{"name": "Host", "value": "a name"}], "ok": None}
    masked, changed = redactor.redact_values(record)
    assert masked == {"size": 12345, "headers": [{"name": "Host", "value": "a ***"}], "ok": None}
    assert changed
    assert redactor.redact_values({"size": 12345}) == ({"size": 12345}, False)


def test_bytes_are_masked_in_their_utf8_form():
    redactor = Redactor(["pässwörd-geheim"])
    assert redactor.redact_bytes("x=pässwörd-geheim\xff".encode() + b"\xff") == (
        "x=***\xff".encode() + b"\xff"
    )


def test_a_url_shows_its_password_masked_and_nothing_else_changed():
    assert shown_url("http://admin:hunter2pass@127.0.0.1:18300/x?a=b@c") == (
        "http://admin:***@127.0.0.1:18300/x?a=b@c"
    )
    for plain in ("http://127.0.0.1:3000/a@b", "http://admin@h/", "http://:@h/", "not a url"):
        assert shown_url(plain) == plain
    assert url_password("https://u:p%40ss@h") == "p%40ss"


@given(st.text(alphabet="abc:%!$'()*+,;=", min_size=1))
def test_no_url_password_survives_showing(password):
    shown = shown_url(f"http://user:{password}@example.test/path")
    assert shown == "http://user:***@example.test/path"


def test_a_preview_masks_only_the_url_s_own_credentials():
    text = "curl 'http://admin:hunter2pass@127.0.0.1:3000/x' -d 'hunter2pass'"
    assert shown_text(text, "http://admin:hunter2pass@127.0.0.1:3000") == (
        "curl 'http://admin:***@127.0.0.1:3000/x' -d 'hunter2pass'"
    )


def test_a_forward_url_s_password_is_masked_in_a_crash_report():
    redactor = Redactor([], urls=["http://admin:hunter%32pass@127.0.0.1:3000"])
    try:
        raise OSError("cannot reach http://admin:hunter2pass@127.0.0.1:3000")
    except OSError as error:
        report = redactor.crash_report(error)
    assert "hunter2pass" not in report and "admin:***@" in report


def test_short_secrets_are_warned_about_by_scheme_never_shown():
    pairs = [("github", "test"), ("twilio", "ab"), ("stripe", "whsec_" + "x" * 32)]
    warnings = list(short_secret_warnings(pairs))
    assert len(warnings) == 2
    assert warnings[0].startswith("the github secret is 4 characters long: *** replaces")
    assert warnings[1].startswith("the twilio secret is 2 character(s) long: too short to mask")
    assert not any("test" in line or "ab " in line for line in warnings)


@given(st.text(), st.text(min_size=4), st.text())
def test_a_record_holding_a_secret_anywhere_in_a_string_is_masked(prefix, secret, suffix):
    # The shortcut (one orjson dump searched for each form as JSON spells it) must never
    # miss a secret that JSON escapes: a quote, a backslash, non-ASCII, a control character.
    record: dict[str, object] = {"n": 1, "items": [{"text": prefix + secret + suffix}]}
    changed = Redactor([secret]).redact_record(record)
    assert changed == ["items"] or MASK in secret
    [item] = record["items"]  # type: ignore[misc]
    assert secret not in item["text"] or MASK in secret


def test_a_record_without_a_secret_is_left_as_it_is():
    record: dict[str, object] = {"size": 12345, "text": "nothing here", "body": "12345"}
    assert Redactor(["12345"]).redact_record(record, skip="body") == []
    assert record == {"size": 12345, "text": "nothing here", "body": "12345"}


def test_a_secret_given_as_bytes_that_are_not_utf8_is_masked_and_starts_nothing_failing():
    # From argv or the environment such bytes arrive as lone surrogates (surrogateescape);
    # a GitHub secret is any text. Making the redactor raised UnicodeEncodeError at start.
    secret = b"\xffsecretsecretsecret".decode("utf-8", "surrogateescape")
    redactor = Redactor([secret])
    assert redactor.redact_bytes(b"body: \xffsecretsecretsecret!") == b"body: ***!"
    assert redactor.redact(f"said {secret} once") == "said *** once"
    record: dict[str, object] = {"note": f"a {secret}", "size": 3}
    assert redactor.redact_record(record) == ["note"] and record["note"] == "a ***"
