"""A TinyDB storage that keeps the parsed data in memory and makes each write durable by appending.

TinyDB's JSONStorage re-reads and rewrites the whole file on every write, and rewrites it in place,
so a crash mid-write corrupts it and a write costs time in proportion to the whole database. Here:

- `read()` hands TinyDB the parsed data kept in memory (parsed once, at open);
- `write(data)` appends one JSON line per table TinyDB replaced (it swaps in a new dict for the
  table it changed, so identity tells which) to `<path>.log`, then flushes it to the OS: a
  process crash (SIGKILL) loses nothing written before the call returned; with `fsync=True` the
  line is also forced to disk, so power loss loses nothing either;
- when the log outgrows the snapshot, the whole data is written as a new snapshot (temp file,
  fsync with `fsync=True`, rename) and the log is emptied. The snapshot is an ordinary TinyDB JSON file.

Opening replays the log over the snapshot; a torn last line (a crash mid-append) is dropped.
Replaying a log that a crash left behind after a snapshot is harmless: each line replaces a
whole table, and the last line of each table is the state the snapshot holds.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

MIN_LOG_BYTES = 1 << 20


class CorruptDatabase(Exception):
    """The database file or its log cannot be read; the message names the file and where."""


class LogStorage(Storage):
    def __init__(self, path: str | os.PathLike, fsync: bool = False) -> None:
        self.path = Path(path)
        self.log_path = self.path.with_name(self.path.name + ".log")
        self.fsync = fsync
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._data: dict[str, dict] = self._load_snapshot()
        replayed = self._replay_log()
        self._snapshot_bytes = self.path.stat().st_size if self.path.exists() else 0
        self._known = dict(self._data)
        self._deferring = False
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - held open for the storage's life
        self._log_bytes = self._log.tell()
        if replayed or self._log_bytes:  # also drops a torn tail before appending to it
            self.compact()

    def read(self) -> dict[str, Any] | None:
        return self._data

    @contextmanager
    def deferred(self):
        """Writes inside are kept in memory only; at the end the whole is one new snapshot."""
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
        self.compact()

    def write(self, data: dict[str, Any]) -> None:
        lines = [
            {"table": name, "documents": table}
            for name, table in data.items()
            if self._known.get(name) is not table
        ]
        lines += [{"table": name, "dropped": True} for name in self._known if name not in data]
        self._data = data
        self._known = dict(data)
        if lines and not self._deferring:
            self._append(lines)

    def compact(self) -> None:
        """Write the whole data as the new snapshot, atomically, then empty the log."""
        temp = self.path.with_name(self.path.name + ".tmp")
        with open(temp, "w", encoding="utf-8") as out:
            # dumps, not dump: only the one-shot encoder is the C one (json.dump is ~10x slower)
            out.write(json.dumps(self._data, ensure_ascii=False, separators=(",", ":")))
            out.flush()
            if self.fsync:  # a process crash cannot lose what the OS holds; power loss can
                os.fsync(out.fileno())
        os.replace(temp, self.path)
        self._sync_directory()
        self._snapshot_bytes = self.path.stat().st_size
        self._log.truncate(0)
        self._log.seek(0)
        self._log_bytes = 0

    def close(self) -> None:
        if not self._log.closed:
            self.compact()
            self._log.close()

    def _append(self, lines: list[dict]) -> None:
        payload = b"".join(
            json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            for line in lines
        )
        self._log.write(payload)
        self._log.flush()
        if self.fsync:
            os.fsync(self._log.fileno())
        self._log_bytes += len(payload)
        if self._log_bytes > max(MIN_LOG_BYTES, 2 * self._snapshot_bytes):
            self.compact()

    def _load_snapshot(self) -> dict[str, dict]:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return {}
        try:
            with open(self.path, encoding="utf-8") as source:
                data = json.load(source)
        except (ValueError, UnicodeDecodeError) as error:
            raise CorruptDatabase(f"{self.path}: not a valid JSON database ({error})") from None
        if not isinstance(data, dict):
            raise CorruptDatabase(f"{self.path}: expected a JSON object of tables")
        return data

    def _replay_log(self) -> bool:
        if not self.log_path.exists():
            return False
        with open(self.log_path, "rb") as source:
            lines = source.read().split(b"\n")
        replayed = False
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                if number >= len(lines) - 1:  # a torn last line: the crash interrupted it
                    break
                raise CorruptDatabase(f"{self.log_path}: line {number} is not valid JSON") from None
            if entry.get("dropped"):
                self._data.pop(entry["table"], None)
            else:
                self._data[entry["table"]] = entry["documents"]
            replayed = True
        return replayed

    def _sync_directory(self) -> None:
        if not self.fsync:
            return
        descriptor = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
