"""The tunnel kinds known to this process, and `--tunnel KIND[:ARGUMENT]` read against them.

Each built-in kind is one module of this package that calls `register` at import; the package
imports them all, so a new kind is one new file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from whisper_tui.core.tunnels.base import Tunnel, TunnelTarget

_kinds: dict[str, type[Tunnel]] = {}


@dataclass(frozen=True, slots=True)
class TunnelSpec:
    """A checked --tunnel value: the kind and what follows 'KIND:' ('' when nothing does)."""

    kind: str
    argument: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.argument}" if self.argument else self.kind


def register(kind: type[Tunnel]) -> type[Tunnel]:
    """Add a tunnel kind (usable as a class decorator); a taken name is refused."""
    known = _kinds.get(kind.kind)
    if known is not None and known is not kind:
        raise ValueError(f"tunnel kind {kind.kind!r} is already registered")
    _kinds[kind.kind] = kind
    return kind


def unregister(name: str) -> type[Tunnel]:
    """Remove a registered kind by name; returns it. KeyError if there is none."""
    return _kinds.pop(name)


def kinds() -> tuple[type[Tunnel], ...]:
    """Every registered kind, by name."""
    return tuple(_kinds[name] for name in sorted(_kinds))


def usages() -> str:
    """'cloudflared, ngrok or ssh:[USER@]HOST[:PORT]': what --tunnel accepts."""
    known = [kind.usage for kind in kinds()]
    return ", ".join(known[:-1]) + f" or {known[-1]}" if len(known) > 1 else "".join(known)


def parse_tunnel(text: str) -> TunnelSpec:
    """'ssh:me@host.example:8080' -> TunnelSpec('ssh', 'me@host.example:8080'); ValueError in
    one line naming what is accepted when the kind is unknown or its argument unusable."""
    name, _, argument = text.strip().partition(":")
    kind = _kinds.get(name.strip().lower())
    if kind is None:
        raise ValueError(f"unknown tunnel {name!r}; use {usages()}")
    kind.check_argument(argument.strip())
    return TunnelSpec(kind.kind, argument.strip())


def create_tunnel(spec: TunnelSpec, host: str, port: int, environ: Mapping[str, str]) -> Tunnel:
    """A tunnel of the spec's kind delivering to host:port (not started)."""
    kind = _kinds.get(spec.kind)
    if kind is None:
        raise ValueError(f"unknown tunnel {spec.kind!r}; use {usages()}")
    return kind(spec.argument, TunnelTarget(host, port, environ))
