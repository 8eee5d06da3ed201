"""Secrets never reach an output: the one place that decides what is masked and how.

Every configured secret (and the password of a --forward URL) is masked in text we print:
crash reports (the TUI's and headless mode's), headless lines, stderr notes. Structured output
(--json lines) is masked before it is serialized, value by value, so its structure stays valid
and a secret that JSON would escape (`p\\u00e4ss`, `\\"`) is still found. URLs shown on screen
or printed carry `user:***@` instead of their password (`shown_url`); the real URL is what
connects and what a runnable export or a --save HAR holds.
"""

from __future__ import annotations

import base64
import binascii
import json
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO
from urllib.parse import unquote

from whisper_tui.core.signatures.common import key_bytes

_orjson_dumps: Callable[[Any], bytes] | None
try:
    from orjson import dumps as _orjson_dumps
except ImportError:  # not CPython: every record is walked
    _orjson_dumps = None

MASK = "***"
MIN_SECRET_LENGTH = 4
"""Shorter 'secrets' would mask ordinary text everywhere; they are too weak to matter anyway."""
SHORT_SECRET_LENGTH = 12
"""A secret shorter than this masks ordinary words too (`test` in `/hooks/test`): said at start.
Providers' generated secrets (whsec_..., 32 hex digits) are longer; a GitHub secret is typed."""
_KEY_PREFIXES = ("whsec_", "whpk_", "whsk_", "pdl_ntfset_")


def secret_forms(secret: str) -> set[str]:
    """The secret and the forms an error message might show it in (unprefixed, key bytes)."""
    forms = {secret}
    for prefix in _KEY_PREFIXES:
        if secret.startswith(prefix):
            bare = secret[len(prefix) :]
            forms.add(bare)
            try:
                # Base64 keys (Standard Webhooks, Svix): a repr of the decoded bytes too.
                raw = base64.b64decode(bare, validate=True)
            except (binascii.Error, ValueError):
                continue
            forms.add(repr(raw)[2:-1])
            forms.add(raw.hex())
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


def _userinfo_span(url: str) -> tuple[int, int] | None:
    """Where a URL's password is (start, end in `url`), or None when it has none."""
    scheme_end = url.find("://")
    if scheme_end < 0:
        return None
    start = scheme_end + 3
    end = len(url)
    for stop in "/?#":
        found = url.find(stop, start)
        if 0 <= found < end:
            end = found
    at = url.rfind("@", start, end)
    colon = url.find(":", start, at) if at >= 0 else -1
    if colon < 0 or colon + 1 == at:
        return None
    return colon + 1, at


def url_password(url: str) -> str | None:
    """The password in a URL's userinfo as written (percent-encoding kept), or None."""
    span = _userinfo_span(url)
    return None if span is None else url[span[0] : span[1]]


def shown_url(url: str) -> str:
    """The URL to show or print: `http://admin:***@host/...` when it carries a password."""
    span = _userinfo_span(url)
    return url if span is None else url[: span[0]] + MASK + url[span[1] :]


def shown_text(text: str, url: str) -> str:
    """`text` (an export's preview, say) with `url`'s userinfo password masked where it appears."""
    span = _userinfo_span(url)
    if span is None:
        return text
    # 'user:password@host' as the URL spells it, so a password that is ordinary text elsewhere
    # in the preview (a body) is not masked: only the URL's own credentials.
    userinfo_at = url[url.find("://") + 3 : span[1] + 1]
    masked = url[url.find("://") + 3 : span[0]] + MASK + "@"
    return text.replace(userinfo_at, masked)


def short_secret_warnings(pairs: Iterable[tuple[str, str]]) -> Iterator[str]:
    """One line per (scheme, secret) that masks ordinary text or can't be masked; never
    echoing the secret (said once, at start)."""
    for scheme, secret in pairs:
        length = len(secret)
        if length < MIN_SECRET_LENGTH:
            yield (
                f"the {scheme} secret is {length} character(s) long: too short to mask, it "
                "shows wherever it appears in output"
            )
        elif length < SHORT_SECRET_LENGTH:
            yield (
                f"the {scheme} secret is {length} characters long: {MASK} replaces that text "
                "wherever it appears in output, paths and bodies too (--json lines list the "
                'fields it changed in "masked")'
            )


class Redactor:
    """Masks every form of the given secrets in text, longest first (so no tail survives)."""

    def __init__(self, secrets: Iterable[str], urls: Iterable[str] = ()) -> None:
        """`urls`: URLs whose passwords are secrets too (--forward's, which errors may quote)."""
        forms: set[str] = set()
        for secret in secrets:
            forms |= secret_forms(secret)
        for url in urls:
            password = url_password(url)
            if password:
                both = (password, unquote(password))
                forms |= {form for form in both if len(form) >= MIN_SECRET_LENGTH}
        self._forms = sorted(forms, key=len, reverse=True)
        self._encoded = [key_bytes(form) for form in self._forms]
        # Each form as it reads inside a JSON string that orjson wrote (UTF-8, `"` and `\`
        # escaped, as json.dumps without ensure_ascii): found in a record's dump whenever a
        # string in it holds the form. A form with a control character (escaped in ways the
        # two might spell differently) or a lone surrogate (a secret given as bytes that are
        # not UTF-8, which orjson refuses) leaves no shortcut: such records are always walked.
        self._in_json: list[bytes] | None = None
        if not any(
            ord(char) < 0x20 or 0xD800 <= ord(char) <= 0xDFFF
            for form in self._forms
            for char in form
        ):
            self._in_json = [
                json.dumps(form, ensure_ascii=False)[1:-1].encode() for form in self._forms
            ]

    def __bool__(self) -> bool:
        return bool(self._forms)

    def redact(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def redact_bytes(self, data: bytes) -> bytes:
        """Bytes with every secret's UTF-8 form masked: a body printed as text or base64."""
        for form in self._encoded:
            if form in data:
                data = data.replace(form, MASK.encode())
        return data

    def redact_values(self, value: object) -> tuple[object, bool]:
        """`value` (JSON-ready: dicts, lists, strings, numbers) with secrets masked in its
        strings, never in a dict's keys, numbers or structure; and whether any was masked.

        Masking the serialized text instead broke the line (`"size":***` for a 5-digit
        secret) and missed a secret that JSON escapes (`\\u00e4`, `\\"`).
        """
        if isinstance(value, str):
            shown = self.redact(value)
            return shown, shown != value
        if isinstance(value, dict):
            masked = False
            result: dict[object, object] = {}
            for key, item in value.items():
                result[key], changed = self.redact_values(item)
                masked = masked or changed
            return result, masked
        if isinstance(value, list | tuple):
            pairs = [self.redact_values(item) for item in value]
            return [item for item, _ in pairs], any(changed for _, changed in pairs)
        return value, False

    def redact_record(self, record: dict[str, object], skip: str = "") -> list[str]:
        """Mask `record`'s values in place (redact_values; `skip` left as it is); returns the
        names of the fields it changed.

        Most records hold no secret: one orjson dump searched for every form (~2 us for a
        headless line) says so without walking the record in Python (~17 us)."""
        if _orjson_dumps is not None and self._in_json is not None:
            try:
                dumped = _orjson_dumps(record)
            except TypeError:  # a lone surrogate: walk
                dumped = None
            if dumped is not None and not any(form in dumped for form in self._in_json):
                return []
        changed = []
        for name, value in record.items():
            if name != skip:
                record[name], masked = self.redact_values(value)
                if masked:
                    changed.append(name)
        return changed

    def crash_report(self, error: BaseException) -> str:
        """The error's traceback, safe to print: no local variables (a standard traceback
        has none) and every secret masked (an exception message may quote one)."""
        return self.redact("".join(traceback.format_exception(error)))


class RedactingStream:
    """A text stream that masks secrets in everything written through it (stderr's notes,
    logged tracebacks); never a stream of JSON lines, which are masked value by value."""

    def __init__(self, stream: TextIO, redactor: Redactor) -> None:
        self._stream = stream
        self._redactor = redactor

    def write(self, text: str) -> int:
        self._stream.write(self._redactor.redact(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> object:
        # isatty(), fileno(), encoding... behave as the wrapped stream's.
        return getattr(self._stream, name)
