"""Secrets never reach an output: every configured secret is masked in text we print.

Used for crash reports (the TUI's and headless mode's), headless output, and anything else that
writes text which might, through an error message, carry a secret back out.
"""

from __future__ import annotations

import base64
import binascii
import traceback
from collections.abc import Iterable
from typing import TextIO

MASK = "***"
MIN_SECRET_LENGTH = 4
"""Shorter 'secrets' would mask ordinary text everywhere; they are too weak to matter anyway."""
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


class Redactor:
    """Masks every form of the given secrets in text, longest first (so no tail survives)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            forms |= secret_forms(secret)
        self._forms = sorted(forms, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._forms)

    def redact(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def crash_report(self, error: BaseException) -> str:
        """The error's traceback, safe to print: no local variables (a standard traceback
        has none) and every secret masked (an exception message may quote one)."""
        return self.redact("".join(traceback.format_exception(error)))


class RedactingStream:
    """A text stream that masks secrets in everything written through it."""

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
