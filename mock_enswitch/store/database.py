"""The database the domain talks to: "customer 3", "group 17", "save this group".

TinyDB does the storing; this module owns the one lock (TinyDB is not thread-safe), the choice of
storage (memory, or a file made durable by `LogStorage`), and the table layout. Record groups are
spread over tables of `SHARD_SIZE` IDs each, because TinyDB copies a whole table on every write:
small tables keep a write's cost flat however many groups are stored, and in file mode the log
line a write appends (its whole table, JSON-encoded) short: 4 IDs is ~1 KB a line, 16 was ~4 KB.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from .logstorage import LogStorage

DIRECTORY_KINDS = ("customers", "people", "roles", "rate_plans")
GROUP_TABLE_PREFIX = "record_groups:"
SHARD_SIZE = 4
COUNTERS = "counters"

T = TypeVar("T")


class Database:
    def __init__(self, path: Path | None = None, fsync: bool = False) -> None:
        """A file database at `path` (kept across restarts), or a memory one when `path` is None."""
        self.path = path
        self.lock = threading.RLock()
        self._memo: dict[Hashable, Any] = {}
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
        The new data is built aside and swapped in as one write (in file mode one new snapshot,
        temp file then rename), so a crash leaves either all of the old data or all the new.
        """
        data: dict[str, dict[str, dict]] = {
            kind: {str(record["id"]): dict(record) for record in directory.get(kind, [])}
            for kind in DIRECTORY_KINDS
        }
        highest = 0
        for group in groups:
            data.setdefault(_group_table_name(group["id"]), {})[str(group["id"])] = dict(group)
            highest = max(highest, group["id"])
        data[COUNTERS] = {"1": {"next": highest + 1}}
        with self.lock:
            stale = self._db.tables()
            storage = self._db.storage
            if isinstance(storage, LogStorage):
                storage.replace(data)
            else:
                storage.write(data)
            for name in stale | set(data):  # TinyDB's per-table query caches knew the old data
                self._db.table(name).clear_cache()
            self._memo.clear()

    # The directory: customers, people (users), roles, rate plans. Small, read-mostly.

    def records(self, kind: str) -> list[dict]:
        with self.lock:
            return [dict(record) for record in self._directory(kind).values()]

    def record(self, kind: str, record_id: int) -> dict | None:
        with self.lock:
            found = self._directory(kind).get(record_id)
            return dict(found) if found is not None else None

    def record_by(self, kind: str, field: str, value: object) -> dict | None:
        """The first record of `kind` whose `field` is `value` (e.g. a person by username):
        every call looks its caller up this way, so the answer comes from an index."""
        with self.lock:
            index = self.memo(("index", kind, field), lambda: self._index(kind, field))
            found = index.get(value)
            return dict(found) if found is not None else None

    def _index(self, kind: str, field: str) -> dict[object, dict]:
        index: dict[object, dict] = {}
        for record in self._directory(kind).values():
            index.setdefault(record.get(field), record)
        return index

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, kept until the directory changes (the next `replace_all`): for what is
        read or derived from the directory on every call (its records by ID, a person by
        username, a role's privileges, a reach...)."""
        with self.lock:
            try:
                return self._memo[key]
            except KeyError:
                value = self._memo[key] = compute()
                return value

    def _directory(self, kind: str) -> dict[int, dict]:
        """The directory tables change only in `replace_all`, and every call reads them (who is
        calling, their role, their reach): kept parsed by ID until the next replace_all."""
        return self.memo(
            ("directory", kind),
            lambda: {record.doc_id: record for record in self._db.table(kind).all()},
        )

    # Record groups.

    def group(self, group_id: int) -> dict | None:
        with self.lock:
            found = self._group_table(group_id).get(doc_id=group_id)
            return dict(found) if found is not None else None

    def groups(self) -> Iterator[dict]:
        """Every stored group, in ID order (read whole under the lock: one moment's state)."""
        with self.lock:
            names = sorted(
                (name for name in self._db.tables() if name.startswith(GROUP_TABLE_PREFIX)),
                key=lambda name: int(name[len(GROUP_TABLE_PREFIX) :]),
            )
            found = [
                dict(group)
                for name in names
                for group in sorted(self._db.table(name).all(), key=lambda g: g["id"])
            ]
        return iter(found)

    def insert_group(self, fields: dict) -> int:
        """Store a new group under a fresh ID. IDs are never reused: the counter is saved with the
        group, in one log line (a crash keeps both or neither), and a delete leaves it as it is."""
        with self.lock, self._one_write():
            counters = self._db.table(COUNTERS)
            group_id = counters.get(doc_id=1)["next"]
            counters.update({"next": group_id + 1}, doc_ids=[1])
            self._group_table(group_id).insert(
                Document({**fields, "id": group_id}, doc_id=group_id)
            )
        return group_id

    def update_group(self, group_id: int, fields: dict) -> None:
        with self.lock:
            self._group_table(group_id).update(fields, doc_ids=[group_id])

    def delete_group(self, group_id: int) -> None:
        with self.lock:
            self._group_table(group_id).remove(doc_ids=[group_id])

    def _one_write(self) -> AbstractContextManager:
        storage = self._db.storage
        return storage.batch() if isinstance(storage, LogStorage) else nullcontext()

    def _group_table(self, group_id: int):
        return self._db.table(_group_table_name(group_id))


def _group_table_name(group_id: int) -> str:
    return f"{GROUP_TABLE_PREFIX}{group_id // SHARD_SIZE}"
