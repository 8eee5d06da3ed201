"""Secrets are masked in anything printed, in every form an error message might quote."""

from __future__ import annotations

import base64
import io

from hypothesis import given
from hypothesis import strategies as st

from whisper_tui.core.redaction import MASK, RedactingStream, Redactor, secret_forms

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
