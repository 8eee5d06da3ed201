"""Human sizes: parse '32MiB' from a flag, print '1.2 KB' in a list."""

from __future__ import annotations

import re

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "kib": 1024,
    "m": 1000**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1000**3,
    "gb": 1000**3,
    "gib": 1024**3,
}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")


def parse_size(text: str) -> int:
    """'32MiB' -> 33554432; raises ValueError with a readable message."""
    match = _SIZE.match(text)
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(f"not a size: {text!r} (use e.g. 512KiB, 32MiB, 1GB)")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def byte_count(count: int) -> str:
    """'1 byte', '0 bytes', '1,234 bytes': an exact size said in words, singular for one."""
    return "1 byte" if count == 1 else f"{count:,} bytes"


def format_size(size: int) -> str:
    """Short human size for lists: '512 B', '3.4 KB', '5.0 MB'."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1000
        if value < 1000 or unit == "GB":
            return f"{value:.1f} {unit}"
    return f"{size} B"  # pragma: no cover - loop always returns
