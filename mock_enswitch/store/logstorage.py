"""A TinyDB storage that keeps the parsed data in memory and makes each write durable by appending.

TinyDB's JSONStorage re-reads and rewrites the whole file on every write, and rewrites it in place,
so a crash mid-write corrupts it and a write costs time in proportion to the whole database. Here:

- `read()` hands TinyDB the parsed data kept in memory (parsed once, at open), in a dict that
  notes which tables TinyDB assigns or drops, so a write knows what changed without a scan;
- `write(data)` appends ONE JSON line holding the tables changed since the last line to
  `<path>.log` (through a memory map, `MappedLog`: no system call, so the GIL is kept) before
  returning: a process crash (SIGKILL) loses nothing written before the call returned, the
  kernel holds the pages; with `fsync=True` the line is also forced to disk, so power loss loses
  nothing either. `batch()` makes several TinyDB writes one line (a create's counter
  and group), so replay keeps both or neither;
- if the append fails (disk full, found when the log grows, before anything is copied in), the
  data is read back from disk, so memory never holds what the file does not; `StorageFailed`
  says so;
- when the log outgrows the snapshot, the whole data is written as a new snapshot (temp file,
  fsync, rename) and the log is emptied. The snapshot is an ordinary TinyDB
  JSON file. `replace(data)` (seeding, reset) writes a snapshot at once: all old or all new.

Opening replays the log over the snapshot; a torn last line (a crash mid-append) is dropped, and
the result compacted at once, so nothing is ever appended after a torn line. Replaying a log that
a crash left behind a new snapshot is harmless: each line replaces whole tables, and the last line
of each table is the state the snapshot holds. Files are written ASCII-escaped: any Python string
round-trips, even one no UTF-8 encoder accepts.

Every snapshot carries an epoch, one more than the last, and a log's first line names the epoch of
the snapshot it follows. Replay applies a log only to its own snapshot: a crash between a new
snapshot's rename and emptying the log (a compaction, or a reset's new data) leaves a log that
is ignored, never replayed over data it does not belong to.

The database is locked (`lock.py`) before anything touches its files, for the storage's life: a
second server on the same file would interleave its lines with ours, so it is refused at open,
having changed nothing. A start that fails or is interrupted (a damaged file, Ctrl-C during
replay) leaves every file as it found it.
"""

from __future__ import annotations

import gc
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from .errors import CorruptDatabase, StorageFailed
from .lock import DatabaseLock, check_writable
from .mappedlog import MappedLog

__all__ = ["CorruptDatabase", "LogStorage", "StorageFailed"]

log = logging.getLogger("mock_enswitch.store")

MIN_LOG_BYTES = 1 << 20
"""Compact once the log passes this size and twice the snapshot: amortised O(1) per write."""


EPOCH_KEY = "__log_epoch__"
"""The snapshot's own entry (not a table): its epoch, which its log's first line repeats."""


class _Tables(dict):
    """The tables as TinyDB reads them; remembers the names assigned or removed since the last
    line (TinyDB assigns a new dict to every table it changes, in the dict `read()` gave it)."""

    __slots__ = ("dirty",)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.dirty: set[str] = set()

    def __setitem__(self, name: str, table: dict) -> None:
        super().__setitem__(name, table)
        self.dirty.add(name)

    def __delitem__(self, name: str) -> None:
        super().__delitem__(name)
        self.dirty.add(name)

    def pop(self, name: str, *default: Any) -> Any:
        self.dirty.add(name)
        return super().pop(name, *default)


class Batch:
    """The context of `LogStorage.batch()`, re-entrant (its depth is the storage's): one object
    per storage, not a generator per write (every API write enters one; make bench P1)."""

    __slots__ = ("storage",)

    def __init__(self, storage: LogStorage) -> None:
        self.storage = storage

    def __enter__(self) -> None:
        self.storage._batch_depth += 1

    def __exit__(self, *exc: object) -> None:
        storage = self.storage
        storage._batch_depth -= 1
        if not storage._batch_depth:
            storage._commit()  # even after an error: the file follows what memory holds


class LogStorage(Storage):
    def __init__(self, path: str | os.PathLike, fsync: bool = False) -> None:
        self.path = Path(path)
        self.log_path = self.path.with_name(self.path.name + ".log")
        self.fsync = fsync
        self._batch_depth = 0
        self._batch = Batch(self)
        self._epoch = 0
        """The snapshot's epoch; a log's lines belong to it when its header names it."""
        self._log_epoch: int | None = None
        """The epoch the log's header names (None: the log is empty, its header to come)."""
        self._log: MappedLog | None = None
        self._lock: DatabaseLock | None = None
        try:
            self._lock = DatabaseLock(self.path)  # first: until it is held, no file is touched
            check_writable(self.path.parent, self.path)
            self._log = MappedLog(self.log_path)
            self._data, replayed = self._load()
            self._snapshot_bytes = self.path.stat().st_size if self.path.exists() else 0
            if replayed:  # also drops a torn tail before anything is appended after it
                self.compact()
            else:
                self._log.reset()
                self._log_epoch = None
        except BaseException:  # the files as found: the log was only read, never made ours
            if self._log is not None:
                self._log.close()
            if self._lock is not None:
                self._lock.release()
            raise

    def read(self) -> dict[str, Any] | None:
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        if data is not self._data:  # a new dict (drop_tables writes {}): every old and new table
            names = set(self._data) | set(data)
            self._data = _Tables(data)
            self._data.dirty |= names
        # else TinyDB wrote back what read() gave it, and its assignments named the tables.
        if not self._batch_depth:
            self._commit()

    def batch(self) -> Batch:
        """The writes inside make one log line: one append, and all-or-nothing on replay."""
        return self._batch

    def replace(self, data: dict[str, Any]) -> None:
        """Swap in entirely new data as one atomic step (seeding, reset): a new snapshot, then
        memory. If the snapshot cannot be written (disk full), memory and files keep the old
        data and StorageFailed says so: a reset is all or nothing. The snapshot's rename is the
        commit point: once it is done, memory follows whatever fails after it."""
        fresh = _Tables(data)
        try:
            self._write_snapshot(fresh)
        except OSError as error:
            raise StorageFailed(
                f"{self.path}: cannot write the new data ({error.strerror or error}); "
                "nothing was changed"
            ) from error
        self._data = fresh
        self._empty_log()

    def compact(self) -> None:
        """Write the whole data as the new snapshot, atomically, then empty the log."""
        self._write_snapshot(self._data)
        self._data.dirty.clear()
        self._empty_log()

    def close(self) -> None:
        """Fold the log into the snapshot, so a clean stop leaves one plain JSON file; with an
        empty log the snapshot already is that file, and a large one is not rewritten for
        nothing (100,000 recordings: 3 s). If the fold fails (disk full, folder made read-only),
        nothing is lost: the log keeps every write and the next start replays it; said in one
        line, not raised, so a clean stop stays clean. The lock is let go whatever happens."""
        if self._log is None or self._log.closed:
            return
        try:
            try:
                if self._log.size:
                    self.compact()
            except OSError as error:
                log.warning(
                    "could not fold %s into %s (%s): nothing is lost, the next start replays it",
                    self.log_path.name,
                    self.path,
                    error.strerror or error,
                )
            finally:
                with suppress(OSError):  # a failed trim leaves zeros after the content: harmless
                    self._log.close()
        finally:
            self._lock.release()

    def _write_snapshot(self, data: dict[str, Any]) -> None:
        """`data` as the snapshot, with the next epoch: temp file, fsync, rename. Raises only
        if the rename did not happen (the old snapshot stands, the temp file is gone); once it
        has, the new snapshot is the database, and a failure to sync its folder is a warning."""
        temp = self.path.with_name(self.path.name + ".tmp")
        epoch = self._epoch + 1
        try:
            with open(temp, "wb") as out:
                out.write(dump_json({**data, EPOCH_KEY: {"epoch": epoch}}))
                out.flush()
                # Always on disk before the rename, even without `fsync`: else a power loss could
                # leave the renamed file empty and the log emptied, all data lost.
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with suppress(OSError):
                os.unlink(temp)
            raise
        self._epoch = epoch
        try:
            self._sync_directory()
        except OSError as error:
            log.warning("cannot sync %s after a new snapshot: %s", self.path.parent, error)
        with suppress(OSError):
            self._snapshot_bytes = self.path.stat().st_size

    def _empty_log(self) -> None:
        """Empty the log after a new snapshot; if that fails, the next write empties it first
        (`_commit`): no line is ever appended under the header of an older snapshot."""
        try:
            self._log.reset()
            self._log_epoch = None
        except OSError as error:
            log.warning("cannot empty %s (%s): will retry at the next write", self.log_path, error)

    def _commit(self) -> None:
        names, self._data.dirty = self._data.dirty, set()
        if not names:
            return
        entry: dict[str, Any] = {
            "tables": {name: self._data[name] for name in names if name in self._data}
        }
        dropped = sorted(name for name in names if name not in self._data)
        if dropped:
            entry["dropped"] = dropped
        line = dump_json(entry) + b"\n"
        try:
            if self._log.size and self._log_epoch != self._epoch:  # left by a failed _empty_log
                self._log.reset()
                self._log_epoch = None
            if not self._log.size:  # a log's first line says which snapshot it follows
                line = dump_json({"epoch": self._epoch}) + b"\n" + line
            self._log.append(line, fsync=self.fsync)
            self._log_epoch = self._epoch
        except OSError as error:
            # Nothing was copied in (the file grows before a copy): read back what the file
            # holds, so memory forgets the change the file did not get.
            self._data, _ = self._load()
            raise StorageFailed(
                f"{self.log_path}: cannot write ({error.strerror or error}); nothing was stored"
            ) from error
        if self._log.size > max(MIN_LOG_BYTES, 2 * self._snapshot_bytes):
            try:
                self.compact()
            except OSError as error:  # the line is safe in the log: try again at the next one
                log.warning("compaction of %s failed, will retry: %s", self.path, error)

    def _load(self) -> tuple[_Tables, bool]:
        """The snapshot with the log replayed over it; True if the log had any line.

        Parsing makes millions of small objects, none of them garbage: the cyclic collector is
        held off meanwhile, as it would scan them again and again (100,000 recordings: 1.7 s to
        parse with it, 0.75 s without)."""
        with collector_paused():
            data = _Tables(self._load_snapshot())
            replayed = self._replay_log(data)
        data.dirty.clear()
        return data, replayed

    def _load_snapshot(self) -> dict[str, dict]:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return {}
        try:
            data = parse_json(self.path.read_bytes())
        except (ValueError, UnicodeDecodeError) as error:
            raise CorruptDatabase(
                f"{self.path}: not a valid JSON database ({error}): repair it from a copy, "
                "or give another --db; the file was left as it is"
            ) from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise CorruptDatabase(f"{self.path}: expected a JSON object of tables")
        epoch = data.pop(EPOCH_KEY, {}).get("epoch", 0)
        if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
            raise CorruptDatabase(f"{self.path}: {EPOCH_KEY} is not a whole number")
        self._epoch = epoch
        return data

    def _replay_log(self, data: dict[str, dict]) -> bool:
        """Apply the log's lines in order; only the last may be torn (the crash cut it)."""
        lines = [line for line in self._log.read().split(b"\n") if line.strip()]
        if lines and (header := _parse_header(lines[0])) is not None:
            if header == self._epoch - 1:  # a crash came between a snapshot and emptying the log
                log.info("%s follows the snapshot before: not replayed", self.log_path)
                return True  # (emptied by the compaction at open)
            if header != self._epoch:
                raise CorruptDatabase(
                    f"{self.log_path} follows snapshot {header}, but {self.path} is snapshot "
                    f"{self._epoch}: they are not of the same database (a restored backup?); "
                    "move one of them away. The files were left as they are"
                )
            self._log_epoch = header
            lines[0] = b""
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            entry = _parse_entry(line)
            if entry is None:
                if number == len(lines):
                    break
                raise CorruptDatabase(
                    f"{self.log_path}: line {number} is not a log entry: repair or remove that "
                    "line (the lines after it are lost with it); the files were left as they are"
                )
            for name in entry.get("dropped", ()):
                data.pop(name, None)
            data.update(entry["tables"])
        return bool(lines)

    def _sync_directory(self) -> None:
        """Make the rename itself durable (POSIX: the directory entry is the directory's data)."""
        if not self.fsync or os.name != "posix":
            return
        descriptor = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def parse_json(raw: bytes) -> Any:
    """JSON from bytes, by orjson: 100,000 recordings and their call records (53 MB) parse in
    343 ms, not the standard parser's 542, most of a restart. What orjson refuses is handed to
    the standard parser, which words the error (or takes what orjson does not, e.g. a NaN). An
    integer past 64 bits would come back a float: fixture checks refuse one before it is stored."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


def dump_json(data: Any) -> bytes:
    """Compact JSON as UTF-8 bytes, by orjson: a file-mode write's log line cost ~35 us of a
    call's ~300 under load with the standard encoder (make bench, P1), a few with orjson. What
    orjson refuses (an integer past 64 bits) goes to the standard encoder. A string's newline
    is escaped either way, so a log line is always one line."""
    try:
        return orjson.dumps(data)
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(data, separators=(",", ":")).encode("ascii")


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse_header(line: bytes) -> int | None:
    """The epoch a log's first line names, or None if it is not a header (a log written before
    epochs: it follows a snapshot without one, epoch 0)."""
    try:
        entry = parse_json(line)
    except ValueError:
        return None
    if isinstance(entry, dict) and set(entry) == {"epoch"} and isinstance(entry["epoch"], int):
        return entry["epoch"]
    return None


def _parse_entry(line: bytes) -> dict[str, Any] | None:
    """A log line as `_commit` writes it, or None if it is not one (torn or damaged)."""
    try:
        entry = parse_json(line)
    except ValueError:
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("tables"), dict):
        return None
    if not all(isinstance(table, dict) for table in entry["tables"].values()):
        return None
    if not isinstance(entry.get("dropped", []), list):
        return None
    return entry
