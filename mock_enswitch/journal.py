"""The request journal: what the client sent and what it got, newest kept, passwords masked.

Bounded in memory (oldest dropped first), so a long-running mock never grows without end.
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

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

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


def masked(params: dict[str, str], secrets: Iterable[str]) -> dict[str, str]:
    """`params` with every secret's value replaced by ***."""
    hidden = set(secrets)
    return {name: MASK if name in hidden else value for name, value in params.items()}
