"""Secrets as the user gives them: `--secret SCHEME=SECRET` and WHISPER_SECRET_<SCHEME>."""

from __future__ import annotations

from collections.abc import Mapping

from whisper_tui.core.signatures.checking import ENV_PREFIX
from whisper_tui.core.signatures.registry import get_scheme, scheme_names
from whisper_tui.core.signatures.scheme import Malformed


def parse_secret_arg(text: str) -> tuple[str, str]:
    """'SCHEME=SECRET' (as given to --secret or send's --sign) -> (scheme, secret).

    The errors name no flag: the caller's parser says which one was given.
    """
    scheme, sep, secret = text.partition("=")
    if not sep or not scheme.strip():
        # The text is not echoed: it may be a secret typed without its scheme.
        raise ValueError("expected SCHEME=SECRET (e.g. github=mysecret)")
    if not secret:
        raise ValueError(f"empty secret for {scheme.strip()!r}; expected SCHEME=SECRET")
    found = get_scheme(scheme)
    usable(found.name, secret)
    return found.name, secret


def usable(scheme: str, secret: str) -> None:
    """ValueError, without the secret, when `scheme` can't make a key of it (a Standard
    Webhooks secret that is not base64): better said once at start than at each delivery."""
    key_of = get_scheme(scheme).secret_key
    if key_of is None:
        return
    try:
        key_of(secret)
    except Malformed as problem:
        raise ValueError(f"{scheme}: {problem}") from None


def secrets_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """Secrets from WHISPER_SECRET_<SCHEME> variables; empty values are ignored."""
    found: dict[str, str] = {}
    named: dict[str, str] = {}  # scheme -> the variable that gave it
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or not value:
            continue
        suffix = name[len(ENV_PREFIX) :]
        try:
            scheme = get_scheme(suffix.replace("_", "-")).name
        except ValueError:
            known = ", ".join(scheme_names())
            raise ValueError(
                f"{name}: unknown signature scheme {suffix.lower()!r}; known: {known}"
            ) from None
        try:
            usable(scheme, value)
        except ValueError as problem:
            raise ValueError(f"{name}: {problem}") from None
        if scheme in named:
            # WHISPER_SECRET_SVIX and _STANDARD: one would be dropped without a word.
            raise ValueError(
                f"{named[scheme]} and {name} both give the {scheme} scheme's secret; keep one "
                "(several secrets go in repeated --secret flags or a [secrets] list)"
            )
        named[scheme] = name
        found[scheme] = value
    return found
