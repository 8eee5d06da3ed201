"""The filter's signature terms: `provider:` (the scheme the headers name) and `sig:` (the
verdict, as the list's marker shows it).

provider:stripe   a capture carrying Stripe's signature headers (any scheme the app detects:
                  stripe, github, shopify, slack, standard, paddle, twilio)
sig:verified      every signature on it verified          (the list's ✓)
sig:failed        a signature on it failed                (✗)
sig:unchecked     signed, but no secret for its scheme    (?)  the detail's 'not checked',
                  --json's "no-secret" (sig:no-secret is the same term)
sig:none          no signature headers at all             (no marker)

Verdicts come from the secrets where the filter runs (the TUI's --secret, the pytest
fixture's settings, send's --sign), judged at each capture's arrival as the detail judges
it. With no secret at all nothing is checked: `sig:verified` and `sig:failed` could never
match, so they are refused (a filter error naming the term), while `sig:unchecked` and
`sig:none` still sort the signed from the unsigned.
"""

from __future__ import annotations

from collections.abc import Callable

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures import (
    SignatureSettings,
    detect_schemes,
    get_scheme,
    scheme_names,
)
from whisper_tui.core.verdicts import Verdicts

SIG_WORDS = ("verified", "failed", "unchecked", "none")
"""sig:'s values: the detail's words (verified, failed, 'not checked' as one word), and none."""
MARKERS = {"verified": "✓", "failed": "✗", "unchecked": "?", "none": ""}
"""What the list shows for each: sig: selects by the same rule (Verdicts.marker)."""
NEEDS_A_SECRET = ("verified", "failed")
SIG_ALIASES = {"no-secret": "unchecked"}
"""--json's status for the state (Verdict.status), typed as it is read there: the same term."""


def _sig_word(value: str) -> str:
    word = value.lower()
    return SIG_ALIASES.get(word, word)


def provider_problem(value: str) -> str | None:
    """Why `provider:value` can never match (None when it can): a name the app doesn't use
    (nor an alias of one: provider:svix is standard, as --secret svix=... is)."""
    try:
        get_scheme(value)
    except ValueError:
        return f"provider:{value[:20]}: one of {', '.join(scheme_names())}, e.g. provider:stripe"
    return None


def sig_problem(value: str, verdicts: Verdicts | None) -> str | None:
    """Why `sig:value` can never match (None when it can): an unknown word, or a verdict
    that needs a secret where none is configured."""
    word = _sig_word(value)
    if word not in SIG_WORDS:
        return f"sig:{value[:20]}: one of {', '.join(SIG_WORDS)}, e.g. sig:failed"
    if word in NEEDS_A_SECRET and not has_secrets(verdicts):
        return (
            f"sig:{word}: no secret is configured, so no signature is checked "
            "(signed captures are sig:unchecked)"
        )
    return None


def has_secrets(verdicts: Verdicts | None) -> bool:
    return verdicts is not None and any(verdicts.settings.secrets.values())


def provider_check(value: str) -> Callable[[CapturedRequest], bool]:
    """A capture whose headers carry this scheme's signature (as the detail detects it)."""
    name = get_scheme(value).name
    return lambda request: name in detect_schemes(request)


def sig_check(value: str, verdicts: Verdicts | None) -> Callable[[CapturedRequest], bool]:
    """A capture whose verdicts read as `value` (the list's marker for it). Without verdicts
    (no secrets given to the caller) every signed capture is unchecked."""
    judge = verdicts if verdicts is not None else Verdicts(SignatureSettings(secrets={}))
    marker = MARKERS[_sig_word(value)]
    return lambda request: judge.marker(request) == marker
