"""Webhook signature checks and re-signing, one module per sender scheme.

Each provider module (stripe.py, github.py, ...) declares a `Scheme` and registers it; the
package imports them all below, so adding a provider is adding one module. Everything else
here is shared: detection and checking, hints, re-signing, secrets from the command line.
"""

from __future__ import annotations

from whisper_tui.core.signatures.checking import ENV_PREFIX, detect_schemes, verify
from whisper_tui.core.signatures.registry import (
    SchemeNames,
    get_scheme,
    load_builtin,
    register,
    scheme_names,
    schemes,
    unregister,
)
from whisper_tui.core.signatures.scheme import (
    DEFAULT_TOLERANCE,
    Check,
    Malformed,
    Scheme,
    SecretKind,
    SignatureSettings,
    SigningInput,
)
from whisper_tui.core.signatures.secret_args import parse_secret_arg, secrets_from_env
from whisper_tui.core.signatures.signing import can_sign, resign_note, sign
from whisper_tui.core.signatures.verdict import Verdict, format_duration

SCHEMES: SchemeNames = SchemeNames()
"""Every registered scheme's name, in the order verdicts are reported (a live view)."""

load_builtin()

__all__ = [
    "DEFAULT_TOLERANCE",
    "ENV_PREFIX",
    "SCHEMES",
    "Check",
    "Malformed",
    "Scheme",
    "SecretKind",
    "SignatureSettings",
    "SigningInput",
    "Verdict",
    "can_sign",
    "detect_schemes",
    "format_duration",
    "get_scheme",
    "parse_secret_arg",
    "register",
    "resign_note",
    "scheme_names",
    "schemes",
    "secrets_from_env",
    "sign",
    "unregister",
    "verify",
]
