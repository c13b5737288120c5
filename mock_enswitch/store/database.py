"""The database the domain talks to: "customer 3", "group 17", "save this group".

TinyDB does the storing; this module owns the one lock (TinyDB is not thread-safe), the choice of
storage (memory, or a file made durable by `LogStorage`), and the table layout. Record groups are
spread over tables of `SHARD_SIZE` IDs each, because TinyDB copies a whole table on every write:
small tables keep a write's cost flat however many groups are stored.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from .logstorage import LogStorage

DIRECTORY_KINDS = ("customers", "people", "roles", "rate_plans")
GROUP_TABLE_PREFIX = "record_groups:"
SHARD_SIZE = 16
COUNTERS = "counters"


class Database:
    def __init__(self, path: Path | None = None, fsync: bool = False) -> None:
        """A file database at `path` (kept across restarts), or a memory one when `path` is None."""
        self.path = path
        self.lock = threading.RLock()
        self._directory_cache: dict[str, dict[int, dict]] = {}
        if path is None:
            self._db = TinyDB(storage=MemoryStorage)
        else:
            self._db = TinyDB(path, storage=LogStorage, fsync=fsync)

    def close(self) -> None:
        with self.lock:
            self._db.close()

    def is_empty(self) -> bool:
        with self.lock:
            return not self._db.tables()

    def replace_all(self, directory: dict[str, list[dict]], groups: Iterable[dict]) -> None:
        """Drop everything and store this directory and these groups (seeding and reset).

        Every record carries its `id`; the group counter restarts after the highest group id.
        In file mode nothing is appended meanwhile: the new whole is written as one snapshot at
        the end (temp file, rename), so a crash leaves either all of the old data or all the new.
        """
        storage = self._db.storage
        deferred = storage.deferred() if isinstance(storage, LogStorage) else nullcontext()
        with self.lock, deferred:
            self._directory_cache.clear()
            self._db.drop_tables()
            for kind in DIRECTORY_KINDS:
                self._db.table(kind).insert_multiple(
                    Document(record, doc_id=record["id"]) for record in directory.get(kind, [])
                )
            highest = 0
            for group in groups:
                self._group_table(group["id"]).insert(Document(group, doc_id=group["id"]))
                highest = max(highest, group["id"])
            self._db.table(COUNTERS).insert(Document({"next": highest + 1}, doc_id=1))

    # The directory: customers, people (users), roles, rate plans. Small, read-mostly.

    def records(self, kind: str) -> list[dict]:
        return [dict(record) for record in self._directory(kind).values()]

    def record(self, kind: str, record_id: int) -> dict | None:
        found = self._directory(kind).get(record_id)
        return dict(found) if found is not None else None

    def _directory(self, kind: str) -> dict[int, dict]:
        """The directory tables change only in `replace_all`, and every call reads them (who is
        calling, their role, their reach): kept parsed by ID until the next replace_all."""
        cached = self._directory_cache.get(kind)
        if cached is None:
            cached = {record.doc_id: record for record in self._db.table(kind).all()}
            self._directory_cache[kind] = cached
        return cached

    # Record groups.

    def group(self, group_id: int) -> dict | None:
        found = self._group_table(group_id).get(doc_id=group_id)
        return dict(found) if found is not None else None

    def groups(self) -> Iterator[dict]:
        """Every stored group, in ID order."""
        names = sorted(
            (name for name in self._db.tables() if name.startswith(GROUP_TABLE_PREFIX)),
            key=lambda name: int(name[len(GROUP_TABLE_PREFIX) :]),
        )
        for name in names:
            for group in sorted(self._db.table(name).all(), key=lambda g: g["id"]):
                yield dict(group)

    def insert_group(self, fields: dict) -> int:
        """Store a new group under a fresh ID. IDs are never reused: the counter is saved first."""
        counters = self._db.table(COUNTERS)
        group_id = counters.get(doc_id=1)["next"]
        counters.update({"next": group_id + 1}, doc_ids=[1])
        self._group_table(group_id).insert(Document({**fields, "id": group_id}, doc_id=group_id))
        return group_id

    def update_group(self, group_id: int, fields: dict) -> None:
        self._group_table(group_id).update(fields, doc_ids=[group_id])

    def delete_group(self, group_id: int) -> None:
        self._group_table(group_id).remove(doc_ids=[group_id])

    def _group_table(self, group_id: int):
        return self._db.table(f"{GROUP_TABLE_PREFIX}{group_id // SHARD_SIZE}")
