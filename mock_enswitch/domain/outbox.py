"""The e-mail outbox: what the switch would have mailed (recordings to a group's addresses).

Bounded like the journal (oldest dropped first), cleared by reset. Nothing leaves the machine.
"""

from __future__ import annotations

import threading
from collections import deque


class Outbox:
    def __init__(self, size: int = 1000) -> None:
        self._messages: deque[dict] = deque(maxlen=size)
        self._lock = threading.Lock()

    def send(self, message: dict) -> None:
        with self._lock:
            self._messages.append(message)

    def messages(self, to: str | None = None, field: str = "to") -> list[dict]:
        """What was sent, oldest first; only to `to` (in `field`) when given."""
        with self._lock:
            return [dict(m) for m in self._messages if to is None or m[field] == to]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
