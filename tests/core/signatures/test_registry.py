"""The scheme registry: built-ins found by module, outside schemes joining and leaving."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from tests.helpers import wait_for_screen
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.core.signatures import (
    SCHEMES,
    Check,
    Scheme,
    SignatureSettings,
    detect_schemes,
    get_scheme,
    parse_secret_arg,
    register,
    scheme_names,
    schemes,
    sign,
    unregister,
    verify,
)
from whisper_tui.core.signatures.registry import load_builtin

DUMMY_MODULE = "tests.fixtures.addons.dummy_scheme"
BUILTIN = ("stripe", "github", "shopify", "slack", "standard", "paddle", "twilio")


def _never(*_: object) -> Check:
    raise AssertionError("not called")


@pytest.fixture
def dummy() -> Iterator[ModuleType]:
    """The dummy provider, imported fresh (so its import registers it), removed afterwards."""
    sys.modules.pop(DUMMY_MODULE, None)
    assert "dummy" not in SCHEMES
    module = importlib.import_module(DUMMY_MODULE)
    try:
        yield module
    finally:
        unregister("dummy")
        sys.modules.pop(DUMMY_MODULE, None)


def dummy_request(body: bytes, signature: str, request_id: int = 1) -> CapturedRequest:
    return CapturedRequest(
        id=request_id,
        received_at=1_764_000_000.0,
        remote="127.0.0.1",
        method="POST",
        target="/hooks/dummy",
        http_version=(1, 1),
        raw_headers=(
            (b"Content-Type", b"application/json"),
            (b"X-Dummy-Signature", signature.encode()),
        ),
        body=body,
    )


def dummy_mac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------------------------------
# Built-in providers


def test_every_builtin_provider_module_registers_itself_in_report_order() -> None:
    assert scheme_names() == BUILTIN
    assert tuple(SCHEMES) == BUILTIN
    assert [s.order for s in schemes()] == sorted(s.order for s in schemes())


def test_loading_the_builtins_again_changes_nothing() -> None:
    before = schemes()
    load_builtin()
    assert schemes() == before


def test_schemes_is_a_live_sequence_of_names() -> None:
    assert len(SCHEMES) == len(BUILTIN)
    assert SCHEMES[0] == "stripe"
    assert SCHEMES[-2:] == ("paddle", "twilio")
    assert "github" in SCHEMES
    assert ", ".join(SCHEMES).startswith("stripe, github")


def test_names_resolve_in_any_case_and_through_aliases() -> None:
    assert get_scheme(" GitHub ").name == "github"
    assert get_scheme("svix").name == "standard"
    with pytest.raises(ValueError, match=r"^unknown signature scheme 'acme'; known: stripe, "):
        get_scheme("acme")


def test_every_name_imported_from_the_package_before_it_was_split_still_imports() -> None:
    import whisper_tui.core.signatures as package

    for name in (
        "SCHEMES",
        "SignatureSettings",
        "Verdict",
        "detect_schemes",
        "format_duration",
        "parse_secret_arg",
        "secrets_from_env",
        "sign",
        "verify",
        "ENV_PREFIX",
    ):
        assert hasattr(package, name), name


# ---------------------------------------------------------------------------------------------
# Registering and unregistering


def test_a_taken_name_or_alias_is_refused() -> None:
    with pytest.raises(ValueError, match="'github' is already registered"):
        register(Scheme("github", 1, ("x-other",), _never))
    with pytest.raises(ValueError, match="'svix' is already registered"):
        register(Scheme("acme", 1, ("x-acme",), _never, aliases=("svix",)))
    assert "acme" not in SCHEMES


def test_names_and_headers_must_be_lowercase() -> None:
    with pytest.raises(ValueError, match="lowercase"):
        register(Scheme("Acme", 1, ("x-acme",), _never))
    with pytest.raises(ValueError, match="detect_headers must be lowercase"):
        register(Scheme("acme", 1, ("X-Acme",), _never))


def test_registering_the_same_scheme_twice_is_harmless() -> None:
    github = get_scheme("github")
    assert register(github) is github
    assert scheme_names() == BUILTIN


def test_a_registered_scheme_takes_its_place_by_order_and_leaves_with_its_aliases() -> None:
    acme = Scheme("acme", 15, ("x-acme-signature",), _never, aliases=("acme-hooks",))
    register(acme)
    try:
        assert scheme_names()[:3] == ("stripe", "acme", "github")
        assert get_scheme("acme-hooks") is acme
    finally:
        assert unregister("acme") is acme
    assert scheme_names() == BUILTIN
    with pytest.raises(ValueError, match="unknown signature scheme 'acme-hooks'"):
        get_scheme("acme-hooks")


def test_a_scheme_that_cannot_sign_is_refused_by_sign() -> None:
    register(Scheme("acme", 99, ("x-acme-signature",), _never))
    try:
        with pytest.raises(ValueError, match=r"^acme requests can't be re-signed$"):
            sign(b"", "acme", "k", [], 1)
    finally:
        unregister("acme")


# ---------------------------------------------------------------------------------------------
# A provider in one outside module


def test_the_dummy_module_registers_on_import_and_is_detected_and_verified(
    dummy: ModuleType,
) -> None:
    body = b'{"ok": true}'
    good = dummy_request(body, dummy_mac("dummy-secret", body))
    settings = SignatureSettings({"dummy": "dummy-secret"})

    assert get_scheme("dummy") is dummy.SCHEME
    assert scheme_names()[-1] == "dummy"
    assert detect_schemes(good) == ["dummy"]
    [verdict] = verify(good, settings)
    assert verdict.line() == "signature: verified (dummy)"

    bad = dummy_request(body + b" ", dummy_mac("dummy-secret", body))
    [verdict] = verify(bad, settings)
    assert verdict.status == "failed"
    assert verdict.reason.startswith("X-Dummy-Signature does not match (tried ")

    [verdict] = verify(good, SignatureSettings({}))
    assert "--secret dummy=... or set WHISPER_SECRET_DUMMY" in verdict.reason


def test_the_dummy_scheme_takes_secrets_and_re_signs_like_a_builtin(dummy: ModuleType) -> None:
    assert parse_secret_arg("dummy-hooks=s") == ("dummy", "s")
    headers = sign(b"edited", "dummy", "s", [("X-Dummy-Signature", "00")])
    assert headers == [("X-Dummy-Signature", dummy_mac("s", b"edited"))]


def test_the_dummy_scheme_is_gone_once_unregistered() -> None:
    sys.modules.pop(DUMMY_MODULE, None)
    importlib.import_module(DUMMY_MODULE)
    unregister("dummy")
    sys.modules.pop(DUMMY_MODULE, None)
    request = dummy_request(b"{}", dummy_mac("k", b"{}"))
    assert detect_schemes(request) == []
    assert "dummy" not in SCHEMES


async def test_the_app_shows_the_dummy_schemes_verdict_in_the_detail(dummy: ModuleType) -> None:
    from whisper_tui.ui.app import WhisperApp

    body = b'{"event": "dummy.created"}'
    app = WhisperApp(Settings(port=0, secrets=(("dummy", "dummy-secret"),)))
    async with app.run_test(size=(180, 45)) as pilot:
        app.store.add(dummy_request(body, dummy_mac("dummy-secret", body), app.store.next_id()))
        text = await wait_for_screen(pilot, app, "signature: verified (dummy)")
        assert "✓" in text

        tampered = dummy_request(body + b"!", dummy_mac("dummy-secret", body), app.store.next_id())
        app.store.add(tampered)
        await wait_for_screen(
            pilot, app, "signature: failed (dummy): X-Dummy-Signature does not match"
        )


def test_a_scheme_registered_after_a_layout_was_seen_is_detected_on_it() -> None:
    # Detection is remembered per header layout; a new scheme must not find it stale.
    request = CapturedRequest(
        1, 0.0, "", "POST", "/", (1, 1), ((b"Host", b"h"), (b"X-Acme-Signature", b"s")), b""
    )
    assert detect_schemes(request) == []
    register(Scheme("acme", 99, ("x-acme-signature",), _never))
    try:
        assert detect_schemes(request) == ["acme"]
    finally:
        unregister("acme")
    assert detect_schemes(request) == []
