"""pytest plugin (registered through the `pytest11` entry point): the `webhook_inbox` fixture.

    def test_signup_sends_a_webhook(webhook_inbox):
        trigger_signup(webhook_url=webhook_inbox.url + "/hooks/signup")
        [delivery] = webhook_inbox.wait_for("method:POST path:/hooks/signup")
        assert delivery.json()["event"] == "user.created"

Each test gets its own capture server on a free 127.0.0.1 port (no TUI), stopped afterwards.
Signing secrets come from the `webhook_inbox` marker, as pytest plugins take per-test
options (pytest-django's `django_db`, pytest-asyncio's `asyncio`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from whisper_tui.inbox import WebhookInbox

MARKER = "webhook_inbox"


def pytest_configure(config: pytest.Config) -> None:
    # Registered, so --strict-markers accepts it and `pytest --markers` lists it.
    config.addinivalue_line(
        "markers",
        f"{MARKER}(secrets={{scheme: secret or [secrets]}}): signing secrets for the "
        "webhook_inbox fixture, so sig:verified / sig:failed and the verdicts are judged "
        "with them (as whisper-tui --secret does)",
    )


@pytest.fixture
def webhook_inbox(request: pytest.FixtureRequest) -> Iterator[WebhookInbox]:
    """A capture server for this test: `.url`, `.wait_for(query, count, timeout)`, `.respond()`;
    signing secrets (for sig:verified, sig:failed) by marker:
    @pytest.mark.webhook_inbox(secrets={"github": "...", "stripe": ["whsec_a", "whsec_b"]}).

    The marker goes on the test, its class or module (`pytestmark`); the closest wins.
    Signatures are judged with its secrets as each delivery arrives:

        @pytest.mark.webhook_inbox(secrets={"github": "...", "stripe": ["whsec_a", "whsec_b"]})
        def test_push_is_signed(webhook_inbox): ...

    Several secrets for a scheme: any one verifies. `delivery.verify(scheme, secret)` checks
    one capture with a secret given there and then, without the marker.
    """
    # Imported here, not at the top: every pytest run of a project that has whisper-tui
    # installed loads this plugin, and only tests that use the fixture should pay for aiohttp.
    from whisper_tui.inbox import WebhookInbox

    marker = request.node.get_closest_marker(MARKER)
    options = dict(marker.kwargs) if marker else {}
    secrets = options.pop("secrets", None)
    if options or (marker and marker.args):
        # Positional arguments are counted, never shown: one may well be the secrets dict
        # given without `secrets=`, and this line ends up in CI logs. Keyword names are shown.
        count = len(marker.args) if marker else 0
        given = [f"{count} positional argument{'s' if count > 1 else ''}"] if count else []
        unknown = ", ".join([*given, *options])
        pytest.fail(
            f"@pytest.mark.{MARKER} takes only secrets={{...}}, not {unknown}", pytrace=False
        )
    if secrets is not None and not isinstance(secrets, Mapping):
        pytest.fail(f"@pytest.mark.{MARKER}: secrets is a dict, scheme -> secret(s)", pytrace=False)
    try:
        inbox = WebhookInbox(secrets=secrets)
    except ValueError as problem:  # an unknown scheme, an unusable secret: never echoed
        pytest.fail(f"@pytest.mark.{MARKER}: {problem}", pytrace=False)
    with inbox:
        yield inbox
