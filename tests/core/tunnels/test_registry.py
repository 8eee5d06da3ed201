"""The tunnel kinds and --tunnel's spec: one module per kind, one-line errors."""

from __future__ import annotations

import pytest

from whisper_tui.core.tunnels import (
    Tunnel,
    TunnelSpec,
    create_tunnel,
    kinds,
    parse_tunnel,
    register,
    unregister,
    usages,
)
from whisper_tui.core.tunnels.ssh import SshTunnel


def test_the_built_in_kinds_are_registered_by_their_modules():
    assert [kind.kind for kind in kinds()] == ["cloudflared", "ngrok", "ssh"]
    assert usages() == "cloudflared, ngrok or ssh:[USER@]HOST[:PORT]"


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("ngrok", TunnelSpec("ngrok")),
        (" Cloudflared ", TunnelSpec("cloudflared")),
        ("ssh:me@host.example:9000", TunnelSpec("ssh", "me@host.example:9000")),
    ],
)
def test_a_spec_is_its_kind_and_argument(text, spec):
    assert parse_tunnel(text) == spec
    assert str(parse_tunnel(str(spec))) == str(spec)


def test_an_unknown_kind_names_the_known_ones():
    with pytest.raises(ValueError, match=r"^unknown tunnel 'frp'; use cloudflared, ngrok or ss"):
        parse_tunnel("frp")


def test_a_kind_without_an_argument_refuses_one():
    with pytest.raises(ValueError, match=r"^ngrok takes nothing after it, got 'eu'$"):
        parse_tunnel("ngrok:eu")


def test_a_new_kind_is_one_class_registered():
    class Carrier(Tunnel):
        kind = "carrier-pigeon"
        usage = "carrier-pigeon"

        async def connect_once(self) -> None:
            self.announce("https://coo.example")

    register(Carrier)
    try:
        tunnel = create_tunnel(parse_tunnel("carrier-pigeon"), "127.0.0.1", 8080, {})
        assert isinstance(tunnel, Carrier) and tunnel.target.address == "127.0.0.1:8080"
        assert "carrier-pigeon" in usages()
        with pytest.raises(ValueError, match="already registered"):
            register(type("Other", (Carrier,), {}))
    finally:
        unregister("carrier-pigeon")
    assert "carrier-pigeon" not in usages()


def test_create_tunnel_targets_the_capture_address():
    tunnel = create_tunnel(TunnelSpec("ssh", "h"), "::1", 9000, {})
    assert isinstance(tunnel, SshTunnel)
    assert tunnel.target.address == "[::1]:9000"
