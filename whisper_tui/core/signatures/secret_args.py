"""Secrets as the user gives them: `--secret SCHEME=SECRET` and WHISPER_SECRET_<SCHEME>."""

from __future__ import annotations

from collections.abc import Mapping

from whisper_tui.core.signatures.checking import ENV_PREFIX, ordinal
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


ENV_SEPARATOR = ","
"""Between the secrets of one WHISPER_SECRET_<SCHEME> variable, for schemes whose secrets never
hold it (Scheme.comma_free_secrets); any other scheme's variable is one secret, commas and all."""


def secrets_from_env(environ: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Secrets from WHISPER_SECRET_<SCHEME> variables, per scheme in the order written;
    empty variables are ignored. Every error names the variable, never a secret."""
    found: dict[str, tuple[str, ...]] = {}
    named: dict[str, str] = {}  # scheme -> the variable that gave it
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or not value:
            continue
        suffix = name[len(ENV_PREFIX) :]
        try:
            scheme = get_scheme(suffix.replace("_", "-"))
        except ValueError:
            known = ", ".join(scheme_names())
            raise ValueError(
                f"{name}: unknown signature scheme {suffix.lower()!r}; known: {known}"
            ) from None
        comma_free = scheme.comma_free_secrets
        if scheme.name in named:
            # WHISPER_SECRET_SVIX and _STANDARD: one would be dropped without a word.
            raise ValueError(
                f"{named[scheme.name]} and {name} both give the {scheme.name} scheme's secrets; "
                "keep one" + (" (it may list several, separated by commas)" if comma_free else "")
            )
        named[scheme.name] = name
        found[scheme.name] = _listed(name, scheme.name, value, comma_free)
    return found


def _listed(variable: str, scheme: str, value: str, comma_free: bool) -> tuple[str, ...]:
    """The secrets one variable gives: split at commas where its scheme's secrets hold none,
    each one checked as a flag's would be."""
    secrets = value.split(ENV_SEPARATOR) if comma_free else [value]
    count = len(secrets)
    for position, secret in enumerate(secrets, 1):
        which = f" (the {ordinal(position)} of {count}, separated by commas)" if count > 1 else ""
        if not secret:
            raise ValueError(f"{variable}: an empty secret{which}; remove the extra comma")
        try:
            usable(scheme, secret)
        except ValueError as problem:
            raise ValueError(f"{variable}: {problem}{which}") from None
    return tuple(secrets)
