"""The memory storage, with the two calls the database makes of any storage: `batch()` and
`replace()`. In memory both are trivial, which is the point: the database never asks which
storage it has (file mode's `LogStorage` gives them their meaning)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from tinydb.storages import MemoryStorage

NOTHING_TO_GROUP = nullcontext()
"""Reusable, and no generator made per write (every API write enters one; make bench P1)."""


class BatchingMemoryStorage(MemoryStorage):
    def batch(self) -> AbstractContextManager[None]:
        """Writes in memory are already one step each: nothing to group."""
        return NOTHING_TO_GROUP

    def replace(self, data: dict[str, Any]) -> None:
        self.write(data)
