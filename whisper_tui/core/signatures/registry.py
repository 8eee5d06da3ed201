"""The schemes known to this process: built-in providers found by module, plus registered ones.

Each built-in provider is one module of this package that calls `register` at import; the
package imports them all with `load_builtin`, so a new provider is one new file. Code outside
the package (a plug-in, a test) calls `register` itself and `unregister` to remove it again.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

from whisper_tui.core.signatures.scheme import Scheme

_PACKAGE = __name__.rpartition(".")[0]
_by_name: dict[str, Scheme] = {}
_aliases: dict[str, str] = {}
# Sorted once per change: detection runs for every capture.
_ordered: tuple[Scheme, ...] = ()


def register(scheme: Scheme) -> Scheme:
    """Add a scheme; returns it so a module can write `SCHEME = register(Scheme(...))`.

    Registering the same object again is a no-op; a different scheme claiming a taken name or
    alias is refused, so two providers can never silently shadow each other.
    """
    if _by_name.get(scheme.name) is scheme:
        return scheme
    if not scheme.name or scheme.name != scheme.name.lower():
        raise ValueError(f"scheme name {scheme.name!r} must be non-empty and lowercase")
    if any(h != h.lower() for h in scheme.detect_headers):
        raise ValueError(f"{scheme.name}: detect_headers must be lowercase")
    for name in (scheme.name, *scheme.aliases):
        if name in _by_name or name in _aliases:
            raise ValueError(f"signature scheme name {name!r} is already registered")
    _by_name[scheme.name] = scheme
    _aliases.update(dict.fromkeys(scheme.aliases, scheme.name))
    _reorder()
    return scheme


def unregister(name: str) -> Scheme:
    """Remove a registered scheme (and its aliases) by canonical name; returns it."""
    scheme = _by_name.pop(name)
    for alias in scheme.aliases:
        _aliases.pop(alias, None)
    _reorder()
    return scheme


def _reorder() -> None:
    global _ordered
    _ordered = tuple(sorted(_by_name.values(), key=lambda s: (s.order, s.name)))


def schemes() -> tuple[Scheme, ...]:
    """Every registered scheme, in the order verdicts are reported."""
    return _ordered


def scheme_names() -> tuple[str, ...]:
    """Canonical names of every registered scheme, in report order."""
    return tuple(s.name for s in _ordered)


def get_scheme(name: str) -> Scheme:
    """The scheme a user-typed name (any case, alias allowed) means; ValueError if none."""
    low = name.strip().lower()
    found = _by_name.get(_aliases.get(low, low))
    if found is None:
        known = ", ".join(scheme_names())
        raise ValueError(f"unknown signature scheme {name.strip()!r}; known: {known}")
    return found


def load_builtin() -> None:
    """Import every module of this package, so each built-in provider registers itself."""
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        importlib.import_module(f"{_PACKAGE}.{info.name}")


class SchemeNames(Sequence[str]):
    """A live, read-only view of the registered scheme names in report order."""

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return scheme_names()[index]

    def __len__(self) -> int:
        return len(_ordered)

    def __iter__(self) -> Iterator[str]:
        return iter(scheme_names())

    def __repr__(self) -> str:
        return f"SchemeNames({scheme_names()!r})"
