"""Enswitch versions the mock can emulate: those our reference cites a guide for (3.13 to 4.4)."""

from __future__ import annotations

Version = tuple[int, int]

KNOWN_VERSIONS: tuple[Version, ...] = (
    (3, 13),
    (3, 14),
    (3, 15),
    (4, 0),
    (4, 1),
    (4, 2),
    (4, 4),
)
NEWEST: Version = KNOWN_VERSIONS[-1]


def parse_version(text: str) -> Version:
    """'4.2' -> (4, 2); refuses versions outside the guides we know, with a message naming them."""
    try:
        major, minor = (int(part) for part in str(text).strip().split("."))
    except ValueError:
        raise ValueError(f"not an Enswitch version: {text!r} (expected X.Y, e.g. 4.4)") from None
    if (major, minor) not in KNOWN_VERSIONS:
        known = ", ".join(format_version(v) for v in KNOWN_VERSIONS)
        raise ValueError(f"unknown Enswitch version {text!r}; known: {known}")
    return major, minor


def format_version(version: Version) -> str:
    return f"{version[0]}.{version[1]}"
