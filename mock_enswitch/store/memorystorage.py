"""The memory storage, with the two calls the database makes of any storage: `batch()` and
`replace()`. In memory both are trivial, which is the point: the database never asks which
storage it has (file mode's `LogStorage` gives them their meaning)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tinydb.storages import MemoryStorage


class BatchingMemoryStorage(MemoryStorage):
    @contextmanager
    def batch(self) -> Iterator[None]:
        """Writes in memory are already one step each: nothing to group."""
        yield

    def replace(self, data: dict[str, Any]) -> None:
        self.write(data)
