"""The database the domain talks to: one `Collection` per kind of record, behind one lock.

TinyDB does the storing; this module owns the lock (TinyDB is not thread-safe: every method
checks that its caller holds it, `Database.held`), the choice of
storage (memory, or a file made durable by `LogStorage`; both take `batch()` and `replace()`, so
nothing here asks which one it has), and the table layout, which is the same for every kind:

- a kind's records are spread over tables of `SHARD_SIZE` IDs each (`record_groups:0`,
  `record_groups:1`, ...), because TinyDB copies a whole table on every write: small tables keep
  a write's cost flat however many records are stored, and in file mode the log line a write
  appends (its whole table) short;
- each kind has an ID counter in the `counters` table, saved in the same log line as the record
  it numbered, so IDs are never reused after a delete, nor after a restart;
- the directory (customers, people, roles, rate plans) is small, changes only at a reset, and is
  read on every call: one table per kind, read through a memo cleared at a reset and at a
  run-time edit of the directory.

A collection may declare indexes (`indexes.Index`): kept in memory, built on first use,
maintained by every write, dropped at a reset.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.table import Document

from .indexes import Index, LiveIndex
from .logstorage import LogStorage
from .memorystorage import BatchingMemoryStorage

DIRECTORY_KINDS = ("customers", "people", "roles", "rate_plans")
SHARD_SIZE = 4
COUNTERS = "counters"
COUNTER_KEY = "1"
"""The counters table's one document."""
META = "meta"
LEGACY_COUNTER = "next"
"""Files written before counters were per kind held the record-group counter under this name."""

T = TypeVar("T")


class Collection:
    """The records of one kind: get, all, insert (a fresh ID), update, delete, and indexed
    selections. Every method runs under the database's lock (it checks); what it returns are
    copies."""

    def __init__(self, db: Database, kind: str, indexes: tuple[Index, ...] = ()) -> None:
        self.db = db
        self.kind = kind
        self.specs = {index.name: index for index in indexes}

    def get(self, record_id: int) -> dict | None:
        self.db.held()
        found = self._table_data(record_id).get(str(record_id))
        return dict(found) if found is not None else None

    def all(self) -> list[dict]:
        """Every record, in ID order (read whole under the lock: one moment's state)."""
        self.db.held()
        tables = self.db.tables()
        shards = range(self.db.peek_id(self.kind) // SHARD_SIZE + 1)  # no scan of every table
        return [
            dict(record)
            for table in (tables.get(f"{self.kind}:{shard}") for shard in shards)
            if table
            for _, record in sorted(table.items(), key=lambda item: int(item[0]))
        ]

    def insert(self, fields: dict) -> int:
        """Store a new record under a fresh ID: the counter and the record in one write."""
        with self.db.write():
            record = self.db.put_numbered(self.kind, self._shard, fields)
            self._indexed(lambda index: index.add(record))
        return record["id"]

    def update(self, record_id: int, fields: dict) -> None:
        with self.db.write():
            before = self.get(record_id)
            if before is None:
                return
            self.db.put(self._shard(record_id), {str(record_id): {**before, **fields}})
            self._indexed(lambda index: (index.remove(before), index.add({**before, **fields})))

    def delete(self, record_ids: Iterable[int]) -> None:
        """Remove these records, in one write (a crash keeps all or none of them)."""
        with self.db.write():
            for record_id in record_ids:
                before = self.get(record_id)
                if before is None:
                    continue
                self.db.put(self._shard(record_id), {}, removed=str(record_id))
                self._indexed(lambda index, before=before: index.remove(before))

    def select(self, index: str, key: Hashable, low: Any = None, high: Any = None) -> list[dict]:
        """The records whose index key is `key` and whose order field is within [low, high],
        in that order (then by ID)."""
        self.db.held()
        ids = self._live(index).ids(key, low, high)
        return [record for record in map(self.get, ids) if record is not None]

    def _live(self, name: str) -> LiveIndex:
        return self.db.memo(
            ("index", self.kind, name), lambda: LiveIndex(self.specs[name], self.all())
        )

    def _indexed(self, change: Callable[[LiveIndex], Any]) -> None:
        """Apply a write to the indexes already built (the others are built when first asked)."""
        for name in self.specs:
            live = self.db.memoized(("index", self.kind, name))
            if live is not None:
                change(live)

    def _shard(self, record_id: int) -> str:
        return f"{self.kind}:{record_id // SHARD_SIZE}"

    def _table_data(self, record_id: int) -> dict:
        return self.db.tables().get(self._shard(record_id), {})


class Database:
    def __init__(self, path: Path | None = None, fsync: bool = False) -> None:
        """A file database at `path` (kept across restarts), or a memory one when `path` is None."""
        self.path = path
        self.lock = threading.RLock()
        """Taken once per request by whoever owns the request's context (`caught_up` for the
        switch, the service for a reset or a start), never by the database itself: every
        method checks that it is held (`held`), so no method can run unguarded and none pays
        for taking it again."""
        self.writes = 0
        """How many writes so far: what a page polling for change compares (the dashboard)."""
        self._memo: dict[Hashable, Any] = {}
        self._collections: dict[str, Collection] = {}
        self._seed: tuple | None = None
        """What `replace_all` stored last: (directory, kinds, meta), the very objects."""
        self._seed_writes = 0
        """`writes` right after it."""
        self._seeded: dict[str, dict] = {}
        """The table dicts it stored, by name (see `_restore_changed`)."""
        if path is None:
            self._db = TinyDB(storage=BatchingMemoryStorage)
        else:
            self._db = TinyDB(path, storage=LogStorage, fsync=fsync)

    def held(self) -> None:
        """Raise unless this thread holds the lock: a read or write outside the one context
        would race with the calls on the event loop and the delay threads."""
        if not self.lock._is_owned():  # RLock's own check, which threading.Condition uses
            raise RuntimeError("the database is used without its lock (take db.lock first)")

    def collection(self, kind: str, indexes: tuple[Index, ...] = ()) -> Collection:
        """The collection of `kind` (the same object each time; `indexes` from the first ask)."""
        self.held()
        if kind not in self._collections:
            self._collections[kind] = Collection(self, kind, indexes)
        return self._collections[kind]

    def close(self) -> None:
        with self.lock:  # not a request's: the end of the database's life
            self._db.close()

    def is_empty(self) -> bool:
        self.held()
        return not self._db.tables()

    def replace_all(
        self,
        directory: dict[str, list[dict]],
        kinds: dict[str, list[dict]],
        meta: dict | None = None,
    ) -> None:
        """Drop everything and store this directory and these records (seeding and reset).

        Every record carries its `id`; each kind's counter restarts after its highest id. The
        records are copied whole, so the caller may keep them (a reset reuses the seed of
        unchanged fixture files) whatever is changed in the database later. The new
        data is built aside and swapped in as one write (in file mode one new snapshot, temp
        file then rename), so a crash leaves either all of the old data or all the new.

        Given the very objects it stored last (a seed is never changed: the fixtures' cache
        reads a new one) and nothing written since, the database holds exactly this data:
        nothing is done. In memory, only the tables changed since are stored again: every write
        assigns its table a new dict (as TinyDB does, and as file mode's log needs), so a table
        still the dict stored here holds the seed's records as they were. The reset before a
        test costs ~20 us when the test only read, and ~45 us less than a whole copy when it
        wrote (make bench, P3). In file mode a reset is still a new snapshot: on a full disk it
        fails whole and says so, and the data stays as it was (tests/test_data_safety.py).
        """
        self.held()
        seed = self._seed
        same_seed = (
            seed is not None and seed[0] is directory and seed[1] is kinds and seed[2] == meta
        )
        if same_seed and self._seed_writes == self.writes:
            return
        layout = _stored_layout(directory, kinds, meta)  # the seed's own records, not copied
        if same_seed and self.path is None:
            self._restore_changed(layout)
        else:
            data = _own_copy(layout)
            self.writes += 1
            self._db.storage.replace(data)
            self._seeded = dict(data)
        self._memo.clear()
        self._seed, self._seed_writes = (directory, kinds, meta), self.writes

    def _restore_changed(self, layout: dict[str, dict]) -> None:
        """The tables that are no longer the dicts stored from the seed, stored again from it
        (a copy), and those made since dropped: one write."""
        with self.write():
            tables = self._db.storage.read()
            seeded = self._seeded
            for name in [n for n in {*tables, *seeded} if tables.get(n) is not seeded.get(n)]:
                if name in layout:
                    tables[name] = seeded[name] = _own_copy(layout[name])
                else:
                    tables.pop(name, None)
                    seeded.pop(name, None)
            self._db.storage.write(tables)

    def meta(self) -> dict:
        """What the data says of itself (the digest of the fixtures it was seeded from)."""
        self.held()
        return dict(self.tables().get(META, {}).get("1", {}))

    def peek_id(self, kind: str) -> int:
        """The ID the next record of `kind` will get (every stored one is below it)."""
        return _next_of(self._counters(), kind)

    def next_id(self, kind: str) -> int:
        """Take the next ID of `kind` (call inside `write()`, with the record it numbers)."""
        tables = self._stored()
        record_id, counter = _taken(tables, kind)
        self._merge(tables, {COUNTERS: counter})
        return record_id

    def put_numbered(self, kind: str, table_of: Callable[[int], str], fields: dict) -> dict:
        """Store `fields` as a new record of `kind` under the next ID, in the table `table_of`
        that ID, and move the counter on, in one storage write (inside `write()`): one write
        instead of two, ~1 us of every create (make bench P1). The record as stored
        (read-only)."""
        tables = self._stored()
        record_id, counter = _taken(tables, kind)
        record = {**fields, "id": record_id}
        self._merge(tables, {COUNTERS: counter, table_of(record_id): {str(record_id): record}})
        return record

    def _counters(self) -> dict[str, int]:
        return self.tables().get(COUNTERS, {}).get(COUNTER_KEY, {})

    def put(self, name: str, documents: dict[str, dict], removed: str | None = None) -> None:
        """Store these documents in table `name` (and remove one), inside `write()`, as TinyDB
        itself writes: a new dict for the table, assigned in the dict the storage reads from
        (which is how file mode's log knows the tables changed), then the storage's `write`.
        TinyDB's own Table did the same with ~10 us more per write of copies and checks the
        mock does not need (make bench, P1): the collections give whole documents under fresh
        or existing IDs. Nothing here queries through TinyDB (`search`), so no Table's query
        cache ever holds anything a write or a reset could make stale."""
        self._merge(self._stored(), {name: documents}, removed)

    def _stored(self) -> dict[str, dict]:
        """The dict the storage reads from (where a write assigns its tables)."""
        tables = self._db.storage.read()
        return {} if tables is None else tables

    def _merge(
        self,
        tables: dict[str, dict],
        changes: dict[str, dict[str, dict]],
        removed: str | None = None,
    ) -> None:
        """`put` for each table named in `changes`, in one storage write."""
        for name, documents in changes.items():
            table = {**tables.get(name, {}), **documents}
            if removed is not None:
                table.pop(removed, None)
            tables[name] = table
        self._db.storage.write(tables)

    def write(self):
        """The one write path, under the lock: every TinyDB write inside as one durable step."""
        return _Write(self)

    def tables(self) -> dict[str, dict]:
        """The stored tables as the storage holds them (read-only use, under the lock)."""
        return self._db.storage.read() or {}

    def table(self, name: str):
        return self._db.table(name)

    # The directory: customers, people (users), roles, rate plans. Small, read-mostly.

    def replace_directory(self, kind: str, records: list[dict]) -> None:
        """Store `records` as the whole of directory `kind` (records added or removed at run
        time), in one write; what was derived from the directory is computed again."""
        with self.write():
            table = self._db.table(kind)
            table.truncate()
            for record in records:
                table.insert(Document(dict(record), doc_id=record["id"]))
            for key in [key for key in self._memo if key[0] != "index"]:
                del self._memo[key]

    def update_record(self, kind: str, record_id: int, changes: dict) -> None:
        """Change fields of one directory record (a customer's balance), in one write; what was
        derived from the directory is computed again."""
        with self.write():
            self._db.table(kind).update(dict(changes), doc_ids=[record_id])
            for key in [key for key in self._memo if key[0] != "index"]:
                del self._memo[key]

    def records(self, kind: str) -> list[dict]:
        self.held()
        return [dict(record) for record in self._directory(kind).values()]

    def record(self, kind: str, record_id: int) -> dict | None:
        self.held()
        found = self._directory(kind).get(record_id)
        return dict(found) if found is not None else None

    def record_by(self, kind: str, field: str, value: object) -> dict | None:
        """The first record of `kind` whose `field` is `value` (e.g. a person by username):
        every call looks its caller up this way, so the answer comes from an index."""
        self.held()
        index = self.memo(("by", kind, field), lambda: self._by(kind, field))
        found = index.get(value)
        return dict(found) if found is not None else None

    def _by(self, kind: str, field: str) -> dict[object, dict]:
        index: dict[object, dict] = {}
        for record in self._directory(kind).values():
            index.setdefault(record.get(field), record)
        return index

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, kept until the next `replace_all`: for what is read or derived from the
        directory on every call (its records by ID, a person by username, a reach...), and the
        collections' indexes (which their writes keep up to date)."""
        self.held()
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def memoized(self, key: Hashable) -> Any:
        """What `memo` holds under `key`, or None when nothing is computed yet."""
        return self._memo.get(key)

    def _directory(self, kind: str) -> dict[int, dict]:
        return self.memo(
            ("directory", kind),
            lambda: {int(i): record for i, record in self.tables().get(kind, {}).items()},
        )


class _Write:
    """Context of `Database.write()`, under the lock: batches the storage's writes (re-entrant)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._batch = None

    def __enter__(self) -> None:
        self.db.held()
        self.db.writes += 1
        self._batch = self.db._db.storage.batch()
        self._batch.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._batch.__exit__(*exc)


def _taken(tables: dict[str, dict], kind: str) -> tuple[int, dict[str, dict]]:
    """The next ID of `kind`, and the counters' document with it taken, to store."""
    counters = tables.get(COUNTERS, {}).get(COUNTER_KEY, {})
    record_id = _next_of(counters, kind)
    return record_id, {COUNTER_KEY: {**counters, kind: record_id + 1}}


def _next_of(counters: dict[str, int], kind: str) -> int:
    if kind == "record_groups" and kind not in counters and LEGACY_COUNTER in counters:
        return counters[LEGACY_COUNTER]
    return counters.get(kind, 1)


def _stored_layout(
    directory: dict[str, list[dict]], kinds: dict[str, list[dict]], meta: dict | None
) -> dict[str, dict]:
    """The tables a seed is stored as, holding the seed's own records (not copies): the
    directory's kinds, each kind's records in shards of SHARD_SIZE ids, the counters (each
    kind's next id after its highest), and the meta."""
    data: dict[str, dict] = {
        kind: {str(record["id"]): record for record in directory.get(kind, [])}
        for kind in DIRECTORY_KINDS
    }
    counters: dict[str, int] = {}
    for kind, records in kinds.items():
        highest = 0
        for record in records:
            data.setdefault(f"{kind}:{record['id'] // SHARD_SIZE}", {})[str(record["id"])] = record
            highest = max(highest, record["id"])
        counters[kind] = highest + 1
    data[COUNTERS] = {COUNTER_KEY: counters}
    if meta:
        data[META] = {"1": dict(meta)}
    return data


CONTAINERS = (dict, list, tuple)


def _own_copy(value: T) -> T:
    """`value` with every dict, list and tuple in it copied; strings and numbers are shared
    (nothing changes them in place). A copy of the shipped seed takes ~49 us and ~16 KB: a
    marshal round trip took ~38 us but copied every string too (~29 KB, +14 MB over 1,000
    namespaces, make bench P7), and `copy.deepcopy` of each record's lists ~54 us."""
    kind = type(value)
    if kind is dict:
        return {k: _own_copy(v) if type(v) in CONTAINERS else v for k, v in value.items()}
    if kind is list:
        return [_own_copy(v) if type(v) in CONTAINERS else v for v in value]
    if kind is tuple:
        return tuple(_own_copy(v) if type(v) in CONTAINERS else v for v in value)
    return value
