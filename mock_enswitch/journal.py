"""The request journal: what the client sent and what it got, newest kept, passwords masked.

Bounded in memory twice over: by entries (oldest dropped first) and within an entry (a long value
is cut with a marker, and an entry's parameters stop at a budget), so neither a long-running
mock nor a few huge bodies make it grow without end (nine 100 MB bodies once held 1.2 GB).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from typing import Any

MASK = "***"


class Journal:
    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()
        self._seq = 0

    def record(self, entry: dict[str, Any]) -> None:
        """Keep `entry`, numbered (`seq`, from 1 since the last clear: what a page polling the
        journal asks for what is new)."""
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self, function: str | None = None, user: str | None = None) -> list[dict]:
        with self._lock:
            return [
                dict(entry)
                for entry in self._entries
                if (function is None or entry["function"] == function)
                and (user is None or entry["user"] == user)
            ]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._seq = 0


VALUE_LIMIT = 1024
NAME_LIMIT = 64
ENTRY_BUDGET = 8192
"""Characters of names and values an entry keeps, at most (plus the markers)."""
MORE = "..."


def cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}...[cut: {len(text)} characters]"


def masked(params: dict[str, str], secrets: Iterable[str]) -> dict[str, str]:
    """`params` as the journal keeps them: every secret's value replaced by ***, long names and
    values cut, and past `ENTRY_BUDGET` characters the rest counted, not kept. A name is a
    secret whatever its case (`Auth_Password`: a client may send one the mock does not take,
    and it still must not be kept), and so is any name with a secret word in it."""
    hidden = {name.lower() for name in secrets}
    kept: dict[str, str] = {}
    budget = ENTRY_BUDGET
    for number, (name, value) in enumerate(params.items()):
        if budget <= 0:
            kept[MORE] = f"[{len(params) - number} more parameters cut]"
            break
        shown = MASK if is_secret(name, hidden) else cut(value, VALUE_LIMIT)
        kept[cut(name, NAME_LIMIT)] = shown
        budget -= min(len(name), NAME_LIMIT) + len(shown)
    return kept


SECRET_WORDS = ("password", "token", "secret")


def is_secret(name: str, hidden: Iterable[str] = ()) -> bool:
    """Whether a parameter's value must never be shown: one of `hidden` (lower case), or any
    name with a secret word in it, whatever its case (the journal and the fault rules' reasons
    both ask here)."""
    lowered = name.lower()
    return lowered in hidden or any(word in lowered for word in SECRET_WORDS)
