"""In-memory indexes over a collection: what lets a list by time range cost the same at 1,000 and
at 100,000 records (a bisection in a sorted list, not a scan).

Not stored: built from the records on first use, kept up to date by every write of the
collection, dropped at a reset (with the database's memo), so the file never holds them and a
restart stays as fast as reading the data.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Index:
    """Records of a collection grouped by `key` (a field, or a tuple of fields), each group kept
    sorted by `order` (a field) then ID: `Collection.select(name, key, low, high)` answers a
    range of `order` within one key by bisection, not a scan."""

    name: str
    key: str | tuple[str, ...]
    order: str | None = None

    def key_of(self, record: dict) -> Hashable:
        if isinstance(self.key, tuple):
            return tuple(record.get(field) for field in self.key)
        return record.get(self.key)

    def entry_of(self, record: dict) -> tuple:
        return (record.get(self.order) if self.order else 0, record["id"])


class LiveIndex:
    def __init__(self, spec: Index, records: Iterable[dict]) -> None:
        self.spec = spec
        self.entries: dict[Hashable, list[tuple]] = {}
        for record in records:
            self.entries.setdefault(spec.key_of(record), []).append(spec.entry_of(record))
        for entries in self.entries.values():
            entries.sort()

    def add(self, record: dict) -> None:
        bisect.insort(
            self.entries.setdefault(self.spec.key_of(record), []), self.spec.entry_of(record)
        )

    def remove(self, record: dict) -> None:
        key = self.spec.key_of(record)
        entries = self.entries.get(key, [])
        position = bisect.bisect_left(entries, self.spec.entry_of(record))
        if position < len(entries) and entries[position] == self.spec.entry_of(record):
            del entries[position]
            if not entries:
                del self.entries[key]

    def ids(self, key: Hashable, low: Any = None, high: Any = None) -> list[int]:
        entries = self.entries.get(key, [])
        start = 0 if low is None else bisect.bisect_left(entries, (low,))
        stop = len(entries) if high is None else bisect.bisect_right(entries, (high, float("inf")))
        return [entry[1] for entry in entries[start:stop]]
