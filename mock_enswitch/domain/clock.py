"""The mock's clock: real time, unless a test moved it.

Recordings expire, tokens age and simulated calls start "now" by this clock, so a test can
jump a year ahead instead of waiting. Set or advanced, it keeps ticking from the new time (a
frozen clock would make every call of a test happen in the same second, which no switch does).
A reset puts it back to real time.
"""

from __future__ import annotations

import time


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def set(self, when: float) -> None:
        self.offset = when - time.time()

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def reset(self) -> None:
        self.offset = 0.0
