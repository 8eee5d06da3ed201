"""Secrets as the user gives them: `--secret SCHEME=SECRET` and WHISPER_SECRET_<SCHEME>."""

from __future__ import annotations

from collections.abc import Mapping

from whisper_tui.core.signatures.checking import ENV_PREFIX
from whisper_tui.core.signatures.registry import get_scheme, scheme_names


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
    return get_scheme(scheme).name, secret


def secrets_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """Secrets from WHISPER_SECRET_<SCHEME> variables; empty values are ignored."""
    found: dict[str, str] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or not value:
            continue
        suffix = name[len(ENV_PREFIX) :]
        try:
            found[get_scheme(suffix.replace("_", "-")).name] = value
        except ValueError:
            known = ", ".join(scheme_names())
            raise ValueError(
                f"{name}: unknown signature scheme {suffix.lower()!r}; known: {known}"
            ) from None
    return found
